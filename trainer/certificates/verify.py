"""Sign payloads and verify tokens or certificate PDFs.

Verification never trusts anything it has not checked: the token must decode strictly, the
Ed25519 signature must be valid for the given public key over the canonical payload bytes,
and for a PDF the token in the metadata and the token printed on the page must agree and the
page must show the signed learner name and certificate ID.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .keys import fingerprint
from .payload import (
    TOKEN_PREFIX,
    CertificatePayload,
    PayloadError,
    clean_token,
    decode_token,
    encode_token,
)

MAX_INPUT_BYTES = 32 * 1024 * 1024
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
            if _signature_complete(token):
                break
            if not nxt or not _TOKEN_LINE_RE.match(nxt):
                break
            token += nxt
        return token
    return None


def _signature_complete(token: str) -> bool:
    parts = token.split(".")
    return len(parts) >= 3 and len(parts[2]) >= SIGNATURE_CHARS


def read_pdf_tokens(data: bytes) -> PdfTokens:
    # pypdf is imported here so token verification works without it.
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise UnreadableInput(f"reading PDFs needs the pypdf package ({exc})") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableInput("the PDF is encrypted")
        meta = reader.metadata
        keywords = meta.get("/Keywords") if meta else None
        metadata_token = str(keywords).strip() if keywords else None
        if metadata_token and not metadata_token.startswith(TOKEN_PREFIX + "."):
            metadata_token = None
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except UnreadableInput:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
    ) as exc:
        raise UnreadableInput(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    return PdfTokens(metadata_token, token_from_page_text(text), text)


@dataclass
class Input:
    kind: str  # "pdf" | "token" | "file"
    token: str
    pdf: PdfTokens | None = None
    notes: list[str] = field(default_factory=list)


def read_input(arg: str) -> Input:
    """Interpret ``arg`` as a token, a PDF file, or a text file holding a token."""
    stripped = clean_token(arg)
    if stripped.startswith(TOKEN_PREFIX + "."):
        return Input("token", stripped)
    path = Path(arg)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise UnreadableInput(f"{arg}: no such file, and not a {TOKEN_PREFIX} token") from None
    except OSError as exc:
        raise UnreadableInput(f"{arg}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UnreadableInput(f"{arg}: too large for a certificate")
    if data.lstrip()[:5] == b"%PDF-":
        tokens = read_pdf_tokens(data)
        notes: list[str] = []
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
    found = "".join(text.split())
    if not found.startswith(TOKEN_PREFIX + "."):
        raise UnreadableInput(f"{arg}: no {TOKEN_PREFIX} token in this file")
    return Input("file", found)


def verify_input(
    inp: Input, public_key: Ed25519PublicKey, today: _dt.date | None = None
) -> VerificationResult:
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
    if result.payload is not None and pdf.page_text.strip():
        page = _norm_text(pdf.page_text)
        p = result.payload
        for label, value in (("learner name", p.learner), ("certificate ID", p.certificate_id)):
            if _norm_text(value) not in page:
                result.failures.append(
                    f"the page does not show the signed {label} “{value}” "
                    "(the visible text does not match the token)"
                )
    return result
