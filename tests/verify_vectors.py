"""Token vectors checked by both `trainer verify` and the browser verification page.

Every vector is built here by code from a fixed trusted key and a fixed attacker key, with the
verdict the Python verifier gives it; the browser test asserts the page gives the same one, so
the two verifiers cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.certificate_fixtures import sample_payload
from trainer.certificates.payload import CertificatePayload, ModuleResult, encode_token
from trainer.certificates.verify import sign_payload

TODAY = _dt.date(2025, 6, 1)
TRUSTED = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ATTACKER = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
HOSTILE = '<img src=x onerror="alert(1)"><b>Bold</b> \x1b[2J\x1b]0;pwned\x07 \u202eevil'


@dataclass(frozen=True)
class Vector:
    name: str
    token: str
    expected: str  # VALID | INVALID | EXPIRED


def _genuine(**changes: object) -> CertificatePayload:
    base = {"valid_until": "2026-03-14", **changes}
    return sample_payload(TRUSTED, **base)


def _token(key: Ed25519PrivateKey, payload: CertificatePayload) -> str:
    return sign_payload(key, payload)[1]


def _tampered(field: str, value: object) -> str:
    """The genuine signature over a payload with one field changed."""
    genuine = _genuine()
    signature = TRUSTED.sign(genuine.canonical_bytes())
    changed = dataclasses.replace(genuine, **{field: value})  # type: ignore[arg-type]
    return encode_token(changed.canonical_bytes(), signature)


def _raw(key: Ed25519PrivateKey, data: bytes) -> str:
    return encode_token(data, key.sign(data))


def vectors() -> list[Vector]:
    genuine = _token(TRUSTED, _genuine())
    genuine_dict = _genuine().to_dict()
    spaced = json.dumps(genuine_dict, sort_keys=True).encode()  # not canonical: spaces
    deep = ("[" * 5000 + "]" * 5000).encode()
    huge = (
        json.dumps({**genuine_dict, "format": 1})
        .replace('"format": 1', '"format": 1' + "0" * 5000)
        .encode()
    )
    module = ModuleResult("consent-basics", "Consent that isn't", "1.0.0", 10, "a" * 64)
    out = [
        Vector("genuine", genuine, "VALID"),
        Vector("expired", _token(TRUSTED, _genuine(valid_until="2025-05-31")), "EXPIRED"),
        Vector(
            "hostile-fields-genuine-key",
            _token(TRUSTED, _genuine(learner=HOSTILE, organisation=HOSTILE)),
            "VALID",
        ),
        Vector(
            "hostile-fields-attacker-key",
            _token(ATTACKER, sample_payload(ATTACKER, learner=HOSTILE, role=HOSTILE)),
            "INVALID",
        ),
        Vector("attacker-key-claims-trusted-fingerprint", _token(ATTACKER, _genuine()), "INVALID"),
        Vector(
            "attacker-key-own-fingerprint", _token(ATTACKER, sample_payload(ATTACKER)), "INVALID"
        ),
        Vector("truncated", genuine[:-10], "INVALID"),
        Vector("truncated-payload", genuine[:40] + genuine[genuine.rindex(".") :], "INVALID"),
        Vector("not-canonical-json", _raw(TRUSTED, spaced), "INVALID"),
        Vector("deep-json", _raw(TRUSTED, deep), "INVALID"),
        Vector("huge-integer", _raw(TRUSTED, huge), "INVALID"),
        Vector("url-form", "https://training.example.gov/verify.html#" + genuine, "VALID"),
    ]
    for field, value in (
        ("learner", "Somebody Else"),
        ("organisation", "Other Agency"),
        ("role", "employee"),
        ("valid_until", "2030-03-14"),
        ("completed", "2025-03-01"),
        ("certificate_id", "AAAA-BBBB-CCCC-DDDD"),
        ("course_title", "Another course"),
        ("modules", (module,)),
    ):
        out.append(Vector(f"tampered-{field}", _tampered(field, value), "INVALID"))
    return out
