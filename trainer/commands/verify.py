"""``trainer verify``: check a certificate PDF or token and print everything it asserts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.paths import data_dir

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


def run(args: argparse.Namespace) -> int:
    from trainer.certificates.keys import (
        CertificateKeyError,
        default_issuer_key_path,
        fingerprint,
        load_issuer_key,
        load_public_key,
    )
    from trainer.certificates.verify import UnreadableInput, read_input, verify_input

    try:
        inp = read_input(args.input)
    except UnreadableInput as exc:
        print(f"trainer: cannot read a certificate: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        if args.public_key:
            public = load_public_key(Path(args.public_key).expanduser())
            against = f"the public key in {args.public_key}"
        else:
            key_path = default_issuer_key_path(data_dir(getattr(args, "data_dir", None)))
            if not key_path.exists():
                print(
                    f"trainer: no --public-key given and this installation has no issuer key "
                    f"({key_path}). Pass the issuer's published key with --public-key FILE.",
                    file=sys.stderr,
                )
                return EXIT_UNREADABLE
            public = load_issuer_key(key_path).public_key()
            against = (
                f"this installation's own issuer key ({key_path}), as no --public-key was given"
            )
    except CertificateKeyError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE

    result = verify_input(inp, public)
    out = sys.stdout
    source = {"pdf": "PDF", "token": "token", "file": "token file"}[inp.kind]
    print(f"Checked: {source} {args.input if inp.kind != 'token' else ''}".rstrip(), file=out)
    print(f"Against: {against}", file=out)
    print(f"         key fingerprint {fingerprint(public)}", file=out)
    if result.payload is not None:
        heading = (
            "Certificate fields (signed):"
            if result.signature_ok
            else ("Certificate fields as CLAIMED (NOT verified):")
        )
        print("", file=out)
        print(heading, file=out)
        rows = result.payload.display_fields()
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            print(f"  {label.ljust(width)}  {value}", file=out)
    print("", file=out)
    for note in result.notes:
        print(f"Note: {note}", file=out)
    for failure in result.failures:
        print(f"FAILED: {failure}", file=out)
    if result.valid:
        print("Verdict: VALID — the signature covers every field above. Compare the name, "
              "course and dates with the paper.", file=out)  # fmt: skip
    else:
        print(f"Verdict: {result.verdict}", file=out)
    if result.signature_ok and not args.public_key:
        print(
            "Caution: checked against the local key only. Whoever holds that key (possibly the "
            "learner) can sign anything; use --public-key with your organisation's published "
            "key to check origin.",
            file=out,
        )
    return EXIT_VALID if result.valid else EXIT_INVALID
