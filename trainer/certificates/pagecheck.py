"""The page is the signed payload: check a certificate PDF's page against what trainer draws.

A signature covers the token, not the paper. So ``trainer verify`` also checks that the page a
reader sees says exactly what was signed, in three steps, each bounded in work:

1. :func:`inspect_page` — before any text is extracted: the page's content stream must use
   only the encodings trainer writes (Flate, ASCII85), decode to at most
   ``MAX_CONTENT_BYTES`` and hold at most ``MAX_OPERATORS`` operators; the page may not draw
   form XObjects (nested content); at most ``MAX_FONTS`` fonts, whose character maps decode
   to at most ``MAX_CMAP_BYTES``.
2. :func:`text_differences` — the page's extracted text must equal, after removing all
   whitespace, the lines :func:`trainer.certificates.pdf.page_text_lines` says the renderer
   draws for the payload (the same drawing code). Extra, missing or changed text fails,
   invisible text included, since extraction reads it too.
3. :func:`drawing_differences` — the page is re-rendered from the payload and token, and the
   two pages are compared object by object: the same drawing operations (colours, fonts and
   sizes, positions, text, images) with numbers equal to 0.001, the same embedded fonts (so
   no glyph was swapped), the same single QR image, no annotations, and no other resources.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from dataclasses import dataclass
from typing import Any

from .payload import CertificatePayload
from .pdf import PAPER_SIZES, page_text_lines, render_to_bytes

MAX_CONTENT_BYTES = 512 * 1024  # decoded page content; a certificate's is ~10-40 KiB
MAX_OPERATORS = 20_000  # a certificate draws ~250-600
MAX_STREAM_BYTES = 8 * 1024 * 1024  # a decoded font or image stream (compared, not parsed)
MAX_FONTS = 32  # a certificate has 4 (more subsets for names in many scripts)
MAX_CMAP_BYTES = 256 * 1024  # a ToUnicode map; trainer's are ~2 KiB
MAX_OBJECTS_COMPARED = 50_000  # PDF objects visited by drawing_differences
_OPERATOR_RE = re.compile(rb"[A-Za-z'\"*]+")  # over-counts (words in strings): a safe bound

_COLOUR_OPS = ["rg", "RG", "g", "G", "k", "K", "sc", "SC", "scn", "SCN", "cs", "CS"]
_POSITION_OPS = ["Tm", "Td", "TD", "T*", "TL", "cm", "Tc", "Tw", "Tz", "Ts"]
_OP_KINDS = {
    **dict.fromkeys(_COLOUR_OPS, "a colour"),
    **dict.fromkeys(["Tf"], "a font or text size"),
    **dict.fromkeys(_POSITION_OPS, "a position or spacing"),
    **dict.fromkeys(["Tr"], "the text rendering mode (e.g. invisible text)"),
    **dict.fromkeys(["Tj", "TJ", "'", '"'], "text"),
    **dict.fromkeys(["Do"], "an image or form"),
    **dict.fromkeys(["gs"], "the graphics state (e.g. transparency)"),
}  # fmt: skip


class PageProblem(Exception):
    """The page cannot be checked safely; the message says why (a FAILED line)."""


@dataclass
class PageInspection:
    """A page that passed :func:`inspect_page`, with its decoded content."""

    content: bytes
    operators: int


def decode_stream(stream: Any, limit: int, what: str) -> bytes:
    """Decode a PDF stream with only the filters trainer writes, to at most ``limit`` bytes.

    pypdf would decode anything (LZW, run length, predictors…) up to its own, much larger,
    limits; here any other filter, or decode parameters, is a :class:`PageProblem`.
    """
    filters = stream.get("/Filter")
    if filters is None:
        names: list[str] = []
    elif isinstance(filters, list):
        names = [str(f) for f in filters]
    else:
        names = [str(filters)]
    if stream.get("/DecodeParms") is not None:
        raise PageProblem(f"the {what} uses decode parameters trainer never writes")
    data: bytes = bytes(getattr(stream, "_data", b"") or b"")
    for name in names:
        if name == "/ASCII85Decode":
            text = data.strip().removeprefix(b"<~")
            end = text.find(b"~>")
            text = text[:end] if end >= 0 else text
            try:
                data = base64.a85decode(text)
            except (ValueError, binascii.Error):
                raise PageProblem(f"the {what} is damaged (ASCII85)") from None
        elif name == "/FlateDecode":
            decomp = zlib.decompressobj()
            try:
                data = decomp.decompress(data, limit + 1)
            except zlib.error:
                raise PageProblem(f"the {what} is damaged (Flate)") from None
        else:
            raise PageProblem(f"the {what} uses the encoding {name}, which trainer never writes")
        if len(data) > limit:
            raise PageProblem(
                f"the {what} decodes to more than {limit:,} bytes; a certificate's is far "
                "smaller, so it was not examined"
            )
    return data


def page_content(page: Any) -> bytes:
    """The page's decoded content stream(s), bounded by ``MAX_CONTENT_BYTES`` in total."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = list(contents) if isinstance(contents, list) else [contents]
    if len(streams) > 64:
        raise PageProblem(f"the page has {len(streams)} content streams; a certificate has one")
    parts: list[bytes] = []
    total = 0
    for item in streams:
        part = decode_stream(item.get_object(), MAX_CONTENT_BYTES - total, "page content stream")
        total += len(part)
        parts.append(part)
    return b"\n".join(parts)


