"""The records export: attempts as CSV, JSON, a table or xAPI, and the learners' history.

``trainer records`` parses its options into a :class:`~trainer.export.RecordFilter` and a
format, opens the store and its output, and calls this layer; the decisions are made here
once: which course's recertification period judges a pass ``expired``
(:func:`course_validity`, from the course file alone), which learners the history shows,
whether xAPI ids would be stable, and whether a ``--learner`` name that matches nobody was
renamed (:func:`renamed`). CSV and JSON are streamed (:func:`write_records`: one row held
at a time, memory flat at any number of learners); the table and xAPI are built whole
(:func:`records_text`), as a person reads the one and an LRS takes the other in one piece.

A failure of the records stays a :class:`~trainer.records.errors.StoreError`; an export
refused for a reason the user can act on is :class:`ExportRefused`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TextIO

from trainer.export import (
    HISTORY_COLUMNS,
    RecordFilter,
    history_rows,
    history_table,
    iter_record_rows,
    iter_record_values,
    record_rows,
    to_csv,
    to_json,
    to_table,
    write_json,
    write_record_csv,
)
from trainer.records.times import utc_day

if TYPE_CHECKING:
    from trainer.records.contract import Records
    from trainer.xapi.statements import Options

Format = Literal["table", "csv", "json", "xapi"]
STREAMED: tuple[Format, ...] = ("csv", "json")
"""The formats :func:`write_records` writes as the rows are read."""

__all__ = [
    "STREAMED",
    "ExportRefused",
    "RecordFilter",
    "Renamed",
    "Validity",
    "course_validity",
    "history_text",
    "records_text",
    "renamed",
    "write_records",
]


class ExportRefused(Exception):
    """The export was not written; the message says why and what to do."""


class Validity(NamedTuple):  # not a dataclass: see trainer.settings
    """Each course's recertification period in months (``months``: course id → months),
    or why it is not known (``problem``: then no pass is judged expired)."""

    months: dict[str, int]
    problem: str | None = None


def course_validity(path: Path, cache_dir: Path | None = None) -> Validity:
    """The recertification period of the course at ``path``: from the header of its
    current entry in the course cache at ``cache_dir`` when there is one (written by the
    app or any command that loaded the course; no YAML read, no model unpickled), else
    read from the course file alone (bounded, safe YAML, checked against the course schema
    as the loader checks it): an export needs the course's ``id`` and ``validity_months``,
    not its modules, so a module file with a problem does not stop passes being judged
    ``expired``. When the course file cannot be read or is not a valid course file: no
    periods, and why."""
    if cache_dir is not None:
        from trainer.bank.cache import course_facts

        facts = course_facts(path, cache_dir)
        if facts is not None:
            return Validity({facts[0]: facts[1]})
    from trainer.bank.checker import Checker  # only here: the rest of an export needs no YAML
    from trainer.bank.safeyaml import YamlRefused, load_bytes, read_bounded

    shown = str(path)
    try:
        value, problems = load_bytes(read_bounded(path, shown), shown)
    except YamlRefused as exc:  # missing, not a regular file, too large, not YAML...
        return Validity({}, str(exc.problem))
    if problems:
        return Validity({}, str(min(problems)))
    checker = Checker(shown)
    course = checker.check_object(value, "Course", (1, 1), "course")
    if course is None or checker.problems:
        first = min(checker.problems) if checker.problems else None
        return Validity({}, str(first) if first else f"{shown} is not a course file")
    return Validity({str(course["id"]): int(course["validity_months"])})


def write_records(
    store: Records,
    flt: RecordFilter,
    fmt: Format,
    out: TextIO,
    *,
    validity: Validity,
    terminal: bool = False,
    today: date | None = None,
) -> int:
    """The attempts matching ``flt`` as CSV or JSON (:data:`STREAMED`), written to ``out``
    as they are read: one streamed query, one row held at a time. ``terminal``: the CSV is
    read on a terminal, so control characters are shown as escapes. JSON ends with the
    learner history of the learners it shows. The number of records."""
    if fmt == "csv":
        values = iter_record_values(store, flt, validity_months=validity.months, today=today)
        return write_record_csv(values, out, terminal=terminal)
    if fmt != "json":
        raise ValueError(f"{fmt} is not written as it is read (see records_text)")
    rows = iter_record_rows(store, flt, validity_months=validity.months, today=today)

    def history(shown: set[str]) -> list[dict[str, Any]]:
        return history_rows(store, [lr.id for lr in store.learners() if lr.name in shown])

    return write_json(rows, out, history)


def records_text(
    store: Records,
    flt: RecordFilter,
    fmt: Format,
    *,
    validity: Validity,
    terminal: bool = False,
    options: Options | None = None,
    today: date | None = None,
) -> tuple[int, str]:
    """How many records match ``flt``, and the whole text in ``fmt``: the table (with the
    learners' changes since they were created), xAPI statements (``options``: their base,
    home page and course), or CSV/JSON as :func:`write_records` writes them."""
    if fmt == "xapi" and _ids_unstable(store):
        raise ExportRefused(
            "these records were written by an older trainer and have no database id yet, so "
            "xAPI ids would change from one export to the next. Nothing was changed. Open "
            "them once with this version (e.g. 'trainer records push --status') and export "
            "again."
        )
    rows = record_rows(store, flt, validity_months=validity.months, today=today)
    if fmt == "xapi":
        from trainer.xapi.statements import to_xapi  # the course model: only for xAPI

        return len(rows), to_xapi(store, rows, options)
    if fmt == "csv":
        return len(rows), to_csv(rows, terminal=terminal)
    shown = {r["learner"] for r in rows}
    history = history_rows(store, [lr.id for lr in store.learners() if lr.name in shown])
    if fmt == "json":
        return len(rows), to_json(rows, history)
    return len(rows), to_table(rows, history)


def _ids_unstable(store: Records) -> bool:
    """True when xAPI ids from these records would change on the next open (an SQLite file
    from before database ids, read without upgrading it)."""
    from trainer.xapi.ids import on_disk_before_ids

    return store.read_only and on_disk_before_ids(store)


def history_text(
    store: Records,
    learner: str | None,
    organisation: str | None,
    fmt: Format,
    *,
    terminal: bool = False,
) -> tuple[int, str]:
    """The learner history (created, renamed, role, organisation and ID changes) of the
    learners ``learner`` (a name, case-insensitive, spaces as trainer keeps them) and
    ``organisation`` (case-insensitive) select: how many entries, and the text as a table,
    CSV or JSON."""
    if fmt == "xapi":
        raise ExportRefused("--history is written as table, csv or json, not xapi")
    org = organisation.lower() if organisation is not None else None
    name = " ".join(learner.split()).lower() if learner is not None else None
    ids = [
        lr.id
        for lr in store.learners()
        if (org is None or lr.organisation.lower() == org)
        and (name is None or lr.name.lower() == name)
    ]
    history = history_rows(store, ids)
    if fmt == "csv":
        return len(history), to_csv(history, HISTORY_COLUMNS, terminal=terminal)
    if fmt == "json":
        text = json.dumps(
            {"columns": list(HISTORY_COLUMNS), "records": history}, indent=2, ensure_ascii=False
        )
        return len(history), text + "\n"
    return len(history), history_table(history)


class Renamed(NamedTuple):
    """A learner once called ``old`` (as asked for) is now called ``new``, since ``on``."""

    old: str
    new: str
    on: str  # ISO date


def renamed(store: Records, name: str) -> list[Renamed]:
    """When no learner is called ``name`` now: the renames from that name (case-insensitive,
    spaces as trainer keeps them), oldest first, so the user can ask for the new name."""
    if store.find_learner(name) is not None:
        return []
    wanted = " ".join(name.split()).lower()
    current = {lr.id: lr.name for lr in store.learners()}
    return [
        Renamed(
            h.old_value or "",
            current.get(h.learner_id, h.new_value or ""),
            utc_day(h.at).isoformat(),
        )
        for h in store.learner_history()
        if h.change == "name" and (h.old_value or "").lower() == wanted
    ]
