"""``trainer keys``: show the issuer's public key, or create an organisation key file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.commands.certificate import add_issuer_key_option, issuer_key_path
from trainer.safetext import terminal_safe


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "keys",
        help="issuer keys: print the public key, or generate an organisation key",
        description="Certificates are signed with an Ed25519 issuer key. 'public' prints the "
        "public key (PEM) and its fingerprint for publishing; 'generate FILE' creates a new "
        "private key file (mode 0600) to keep on a controlled machine and use with "
        "--issuer-key.",
    )
    ksub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    pub = ksub.add_parser("public", help="print the issuer public key (PEM) and fingerprint")
    add_issuer_key_option(pub)
    pub.add_argument(
        "--force",
        action="store_true",
        help="use the key file even if other users can read it or you do not own it",
    )
    pub.set_defaults(handler=run_public)
    gen = ksub.add_parser("generate", help="create a new issuer key file (never overwrites)")
    gen.add_argument("file", metavar="FILE")
    gen.set_defaults(handler=run_generate)
    from trainer.cli import add_common

    for action in (pub, gen):
        add_common(action)  # so --data-dir also works after the action


def run_public(args: argparse.Namespace) -> int:
    from trainer.certificates.keys import (
        IssuerKeyError,
        fingerprint,
        load_or_create_issuer_key,
        public_key_pem,
    )

    path, may_create = issuer_key_path(args)
    try:
        key, created = load_or_create_issuer_key(
            path, create=may_create, check_permissions=not args.force
        )
    except IssuerKeyError as exc:
        print(f"trainer: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"trainer: cannot create the issuer key {terminal_safe(str(path))}: "
            f"{terminal_safe(str(exc))}",
            file=sys.stderr,
        )
        return 2
    if created:
        print(
            f"Created a new issuer key at {terminal_safe(str(path))} (mode 0600).", file=sys.stderr
        )
    sys.stdout.write(public_key_pem(key))
    print(f"Fingerprint: {fingerprint(key)}")
    print(f"Private key: {terminal_safe(str(path))}", file=sys.stderr)
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from trainer.certificates.keys import create_issuer_key, fingerprint

    path = Path(args.file).expanduser()
    safe = terminal_safe(str(path))
    try:
        key = create_issuer_key(path)
    except FileExistsError:
        print(f"trainer: {safe} already exists; it was not changed.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"trainer: cannot create {safe}: {terminal_safe(str(exc.strerror or exc))}",
            file=sys.stderr,
        )
        return 2
    print(f"Created issuer key {safe} (mode 0600). Keep it on a controlled machine.")
    print(f"Fingerprint: {fingerprint(key)}")
    print("Publish the public key: trainer keys public --issuer-key " + safe)
    return 0
