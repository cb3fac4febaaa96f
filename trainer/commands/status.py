"""``trainer status``: who has completed the course, who is due, expired, in progress or has
not started, one row per learner (roster learners who never opened the course included).

Read-only (the records are opened with ``mode=ro``). One streamed pass over the records
(:func:`trainer.compliance.status.statuses`): the table, CSV and JSON are written as the rows
come, so memory stays flat at any number of learners. Counts per state close the table; for
CSV and JSON they go to standard error (JSON also carries them under ``counts``). States and
columns: docs/compliance.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TextIO

from trainer.commands.common import (
    CommandError,
    course_path,
    fail,
    is_terminal,
    iso_date,
    open_course,
    open_store,
)
from trainer.compliance.status import (
    STATES,
    CourseTerms,
    LearnerStatus,
    StatusValues,
    status_values,
    statuses,
)
from trainer.records.rows import LEARNER
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe
from trainer.settings import settings_of

CSV_COLUMNS: tuple[str, ...] = (
    "learner",
    "external_id",
    "organisation",
    "role",
    "email",
    "state",
    "completed_on",
    "valid_until",
    "expired_on",
    "modules_done",
    "modules_required",
    "due_date",
    "learner_uid",
)
#: The learner's columns the CSV reads (LEARNER's, fewer: at 100,000 learners every column
#: read is 100,000 values made in Python).
CSV_LEARNER = tuple(
    (name, sql)
    for name, sql in LEARNER
    if name in ("id", "name", "external_id", "organisation", "role", "email", "due_date")
)
_ROLES = {"employee": "employee", "contractor": "contractor", "uniformed": "uniformed"}
_WIDTHS = (("learner", 28), ("external_id", 12), ("organisation", 18), ("role", 10))


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if not 0 <= value <= 36_500:
        raise argparse.ArgumentTypeError(f"days must be 0 to 36500, not {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "status",
        help="who has completed, is due, expired, in progress or not started (per learner)",
        description="Each learner's state in the course: complete (valid until ...), due "
        "within N days, expired (on ...), in progress (modules done / required), not started. "
        "See docs/compliance.md.",
    )
    p.add_argument("--organisation", metavar="ORG", help="only this organisation (any case)")
    p.add_argument("--role", choices=tuple(_ROLES), help="only learners of this role")
    p.add_argument(
        "--due-within",
        type=_days,
        metavar="DAYS",
        help="mark as due whoever must complete (or retake) within DAYS days, overdue included",
    )
    p.add_argument("--state", choices=STATES, help="list only learners in this state")
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="judge on this day instead of today (UTC)",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    today = date.fromisoformat(args.as_of) if args.as_of else datetime.now(UTC).date()
    try:
        course = _course_terms(args)
        store = open_store(args, read_only=True)
    except CommandError as exc:
        return fail(exc)
    counts: Counter[str] = Counter()

    options = {
        "today": today,
        "organisation": args.organisation,
        "role": args.role,
        "due_within": args.due_within,
    }

    def rows() -> Iterator[LearnerStatus]:
        for status in statuses(store, course, **options):
            counts[status.state] += 1
            if args.state is None or status.state == args.state:
                yield status

    def values() -> Iterator[StatusValues]:
        for found in status_values(store, course, columns=CSV_LEARNER, **options):
            counts[found[1]] += 1
            if args.state is None or found[1] == args.state:
                yield found

    def write(out: TextIO) -> int:
        if args.format == "csv":
            from trainer.export import write_csv

            if not args.output and is_terminal(out):
                return write_csv((_record(s) for s in rows()), out, CSV_COLUMNS, terminal=True)
            if args.output:
                from trainer.commands.status_split import write_split

                split = write_split(store, settings_of(args).records.value.location, course,
                                    options, args.state, counts, out, args.output)  # fmt: skip
                if split is not None:
                    return split
            return write_status_csv(values(), out, CSV_LEARNER)
        if args.format == "json":
            return _write_json(rows(), out, course.id, today, counts)
        return _write_table(rows(), out, counts, today)

    try:
        with store:
            if args.output:
                from trainer.export import write_atomically

                write_atomically(args.output, write)
            else:
                write(sys.stdout)
    except StoreError as exc:
        return fail(CommandError(terminal_safe(str(exc))))
    if args.format != "table" or args.output:
        print(f"trainer: {summary(counts)}", file=sys.stderr)
    return 0


def _course_terms(args: argparse.Namespace) -> CourseTerms:
    """What the status needs of the course: from its cache entry's header when the entry is
    current (no model built: most of a small organisation's run), else from the course."""
    from trainer.bank.cache import course_requirements

    path = course_path(args)
    found = course_requirements(path, settings_of(args).data_dir.value / "cache")
    if found is not None:
        return CourseTerms(*found)
    return CourseTerms.of(open_course(args, read_only=True))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _record(s: LearnerStatus) -> dict[str, Any]:
    lr = s.learner
    return {
        "learner": lr.name,
        "external_id": lr.external_id,
        "organisation": lr.organisation,
        "role": lr.role,
        "email": lr.email,
        "state": s.state,
        "completed_on": _iso(s.completed_on),
        "valid_until": _iso(s.valid_until),
        "expired_on": _iso(s.expired_on),
        "modules_done": s.modules_done,
        "modules_required": s.modules_required,
        "due_date": _iso(s.due_date),
        "learner_uid": lr.id,
    }


class _IsoDays(dict[date | None, str]):
    """A day's ISO text by the day, each worked out once (None: an empty cell)."""

    def __missing__(self, day: date | None) -> str:
        text = self[day] = day.isoformat() if day is not None else ""
        return text


class _Numbers(dict[int, str]):
    """A count's text by the count, each worked out once."""

    def __missing__(self, n: int) -> str:
        text = self[n] = str(n)
        return text


def write_status_csv(
    rows: Iterable[StatusValues],
    out: TextIO,
    columns: Sequence[tuple[str, str]] = LEARNER,
    *,
    header: bool = True,
) -> int:
    """The CSV of :data:`CSV_COLUMNS` from :func:`status_values`, byte for byte what
    ``write_csv`` of :func:`_record` writes (not for a terminal). At an organisation's size
    this loop is most of the command's Python time, so a row is joined with commas as it
    is when that is exactly what the csv module would write (no cell starts with a formula
    trigger; no cell holds a comma, a quote or a line break: the line has 12 commas and
    none of the others), and otherwise goes through the spreadsheet rule and the csv
    module. Lines are written 1,000 at a time. ``columns``: the learner's columns the rows
    start with (as given to :func:`status_values`); ``header``: write the header line
    (not for the second half of a split run: :mod:`trainer.commands.status_split`)."""
    import csv

    from trainer.safetext import CSV_TRIGGERS

    triggers = frozenset(CSV_TRIGGERS)  # every trigger is one character
    at = {name: i for i, (name, _sql) in enumerate(columns)}
    name_at, ext_at, org_at, role_at, email_at, uid_at = (
        at[f] for f in ("name", "external_id", "organisation", "role", "email", "id")
    )
    iso, number = _IsoDays(), _Numbers()
    commas = len(CSV_COLUMNS) - 1

    def safe(value: object) -> object:  # write_csv's cell
        if isinstance(value, str):
            return "'" + value if value.startswith(CSV_TRIGGERS) else value
        return "" if value is None else value

    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    lines: list[str] = []
    count = 0
    for learner, state, completed_on, valid_until, expired_on, done, required, due in rows:
        name, ext, org, role = learner[name_at], learner[ext_at], learner[org_at], learner[role_at]
        email, uid = learner[email_at], learner[uid_at]
        count += 1
        try:
            if triggers.isdisjoint((name[:1], ext[:1], org[:1], role[:1], email[:1], uid[:1])):
                line = ",".join((
                    name, ext, org, role, email, state,
                    iso[completed_on], iso[valid_until], iso[expired_on],
                    number[done], number[required], iso[due], uid,
                ))  # fmt: skip
                if (
                    line.count(",") == commas
                    and '"' not in line
                    and "\r" not in line
                    and "\n" not in line
                ):
                    lines.append(line)
                    if len(lines) == 1000:
                        out.write("\r\n".join(lines) + "\r\n")
                        lines.clear()
                    continue
        except TypeError:  # a cell that is not text (None from a hand-edited row)
            pass
        if lines:
            out.write("\r\n".join(lines) + "\r\n")
            lines.clear()
        writer.writerow([
            safe(v)
            for v in (
                name, ext, org, role, email, state,
                iso[completed_on], iso[valid_until], iso[expired_on],
                done, required, iso[due], uid,
            )
        ])  # fmt: skip
    if lines:
        out.write("\r\n".join(lines) + "\r\n")
    return count


def state_text(s: LearnerStatus, today: date) -> str:
    """The state in words: 'complete, valid until 2027-06-01', 'overdue since ...'."""
    progress = f"{s.modules_done}/{s.modules_required} modules"
    due = ""
    if s.due_date is not None and not s.complete:
        late = s.due_date < today
        due = f"{'overdue since' if late else 'due by'} {_iso(s.due_date)}"
    if s.state == "due" and s.complete:
        return f"due: valid until {_iso(s.valid_until)}, retake by then"
    if s.state == "due":
        return f"{due} ({progress})"
    if s.state == "complete":
        return f"complete, valid until {_iso(s.valid_until)}"
    if s.state == "expired":
        text = f"expired on {_iso(s.expired_on)}"
    elif s.state == "in-progress":
        text = f"in progress, {progress}"
    else:
        text = "not started"
    return f"{text}, {due}" if due else text


def _fit(text: str, width: int) -> str:
    text = terminal_safe(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _write_table(
    rows: Iterable[LearnerStatus], out: TextIO, counts: Counter[str], today: date
) -> int:
    """Fixed-width columns (written as rows come: no second pass over the records)."""
    head = "  ".join(name.ljust(width) for name, width in _WIDTHS) + "  state"
    out.write(head + "\n")
    count = 0
    for s in rows:
        lr = s.learner
        cells = (lr.name, lr.external_id, lr.organisation, lr.role)
        line = "  ".join(_fit(v, w).ljust(w) for v, (_, w) in zip(cells, _WIDTHS, strict=True))
        out.write(f"{line}  {state_text(s, today)}\n")
        count += 1
    if count == 0:
        out.write("no learners match\n")
    out.write(f"\n{summary(counts)}\n")
    return count


def summary(counts: Counter[str]) -> str:
    """'complete 3 · due 1 · ... (N learners)': every state, in a fixed order."""
    total = sum(counts.values())
    parts = [f"{state.replace('-', ' ')} {counts.get(state, 0):,}" for state in STATES]
    return f"{' · '.join(parts)} ({total:,} learner{'s' * (total != 1)})"


def _write_json(
    rows: Iterable[LearnerStatus], out: TextIO, course_id: str, today: date, counts: Counter[str]
) -> int:
    """``{"course", "as_of", "learners": [...], "counts": {...}}``, streamed; values exact."""
    out.write(
        "{\n"
        f'  "course": {json.dumps(course_id, ensure_ascii=False)},\n'
        f'  "as_of": "{today.isoformat()}",\n'
        '  "learners": ['
    )
    count = 0
    for s in rows:
        text = json.dumps(_record(s), ensure_ascii=False)
        out.write(("\n    " if count == 0 else ",\n    ") + text)
        count += 1
    out.write("\n  ]" if count else "]")
    every = {state: counts.get(state, 0) for state in STATES}
    out.write(f',\n  "counts": {json.dumps(every)}\n}}\n')
    return count
