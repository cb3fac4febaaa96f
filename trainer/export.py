"""Compliance exports of attempt records: filtered rows as a table, CSV or JSON.

Columns (in order) are documented in docs/records.md; keep the two in step. Text from
learners reaches spreadsheets and terminals neutralised: CSV cells a spreadsheet would run
as a formula get a leading apostrophe (:func:`trainer.safetext.csv_safe`); table cells have
control characters shown as escapes (:func:`trainer.safetext.terminal_safe`). JSON keeps
every value exact. xAPI statements: :mod:`trainer.xapi`.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from trainer.months import add_months
from trainer.records.contract import Records
from trainer.records.stream import iter_export_rows
from trainer.records.times import day, stamp, start_of
from trainer.safetext import CSV_TRIGGERS, csv_safe, terminal_safe

if TYPE_CHECKING:
    from trainer.records.row_types import LearnerHistoryRow

COLUMNS: tuple[str, ...] = (
    "attempt_id",
    "learner",
    "external_id",
    "organisation",
    "role",
    "course_id",
    "module_id",
    "module_version",
    "module_sha256",
    "started_at",
    "finished_at",
    "status",
    "score",
    "max_score",
    "percent",
    "passed",
    "expires_on",
)


class RecordFilter(NamedTuple):  # not a dataclass: see trainer.settings
    learner: str | None = None
    organisation: str | None = None
    course: str | None = None
    module: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    status: str | None = None  # passed | failed | expired | in-progress | abandoned


def record_rows(
    store: Records,
    flt: RecordFilter,
    *,
    validity_months: dict[str, int] | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Attempts matching the filter, one dict per attempt with :data:`COLUMNS` as keys.

    ``validity_months`` maps course ids to their recertification period; a passed attempt
    older than that is reported with status ``expired``. For large exports use
    :func:`iter_record_rows`, which holds one row at a time.
    """
    return list(iter_record_rows(store, flt, validity_months=validity_months, today=today))


def iter_record_rows(
    store: Records,
    flt: RecordFilter,
    *,
    validity_months: dict[str, int] | None = None,
    today: date | None = None,
) -> Iterator[dict[str, Any]]:
    """:func:`record_rows` one row at a time (:func:`iter_record_values` as dicts): memory
    stays flat however many attempts there are."""
    columns = COLUMNS
    for values in iter_record_values(store, flt, validity_months=validity_months, today=today):
        yield dict(zip(columns, values, strict=True))


