"""Render a one-page certificate PDF with reportlab.

Text is real text in an embedded DejaVu Sans subset (shipped in trainer/fonts with its
licence), so any name in the Basic Multilingual Plane that DejaVu covers renders and can be
copied or read aloud. The verification token is drawn as text (DejaVu Sans Mono, in groups of 8)
and as a QR code, and is also stored in the PDF's Keywords so ``trainer verify`` can read it
back and compare both copies.
"""

from __future__ import annotations

import functools
import io
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from PIL import Image
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .payload import CertificatePayload

PAPER_SIZES = {"letter": landscape(LETTER), "a4": landscape(A4)}
FONT = "TrainerDejaVuSans"
FONT_BOLD = "TrainerDejaVuSans-Bold"
MONO = "TrainerDejaVuSansMono"  # tells 0/O and 1/l/I apart for typing the token
TOKEN_GROUP = 8  # characters per group in the printed token
TOKEN_LABEL = "Verification code"
DOC_LANG = "en"

INK = colors.HexColor("#1b2a41")
ACCENT = colors.HexColor("#2f5d8a")
MUTED = colors.HexColor("#55606e")
RULE = colors.HexColor("#b8c4d2")

_font_lock = threading.Lock()
_fonts_ready = False


def _font_bytes(name: str) -> bytes:
    return resources.files("trainer").joinpath("fonts", name).read_bytes()


def register_fonts() -> None:
    """Register the shipped fonts with reportlab once per process."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _font_lock:
        if _fonts_ready:
            return
        pdfmetrics.registerFont(TTFont(FONT, io.BytesIO(_font_bytes("DejaVuSans.ttf"))))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, io.BytesIO(_font_bytes("DejaVuSans-Bold.ttf"))))
        pdfmetrics.registerFont(TTFont(MONO, io.BytesIO(_font_bytes("DejaVuSansMono.ttf"))))
        _fonts_ready = True


def unsupported_characters(text: str) -> list[str]:
    """Characters the certificate cannot show faithfully: not in DejaVu Sans (regular and
    bold), or written right to left (reportlab draws without bidi reordering or shaping)."""
    register_fonts()
    faces = [pdfmetrics.getFont(name).face.charToGlyph for name in (FONT, FONT_BOLD)]
    bad: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace() or ch in bad:
            continue
        rtl = unicodedata.bidirectional(ch) in ("R", "AL", "RLE", "RLO", "RLI")
        if rtl or any(ord(ch) not in glyphs for glyphs in faces):
            bad.append(ch)
    return bad


@dataclass(frozen=True)
class CertificateView:
    """What the page shows besides the payload: nothing that is not signed is printed."""

    payload: CertificatePayload
    token: str


def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _fit(text: str, font: str, size: float, min_size: float, width: float) -> float:
    """Largest size <= ``size`` (down to ``min_size``) at which ``text`` fits ``width``."""
    w = _width(text, font, size)
    if w <= width:
        return size
    return max(min_size, size * width / w * 0.995)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _ellipsize(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut to the longest prefix that fits ``width`` with an ellipsis.

    A binary search over the prefix length (widths only grow with length), so a hostile
    50,000-character title costs milliseconds, not minutes.
    """
    if _width(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)  # the answer n: longest prefix with width(prefix + "…") <= width
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def wrap_token(token: str, groups_per_line: int, group: int = TOKEN_GROUP) -> list[str]:
    """Lines of space-separated groups; spaces and line breaks are ignored when read back."""
    per_line = groups_per_line * group
    return [
        " ".join(token[j : j + group] for j in range(i, min(i + per_line, len(token)), group))
        for i in range(0, len(token), per_line)
    ]


def _human_date(iso: str) -> str:
    y, m, d = iso.split("-")
    months = [
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ]  # fmt: skip
    return f"{int(d)} {months[int(m) - 1]} {y}"


