"""``trainer verify-page``: write the offline certificate verification page (one HTML file)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
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
    problem = write_new_file(out, page.encode("utf-8"), force=args.force)
    if problem:
        print(f"trainer: {terminal_safe(problem)}", file=sys.stderr)
        return 2
    print(f"Wrote {terminal_safe(str(out))} ({len(page) // 1024} KiB) trusting:")
    from trainer.certificates.keys import fingerprint

    for k in keys:
        print(f"  {terminal_safe(k.label)}: {fingerprint(k.key)}")
    print("Publish it at the address in [certificates] verify_url (see docs/certificates.md).")
    return 0


def write_new_file(out: Path, data: bytes, *, force: bool) -> str | None:
    """Write ``data`` to ``out`` atomically; never through a symlink, and never replacing an
    existing file unless ``force``. Returns a message when it did not write."""
    if out.is_symlink():
        return f"{out} is a symbolic link; refusing to write through it"
    if out.exists() and not force:
        return f"{out} already exists; use --force to replace it"
    if out.exists() and not out.is_file():
        return f"{out} is not a regular file"
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        return f"cannot write {out}: {exc.strerror or exc}"
    return None
