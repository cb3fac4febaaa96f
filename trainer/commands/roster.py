"""``trainer roster``: import the organisation's roster from CSV, and export it back.

``trainer roster import FILE.csv [--check]`` reads and checks the whole file first; if any
row is invalid, every bad row is reported as ``FILE:LINE: message`` and nothing is imported
(exit 1). Otherwise the roster goes into the records in one transaction and the command says
what was added, changed (which fields), left unchanged, and which roster learners of the
file's organisations the file no longer lists (reported, never deleted). ``--check`` says the
same without changing anything (the records are opened read-only).

``trainer roster export [-o FILE|-] [--all]`` writes the roster as CSV in the import's format
(cells a spreadsheet would run as formulas neutralised), so export → edit → import works.

Exit status: 0 done, 1 invalid rows (or the records refused), 2 usage or an unreadable file.
File format and matching rules: docs/compliance.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from trainer.commands.common import CommandError, fail, is_terminal, open_store
from trainer.records.learners import LearnerRow
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe

#: Columns of the export (and the names the import reads first).
EXPORT_COLUMNS: tuple[str, ...] = (
    "name",
    "external_id",
    "organisation",
    "role",
    "email",
    "due_date",
)
SHOWN = 50  # learners listed per kind of change; the rest are counted


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "roster",
        help="import the organisation's roster (CSV) or export it",
        description="Import the roster of learners from CSV (name, external ID, organisation, "
        "role, optional email and due date), or export it. See docs/compliance.md.",
    )
    kinds = p.add_subparsers(dest="roster_action", metavar="ACTION", required=True)
    from trainer.cli import add_common  # nested subcommands need --data-dir/--records too

    imp = kinds.add_parser("import", help="import a roster CSV file (all rows or none)")
    imp.add_argument("file", metavar="FILE.csv", help="the roster file")
    imp.add_argument(
        "--check",
        action="store_true",
        help="check the file and say what would change; change nothing",
    )
    exp = kinds.add_parser("export", help="write the roster as CSV (the import's format)")
    exp.add_argument("-o", "--output", metavar="FILE", help="write to FILE ('-': standard output)")
    exp.add_argument(
        "--all", action="store_true", help="every learner, not only roster-managed ones"
    )
    for q in (imp, exp):
        add_common(q)
    imp.set_defaults(handler=run_import)
    exp.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace) -> int:
    from trainer.compliance.roster_csv import RosterUnreadable, parse_roster, problem_lines
    from trainer.records.roster import RosterRefused

    path = Path(args.file)
    try:
        parsed = parse_roster(path)
    except RosterUnreadable as exc:
        return fail(CommandError(str(exc), 2))
    for note in parsed.notes:
        print(f"note: {note}", file=sys.stderr)
    if not parsed.ok:
        for line in problem_lines(parsed):
            print(line)
        count = len(parsed.problems) + parsed.more_problems
        print(
            f"trainer: {count} problem{'s' * (count != 1)} in {parsed.path}: nothing was "
            "imported. Correct the file and import it again.",
            file=sys.stderr,
        )
        return 1
    try:
        with open_store(args, read_only=args.check) as store:
            report = store.import_roster(parsed.entries, dry_run=args.check)
    except RosterRefused as exc:
        for line_no, message in exc.problems:
            print(f"{parsed.path}:{line_no}: {message}")
        n = len(exc.problems)
        print(
            f"trainer: {n} problem{'s' * (n != 1)} in {parsed.path}: nothing was imported.",
            file=sys.stderr,
        )
        return 1
    except CommandError as exc:
        return fail(exc)
    except StoreError as exc:
        return fail(CommandError(terminal_safe(str(exc))))
    sys.stdout.write("".join(report_lines(report, parsed.path)))
    return 0


def _who(lr: LearnerRow | Any) -> str:
    details = ", ".join(terminal_safe(x) for x in (lr.external_id, lr.organisation, lr.role) if x)
    return f"{terminal_safe(lr.name)} ({details})"


def report_lines(report: Any, where: str) -> Iterator[str]:
    """The import's report in words, one learner a line (at most :data:`SHOWN` a kind)."""
    verb = ("would add", "would change", "would leave") if report.dry_run else (
        "added", "changed", "unchanged:")  # fmt: skip
    for entry in report.added[:SHOWN]:
        yield f"{verb[0]}: {where}:{entry.line}: {_who(entry)}\n"
    if len(report.added) > SHOWN:
        yield f"{verb[0]}: ... and {len(report.added) - SHOWN:,} more\n"
    for change in report.changed[:SHOWN]:
        fields = "; ".join(
            f"{name} '{terminal_safe(old)}' -> '{terminal_safe(new)}'"
            for name, old, new in change.fields
        )
        yield f"{verb[1]}: {where}:{change.line}: {_who(change.learner)}: {fields}\n"
    if len(report.changed) > SHOWN:
        yield f"{verb[1]}: ... and {len(report.changed) - SHOWN:,} more\n"
    for lr in report.not_in_file[:SHOWN]:
        yield f"not in file: {_who(lr)} (kept in the records, still roster-managed)\n"
    if len(report.not_in_file) > SHOWN:
        yield f"not in file: ... and {len(report.not_in_file) - SHOWN:,} more\n"
    counts = (
        f"{len(report.added):,} added, {len(report.changed):,} changed, "
        f"{report.unchanged:,} unchanged, {len(report.not_in_file):,} not in file"
    )
    if report.dry_run:
        yield f"check only, nothing was changed. If imported: {counts}\n"
    else:
        yield f"roster imported: {counts}\n"


def run_export(args: argparse.Namespace) -> int:
    from trainer.export import write_atomically, write_csv

    try:
        with open_store(args, read_only=True) as store:
            learners = store.roster(everyone=args.all)
    except CommandError as exc:
        return fail(exc)
    except StoreError as exc:
        return fail(CommandError(terminal_safe(str(exc))))
    rows = (
        {
            "name": lr.name,
            "external_id": lr.external_id,
            "organisation": lr.organisation,
            "role": lr.role,
            "email": lr.email,
            "due_date": lr.due_date or "",
        }
        for lr in learners
    )
    to_file = args.output not in (None, "-")

    def write(out: TextIO) -> int:
        terminal = not to_file and is_terminal(out)
        return write_csv(rows, out, EXPORT_COLUMNS, terminal=terminal)

    if to_file:
        try:
            count = write_atomically(args.output, write)
        except OSError as exc:
            return fail(
                CommandError(
                    f"cannot write {terminal_safe(args.output)}: "
                    f"{terminal_safe(exc.strerror or str(exc))}",
                    2,
                )
            )
        print(f"wrote {count} learners to {terminal_safe(args.output)}", file=sys.stderr)
    else:
        count = write(sys.stdout)
    if count == 0:
        print(
            "note: no roster-managed learners (use --all for every learner)"
            if not args.all
            else "note: no learners recorded",
            file=sys.stderr,
        )
    return 0
