"""``trainer report items|tags``: item analysis of the records (see docs/records.md);
``trainer report cues``: the answer-key audit of the banks (see docs/authoring.md)."""

from __future__ import annotations

import argparse
import contextlib
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
from trainer.bank.model import Module
from trainer.commands.common import CommandError, fail, iso_date, open_course, open_store
from trainer.safetext import terminal_safe
from trainer.settings import settings_of

MAX_SEEDS = 10_000
# trainer.authoring.cues.DEFAULT_SEEDS, repeated so that `report items` does not import the cue
# audit (and the engine) only for a help text; a test keeps the two equal.
DEFAULT_SEEDS = 200


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="item analysis from the records; answer-key audit of the banks (cues)",
        description="Reports from the records (items, tags; columns and formulas: "
        "docs/records.md) and the answer-key audit of the banks (cues; docs/authoring.md).",
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
    _register_cues(kinds, add_common)


def _register_cues(kinds: argparse._SubParsersAction, add_common: Any) -> None:  # type: ignore[type-arg]
    cues = kinds.add_parser(
        "cues",
        help="answer-key audit: can each module be passed without reading it?",
        description="Play content-blind strategies (longest or shortest choice, always myth "
        "or fact, tick every option, tick the longer half, random, and the best mix per step "
        "type) through the engine for every module and role, and report cue statistics of "
        "the answer key. A module-role is passable blind when a strategy's mean score reaches "
        "the pass mark. See docs/authoring.md, 'Answer-key audit'.",
    )
    add_common(cues)
    cues.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="course or module files or folders (default: the course)",
    )
    cues.add_argument("--module", metavar="ID", help="only this module")
    cues.add_argument("--format", choices=("table", "json"), default="table")
    cues.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="N",
        help=f"attempts per strategy, seeds 0..N-1 (default {DEFAULT_SEEDS}; fewer for a "
        "very large bank)",
    )
    cues.add_argument(
        "--strict", action="store_true", help="exit 1 when any module-role is passable blind"
    )
    cues.set_defaults(handler=run_cues)


def run_cues(args: argparse.Namespace) -> int:
    """``trainer report cues``: exit 0, 1 (bank problems; with --strict, passable blind), 2."""
    if args.seeds is not None and not 1 <= args.seeds <= MAX_SEEDS:
        print(f"trainer report cues: --seeds must be 1 to {MAX_SEEDS}", file=sys.stderr)
        return 2
    from trainer.authoring.cues import audit as cue_audit
    from trainer.authoring.cues import fit_seeds, module_roles
    from trainer.authoring.cues_format import format_table as cues_table
    from trainer.authoring.cues_format import to_dict as cues_dict
    from trainer.bank.loader import validate_paths

    paths = [Path(p) for p in args.paths] or [settings_of(args).course.value]
    for p in paths:
        if not p.exists():
            print(f"trainer report cues: no such file or folder: {_safe(p)}", file=sys.stderr)
            return 2
    result = validate_paths(paths)
    if result.problems:
        for problem in result.problems:
            print(_safe(problem), file=sys.stderr)
        print(
            "trainer report cues: fix these problems first (see 'trainer validate')",
            file=sys.stderr,
        )
        return 1
    targets = module_roles(result.courses, result.modules)
    if args.module:
        targets = [t for t in targets if t[0].id == args.module]
        if not targets:
            print(
                f"trainer report cues: no module '{_safe(args.module)}' in {_safe(paths[0])}",
                file=sys.stderr,
            )
            return 2
    if not targets:
        print("trainer report cues: no modules found", file=sys.stderr)
        return 1
    seeds = args.seeds
    if seeds is None:
        seeds = fit_seeds(targets, DEFAULT_SEEDS)
        if seeds < DEFAULT_SEEDS:
            print(
                f"note: a large bank; {seeds} seeds instead of {DEFAULT_SEEDS} to bound the "
                "time (choose with --seeds)",
                file=sys.stderr,
            )
    report = cue_audit(targets, seeds)
    if args.format == "json":
        sys.stdout.write(json.dumps(cues_dict(report), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(cues_table(report))
    return 1 if args.strict and report.flagged else 0


def _safe(value: object) -> str:
    return terminal_safe(str(value))


def _modules(args: argparse.Namespace) -> list[Module]:
    found: list[Module] = []
    # The report works without the course; choice texts and tags then need --bank.
    with contextlib.suppress(CommandError):
        found += open_course(args, read_only=True).module_map.values()
    if args.bank:
        from trainer.bank.loader import validate_paths

        result = validate_paths([Path(p) for p in args.bank])
        for problem in result.problems:
            print(f"warning: {problem}", file=sys.stderr)
        found += result.modules
    return found


def _csv(columns: Sequence[str], rows: list[dict[str, Any]]) -> str:
    """CSV whose text cells cannot start a spreadsheet formula (see trainer.export)."""
    from trainer.export import to_csv

    return to_csv(rows, tuple(columns))


def run(args: argparse.Namespace) -> int:
    if args.min_sample < 1:
        print("trainer report: --min-sample must be at least 1", file=sys.stderr)
        return 2
    try:
        store = open_store(args, read_only=True)
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
    known = {m.id for m in modules}
    if args.module and args.module not in known and not report.groups:
        # Not in the course (or --bank) and never recorded: a typo, not "no attempts yet".
        print(
            f"trainer report items: no module '{_safe(args.module)}' in the course or the "
            f"records (modules: {', '.join(sorted(known)) or 'none'})",
            file=sys.stderr,
        )
        return 2
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