def inspect_page(page: Any) -> PageInspection:
    """Check the bounds of one page before any text is extracted from it (see module doc)."""
    content = page_content(page)
    operators = len(_OPERATOR_RE.findall(content))
    if operators > MAX_OPERATORS:
        raise PageProblem(
            f"the page has about {operators:,} drawing operators (limit {MAX_OPERATORS:,}; a "
            "certificate has a few hundred), so it was not examined"
        )
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        xobjects = xobjects.get_object()
        if len(xobjects) > 64:
            raise PageProblem(
                f"the page has {len(xobjects)} images or forms; a certificate has one"
            )
        for value in xobjects.values():
            if value.get_object().get("/Subtype") != "/Image":
                raise PageProblem(
                    "the page draws a form XObject (nested drawing); a certificate never does"
                )
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is not None:
        fonts = fonts.get_object()
        if len(fonts) > MAX_FONTS:
            raise PageProblem(f"the page has {len(fonts)} fonts; a certificate has a few")
        for value in fonts.values():
            cmap = value.get_object().get("/ToUnicode")
            if cmap is not None:  # text extraction parses it: bound it first
                decode_stream(cmap.get_object(), MAX_CMAP_BYTES, "font's character map")
    return PageInspection(content, operators)


def _strip(text: str) -> str:
    return "".join(text.split())


def _line_at(lines: list[str], index: int) -> str:
    """The line holding character ``index`` of the whitespace-free concatenation of ``lines``."""
    seen = 0
    for line in lines:
        seen += len(_strip(line))
        if index < seen:
            return " ".join(line.split())
    return ""


def text_differences(page_text: str, expected_lines: list[str]) -> list[str]:
    """Compare extracted page text with the expected lines, ignoring whitespace only.

    Returns at most one FAILED message, naming the expected line and the page line where the
    first difference is. Whitespace is removed, not just collapsed, because text extraction
    guesses spaces from glyph positions (letter-spaced headings come back as "C E R T…").
    """
    found = _strip(page_text)
    expected = _strip("".join(expected_lines))
    if found == expected:
        return []
    i = next((k for k, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b), None)
    if i is None:
        i = min(len(found), len(expected))
    page_lines = page_text.splitlines()
    want = _line_at(expected_lines, i)
    got = _line_at(page_lines, i)
    if len(found) > len(expected) and not want:
        return [
            f"the page shows text that is not on the signed certificate: “{got[:120]}” "
            "(extra or hidden text)"
        ]
    if not got:
        return [f"the page is missing text of the signed certificate: “{want[:120]}”"]
    return [
        f"the page text differs from the signed certificate: the page shows “{got[:120]}” "
        f"where the signed certificate has “{want[:120]}”"
    ]


def paper_of(page: Any) -> str | None:
    """The paper name whose size the page's media box has (origin 0 0), or None."""
    try:
        box = [float(v) for v in page.get("/MediaBox")]
    except (TypeError, ValueError):
        return None
    for name, (w, h) in PAPER_SIZES.items():
        if len(box) == 4 and all(abs(a - b) < 0.01 for a, b in zip(box, (0, 0, w, h), strict=True)):
            return name
    return None


def expected_text_lines(payload: CertificatePayload, token: str, paper: str) -> list[str]:
    """The text trainer draws for ``payload`` (see :func:`pdf.page_text_lines`)."""
    return page_text_lines(payload, token, paper)


# ---- drawing comparison ------------------------------------------------------------------
class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise PageProblem("the page's objects are too many to compare; it was not examined")


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value) if isinstance(value, (int, float)) else None
    except (TypeError, ValueError):
        return None


def _same_value(a: Any, b: Any) -> bool:
    """Operands/objects without indirection: numbers to 0.001, everything else exactly."""
    na, nb = _num(a), _num(b)
    if na is not None or nb is not None:
        return na is not None and nb is not None and abs(na - nb) <= 1e-3 * max(1.0, abs(nb))
    if isinstance(b, (list, tuple)):
        return (
            isinstance(a, (list, tuple))
            and len(a) == len(b)
            and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
        )
    same: bool = type(a) is type(b) and bool(a == b)
    return same


