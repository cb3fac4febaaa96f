"""The issuer's Ed25519 key: create on first use, load, public PEM and fingerprint.

The local key lives in the data directory as ``issuer-key.pem`` (PEM, PKCS#8, unencrypted),
created with mode 0600 at ``open`` time (never widened then narrowed). An organisation can
keep its own key elsewhere and pass it with ``--issuer-key FILE``. A key file that exists
but cannot be read is reported and never overwritten.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .safeio import NotARegularFile, TooLarge, read_regular_file, write_new_file

ISSUER_KEY_FILENAME = "issuer-key.pem"
MAX_KEY_FILE_BYTES = 64 * 1024


class CertificateKeyError(Exception):
    """Base for key problems; the message is meant for the user."""


class IssuerKeyError(CertificateKeyError):
    """The issuer key file is missing, unreadable or damaged."""


class PublicKeyError(CertificateKeyError):
    """A public key file is unreadable or not an Ed25519 public key."""


def default_issuer_key_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / ISSUER_KEY_FILENAME


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """First 16 bytes of SHA-256 of the raw 32-byte public key, as 8 groups of 4 hex digits."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    digest = hashlib.sha256(raw_public_bytes(key)).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_key_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _read_limited(
    path: Path, what: str, error: type[CertificateKeyError]
) -> tuple[bytes, os.stat_result]:
    """Read a key file: a regular file only (a FIFO or device is refused, never waited on)."""
    try:
        return read_regular_file(path, MAX_KEY_FILE_BYTES)
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist.") from None
    except NotARegularFile as exc:
        raise error(f"{what} {exc}.") from None
    except TooLarge:
        raise error(f"{what} {path} is too large to be a key file.") from None
    except OSError as exc:
        raise error(f"{what} {path} cannot be read: {exc.strerror or exc}.") from None


def key_file_problem(path: Path, st: os.stat_result) -> str | None:
    """Why a private key file is unsafe to sign with (like ssh): readable or writable by
    group or others, or not owned by the user running trainer. None when it is safe.

    Not checked where POSIX ownership does not exist (Windows).
    """
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        return None
    if st.st_uid != geteuid():
        return (
            f"The issuer key file {path} is owned by another user (uid {st.st_uid}); a key "
            "someone else controls could have been replaced. Use your own key file, or "
            "re-run with --force if you trust it."
        )
    if st.st_mode & 0o077:
        return (
            f"The issuer key file {path} can be read by other users (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); anyone who reads it can sign certificates. "
            f"Fix it with: chmod 600 {path}   (or re-run with --force)."
        )
    return None


def load_issuer_key(path: Path | str, *, check_permissions: bool = False) -> Ed25519PrivateKey:
    """Load an Ed25519 private key (PEM PKCS#8). Raise IssuerKeyError with a clear message.

    With ``check_permissions`` (signing), a key file others can read or that another user
    owns is refused (see :func:`key_file_problem`).
    """
    path = Path(path)
    data, st = _read_limited(path, "The issuer key file", IssuerKeyError)
    damaged = (
        f"The issuer key file {path} is damaged or is not an unencrypted Ed25519 private key "
        "in PEM (PKCS#8) format. It has been left exactly as it is. Restore it from a backup, "
        "or point --issuer-key at the right file. Only if the key is truly lost, move the file "
        "aside yourself; a new key will then be created, and certificates signed with the old "
        "key will verify only against the old public key."
    )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise IssuerKeyError(
            f"The issuer key file {path} is password-protected; trainer needs an unencrypted "
            "PKCS#8 PEM key (keep the file itself protected: mode 0600, on a controlled machine)."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise IssuerKeyError(damaged) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise IssuerKeyError(
            f"The issuer key file {path} holds a {type(key).__name__.replace('_', '')} key; "
            "certificates need an Ed25519 key (e.g. `trainer keys generate FILE` or "
            "`openssl genpkey -algorithm ed25519 -out FILE`). The file was not changed."
        )
    problem = key_file_problem(path, st) if check_permissions else None
    if problem:
        raise IssuerKeyError(problem)
    return key


def create_issuer_key(path: Path | str) -> Ed25519PrivateKey:
    """Create a new key file at ``path`` with mode 0600. Never replaces an existing file.

    The key is written to a private temporary file in the same directory (created 0600 with
    O_EXCL), flushed to disk, then hard-linked into place, which fails if ``path`` already
    exists; so a crash never leaves a half-written key under the real name and a concurrent
    creator cannot be overwritten.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    write_new_file(path, _private_pem(key), mode=0o600)
    return key


def load_or_create_issuer_key(
    path: Path | str, *, create: bool = True, check_permissions: bool = True
) -> tuple[Ed25519PrivateKey, bool]:
    """Return (key, created). Creates the key only if no file exists at ``path``.

    This is the signing path, so by default an existing key file that others can read or
    another user owns is refused (``check_permissions=False`` is ``--force``).
    """
    path = Path(path)
    if create and not os.path.lexists(path):
        try:
            return create_issuer_key(path), True
        except FileExistsError:
            pass  # someone else created it a moment ago: use theirs
    return load_issuer_key(path, check_permissions=check_permissions), False


def load_public_key(path: Path | str) -> Ed25519PublicKey:
    """Load a published public key (PEM SubjectPublicKeyInfo); a private key file also works."""
    path = Path(path)
    data, _ = _read_limited(path, "The public key file", PublicKeyError)
    key: object
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (TypeError, ValueError, UnsupportedAlgorithm):
            raise PublicKeyError(
                f"The public key file {path} is not an Ed25519 public key in PEM format "
                "(-----BEGIN PUBLIC KEY-----)."
            ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise PublicKeyError(f"The public key file {path} does not hold an Ed25519 key.")
    return key
