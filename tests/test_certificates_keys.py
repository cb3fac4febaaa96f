"""Issuer keys: created 0600 on first use, never overwritten, clear errors, fingerprints."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainer.certificates.keys import (
    IssuerKeyError,
    PublicKeyError,
    create_issuer_key,
    default_issuer_key_path,
    fingerprint,
    load_issuer_key,
    load_or_create_issuer_key,
    load_public_key,
    public_key_pem,
    raw_public_bytes,
)


def test_key_is_created_0600_on_first_use_and_reused(tmp_path: Path) -> None:
    path = default_issuer_key_path(tmp_path / "data")
    old_umask = os.umask(0)  # even a permissive umask must not widen the mode
    try:
        key, created = load_or_create_issuer_key(path)
    finally:
        os.umask(old_umask)
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again, created_again = load_or_create_issuer_key(path)
    assert not created_again
    assert raw_public_bytes(again.public_key()) == raw_public_bytes(key.public_key())
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        create_issuer_key(path)
    assert path.read_bytes() == b"precious"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ],
)
def test_damaged_key_gives_clear_error_and_is_not_overwritten(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "issuer-key.pem"
    path.write_bytes(content)
    with pytest.raises(IssuerKeyError) as err:
        load_or_create_issuer_key(path)
    message = str(err.value)
    assert str(path) in message and "damaged" in message and "left exactly as it is" in message
    assert path.read_bytes() == content


def test_truncated_real_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "issuer-key.pem"
    create_issuer_key(path)
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(IssuerKeyError, match="damaged"):
        load_issuer_key(path)
    assert path.read_bytes() == good[: len(good) // 2]


def test_wrong_key_type_and_password_are_explained(tmp_path: Path) -> None:
    ec = generate_private_key(SECP256R1())
    p = tmp_path / "ec.pem"
    p.write_bytes(
        ec.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(IssuerKeyError, match="Ed25519"):
        load_issuer_key(p)
    enc = tmp_path / "enc.pem"
    enc.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    with pytest.raises(IssuerKeyError, match="password"):
        load_issuer_key(enc)


def test_named_key_that_does_not_exist_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "org-key.pem"
    with pytest.raises(IssuerKeyError, match="does not exist"):
        load_or_create_issuer_key(path, create=False)
    assert not path.exists()


def test_fingerprint_format_and_public_pem(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    fp = fingerprint(key)
    assert re.fullmatch(r"([0-9a-f]{4} ){7}[0-9a-f]{4}", fp)
    assert fp == fingerprint(key.public_key())
    pem = public_key_pem(key)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    pub_path = tmp_path / "pub.pem"
    pub_path.write_text(pem)
    loaded = load_public_key(pub_path)
    assert fingerprint(loaded) == fp


def test_known_fingerprint_vector() -> None:
    # RFC 8032 test 1 public key; fingerprint = first 16 bytes of SHA-256 of the raw key.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    fp = fingerprint(Ed25519PublicKey.from_public_bytes(raw))
    import hashlib

    expected = hashlib.sha256(raw).hexdigest()[:32]
    assert fp.replace(" ", "") == expected


def test_bad_public_key_file(tmp_path: Path) -> None:
    p = tmp_path / "pub.pem"
    p.write_text("not a key")
    with pytest.raises(PublicKeyError, match="not an Ed25519 public key"):
        load_public_key(p)
    with pytest.raises(PublicKeyError, match="does not exist"):
        load_public_key(tmp_path / "missing.pem")