def iter_record_values(
    store: Records,
    flt: RecordFilter,
    *,
    validity_months: dict[str, int] | None = None,
    today: date | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The attempts matching the filter as tuples of :data:`COLUMNS`, in order, from one
    streamed JOIN of attempts and learners (:func:`trainer.records.stream.iter_export_rows`).

    ``validity_months`` maps course ids to their recertification period; a passed attempt
    older than that is reported with status ``expired``. This loop is most of a large
    export's time, so the status and expiry are worked out inline (see :class:`_Expiry`).
    """
    expiry = _Expiry(today or date.today())
    learner_id = None
    if flt.learner is not None:
        found = store.find_learner(flt.learner)
        if found is None:
            return
        learner_id = found.id
    since = start_of(date.fromisoformat(flt.since)) if flt.since else None
    until = None
    if flt.until:  # inclusive day: everything before the next midnight
        until = start_of(date.fromordinal(date.fromisoformat(flt.until).toordinal() + 1))
    org = flt.organisation.lower() if flt.organisation is not None else None
    months_of = validity_months or {}
    wanted = flt.status
    rows = iter_export_rows(
        store,
        learner_id=learner_id,
        course_id=flt.course,
        module_id=flt.module,
        since=since,
        until=until,
    )
    for (aid, name, external_id, organisation, role, course_id, module_id, version, sha,
         started_at, finished_at, score, max_score, percent, passed) in rows:  # fmt: skip
        if org is not None and organisation.lower() != org:
            continue
        expires = None
        if passed is None:
            status = "in-progress" if finished_at is None else "abandoned"
        elif not passed:
            passed = False
            status = "in-progress" if finished_at is None else "failed"
        else:
            passed = True
            if finished_at is None:
                status = "in-progress"
            else:
                status = "passed"
                months = months_of.get(course_id)
                if months and finished_at:
                    expires, expired = expiry.of(finished_at, months)
                    if expired:
                        status = "expired"
        if wanted is not None and status != wanted:
            continue
        yield (aid, name, external_id, organisation, role, course_id, module_id, version,
               sha, started_at, finished_at, status, score, max_score, percent, passed,
               expires)  # fmt: skip


class _Expiry:
    """When a pass finished at a records timestamp expires, and whether it has by ``today``:
    ``(expires_on ISO text, expired)``, remembered per finish day and period (an export
    has few distinct days and many rows). The canonical ``YYYY-MM-DDTHH:MM:SSZ`` is read
    with one ``fromisoformat``; anything else goes through :func:`trainer.records.times.day`,
    which reads it the same way or says the records are damaged."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.known: dict[tuple[date, int], tuple[str, bool]] = {}

    def of(self, finished_at: str, months: int) -> tuple[str, bool]:
        finish = None
        if (
            isinstance(finished_at, str)
            and len(finished_at) == 20
            and finished_at[10] == "T"
            and finished_at[19] == "Z"
        ):
            try:  # naive and exactly 19 characters: the same instant as day() reads, in UTC
                moment = datetime.fromisoformat(finished_at[:19])
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is None:
                finish = moment.date()
        if finish is None:
            finish = day(finished_at)  # another form, or damaged: StoreDamaged
        key = (finish, months)
        known = self.known.get(key)
        if known is None:
            expires = add_months(finish, months)
            known = self.known[key] = (expires.isoformat(), self.today > expires)
        return known


_TRIGGERS = frozenset(CSV_TRIGGERS)  # every trigger is one character


def _csv_cell(value: object, terminal: bool) -> object:
    """A CSV cell: missing is empty, text is neutralised for spreadsheets (and, for a
    terminal, control characters are shown as escapes), numbers stay."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if terminal:
        return terminal_safe(csv_safe(value))
    return "'" + value if value.startswith(CSV_TRIGGERS) else value  # csv_safe, inlined


def to_csv(
    rows: Iterable[dict[str, Any]], columns: tuple[str, ...] = COLUMNS, *, terminal: bool = False
) -> str:
    """CSV (RFC 4180: CRLF line ends, so a cell holding a lone CR or LF is quoted and can
    never start a row of its own) with a header row; text cells that would start a formula
    begin with ``'``. ``terminal``: the text is for a terminal, so control characters in
    cells are shown as escapes too."""
    out = io.StringIO()
    write_csv(rows, out, columns, terminal=terminal)
    return out.getvalue()


def write_csv(
    rows: Iterable[dict[str, Any]],
    out: TextIO,
    columns: tuple[str, ...] = COLUMNS,
    *,
    terminal: bool = False,
) -> int:
    """:func:`to_csv`, written to ``out`` row by row as ``rows`` yields them; the count.
    Each row must have exactly ``columns`` as keys (a missing one is written empty)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    if terminal:
        for row in rows:
            writer.writerow([_csv_cell(row.get(c), True) for c in columns])
            count += 1
        return count
    triggers = _TRIGGERS
    for row in rows:  # _csv_cell inlined: this loop is most of a large export's time
        writer.writerow(
            [
                ("'" + v if v[:1] in triggers else v)
                if isinstance(v, str)
                else ("" if v is None else v)
                for v in map(row.get, columns)
            ]
        )
        count += 1
    return count


def write_record_csv(
    values: Iterable[tuple[Any, ...]], out: TextIO, *, terminal: bool = False
) -> int:
    """The records export as CSV (:func:`to_csv` of the same rows, byte for byte) from
    :func:`iter_record_values`, written in batches as they are read; the count.

    Only text can start a formula, so each batch is checked column by column where text
    can be (the attempt id, a UUID but read from the records; learner, ID, organisation,
    role, ids, version, hash, times; status, passed and expires_on are the export's own
    words) and written as it is when none of them starts with a trigger and every number
    is a number; any other batch (and every batch for a terminal) goes through the
    per-cell rule of :func:`write_csv`, row by row."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows = iter(values)
    count = 0
    while batch := list(islice(rows, _BATCH)):
        if terminal or not _plain(batch):
            writer.writerows([_csv_cell(v, terminal) for v in row] for row in batch)
        else:
            writer.writerows(batch)
        count += len(batch)
    return count


_BATCH = 1000
# The text columns of COLUMNS whose values differ from row to row (ids, names, times), and
# those with few distinct values (organisation, role, course, module, version, hash).
_VARIED = (0, 1, 2, 9)  # attempt_id, learner, external_id, started_at (never NULL)
_FEW = (3, 4, 5, 6, 7, 8)
_FINISHED = 10
_NUMBERS = (12, 13, 14)  # score, max_score, percent


def _plain(batch: list[tuple[Any, ...]]) -> bool:
    """True when no cell of these :data:`COLUMNS` rows needs the spreadsheet rule, found
    in C over the whole batch, column by column (a row at a time in Python was most of the
    export's work): the varied text cells joined by NUL and searched for a NUL before a
    trigger (a NUL inside a value can only send the batch to the per-cell rule), the
    columns with few distinct values checked once per distinct value, and every number a
    number."""
    try:
        cols = tuple(zip(*batch, strict=True))
        text = "\0" + "\0".join(chain(*(cols[i] for i in _VARIED), filter(None, cols[_FINISHED])))
        few = set(chain(*(cols[i] for i in _FEW)))
    except (TypeError, ValueError):  # another type where text belongs: every cell is checked
        return False
    if _CELL_START.search(text) is not None:
        return False
    if not all(type(v) is str and v[:1] not in _TRIGGERS for v in few):
        return False
    return not any(issubclass(t, str) for t in set(map(type, chain(*(cols[i] for i in _NUMBERS)))))


_CELL_START = re.compile("\0[" + re.escape("".join(CSV_TRIGGERS)) + "]")


HISTORY_COLUMNS: tuple[str, ...] = (
    "learner_id",
    "learner",
    "at",
    "change",
    "old_value",
    "new_value",
    "changed_by",
)


def history_rows(store: Records, learner_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The learner history (created, renamed, role/organisation/ID changed), oldest first,
    of the given learners (all when None), with :data:`HISTORY_COLUMNS` as keys."""
    names = {lr.id: lr.name for lr in store.learners()}
    wanted = None if learner_ids is None else set(learner_ids)
    return [
        _history_row(h, names.get(h.learner_id, ""))
        for h in store.learner_history()
        if wanted is None or h.learner_id in wanted
    ]


def _history_row(h: LearnerHistoryRow, name: str) -> dict[str, Any]:
    return {
        "learner_id": h.learner_id,
        "learner": name,
        "at": stamp(h.at),
        "change": h.change,
        "old_value": h.old_value,
        "new_value": h.new_value,
        "changed_by": h.changed_by,
    }


def to_json(rows: Iterable[dict[str, Any]], history: list[dict[str, Any]] | None = None) -> str:
    """``{"columns", "records"}``, plus ``learner_history`` when given; values exact."""
    data: dict[str, Any] = {"columns": list(COLUMNS), "records": list(rows)}
    if history is not None:
        data["learner_history"] = history
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _nested(value: object, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``depth`` levels down (JSON escapes
    every newline inside strings, so each newline here is layout)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)


def write_json(
    rows: Iterable[dict[str, Any]],
    out: TextIO,
    history: Callable[[set[str]], list[dict[str, Any]]] | None = None,
) -> int:
    """:func:`to_json`, byte for byte, written as ``rows`` yields them; the count.
    ``history`` is called once the records are written, with the names of the learners
    they show, and returns their learner history (omitted when None)."""
    out.write('{\n  "columns": ' + _nested(list(COLUMNS), 1) + ',\n  "records": [')
    count = 0
    shown: set[str] = set()
    for row in rows:
        out.write(("\n    " if count == 0 else ",\n    ") + _nested(row, 2))
        shown.add(row["learner"])
        count += 1
    out.write("\n  ]" if count else "]")
    if history is not None:
        out.write(',\n  "learner_history": ' + _nested(history(shown), 1))
    out.write("\n}\n")
    return count


def write_atomically(path: str, write: Callable[[TextIO], int]) -> int:
    """Run ``write`` on a new temporary file beside ``path``, then rename it over ``path``:
    a failure half-way leaves ``path`` as it was. Returns what ``write`` returns.

    Only a regular file is ever replaced: a device (``/dev/zero``), FIFO, folder or symbolic
    link at ``path`` is refused (:class:`OSError`), never renamed over.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(
            errno.EINVAL,
            "not a regular file (a device, FIFO, folder or link), so it is not replaced; "
            "nothing was written",
        )
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".trainer-export-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count: int = write(fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return count


TABLE_COLUMNS = (
    "attempt_id",
    "learner",
    "organisation",
    "module_id",
    "started_at",
    "status",
    "percent",
)


def _cell(value: object) -> str:
    return "" if value is None else terminal_safe(str(value))


def _aligned(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> list[str]:
    cells = [[_cell(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return [line.rstrip() for line in lines]


def to_table(rows: list[dict[str, Any]], history: list[dict[str, Any]] | None = None) -> str:
    """A plain-text table (no box drawing) of the main columns; then the learners' changes
    since they were created (renames, role, organisation, ID), when ``history`` is given."""
    if not rows:
        return "no records match\n"
    lines = _aligned(TABLE_COLUMNS, rows)
    changes = [h for h in history or [] if h["change"] != "created"]
    if changes:
        lines += ["", "Learner changes:"]
        lines += [f"  {change_text(h)}" for h in changes]
    return "\n".join(lines) + "\n"


_CHANGE_WORDS = {
    "name": "renamed",
    "role": "role changed",
    "organisation": "organisation changed",
    "external_id": "ID changed",
}


def change_text(h: dict[str, Any]) -> str:
    """One history entry in words, terminal-safe: 'DAY learner: renamed from 'A' to 'B'."""
    what = _CHANGE_WORDS.get(h["change"], str(h["change"]))
    by = f" (by {_cell(h['changed_by'])})" if h.get("changed_by") else ""
    return (
        f"{_cell(h['at'])}  {_cell(h['learner'])}: {what} from "
        f"'{_cell(h['old_value'])}' to '{_cell(h['new_value'])}'{by}"
    )


def history_table(history: list[dict[str, Any]]) -> str:
    """The learner history as aligned text (terminal-safe)."""
    if not history:
        return "no learner history matches\n"
    return "\n".join(_aligned(HISTORY_COLUMNS, history)) + "\n"
