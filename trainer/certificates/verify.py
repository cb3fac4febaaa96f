"""Sign payloads and verify tokens or certificate PDFs.

Verification never trusts anything it has not checked: the token must decode strictly, the
Ed25519 signature must be valid for the given public key over the canonical payload bytes,
and for a PDF the token in the metadata and the token printed on the page must agree, the PDF
must have exactly one page, and that page must be exactly the page trainer draws for the
signed payload (see :mod:`trainer.certificates.pagecheck`). Every input is bounded before it
is parsed: only regular files are read, up to ``MAX_INPUT_BYTES``; PDF library warnings are
captured, never printed.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .keys import fingerprint
from .pagecheck import (
    PageInspection,
    PageProblem,
    drawing_differences,
    expected_text_lines,
    inspect_page,
    paper_of,
    text_differences,
)
from .payload import (
    MAX_TOKEN_CHARS,
    TOKEN_PREFIX,
    CertificatePayload,
    PayloadError,
    clean_token,
    decode_token,
    encode_token,
)
from .pdf import QR_MAX_BYTES, qr_text, token_fits_qr, verify_url_from_subject
from .safeio import NotARegularFile, TooLarge, read_regular_file

MAX_INPUT_BYTES = 2 * 1024 * 1024  # a certificate PDF is ~70-150 KB
MAX_PAGES_READ = 4  # pages whose text is read to find a token (a certificate has one)
_TOKEN_LINE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
SIGNATURE_CHARS = 86  # base64url of a 64-byte Ed25519 signature, unpadded


class UnreadableInput(Exception):
    """No token could be read from the input (exit status 2)."""


def sign_payload(key: Ed25519PrivateKey, payload: CertificatePayload) -> tuple[bytes, str]:
    """Return (canonical payload bytes, token)."""
    data = payload.canonical_bytes()
    return data, encode_token(data, key.sign(data))


@dataclass
class VerificationResult:
    payload: CertificatePayload | None = None
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature_ok: bool = False
    expired: bool = False
    key_fingerprint: str = ""  # fingerprint of the key used to verify

    @property
    def valid(self) -> bool:
        return self.signature_ok and not self.failures and not self.expired

    @property
    def verdict(self) -> str:
        if self.valid:
            return "VALID"
        if self.signature_ok and not self.failures and self.expired:
            return "EXPIRED (the signature is genuine, but the valid-until date has passed)"
        return "INVALID"


def verify_token(
    token: str, public_key: Ed25519PublicKey, today: _dt.date | None = None
) -> VerificationResult:
    result = VerificationResult(key_fingerprint=fingerprint(public_key))
    try:
        decoded = decode_token(token)
    except PayloadError as exc:
        result.failures.append(f"the token is damaged or not a certificate token: {exc}")
        return result
    result.payload = decoded.payload
    try:
        public_key.verify(decoded.signature, decoded.payload_bytes)
    except InvalidSignature:
        if decoded.payload.key_fingerprint != result.key_fingerprint:
            result.failures.append(
                "signature check failed: the certificate names issuer key "
                f"{decoded.payload.key_fingerprint}, but it was checked against key "
                f"{result.key_fingerprint}. Use --public-key with the issuer's published key; "
                "if that is the key you used, the certificate was altered."
            )
        else:
            result.failures.append(
                "signature check failed: the certificate's contents were changed after "
                "signing, or the signature was altered"
            )
        return result
    result.signature_ok = True
    if decoded.payload.key_fingerprint != result.key_fingerprint:
        # Genuinely signed by this key, but the payload claims another key: not trustworthy.
        result.failures.append(
            f"the certificate claims issuer key {decoded.payload.key_fingerprint}, but was "
            f"signed with key {result.key_fingerprint}"
        )
    today = today or _dt.date.today()
    if decoded.payload.valid_until_date() < today:
        result.expired = True
        result.notes.append(
            f"expired on {decoded.payload.valid_until} (today is {today.isoformat()})"
        )
    return result


# ---- reading input ---------------------------------------------------------------------
@dataclass
class PdfTokens:
    metadata_token: str | None
    page_token: str | None
    page_text: str
    page_count: int = 1
    problems: list[str] = field(default_factory=list)  # FAILED lines found while reading
    reader: Any = None  # the pypdf reader, for the page check
    inspection: PageInspection | None = None  # page 1's bounded content, if it passed
    library_warnings: int = 0
    verify_url: str | None = None  # the verification page the QR code opens (from Subject)


def _norm_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def token_from_page_text(text: str) -> str | None:
    """Reassemble the token printed on the page.

    It starts on a line beginning ``TRC1.`` and runs over the following lines (spaces between
    groups are ignored) until its signature part is complete: a signature is always
    ``SIGNATURE_CHARS`` characters, so the end is known without trusting the layout.
    """
    lines = ["".join(ln.split()) for ln in text.splitlines()]
    for i, line in enumerate(lines):
        if not (line.startswith(TOKEN_PREFIX + ".") and _TOKEN_LINE_RE.match(line)):
            continue
        token = line
        for nxt in lines[i + 1 :]:
            if _signature_complete(token) or len(token) > MAX_TOKEN_CHARS:
                break
            if not nxt or not _TOKEN_LINE_RE.match(nxt):
                break
            token += nxt
        return token
    return None


def _signature_complete(token: str) -> bool:
    parts = token.split(".")
    return len(parts) >= 3 and len(parts[2]) >= SIGNATURE_CHARS


class _Collect(logging.Handler):
    """Counts the PDF library's log records instead of letting them reach the terminal."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.count += 1