class TextRecorder:
    """A stand-in for reportlab's Canvas that records the text drawn, in drawing order.

    :func:`page_text_lines` runs the very code that draws the page (:func:`_draw_page`) on
    one of these, so what ``trainer verify`` expects to read on a page can never drift from
    what the renderer draws. Drawing calls without text are accepted and ignored.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def drawString(self, x: float, y: float, text: str, **_: object) -> None:
        self.lines.append(text)

    drawCentredString = drawString
    drawRightString = drawString

    def __getattr__(self, name: str) -> Callable[..., None]:
        """Every other Canvas method (colours, fonts, rules, images) draws no text."""
        return lambda *args, **kwargs: None


def page_text_lines(payload: CertificatePayload, token: str, paper: str = "letter") -> list[str]:
    """Every text line the certificate page shows for ``payload``, in drawing order.

    The same drawing code as :func:`render_certificate`, recorded instead of drawn (the QR
    code is not drawn, so this is cheap).
    """
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    register_fonts()
    recorder = TextRecorder()
    _draw_page(recorder, payload, token, *PAPER_SIZES[paper])
    return recorder.lines


def qr_text(token: str, verify_url: str | None = None) -> str:
    """What the QR code holds: the token, or ``VERIFY_URL#token`` for a verification page."""
    return f"{verify_url}#{token}" if verify_url else token


SUBJECT_URL_MARK = " Verification page: "  # the Subject ends with it and the URL, if any


def verify_url_from_subject(subject: str) -> str | None:
    """The verification-page address a certificate's Subject names (see render_certificate)."""
    _head, mark, url = subject.rpartition(SUBJECT_URL_MARK)
    return (url.strip() or None) if mark else None


def render_certificate(
    payload: CertificatePayload,
    token: str,
    out: str | Path | BinaryIO,
    paper: str = "letter",
    verify_url: str | None = None,
) -> None:
    """Draw the certificate to ``out`` (a path or a binary file object).

    With ``verify_url`` the QR code holds ``VERIFY_URL#token`` (see :func:`qr_text`) and the
    PDF Subject ends with ``SUBJECT_URL_MARK`` and the address, so ``trainer verify`` can
    redraw the same page. Raises ValueError for an unknown paper size or a QR text too long
    for a QR code (see :func:`token_fits_qr`).
    """
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    code = qr_text(token, verify_url)
    if not token_fits_qr(code):
        raise ValueError(
            f"the verification code is {len(code)} characters; a QR code holds at most "
            f"{QR_MAX_BYTES} (shorten the name, organisation or titles)"
        )
    register_fonts()
    page_w, page_h = PAPER_SIZES[paper]
    target = str(out) if isinstance(out, Path) else out
    c = Canvas(target, pagesize=(page_w, page_h), lang=DOC_LANG, pageCompression=1)
    c.setTitle(f"{payload.certificate_title} — {payload.learner}")
    c.setAuthor(payload.issuer)
    c.setSubject(
        f"Certificate {payload.certificate_id}: {payload.learner} completed "
        f"{payload.course_title} (version {payload.course_version})"
        + (f"{SUBJECT_URL_MARK}{verify_url}" if verify_url else "")
    )
    c.setKeywords(token)
    c.setCreator("trainer")
    c.setViewerPreference("DisplayDocTitle", "true")
    _draw_page(c, payload, token, page_w, page_h, code)
    c.showPage()
    c.save()


