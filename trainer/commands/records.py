"""``trainer records``: export attempt records for compliance staff."""

from __future__ import annotations

import argparse
import sys

from trainer.commands.common import CommandError, fail, iso_date, open_course, open_store
from trainer.export import RecordFilter, record_rows, to_csv, to_json, to_table, to_xapi

STATUSES = ("passed", "failed", "expired", "in-progress", "abandoned")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "records",
        help="export attempt records (table, CSV, JSON or xAPI statements)",
        description="Attempt records with filters. Columns are documented in docs/records.md.",
    )
    p.add_argument("--learner", metavar="NAME")
    p.add_argument("--organisation", metavar="ORG")
    p.add_argument("--course-id", dest="course_id", metavar="ID")
    p.add_argument("--module", metavar="ID")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="started on or after")
    p.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="started on or before")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--format", choices=("table", "csv", "json", "xapi"), default="table")
    p.add_argument(
        "--xapi-base",
        default="urn:trainer:",
        metavar="IRI",
        help="base IRI for xAPI activity ids (default urn:trainer:)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    validity: dict[str, int] = {}
    try:
        course = open_course(args)
        validity[course.id] = course.validity_months
    except CommandError:
        pass  # without the course file, 'expired' cannot be worked out; other columns can
    with store:
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
            text = to_xapi(store, rows, args.xapi_base)
        else:
            text = {"csv": to_csv, "json": to_json, "table": to_table}[args.format](rows)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"wrote {len(rows)} records to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
