"""``trainer records push [--status]`` and the xAPI options of ``trainer records``.

``push`` queues every statement of the records in the outbox (new ones only) and sends the
unsent ones to the LRS of the settings (the config file's ``[lrs]`` section, the credentials
possibly from the environment; resolved once by :mod:`trainer.settings`); ``--status`` only
reports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from trainer.commands.common import CommandError, fail, open_course, open_store
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe
from trainer.settings import Settings, settings_of

if TYPE_CHECKING:  # the xAPI modules load the course model: imported only when used
    from trainer.records.contract import Records
    from trainer.xapi.statements import Options

PUSH_STATUS = "push-status"  # what a bare --status stands for
DEFAULT_HOMEPAGE = "https://trainer.invalid/learners"  # xapi.statements' (a test keeps both)


def status_value(statuses: tuple[str, ...]) -> Callable[[str], str]:
    """argparse type for ``--status``: an attempt status, or (bare) the outbox status."""

    def check(text: str) -> str:
        if text in statuses or text == PUSH_STATUS:
            return text
        raise argparse.ArgumentTypeError(
            f"invalid choice: {terminal_safe(text)!r} (choose from {', '.join(statuses)})"
        )

    return check


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The xAPI options of ``trainer records``: ``push`` and ``--xapi-homepage``."""
    p.add_argument(
        "action",
        nargs="?",
        choices=("push", "import", "export-file"),
        help="push: send the records' xAPI statements to the LRS configured in [lrs]; "
        "import FILE: bring another machine's records file in; export-file FILE: write "
        "these records (or the learners the filters select) to a file to carry",
    )
    p.add_argument(
        "--xapi-homepage",
        metavar="IRI",
        help="account.homePage of learners in xAPI statements (default: [xapi] homepage in "
        f"the config file, else {DEFAULT_HOMEPAGE})",
    )


def _iri_ok(text: str) -> bool:
    parts = urlsplit(text)
    return (
        parts.scheme in ("http", "https", "urn")
        and (parts.scheme == "urn" or bool(parts.netloc))
        and "#" not in text
        and not any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)
        and len(text) <= 200
    )


def xapi_options(args: argparse.Namespace) -> Options:
    """Base, home page (--xapi-homepage, else the settings') and course for the statements;
    a bad option is a usage error."""
    from trainer.xapi.statements import Options

    base = getattr(args, "xapi_base", None) or "urn:trainer:"
    homepage = args.xapi_homepage or settings_of(args).xapi_homepage.value
    for flag, value in (("--xapi-base", base), ("--xapi-homepage", homepage)):
        if value is not None and not _iri_ok(value):
            raise CommandError(
                f"{flag} must be an http(s) or urn: address without spaces or a '#' part: "
                f"{terminal_safe(value)!r}",
                2,
            )
    course = None
    with suppress(CommandError):  # without it: no activity definitions, no course completion
        course = open_course(args, read_only=True)
    return Options(base=base, homepage=homepage or DEFAULT_HOMEPAGE, course=course)


def run_push(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    try:
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    try:
        with store:
            if args.status == PUSH_STATUS:
                return _status(store, settings)
            return _push(store, settings, xapi_options(args))
    except CommandError as exc:
        return fail(exc)
    except StoreError as exc:
        return fail(CommandError(str(exc)))


def _status(store: Records, settings: Settings) -> int:
    from trainer.xapi import outbox

    st = outbox.status(store)
    endpoint = settings.lrs_endpoint.value
    where = terminal_safe(endpoint) if endpoint else "none configured"
    print(f"LRS: {where}")
    print(f"pending: {st.pending} statements (sent so far: {st.sent})")
    print(f"last success: {st.last_success or 'never'}")
    if st.last_error:
        print(f"last error: {st.last_error_at}  {terminal_safe(st.last_error)}")
    else:
        print("last error: none")
    return 0


def _push(store: Records, settings: Settings, options: Options) -> int:
    access = settings.lrs
    if access is None:
        raise CommandError(
            "no LRS is configured: add [lrs] endpoint (and username, password) to the config "
            "file (see docs/records.md)",
            2,
        )
    from trainer.xapi import outbox
    from trainer.xapi.lrs import Lrs, push  # urllib's HTTP stack: only when pushing

    lrs = Lrs(*access)
    problem = lrs.check()
    if problem:
        raise CommandError(problem, 2)
    added = outbox.queue_records(store, options)
    report = push(store, lrs)
    left = outbox.status(store).pending
    print(f"queued {added} new statements; sent {report.sent}; {left} still pending")
    if report.rejection:
        print(f"trainer: {report.rejected} rejected: {report.rejection}", file=sys.stderr)
    if report.error:
        print(f"trainer: push stopped: {report.error}", file=sys.stderr)
        return 1
    return 1 if report.rejected else 0
