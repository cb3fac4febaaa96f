"""Canonical payload, token encoding and signature checks (no PDF, no records)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.certificate_fixtures import sample_payload
from trainer.certificates.payload import (
    ZDICT,
    CertificatePayload,
    ModuleResult,
    PayloadError,
    _deflate,
    b64url_decode,
    b64url_encode,
    canonical_json,
    decode_token,
    encode_token,
)
from trainer.certificates.verify import sign_payload, verify_token

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_canonical_json_is_sorted_compact_nfc_utf8() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë")
    assert decomposed != "Zoë"
    data = canonical_json({"b": 1, "a": [decomposed, 2]})
    assert data == '{"a":["Zoë",2],"b":1}'.encode()
    assert b" " not in data and b"\\u" not in data


@pytest.mark.parametrize("bad", [1.5, True, None, b"x", {1: "x"}])
def test_canonical_json_refuses_non_string_non_integer(bad: object) -> None:
    with pytest.raises(PayloadError):
        canonical_json({"x": bad})


def test_payload_carries_format_version_and_every_field(key: Ed25519PrivateKey) -> None:
    payload = sample_payload(key)
    data = json.loads(payload.canonical_bytes())
    assert data["format"] == 1
    assert data["modules"][0]["sha256"] == "a" * 64
    assert CertificatePayload.from_dict(data) == payload
    labels = [label for label, _ in payload.display_fields()]
    assert "Learner" in labels and "Module 2" in labels and "Issuer key fingerprint" in labels


def test_payload_nfc_normalises_names(key: Ed25519PrivateKey) -> None:
    nfd = sample_payload(key, learner=unicodedata.normalize("NFD", "Zoë Łukasiewicz-Ñúñez"))
    nfc = sample_payload(key)
    assert nfd.canonical_bytes() == nfc.canonical_bytes()


def test_token_round_trip_and_verify(key: Ed25519PrivateKey) -> None:
    payload = sample_payload(key)
    raw, token = sign_payload(key, payload)
    assert token.startswith("TRC1.") and token.count(".") == 2
    decoded = decode_token(token)
    assert decoded.payload == payload and decoded.payload_bytes == raw
    result = verify_token(token, key.public_key(), today=TODAY)
    assert result.valid, result.failures
    # Whitespace a person types or a line break does not matter.
    spaced = " ".join(token[i : i + 50] for i in range(0, len(token), 50))
    assert verify_token(spaced, key.public_key(), today=TODAY).valid


def test_token_is_compact_enough_for_a_qr_code(key: Ed25519PrivateKey) -> None:
    six = tuple(
        ModuleResult(f"module-{i}", f"Module number {i} title", "1.0.0", 90, f"{i:x}" * 64)
        for i in range(6)
    )
    _, token = sign_payload(key, sample_payload(key, modules=six))
    assert len(token) < 1100  # QR version <= 27 at level M
    assert len(token) < len(b64url_encode(sample_payload(key, modules=six).canonical_bytes()))


FIELD_CHANGES = {
    "certificate_id": "AAAA-BBBB-CCCC-DDDD",
    "learner": "Zoe Lukasiewicz-Nunez",
    "organisation": "Other Agency",
    "role": "employee",
    "course_id": "other-course",
    "course_title": "Other",
    "course_version": "9.9.9",
    "certificate_title": "Other title",
    "completed": "2025-03-15",
    "valid_until": "2099-03-14",
    "issued": "2025-03-16",
    "issuer": "Someone Else",
    "key_fingerprint": "0000 0000 0000 0000 0000 0000 0000 0000",
}


@pytest.mark.parametrize("field", sorted(FIELD_CHANGES))
def test_changing_any_field_breaks_the_signature(key: Ed25519PrivateKey, field: str) -> None:
    _, token = sign_payload(key, sample_payload(key))
    signature = token.rsplit(".", 1)[1]
    forged = sample_payload(key, **{field: FIELD_CHANGES[field]}).canonical_bytes()
    forged_token = encode_token(forged, b64url_decode(signature))
    result = verify_token(forged_token, key.public_key(), today=TODAY)
    assert not result.valid
    assert any("signature" in f for f in result.failures)


@pytest.mark.parametrize(
    "change",
    [
        {"score": 100},
        {"sha256": "c" * 64},
        {"id": "other"},
        {"title": "Other"},
        {"version": "2.0.0"},
    ],
)
def test_changing_a_module_breaks_the_signature(key: Ed25519PrivateKey, change: dict) -> None:
    payload = sample_payload(key)
    _, token = sign_payload(key, payload)
    sig = b64url_decode(token.rsplit(".", 1)[1])
    modules = (dataclasses.replace(payload.modules[0], **change), payload.modules[1])
    forged = encode_token(dataclasses.replace(payload, modules=modules).canonical_bytes(), sig)
    assert not verify_token(forged, key.public_key(), today=TODAY).valid
    # Dropping a module is caught as well.
    fewer = dataclasses.replace(payload, modules=payload.modules[:1]).canonical_bytes()
    assert not verify_token(encode_token(fewer, sig), key.public_key(), today=TODAY).valid


def test_every_signature_byte_matters(key: Ed25519PrivateKey) -> None:
    payload = sample_payload(key)
    raw, token = sign_payload(key, payload)
    sig = bytearray(b64url_decode(token.rsplit(".", 1)[1]))
    for i in range(len(sig)):
        bad = bytearray(sig)
        bad[i] ^= 0x01
        result = verify_token(encode_token(raw, bytes(bad)), key.public_key(), today=TODAY)
        assert not result.valid, i


def test_another_key_does_not_verify(key: Ed25519PrivateKey) -> None:
    _, token = sign_payload(key, sample_payload(key))
    other = Ed25519PrivateKey.generate()
    result = verify_token(token, other.public_key(), today=TODAY)
    assert not result.valid
    assert "names issuer key" in result.failures[0]


def test_damaged_tokens_are_reported_not_crashing(key: Ed25519PrivateKey) -> None:
    _, token = sign_payload(key, sample_payload(key))
    prefix, body, sig = token.split(".")
    cases = [
        "",
        "hello",
        f"TRC2.{body}.{sig}",
        f"{prefix}.{body}",
        f"{prefix}.{body[:-10]}.{sig}",
        f"{prefix}.{body}.{sig[:-2]}",
        f"{prefix}.{body}!.{sig}",
        f"{prefix}.{body[:5]}A{body[6:]}.{sig}",
    ]
    for case in cases:
        result = verify_token(case, key.public_key(), today=TODAY)
        assert not result.valid and result.failures, case


def test_non_canonical_payload_is_refused(key: Ed25519PrivateKey) -> None:
    payload = sample_payload(key)
    pretty = json.dumps(payload.to_dict(), indent=1, ensure_ascii=False).encode()
    token = encode_token(pretty, key.sign(pretty))  # validly signed but not canonical
    with pytest.raises(PayloadError, match="canonical"):
        decode_token(token)
    extra = payload.to_dict() | {"extra": "x"}
    raw = canonical_json(extra)
    with pytest.raises(PayloadError, match="unknown field"):
        decode_token(encode_token(raw, key.sign(raw)))
    v2 = payload.to_dict() | {"format": 2}
    raw = canonical_json(v2)
    with pytest.raises(PayloadError, match="format"):
        decode_token(encode_token(raw, key.sign(raw)))


def test_decompression_is_bounded(key: Ed25519PrivateKey) -> None:
    bomb = b'{"a":"' + b"x" * (10 * 1024 * 1024) + b'"}'
    token = f"TRC1.{b64url_encode(_deflate(bomb))}.{b64url_encode(bytes(64))}"
    assert len(token) < 40_000
    with pytest.raises(PayloadError, match="too large"):
        decode_token(token)


def test_expired_certificate_is_reported(key: Ed25519PrivateKey) -> None:
    _, token = sign_payload(key, sample_payload(key))
    result = verify_token(token, key.public_key(), today=dt.date(2026, 3, 15))
    assert result.signature_ok and result.expired and not result.valid
    assert "EXPIRED" in result.verdict
    assert verify_token(token, key.public_key(), today=dt.date(2026, 3, 14)).valid


def test_zdict_is_frozen() -> None:
    # The preset dictionary is part of the TRC1 format: changing it breaks old tokens.
    import hashlib

    assert hashlib.sha256(ZDICT).hexdigest()[:16] == ZDICT_SHA256_PREFIX


ZDICT_SHA256_PREFIX = "f1283813dacfde77"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{"}',
        b'{"a":"123456789012345678901234567890"}',
        b'{"a":"\\"[[[[[[[[[[[[[[[[[[\\\\"}',
        b'{"a":[[[[[[[1]]]]]]],"b":12345678901234567890}',
    ],
)
def test_json_shape_scan_accepts_strings_and_limits(raw: bytes) -> None:
    from trainer.certificates.payload import check_json_shape

    json.loads(raw)  # the samples are valid JSON
    check_json_shape(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 9 + b"]" * 9, "nested more than 8"),
        (b'{"a":"x\\"",' + b'"b":' + b"[" * 9 + b"]" * 9 + b"}", "nested more than 8"),
        (b'{"a":123456789012345678901}', "more than 20 digits"),
        (b'{"a":1.12345678901234567890123}', "more than 20 digits"),
    ],
)
def test_json_shape_scan_refuses_depth_and_long_numbers(raw: bytes, message: str) -> None:
    from trainer.certificates.payload import PayloadError, check_json_shape

    with pytest.raises(PayloadError, match=message):
        check_json_shape(raw)


def test_long_name_with_brackets_and_digits_still_verifies() -> None:
    key = Ed25519PrivateKey.generate()
    payload = sample_payload(key, learner="[[[[[[[[[[ 1234567890123456789012345 ]]]]]]]]]]")
    _, token = sign_payload(key, payload)
    assert verify_token(token, key.public_key(), today=dt.date(2025, 6, 1)).valid
