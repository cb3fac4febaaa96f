"""``trainer verify-page``: write the offline certificate verification page (one HTML file)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.commands.certificate import add_issuer_key_option, issuer_key_path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "verify-page",
        help="write the offline certificate verification page (HTML) to publish",
        description="Write one self-contained HTML file that verifies certificates in a "
        "browser, offline, with your organisation's public key(s) embedded. Publish it at the "
        "address set as [certificates] verify_url in the config file: certificates issued "
        "afterwards carry a QR code that opens it with the token after '#', which browsers "
        "never send to the server. See docs/certificates.md.",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="page to write")
    p.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="FILE",
        help="a published public key (PEM) the page trusts; repeat for several (key rotation)",
    )
    add_issuer_key_option(p)
    p.add_argument(
        "--issuer",
        default="your training office",
        metavar="NAME",
        help="organisation name shown on the page (default: 'your training office')",
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from trainer.certificates.keys import (
        CertificateKeyError,
        load_issuer_key,
        load_public_key,
    )
    from trainer.certificates.webpage import PageKey, build_page
    from trainer.safetext import terminal_safe

    keys: list[PageKey] = []
    try:
        for name in args.public_key:
            keys.append(PageKey(Path(name).name, load_public_key(Path(name).expanduser())))
        if args.issuer_key or not keys:
            path, _ = issuer_key_path(args)
            if not path.exists():
                print(
                    f"trainer: no issuer key at {terminal_safe(str(path))}; pass --public-key "
                    "FILE (the published key) or --issuer-key FILE",
                    file=sys.stderr,
                )
                return 2
            keys.append(PageKey(f"issuer key {path.name}", load_issuer_key(path).public_key()))
    except CertificateKeyError as exc:
        print(f"trainer: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    if any(ch < " " or ch == "\x7f" for ch in args.issuer) or len(args.issuer) > 200:
        print("trainer: --issuer must be one line of at most 200 characters", file=sys.stderr)
        return 2
    page = build_page(keys, args.issuer)
    out = Path(args.output).expanduser()
    from trainer.certificates.safeio import write_new_file

    try:  # never through a symbolic link; --force replaces the file (or the link itself)
        write_new_file(out, page.encode("utf-8"), replace=args.force)
    except FileExistsError:
        print(
            f"trainer: {terminal_safe(str(out))} already exists; use --force to replace it",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(
            f"trainer: cannot write {terminal_safe(str(out))}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    print(f"Wrote {terminal_safe(str(out))} ({len(page) // 1024} KiB) trusting:")
    from trainer.certificates.keys import fingerprint

    for k in keys:
        print(f"  {terminal_safe(k.label)}: {fingerprint(k.key)}")
    print("Publish it at the address in [certificates] verify_url (see docs/certificates.md).")
    return 0
