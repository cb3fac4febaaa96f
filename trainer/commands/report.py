"""``trainer report items|tags``: item analysis of the records (see docs/records.md)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trainer.authoring.items import (
    ITEM_COLUMNS,
    MIN_SAMPLE,
    POLICIES,
    TAG_COLUMNS,
    format_table,
    item_report,
    item_rows,
    tag_rows,
    to_dict,
)
from trainer.bank.loader import validate_paths
from trainer.bank.model import Module
from trainer.commands.common import CommandError, fail, iso_date, open_course, open_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="item analysis from the records: facility, discrimination, distractors, myths",
        description="Reports from the records. Columns and formulas: docs/records.md.",
    )
    kinds = p.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    items = kinds.add_parser(
        "items",
        help="per decision: n, facility, discrimination, choices picked, flags; and the "
        "misconception tags learners hold",
    )
    tags = kinds.add_parser("tags", help="per misconception tag: share of learners holding it")
    from trainer.cli import add_common  # nested subcommands need --data-dir/--course too

    for q in (items, tags):
        add_common(q)
        q.add_argument("--module", metavar="ID", help="only this module")
        q.add_argument(
            "--since", type=iso_date, metavar="YYYY-MM-DD", help="attempts started on or after"
        )
        q.add_argument(
            "--until", type=iso_date, metavar="YYYY-MM-DD", help="attempts started on or before"
        )
        q.add_argument(
            "--attempts",
            choices=POLICIES,
            default="latest",
            help="which finished attempts count (default: each learner's latest)",
        )
        q.add_argument(
            "--bank",
            action="append",
            default=[],
            metavar="PATH",
            help="module files or folders to take choice texts and tags from, "
            "besides the course (e.g. an older version of a module); repeatable",
        )
        q.add_argument("--format", choices=("table", "csv", "json"), default="table")
        q.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    items.add_argument(
        "--min-sample",
        type=int,
        default=MIN_SAMPLE,
        metavar="N",
        help=f"flag items only with at least N answers (default {MIN_SAMPLE})",
    )
    items.set_defaults(handler=run, tags_only=False)
    tags.set_defaults(handler=run, tags_only=True, min_sample=MIN_SAMPLE)


def _modules(args: argparse.Namespace) -> list[Module]:
    found: list[Module] = []
    # The report works without the course; choice texts and tags then need --bank.
    with contextlib.suppress(CommandError):
        found += open_course(args).module_map.values()
    if args.bank:
        result = validate_paths([Path(p) for p in args.bank])
        for problem in result.problems:
            print(f"warning: {problem}", file=sys.stderr)
        found += result.modules
    return found


def _csv(columns: Sequence[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def run(args: argparse.Namespace) -> int:
    if args.min_sample < 1:
        print("trainer report: --min-sample must be at least 1", file=sys.stderr)
        return 2
    try:
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    modules = _modules(args)
    with store:
        report = item_report(
            store,
            module_id=args.module,
            since=args.since,
            until=args.until,
            policy=args.attempts,
            min_sample=args.min_sample,
            modules=modules,
        )
    if args.format == "json":
        data = to_dict(report)
        if args.tags_only:
            for g in data["groups"]:
                g.pop("items")
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        text = (
            _csv(TAG_COLUMNS, tag_rows(report))
            if args.tags_only
            else _csv(ITEM_COLUMNS, item_rows(report))
        )
    else:
        text = format_table(report, tags_only=args.tags_only)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        if args.format != "table":
            for note in report.notes:
                print(f"note: {note}", file=sys.stderr)
    return 0