def _same_object(a: Any, b: Any, budget: _Budget, depth: int = 0) -> bool:
    """Deep comparison of a candidate PDF object ``a`` with the expected ``b``.

    Streams compare by decoded data (bounded by the expected length); ``/Length``,
    ``/Filter``, ``/DecodeParms`` and ``/Parent`` are ignored. Work is bounded by the expected
    object's size, ``MAX_OBJECTS_COMPARED`` and a depth of 32.
    """
    budget.spend()
    if depth > 32:
        return False
    a = a.get_object() if hasattr(a, "get_object") else a
    b = b.get_object() if hasattr(b, "get_object") else b
    if isinstance(b, dict):
        if not isinstance(a, dict):
            return False
        skip = {"/Length", "/Filter", "/DecodeParms", "/Parent"}
        if set(a) - skip != set(b) - skip:
            return False
        if not all(_same_object(a[k], b[k], budget, depth + 1) for k in b if k not in skip):
            return False
        if hasattr(b, "get_data"):
            if not hasattr(a, "get_data"):
                return False
            want: bytes = b.get_data()
            try:
                return decode_stream(a, len(want), "embedded data") == want
            except PageProblem:
                return False
        return True
    if isinstance(b, list):
        return (
            isinstance(a, list)
            and len(a) == len(b)
            and all(_same_object(x, y, budget, depth + 1) for x, y in zip(a, b, strict=True))
        )
    return _same_value(a, b)


def _operations(content: bytes, reader: Any) -> list[tuple[list[Any], bytes]]:
    from pypdf.generic import ContentStream, DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(content)
    return list(ContentStream(stream, reader).operations)


def _describe_operation(
    i: int, got: tuple[list[Any], bytes] | None, want: tuple[list[Any], bytes] | None
) -> str:
    op = (want or got or ([], b""))[1].decode("latin-1")
    kind = _OP_KINDS.get(op, "shapes or clipping")
    if got is None:
        return f"the page stops drawing at instruction {i + 1}, before {kind} ({op}) trainer draws"
    if want is None:
        extra = got[1].decode("latin-1")
        kind = _OP_KINDS.get(extra, "shapes or clipping")
        return f"the page draws more than trainer does: {kind} ({extra}) at instruction {i + 1}"
    shown = " ".join(repr(x)[:40] for x in got[0])[:120]
    expected = " ".join(repr(x)[:40] for x in want[0])[:120]
    if got[1] != want[1]:
        g = got[1].decode("latin-1")
        return (
            f"the page is drawn differently at instruction {i + 1}: it sets "
            f"{_OP_KINDS.get(g, 'shapes or clipping')} ({g} {shown}) where trainer draws "
            f"{kind} ({op} {expected})"
        )
    return (
        f"the page is drawn differently at instruction {i + 1}: {kind} is {shown} ({op}) "
        f"where trainer draws {expected}"
    )


def drawing_differences(
    page: Any,
    reader: Any,
    inspection: PageInspection,
    payload: CertificatePayload,
    token: str,
    paper: str,
    verify_url: str | None = None,
) -> list[str]:
    """Compare the page with the page trainer renders for (payload, token, paper, verify_url).

    Returns FAILED messages (at most one per aspect: page entries, images, fonts, other
    resources, drawing operations).
    """
    from pypdf import PdfReader

    expected_reader = PdfReader(io.BytesIO(render_to_bytes(payload, token, paper, verify_url)))
    want = expected_reader.pages[0]
    problems: list[str] = []
    budget = _Budget(MAX_OBJECTS_COMPARED)
    skip = {"/Parent", "/Contents", "/Resources"}
    if "/Annots" in page:
        problems.append(
            "the page has annotations (form fields, links or notes), which can draw over it; "
            "trainer never adds any"
        )
    extra = sorted(set(page) - set(want) - skip - {"/Annots"})
    missing = sorted(set(want) - set(page) - skip)
    if extra or missing:
        problems.append(
            "the page's settings differ from trainer's ("
            + ", ".join([*(f"extra {k}" for k in extra), *(f"missing {k}" for k in missing)])[:200]
            + ")"
        )
    elif not all(_same_object(page[k], want[k], budget) for k in want if k not in skip):
        problems.append("the page's settings (page box, rotation…) differ from trainer's")

    res = page.get("/Resources")
    res = res.get_object() if res is not None else {}
    want_res: Any = want["/Resources"].get_object()
    images = res.get("/XObject")
    images = images.get_object() if images is not None else {}
    want_images = want_res["/XObject"].get_object()
    if len(images) != len(want_images):
        problems.append(
            f"the page holds {len(images)} images; a certificate holds exactly one, its QR code "
            "(an image can cover or replace text)"
        )
    elif set(images) != set(want_images) or not _same_object(images, want_images, budget):
        problems.append("the QR code image is not the QR code trainer draws for this token")
    if not _same_object(res.get("/Font"), want_res["/Font"], budget):
        problems.append(
            "the page's fonts differ from the ones trainer embeds (a changed font can draw other "
            "letters than the text it holds)"
        )
    other = sorted(set(res) - {"/XObject", "/Font", "/ProcSet"})
    if other:
        problems.append(
            "the page uses graphics resources trainer never uses: " + ", ".join(other)[:120]
        )

    got_ops = _operations(inspection.content, reader)
    want_ops = _operations(page_content(want), expected_reader)
    for i in range(max(len(got_ops), len(want_ops))):
        g = got_ops[i] if i < len(got_ops) else None
        w = want_ops[i] if i < len(want_ops) else None
        if g is None or w is None or g[1] != w[1] or not _same_value(list(g[0]), list(w[0])):
            problems.append(_describe_operation(i, g, w))
            break
    return problems
