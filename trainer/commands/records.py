"""``trainer records``: export attempt records for compliance staff.

Read-only: the database is opened with SQLite's ``mode=ro`` and never written (see
docs/records.md). ``--history`` gives the learners' history (created, renamed, role,
organisation and ID changes) instead of attempts.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from trainer.commands import records_file, records_push
from trainer.commands.common import CommandError, fail, iso_date, open_store
from trainer.export import RecordFilter, write_atomically
from trainer.records.errors import StoreError
from trainer.safetext import terminal_safe
from trainer.service import export
from trainer.settings import settings_of

if TYPE_CHECKING:
    from trainer.records.contract import Records

STATUSES = ("passed", "failed", "expired", "in-progress", "abandoned")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "records",
        help="attempt records (table, CSV, JSON, xAPI); carry them between machines",
        description="Attempt records with filters. Columns are documented in docs/records.md.",
    )
    p.add_argument("--learner", metavar="NAME")
    p.add_argument("--organisation", metavar="ORG")
    p.add_argument("--course-id", dest="course_id", metavar="ID")
    p.add_argument("--module", metavar="ID")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="started on or after")
    p.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="started on or before")
    p.add_argument(  # alone, after 'push': the outbox's status instead
        "--status",
        nargs="?",
        const=records_push.PUSH_STATUS,
        type=records_push.status_value(STATUSES),
        metavar="|".join(STATUSES),
        help="attempts with this status; 'push --status': the LRS outbox's status",
    )
    p.add_argument("--format", choices=("table", "csv", "json", "xapi"), default="table")
    p.add_argument(
        "--xapi-base",
        default="urn:trainer:",
        metavar="IRI",
        help="base IRI for xAPI activity ids (default urn:trainer:)",
    )
    p.add_argument(
        "--history",
        action="store_true",
        help="the learners' history instead of attempts: created, renamed, role, "
        "organisation and ID changes (table, csv or json; --learner/--organisation filter)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    records_push.add_arguments(p)
    records_file.add_arguments(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "push":
        return records_push.run_push(args)
    if args.action in records_file.ACTIONS or args.file:
        return records_file.run(args)
    if args.status == records_push.PUSH_STATUS:
        return fail(CommandError("--status needs a value, or goes with push: trainer records "
                                 "push --status", 2))  # fmt: skip
    if args.history and args.format == "xapi":
        return fail(CommandError("--history is written as table, csv or json, not xapi", 2))
    try:
        store = open_store(args, read_only=True)
    except CommandError as exc:
        return fail(exc)
    terminal = not args.output and sys.stdout.isatty()
    try:
        with store:
            if args.history:
                count, text = export.history_text(
                    store, args.learner, args.organisation, args.format, terminal=terminal
                )
            else:
                validity = _validity(args)
                text, count = None, 0
                if args.format in export.STREAMED:
                    count = _write(args, store, validity, terminal)  # written as it is read
                else:
                    options = records_push.xapi_options(args) if args.format == "xapi" else None
                    count, text = export.records_text(
                        store,
                        _filter(args),
                        args.format,
                        validity=validity,
                        terminal=terminal,
                        options=options,
                    )
            if args.learner is not None:
                for r in export.renamed(store, args.learner):
                    print(
                        f"note: {terminal_safe(r.old)!r} was renamed to "
                        f"{terminal_safe(r.new)!r} on {r.on}; use that name with --learner",
                        file=sys.stderr,
                    )
    except StoreError as exc:
        return fail(CommandError(str(exc)))
    except export.ExportRefused as exc:
        return fail(CommandError(str(exc)))
    except CommandError as exc:  # an xAPI option or the config file
        return fail(exc)
    if text is not None:
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
    if args.output:
        print(f"wrote {count} records to {args.output}", file=sys.stderr)
    return 0


def _filter(args: argparse.Namespace) -> RecordFilter:
    return RecordFilter(
        args.learner,
        args.organisation,
        args.course_id,
        args.module,
        args.since,
        args.until,
        args.status,
    )


def _validity(args: argparse.Namespace) -> export.Validity:
    """The course's recertification period; without it, say that no pass is judged
    expired (the other columns are exported all the same)."""
    settings = settings_of(args)
    validity = export.course_validity(settings.course.value, settings.data_dir.value / "cache")
    if validity.problem is not None:
        print(
            "note: the course file could not be read, so no pass is shown as expired and "
            f"expires_on is empty: {terminal_safe(validity.problem)}",
            file=sys.stderr,
        )
    return validity


def _write(
    args: argparse.Namespace, store: Records, validity: export.Validity, terminal: bool
) -> int:
    """CSV or JSON, each row written as it is read; to ``-o FILE`` through a temporary
    file renamed over it at the end, so a failure half-way leaves FILE as it was."""

    def write(out: TextIO) -> int:
        return export.write_records(
            store, _filter(args), args.format, out, validity=validity, terminal=terminal
        )

    if args.output:
        return write_atomically(args.output, write)
    return write(sys.stdout)
