"""``trainer verify``: check a certificate PDF or token and print everything it asserts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.settings import settings_of

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "verify",
        help="verify a certificate PDF or token (exit 0 valid, 1 invalid, 2 unreadable)",
        description="Verify a certificate offline: the Ed25519 signature over every field, "
        "and for a PDF that the token in its metadata and on its page agree and that the page "
        "shows the signed name. Prints every signed field so you can compare it with the "
        "paper. Exit status: 0 valid, 1 invalid, tampered or expired, 2 unreadable input.",
    )
    p.add_argument("input", metavar="FILE.pdf|TOKEN", help="a certificate PDF, or its TRC1 token")
    p.add_argument(
        "--public-key",
        metavar="FILE",
        help="the issuer's published public key (PEM); default: this installation's issuer key",
    )
    p.set_defaults(handler=run)


def _emit(line: str = "", *, err: bool = False) -> None:
    """Print one line with every control character escaped (see trainer.safetext)."""
    from trainer.safetext import terminal_safe

    print(terminal_safe(line), file=sys.stderr if err else sys.stdout)


def run(args: argparse.Namespace) -> int:
    """Verify, print every field terminal-safe, and end with the verdict as the last line."""
    from trainer.certificates.keys import (
        CertificateKeyError,
        fingerprint,
        load_issuer_key,
        load_public_key,
    )
    from trainer.certificates.verify import UnreadableInput, read_input, verify_input

    try:
        inp = read_input(args.input)
    except UnreadableInput as exc:
        _emit(f"trainer: cannot read a certificate: {exc}", err=True)
        return EXIT_UNREADABLE
    try:
        if args.public_key:
            public = load_public_key(Path(args.public_key).expanduser())
            against = f"the public key in {args.public_key}"
        else:
            key_path = settings_of(args).issuer_key.value
            if not key_path.exists():
                _emit(
                    f"trainer: no --public-key given and this installation has no issuer key "
                    f"({key_path}). Pass the issuer's published key with --public-key FILE.",
                    err=True,
                )
                return EXIT_UNREADABLE
            public = load_issuer_key(key_path).public_key()
            against = (
                f"this installation's own issuer key ({key_path}), as no --public-key was given"
            )
    except CertificateKeyError as exc:
        _emit(f"trainer: {exc}", err=True)
        return EXIT_UNREADABLE

    result = verify_input(inp, public)
    source = {"pdf": "PDF", "token": "token", "file": "token file"}[inp.kind]
    _emit(f"Checked: {source} {args.input if inp.kind != 'token' else ''}".rstrip())
    _emit(f"Against: {against}")
    _emit(f"         key fingerprint {fingerprint(public)}")
    if result.payload is not None:
        heading = (
            "Certificate fields (signed):"
            if result.signature_ok
            else ("Certificate fields as CLAIMED (NOT verified):")
        )
        _emit()
        _emit(heading)
        rows = result.payload.display_fields()
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            _emit(f"  {label.ljust(width)}  {value}")
    _emit()
    for note in result.notes:
        _emit(f"Note: {note}")
    for failure in result.failures:
        _emit(f"FAILED: {failure}")
    if result.signature_ok and not args.public_key:
        _emit(
            "Caution: checked against the local key only. Whoever holds that key (possibly the "
            "learner) can sign anything; use --public-key with your organisation's published "
            "key to check origin."
        )
    # The verdict is always the last line: nothing printed above can stand in for it, since
    # every line above is escaped to one terminal line.
    sys.stdout.flush()
    if result.valid:
        page = " and the page shows exactly the signed text" if inp.kind == "pdf" else ""
        _emit(
            f"Verdict: VALID — the signature covers every field above{page}. Compare the "
            "name, course and dates with the paper."
        )
    else:
        _emit(f"Verdict: {result.verdict}")
    return EXIT_VALID if result.valid else EXIT_INVALID