@contextlib.contextmanager
def quiet_pdf_library() -> Iterator[_Collect]:
    """Capture pypdf's ``logging`` output and ``warnings`` for the duration of the block."""
    logger = logging.getLogger("pypdf")
    handler = _Collect()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield handler
    finally:
        logger.handlers[:], logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def _metadata_token(reader: Any) -> str | None:
    meta = reader.metadata
    keywords = meta.get("/Keywords") if meta else None
    if not keywords:
        return None
    text = str(keywords).strip()
    if len(text) > MAX_TOKEN_CHARS or not text.startswith(TOKEN_PREFIX + "."):
        return None
    return text


def _verify_url(reader: Any) -> str | None:
    """The verification-page address in the Subject (see pdf.render_certificate), if sane."""
    meta = reader.metadata
    subject = meta.get("/Subject") if meta else None
    url = verify_url_from_subject(str(subject)[:8192]) if subject else None
    if url is None or len(url) > QR_MAX_BYTES or any(ch.isspace() for ch in url):
        return None
    return url


def _read_pages(reader: Any, tokens: PdfTokens) -> None:
    """Page count, then the bounded inspection and text of the first pages (see pagecheck)."""
    declared = reader.trailer["/Root"]["/Pages"].get("/Count")
    if isinstance(declared, int) and declared > MAX_PAGES_READ:
        # Not even listed: the page tree of a many-page file is never walked.
        tokens.page_count = declared
        tokens.problems.append(
            f"the PDF says it has {declared} pages; a trainer certificate has exactly one page"
        )
        return
    count = len(reader.pages)
    tokens.page_count = count
    if count != 1:
        tokens.problems.append(
            f"the PDF has {count} pages; a trainer certificate has exactly one page (a forged "
            "page can be put in front of a genuine one)"
        )
    texts: list[str] = []
    for index in range(min(count, MAX_PAGES_READ)):
        page = reader.pages[index]
        try:
            inspection = inspect_page(page)
        except PageProblem as exc:
            if count == 1:
                tokens.problems.append(str(exc))
            continue
        if index == 0:
            tokens.inspection = inspection
        texts.append(page.extract_text() or "")
    tokens.page_text = "\n".join(texts)
    tokens.page_token = token_from_page_text(tokens.page_text)


def read_pdf_tokens(data: bytes) -> PdfTokens:
    """Read the tokens and the page of a PDF, bounded (see the module docstring)."""
    # pypdf is imported here so token verification works without it.
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise UnreadableInput(f"reading PDFs needs the pypdf package ({exc})") from None
    with quiet_pdf_library() as log:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise UnreadableInput("the PDF is encrypted")
            tokens = PdfTokens(_metadata_token(reader), None, "", reader=reader)
            tokens.verify_url = _verify_url(reader)
            _read_pages(reader, tokens)
        except UnreadableInput:
            raise
        except PageProblem as exc:
            raise UnreadableInput(f"the PDF cannot be read ({exc})") from None
        except (Exception, RecursionError) as exc:  # hostile input: any parser failure
            raise UnreadableInput(
                f"the PDF cannot be read ({type(exc).__name__}: {str(exc)[:200]})"
            ) from None
    tokens.library_warnings = log.count
    return tokens


@dataclass
class Input:
    kind: str  # "pdf" | "token" | "file"
    token: str
    pdf: PdfTokens | None = None
    notes: list[str] = field(default_factory=list)