def _draw_page(
    c: Canvas,
    payload: CertificatePayload,
    token: str,
    page_w: float,
    page_h: float,
    code: str | None = None,
) -> None:
    """Draw everything on the page. Also run on a :class:`TextRecorder` by verification."""
    margin = 30.0
    # Frame: an outer rule and an inner hairline.
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.2)
    c.rect(margin, margin, page_w - 2 * margin, page_h - 2 * margin)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.rect(margin + 5, margin + 5, page_w - 2 * margin - 10, page_h - 2 * margin - 10)

    inner_l = margin + 26
    inner_r = page_w - margin - 26
    inner_w = inner_r - inner_l
    cx = page_w / 2

    # ---- header ------------------------------------------------------------------------
    y = page_h - margin - 40
    c.setFillColor(ACCENT)
    c.setFont(FONT_BOLD, 10.5)
    c.drawCentredString(cx, y, "CERTIFICATE OF COMPLETION", charSpace=2.2)

    y -= 32
    c.setFillColor(INK)
    size = _fit(payload.certificate_title, FONT_BOLD, 22, 15, inner_w)
    title_lines = _wrap(payload.certificate_title, FONT_BOLD, size, inner_w)[:2]
    for line in title_lines:
        c.setFont(FONT_BOLD, size)
        c.drawCentredString(cx, y, _ellipsize(line, FONT_BOLD, size, inner_w))
        y -= size * 1.2

    y -= 10
    c.setFillColor(MUTED)
    c.setFont(FONT, 11)
    c.drawCentredString(cx, y, "This certifies that")

    y -= 36
    c.setFillColor(INK)
    size = _fit(payload.learner, FONT_BOLD, 30, 12, inner_w)
    c.setFont(FONT_BOLD, size)
    c.drawCentredString(cx, y, payload.learner)  # never shortened: verify looks for it

    y -= 20
    c.setFillColor(MUTED)
    who = f"{payload.role.capitalize()} · {payload.organisation}"
    size = _fit(who, FONT, 12, 7, inner_w)
    c.setFont(FONT, size)
    c.drawCentredString(cx, y, who)

    y -= 24
    c.setFillColor(INK)
    course_line = (
        f"has completed the course “{payload.course_title}”, version {payload.course_version}"
    )
    size = 12.0
    for line in _wrap(course_line, FONT, size, inner_w)[:2]:
        c.setFont(FONT, size)
        c.drawCentredString(cx, y, line)
        y -= size * 1.3

    # ---- token (bottom, full width) ------------------------------------------------------
    def token_layout(size: float) -> list[str]:
        char_w = _width("0", MONO, size)
        groups = max(1, int((inner_w + char_w) // ((TOKEN_GROUP + 1) * char_w)))
        return wrap_token(token, groups)

    token_size = 6.8
    token_lines = token_layout(token_size)
    while len(token_lines) > 8 and token_size > 4.5:
        token_size -= 0.3
        token_lines = token_layout(token_size)
    token_lead = token_size * 1.28
    token_bottom = margin + 16
    token_top = token_bottom + token_lead * (len(token_lines) - 1)
    c.setFillColor(MUTED)
    c.setFont(FONT, 7.5)
    label_y = token_top + token_lead + 5
    c.drawString(
        inner_l,
        label_y,
        f"{TOKEN_LABEL} (if the QR code cannot be scanned, type it into "
        "“trainer verify”; spaces and line breaks do not matter):",
    )
    c.setFillColor(INK)
    c.setFont(MONO, token_size)
    ty = token_top
    for line in token_lines:
        c.drawString(inner_l, ty, line)
        ty -= token_lead

    # ---- middle band: modules + facts (left), QR (right) ----------------------------------
    band_top = y - 6
    band_bottom = label_y + 14
    qr_size = min(200.0, band_top - band_bottom - 12)
    qr_x = inner_r - qr_size
    qr_y = band_bottom + 12 + (band_top - band_bottom - 12 - qr_size) / 2
    _draw_qr(c, code or token, qr_x, qr_y, qr_size)
    c.setFillColor(MUTED)
    c.setFont(FONT, 7.5)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 8, "Scan to verify")

    left_w = qr_x - inner_l - 28
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.line(inner_l, band_top, inner_l + left_w, band_top)

    # Facts block at the bottom of the band, modules table above it.
    facts = [
        ("Completed", _human_date(payload.completed)),
        ("Valid until", _human_date(payload.valid_until)),
        ("Certificate ID", payload.certificate_id),
        ("Issued by", payload.issuer),
        ("Issuer key fingerprint", payload.key_fingerprint),
    ]
    fact_size = 9.5
    fact_lead = 13.5
    label_w = max(_width(lbl, FONT_BOLD, fact_size) for lbl, _ in facts) + 10
    fy = band_bottom + fact_lead * (len(facts) - 1)
    facts_top = fy + fact_lead
    for lbl, value in facts:
        c.setFillColor(MUTED)
        c.setFont(FONT_BOLD, fact_size)
        c.drawString(inner_l, fy, lbl)
        c.setFillColor(INK)
        vsize = _fit(value, FONT, fact_size, 6, left_w - label_w)
        c.setFont(FONT, vsize)
        c.drawString(inner_l + label_w, fy, value)
        fy -= fact_lead

    # Modules table.
    table_top = band_top - 16
    table_bottom = facts_top + 8
    n = len(payload.modules)
    row = min(15.0, max(7.5, (table_top - table_bottom - 15) / max(n, 1)))
    row_size = min(10.0, row * 0.68)
    score_col = inner_l + left_w
    c.setFillColor(MUTED)
    c.setFont(FONT_BOLD, 8.5)
    c.drawString(inner_l, table_top, "MODULE")
    c.drawRightString(score_col, table_top, "SCORE")
    ry = table_top - 15
    name_w = left_w - 60
    for m in payload.modules:
        if ry < table_bottom - 1:
            break  # cannot happen for sane courses; never overlap the facts
        c.setFillColor(INK)
        c.setFont(FONT, row_size)
        c.drawString(inner_l, ry, _ellipsize(m.title, FONT, row_size, name_w))
        c.setFont(FONT_BOLD, row_size)
        c.drawRightString(score_col, ry, f"{m.score}%")
        ry -= row
    c.setStrokeColor(RULE)
    c.line(inner_l, facts_top - 1, inner_l + left_w, facts_top - 1)


QR_MASK = 0  # see _qr_matrix
QR_MAX_BYTES = 2331  # byte-mode capacity of the largest QR code (version 40) at level M


def token_fits_qr(token: str) -> bool:
    """True if ``token`` fits one QR code at error correction level M (no "code length
    overflow" when drawing it)."""
    return len(token.encode("utf-8")) <= QR_MAX_BYTES


# reportlab's encoder builds the Reed-Solomon generator polynomial again for every block of
# every code (about 40% of a code's encoding time, pure Python); it depends only on the
# number of error-correction bytes and is never changed once built, so it is built once.
# The codes are the same (tests/test_certificates_pdf.py compares them with the unmemoised
# encoder's).
_GENERATOR = qrencoder.QRUtil.getErrorCorrectPolynomial
_GENERATOR = getattr(_GENERATOR, "__wrapped__", _GENERATOR)  # reportlab's own, on a reload too
qrencoder.QRUtil.getErrorCorrectPolynomial = staticmethod(
    functools.lru_cache(maxsize=64)(_GENERATOR)
)


def _qr_matrix(token: str) -> list[list[bool]]:
    """The QR code's modules (level M, byte mode, smallest version that fits).

    reportlab's encoder tries all eight mask patterns and scores each (about 0.2 s in pure
    Python for a certificate-sized code). Any mask decodes; the score only avoids patterns
    that confuse scanners, which compressed, base64url-encoded data does not produce. So one
    fixed mask is used, which makes drawing the code about ten times faster.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(qrencoder.QR8bitByte(token))
    code.version = code.calculate_version()
    code.makeImpl(False, QR_MASK)
    return [[bool(m) for m in row] for row in code.modules]


QR_PIXELS_PER_MODULE = 4


def _draw_qr(c: Canvas, token: str, x: float, y: float, size: float, border: int = 2) -> None:
    """Draw the code as a greyscale image (a few pixels per module), not as vector boxes.

    As thousands of vector rectangles the code made reading the page text back (for
    ``trainer verify``) ten times slower. Several pixels per module keep it sharp when a
    viewer scales it down for the screen, where one pixel per module would be smoothed.
    """
    if isinstance(c, TextRecorder):
        return  # recording text only: the code is an image
    c.drawImage(ImageReader(qr_image(token, border)), x, y, size, size)


def qr_image(token: str, border: int = 2) -> Image.Image:
    """The QR code as a greyscale image: ``QR_PIXELS_PER_MODULE`` pixels per module, a
    ``border``-module white margin. Built row by row as bytes (fast enough to redraw on every
    verification)."""
    modules = _qr_matrix(token)
    k = QR_PIXELS_PER_MODULE
    side = (len(modules) + 2 * border) * k
    white_rows = b"\xff" * side * border * k
    rows = [white_rows]
    margin = b"\xff" * border * k
    for row in modules:
        line = margin + b"".join(b"\x00" * k if dark else b"\xff" * k for dark in row) + margin
        rows.append(line * k)
    rows.append(white_rows)
    return Image.frombytes("L", (side, side), b"".join(rows))


def render_to_bytes(
    payload: CertificatePayload, token: str, paper: str = "letter", verify_url: str | None = None
) -> bytes:
    """The certificate PDF as bytes (see :func:`render_certificate`)."""
    buf = io.BytesIO()
    render_certificate(payload, token, buf, paper, verify_url)
    return buf.getvalue()
