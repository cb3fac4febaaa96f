"""The signed facts of a certificate, their canonical encoding and the verification token.

Canonical payload (format 1)
----------------------------
A JSON object whose values are strings, integers, lists and objects only (no floats,
booleans or nulls). Every string is Unicode NFC. It is encoded as
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` in UTF-8.
The Ed25519 signature is computed over exactly those bytes.

Token (``TRC1``)
----------------
``TRC1.<base64url(raw deflate(payload bytes, zdict=ZDICT))>.<base64url(signature)>``,
without ``=`` padding.
The payload is raw-deflate compressed inside the token only so that the QR code stays at a
scannable size (the JSON keys and the bank metadata compress well); the signature is always
over the *uncompressed* canonical bytes, and decoding insists that the bytes it recovers are
exactly the canonical encoding of what they contain, so there is one token per payload.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as _dt
import json
import re
import unicodedata
import zlib
from collections.abc import Mapping
from typing import Any

PAYLOAD_FORMAT = 1
TOKEN_PREFIX = "TRC1"
MAX_PAYLOAD_BYTES = 64 * 1024  # decompression limit; real payloads are ~1-3 KiB
MAX_TOKEN_CHARS = 128 * 1024
SIGNATURE_BYTES = 64
MAX_JSON_DEPTH = 8  # format 1 nests 3 levels; checked before json.loads
MAX_NUMBER_DIGITS = 20  # format 1 numbers have at most 3 digits; checked before json.loads

_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# Token characters: the prefix, base64url and the two dots.
TOKEN_RE = re.compile(r"TRC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class PayloadError(ValueError):
    """The payload or token is malformed (not a signature problem)."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _normalise(value: Any, where: str = "payload") -> Any:
    """Return ``value`` with every string NFC-normalised; refuse non-canonical types."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise PayloadError(f"{where}: only strings and integers are allowed, got {value!r}")
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise PayloadError(f"{where}: object keys must be strings, got {key!r}")
            out[nfc(key)] = _normalise(item, f"{where}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [_normalise(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise PayloadError(f"{where}: unsupported type {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """Canonical UTF-8 JSON: NFC strings, sorted keys, no whitespace, no ASCII escaping."""
    return json.dumps(
        _normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


@dataclasses.dataclass(frozen=True)
class ModuleResult:
    """One module the learner passed, as it stands on the certificate."""

    id: str
    title: str
    version: str
    score: int  # percent, 0-100 (floor(100 * earned / maximum))
    sha256: str  # lowercase hex SHA-256 of the module file the learner passed

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class CertificatePayload:
    """Everything a certificate asserts. All fields are signed."""

    certificate_id: str
    learner: str
    organisation: str
    role: str
    course_id: str
    course_title: str
    course_version: str
    certificate_title: str
    modules: tuple[ModuleResult, ...]
    completed: str  # ISO date the last required module was passed
    valid_until: str  # ISO date: completed + course validity_months
    issued: str  # ISO date the certificate was issued
    issuer: str  # issuer name from the course file
    key_fingerprint: str  # fingerprint of the signing key (see keys.fingerprint)
    format: int = PAYLOAD_FORMAT

    # -- encoding -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["modules"] = [m.to_dict() for m in self.modules]
        return data

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, data: Any) -> CertificatePayload:
        """Strictly rebuild a payload: exact field set, exact types, format 1."""
        if not isinstance(data, dict):
            raise PayloadError("payload is not a JSON object")
        fmt = data.get("format")
        if fmt != PAYLOAD_FORMAT or isinstance(fmt, bool):
            raise PayloadError(
                f"unsupported payload format {fmt!r} (this version reads {PAYLOAD_FORMAT})"
            )
        _check_fields(data, {f.name for f in dataclasses.fields(cls)}, "payload")
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in ("modules", "format"):
                continue
            values[f.name] = _need_str(data, f.name, "payload")
        modules_raw = data["modules"]
        if not isinstance(modules_raw, list) or not modules_raw:
            raise PayloadError("payload.modules must be a non-empty list")
        modules = []
        module_fields = {f.name for f in dataclasses.fields(ModuleResult)}
        for i, raw in enumerate(modules_raw):
            where = f"payload.modules[{i}]"
            if not isinstance(raw, dict):
                raise PayloadError(f"{where} is not an object")
            _check_fields(raw, module_fields, where)
            score = raw["score"]
            if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
                raise PayloadError(f"{where}.score must be an integer 0-100")
            digest = _need_str(raw, "sha256", where)
            if not _SHA256_RE.match(digest):
                raise PayloadError(f"{where}.sha256 must be 64 lowercase hex digits")
            modules.append(
                ModuleResult(
                    id=_need_str(raw, "id", where),
                    title=_need_str(raw, "title", where),
                    version=_need_str(raw, "version", where),
                    score=score,
                    sha256=digest,
                )
            )
        values["modules"] = tuple(modules)
        for name in ("completed", "valid_until", "issued"):
            if not _DATE_RE.match(values[name]):
                raise PayloadError(f"payload.{name} must be an ISO date (YYYY-MM-DD)")
            try:
                _dt.date.fromisoformat(values[name])
            except ValueError as exc:
                raise PayloadError(f"payload.{name}: {exc}") from None
        return cls(**values)

    def valid_until_date(self) -> _dt.date:
        return _dt.date.fromisoformat(self.valid_until)

    def display_fields(self) -> list[tuple[str, str]]:
        """Every field, in a fixed human order, as (label, value) pairs."""
        rows = [
            ("Payload format", str(self.format)),
            ("Certificate ID", self.certificate_id),
            ("Learner", self.learner),
            ("Organisation", self.organisation),
            ("Role", self.role),
            ("Certificate title", self.certificate_title),
            ("Course", f"{self.course_title} (id {self.course_id})"),
            ("Course version", self.course_version),
            ("Completed", self.completed),
            ("Valid until", self.valid_until),
            ("Issued", self.issued),
            ("Issuer", self.issuer),
            ("Issuer key fingerprint", self.key_fingerprint),
        ]
        for i, m in enumerate(self.modules, 1):
            rows.append(
                (
                    f"Module {i}",
                    f"{m.title} (id {m.id}, version {m.version}): {m.score}%  sha256 {m.sha256}",
                )
            )
        return rows


def _check_fields(data: dict[str, Any], expected: set[str], where: str) -> None:
    missing = expected - data.keys()
    extra = data.keys() - expected
    if missing:
        raise PayloadError(f"{where} is missing {', '.join(sorted(missing))}")
    if extra:
        raise PayloadError(f"{where} has unknown field(s) {', '.join(sorted(extra))}")


def _need_str(data: dict[str, Any], name: str, where: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise PayloadError(f"{where}.{name} must be a string")
    return value


# -- token ---------------------------------------------------------------------------------
def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not _B64URL_RE.match(text) or len(text) % 4 == 1:
        raise PayloadError("not valid base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise PayloadError("not valid base64url") from None


# Preset deflate dictionary (part of the TRC1 format: NEVER change it; a new dictionary needs
# a new token prefix). It holds the JSON skeleton so the field names cost almost nothing.
ZDICT = (
    b'"role":"employee""role":"uniformed""role":"contractor"'
    b'{"certificate_id":"","certificate_title":"","completed":"20","course_id":"",'
    b'"course_title":"","course_version":"1.0","format":1,"issued":"20","issuer":"",'
    b'"key_fingerprint":"","learner":"","modules":[{"id":"","score":,"sha256":"",'
    b'"title":"","version":"1.0.0"},{"id":"","score":100,"sha256":"","title":"",'
    b'"version":"1.0.0"}],"organisation":"","role":"","valid_until":"20'
)


def _deflate(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=ZDICT)
    return comp.compress(data) + comp.flush()


def _inflate(data: bytes) -> bytes:
    decomp = zlib.decompressobj(-15, zdict=ZDICT)
    try:
        out = decomp.decompress(data, MAX_PAYLOAD_BYTES)
    except zlib.error:
        raise PayloadError("payload does not decompress (token damaged)") from None
    if decomp.unconsumed_tail:
        raise PayloadError("payload is too large")
    if not decomp.eof or decomp.unused_data:
        raise PayloadError("payload is truncated or has trailing data (token damaged)")
    return out


def check_json_shape(raw: bytes) -> None:
    """Refuse JSON nested deeper than ``MAX_JSON_DEPTH`` or with a number of more than
    ``MAX_NUMBER_DIGITS`` digits, by scanning the bytes BEFORE ``json.loads`` sees them.

    A format-1 payload nests three levels (payload, modules list, module) and its numbers are
    at most 3 digits; a hostile token could otherwise nest 30,000 levels (RecursionError) or
    hold a 5,000-digit integer (Python's integer-string limit raises ValueError) — both used
    to end in a traceback. Characters inside strings are skipped (escapes included).
    """
    depth = 0
    digits = 0
    in_string = False
    escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
            continue
        if 0x30 <= byte <= 0x39:
            digits += 1
            if digits > MAX_NUMBER_DIGITS:
                raise PayloadError(
                    f"payload holds a number of more than {MAX_NUMBER_DIGITS} digits"
                )
            continue
        digits = 0
        if byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise PayloadError(f"payload JSON is nested more than {MAX_JSON_DEPTH} levels deep")
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1


def encode_token(payload_bytes: bytes, signature: bytes) -> str:
    return f"{TOKEN_PREFIX}.{b64url_encode(_deflate(payload_bytes))}.{b64url_encode(signature)}"


@dataclasses.dataclass(frozen=True)
class DecodedToken:
    payload_bytes: bytes  # the canonical bytes the signature covers
    signature: bytes
    payload: CertificatePayload


def clean_token(text: str) -> str:
    """Remove whitespace a person may have typed or a layout may have inserted. A
    verification-page address (``VERIFY_URL#TRC1.…``, as in the QR code) gives its token."""
    text = "".join(text.split())
    at = text.find("#" + TOKEN_PREFIX + ".")
    return text[at + 1 :] if at >= 0 else text


def decode_token(token: str) -> DecodedToken:
    """Parse a token; raise PayloadError saying what is wrong. Does NOT check the signature."""
    token = clean_token(token)
    if len(token) > MAX_TOKEN_CHARS:
        raise PayloadError("token is too long")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise PayloadError(
            f"not a certificate token (expected {TOKEN_PREFIX}.<payload>.<signature>)"
        )
    compressed = b64url_decode(parts[1])
    signature = b64url_decode(parts[2])
    if len(signature) != SIGNATURE_BYTES:
        raise PayloadError(f"signature is {len(signature)} bytes, expected {SIGNATURE_BYTES}")
    if b64url_encode(compressed) != parts[1] or b64url_encode(signature) != parts[2]:
        raise PayloadError("non-canonical base64url in token")
    raw = _inflate(compressed)
    check_json_shape(raw)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("payload is not UTF-8 JSON") from None
    except (ValueError, RecursionError):  # cannot happen after check_json_shape; belt and braces
        raise PayloadError("payload JSON is too deeply nested or has too large a number") from None
    try:
        canonical = canonical_json(data)
    except PayloadError as exc:
        raise PayloadError(f"payload is not canonical: {exc}") from None
    if canonical != raw:
        raise PayloadError("payload is not in canonical form (sorted keys, NFC, no whitespace)")
    return DecodedToken(
        payload_bytes=raw, signature=signature, payload=CertificatePayload.from_dict(data)
    )