def read_input(arg: str) -> Input:
    """Interpret ``arg`` as a token, a PDF file, or a text file holding a token.

    Only regular files are read (a FIFO, device or directory is refused at once), at most
    ``MAX_INPUT_BYTES``; a token longer than ``MAX_TOKEN_CHARS`` is refused.
    """
    stripped = clean_token(arg)  # also takes a verification-page address VERIFY_URL#TRC1.…
    if stripped.startswith(TOKEN_PREFIX + "."):
        if len(stripped) > MAX_TOKEN_CHARS:
            raise UnreadableInput(f"the token is longer than {MAX_TOKEN_CHARS:,} characters")
        return Input("token", stripped)
    path = Path(arg)
    try:
        data, _ = read_regular_file(path, MAX_INPUT_BYTES)
    except FileNotFoundError:
        raise UnreadableInput(f"{arg}: no such file, and not a {TOKEN_PREFIX} token") from None
    except NotARegularFile as exc:
        raise UnreadableInput(f"{exc}; give a certificate PDF or a token") from None
    except TooLarge:
        raise UnreadableInput(
            f"{arg}: too large for a certificate (limit {MAX_INPUT_BYTES:,} bytes)"
        ) from None
    except OSError as exc:
        raise UnreadableInput(f"{arg}: cannot be read ({exc.strerror or exc})") from None
    if data.lstrip()[:5] == b"%PDF-":
        tokens = read_pdf_tokens(data)
        notes: list[str] = []
        if tokens.library_warnings:
            notes.append(
                f"the PDF library reported {tokens.library_warnings} problem(s) reading this "
                "file (it may be damaged or edited)"
            )
        if tokens.metadata_token and tokens.page_token:
            token = tokens.metadata_token
        elif tokens.metadata_token or tokens.page_token:
            token = tokens.metadata_token or tokens.page_token or ""
            where = "metadata" if tokens.metadata_token else "page text"
            notes.append(f"the token was found only in the PDF {where}")
        else:
            raise UnreadableInput(f"{arg}: no certificate token found in this PDF")
        return Input("pdf", token, tokens, notes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableInput(f"{arg}: neither a PDF nor a text file with a token") from None
    found = clean_token(text)
    if not found.startswith(TOKEN_PREFIX + "."):
        raise UnreadableInput(f"{arg}: no {TOKEN_PREFIX} token in this file")
    if len(found) > MAX_TOKEN_CHARS:
        raise UnreadableInput(f"{arg}: the token is longer than {MAX_TOKEN_CHARS:,} characters")
    return Input("file", found)


NO_TEXT = (
    "the page has no extractable text (a scan, a photo or an image-only page), so it cannot "
    "be checked against the token; verify the certificate by its token instead: scan its QR "
    "code or type the printed verification code into 'trainer verify TRC1…'"
)


def check_page(pdf: PdfTokens, payload: CertificatePayload, token: str) -> list[str]:
    """FAILED lines for a PDF whose page is not exactly the page trainer draws for ``payload``."""
    if pdf.problems:
        return list(pdf.problems)
    if pdf.inspection is None:
        return ["the page could not be examined"]
    if not pdf.page_text.strip():
        return [NO_TEXT]
    page = pdf.reader.pages[0]
    paper = paper_of(page)
    if paper is None:
        return ["the page is not US Letter or A4 landscape, the sizes trainer draws"]
    if not token_fits_qr(qr_text(token, pdf.verify_url)):
        return ["the token is too long for a QR code, so trainer never drew this page"]
    failures: list[str] = []
    p = payload
    page_norm = _norm_text(pdf.page_text)
    for label, value in (("learner name", p.learner), ("certificate ID", p.certificate_id)):
        if _norm_text(value) not in page_norm:
            failures.append(
                f"the page does not show the signed {label} “{value}” "
                "(the visible text does not match the token)"
            )
    try:
        expected = expected_text_lines(payload, token, paper)
    except Exception as exc:  # a payload the renderer cannot lay out was never drawn by it
        return [f"trainer cannot lay out this certificate's page ({type(exc).__name__})"]
    failures += text_differences(pdf.page_text, expected)
    if failures:
        return failures
    with quiet_pdf_library():
        try:
            found: list[str] = drawing_differences(
                page, pdf.reader, pdf.inspection, payload, token, paper, pdf.verify_url
            )
            return found
        except PageProblem as exc:
            return [str(exc)]
        except (Exception, RecursionError) as exc:  # hostile structure: never a traceback
            return [f"the page's drawing could not be compared ({type(exc).__name__})"]


def verify_input(
    inp: Input, public_key: Ed25519PublicKey, today: _dt.date | None = None
) -> VerificationResult:
    """Verify the token; for a PDF also its two token copies and its page (see module doc)."""
    result = verify_token(inp.token, public_key, today)
    result.notes[:0] = inp.notes
    pdf = inp.pdf
    if pdf is None:
        return result
    if pdf.metadata_token and pdf.page_token and pdf.metadata_token != pdf.page_token:
        result.failures.append(
            "the token in the PDF metadata differs from the token printed on the page "
            "(the PDF was altered or assembled from two certificates)"
        )
    if pdf.verify_url:
        result.notes.append(
            f"the QR code opens {pdf.verify_url} — make sure this is the issuer's own "
            "verification page (the address is not signed)"
        )
    if result.payload is not None and result.signature_ok:
        result.failures += check_page(pdf, result.payload, inp.token)
    else:
        result.failures += pdf.problems  # a forged signature is INVALID anyway: no rendering
    return result
