"""``trainer records``: export attempt records for compliance staff.

Read-only: the database is opened with SQLite's ``mode=ro`` and never written (see
docs/records.md). ``--history`` gives the learners' history (created, renamed, role,
organisation and ID changes) instead of attempts.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from trainer.commands import records_file, records_push
from trainer.commands.common import CommandError, fail, iso_date, open_course, open_store
from trainer.export import (
    HISTORY_COLUMNS,
    RecordFilter,
    history_rows,
    history_table,
    iter_record_rows,
    record_rows,
    to_csv,
    to_json,
    to_table,
    write_atomically,
    write_csv,
    write_json,
)
from trainer.records.contract import Records
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe
from trainer.xapi.statements import to_xapi

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
    try:
        store = open_store(args, read_only=True)
    except CommandError as exc:
        return fail(exc)
    if args.history and args.format == "xapi":
        return fail(CommandError("--history is written as table, csv or json, not xapi", 2))
    validity: dict[str, int] = {}
    try:
        course = open_course(args, read_only=True)
        validity[course.id] = course.validity_months
    except CommandError:
        pass  # without the course file, 'expired' cannot be worked out; other columns can
    try:
        with store:
            text: str | None = None
            if not args.history and args.format in ("csv", "json"):
                count = _stream_export(store, args, validity)  # written as it is read
            else:
                count, text = _export(store, args, validity)
            if args.learner is not None and store.find_learner(args.learner) is None:
                _say_renamed(store, args.learner)
    except StoreError as exc:
        return fail(CommandError(str(exc)))
    except CommandError as exc:  # an xAPI option or the config file
        return fail(exc)
    if text is None:
        if args.output:
            print(f"wrote {count} records to {args.output}", file=sys.stderr)
        return 0
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"wrote {count} records to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _say_renamed(store: Records, name: str) -> None:
    """A --learner name that matches nobody now may be a name since corrected: say so."""
    wanted = " ".join(name.split()).lower()
    current = {lr.id: lr.name for lr in store.learners()}
    for h in store.learner_history():
        if h.change == "name" and (h.old_value or "").lower() == wanted:
            print(
                f"note: {terminal_safe(h.old_value or '')!r} was renamed to "
                f"{terminal_safe(current.get(h.learner_id, h.new_value))!r} on {h.at[:10]}; "
                "use that name with --learner",
                file=sys.stderr,
            )


def _stream_export(store: Records, args: argparse.Namespace, validity: dict[str, int]) -> int:
    """Attempts as CSV or JSON, each row written as it is read (one streamed JOIN: memory
    stays flat at any number of learners); to ``-o FILE`` through a temporary file renamed
    over it at the end, so a failure half-way leaves FILE as it was. The count."""
    flt = RecordFilter(
        args.learner,
        args.organisation,
        args.course_id,
        args.module,
        args.since,
        args.until,
        args.status,
    )
    terminal = _to_terminal(args)

    def write(out: TextIO) -> int:
        rows = iter_record_rows(store, flt, validity_months=validity)
        if args.format == "csv":
            return write_csv(rows, out, terminal=terminal)

        def history(shown: set[str]) -> list[dict[str, Any]]:
            return history_rows(store, [lr.id for lr in store.learners() if lr.name in shown])

        return write_json(rows, out, history)

    if args.output:
        return write_atomically(args.output, write)
    return write(sys.stdout)


def _to_terminal(args: argparse.Namespace) -> bool:
    """True when the output is read on a terminal (no -o, stdout a TTY)."""
    return not args.output and sys.stdout.isatty()


def _learner_ids(store: Records, args: argparse.Namespace) -> list[int]:
    """The learners the --learner and --organisation filters keep."""
    org = args.organisation.lower() if args.organisation is not None else None
    name = " ".join(args.learner.split()).lower() if args.learner is not None else None
    return [
        lr.id
        for lr in store.learners()
        if (org is None or lr.organisation.lower() == org)
        and (name is None or lr.name.lower() == name)
    ]


def _export(store: Records, args: argparse.Namespace, validity: dict[str, int]) -> tuple[int, str]:
    """How many records, and the text to write."""
    if args.history:
        history = history_rows(store, _learner_ids(store, args))
        if args.format == "csv":
            return len(history), to_csv(history, HISTORY_COLUMNS, terminal=_to_terminal(args))
        if args.format == "json":
            text = json.dumps(
                {"columns": list(HISTORY_COLUMNS), "records": history},
                indent=2,
                ensure_ascii=False,
            )
            return len(history), text + "\n"
        return len(history), history_table(history)
    rows = record_rows(
        store,
        RecordFilter(
            args.learner,
            args.organisation,
            args.course_id,
            args.module,
            args.since,
            args.until,
            args.status,
        ),
        validity_months=validity,
    )
    if args.format == "xapi":
        records_push.check_stable_ids(store)
        options = records_push.xapi_options(args)
        return len(rows), to_xapi(store, rows, options)
    if args.format == "csv":
        return len(rows), to_csv(rows, terminal=_to_terminal(args))
    shown = {r["learner"] for r in rows}
    history = history_rows(store, [lr.id for lr in store.learners() if lr.name in shown])
    if args.format == "json":
        return len(rows), to_json(rows, history)
    return len(rows), to_table(rows, history)
