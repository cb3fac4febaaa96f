"""The records export streams: the same rows as the old export (every learner and attempt
read into lists), written as they are read, never with fetchall."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from benchmarks.genrecords import generate
from trainer.export import (
    COLUMNS,
    RecordFilter,
    history_rows,
    iter_record_rows,
    record_rows,
    to_csv,
    to_json,
    write_atomically,
    write_csv,
    write_json,
)
from trainer.months import add_months
from trainer.records.store import RecordsStore
from trainer.records.times import stamp, start_of

TODAY = date(2026, 1, 15)


def reference_rows(
    store: RecordsStore, flt: RecordFilter, validity: dict[str, int]
) -> list[dict[str, Any]]:
    """The export as it was before it streamed (tiny and obvious, to compare with)."""
    learners = {lr.id: lr for lr in store.learners()}
    learner_id = None
    if flt.learner is not None:
        found = store.find_learner(flt.learner)
        if found is None:
            return []
        learner_id = found.id
    until = since = None
    if flt.until:
        until = start_of(date.fromordinal(date.fromisoformat(flt.until).toordinal() + 1))
    if flt.since:
        since = start_of(date.fromisoformat(flt.since))
    rows = []
    attempts = store.attempts(
        learner_id=learner_id,
        course_id=flt.course,
        module_id=flt.module,
        since=since,
        until=until,
    )
    for a in attempts:
        lr = learners[a.learner_id]
        if flt.organisation is not None and lr.organisation.lower() != flt.organisation.lower():
            continue
        status, expires = a.status, None
        months = validity.get(a.course_id)
        if a.passed and months and a.finished_at:
            expires = add_months(a.finished_at.date(), months)
            if expires < TODAY:
                status = "expired"
        if flt.status is not None and status != flt.status:
            continue
        rows.append(
            {
                "attempt_id": a.id,
                "learner": lr.name,
                "external_id": lr.external_id,
                "organisation": lr.organisation,
                "role": a.role,
                "course_id": a.course_id,
                "module_id": a.module_id,
                "module_version": a.module_version,
                "module_sha256": a.module_sha256,
                "started_at": stamp(a.started_at),
                "finished_at": stamp(a.finished_at) if a.finished_at else None,
                "status": status,
                "score": a.score,
                "max_score": a.max_score,
                "percent": a.percent,
                "passed": a.passed,
                "expires_on": expires.isoformat() if expires else None,
            }
        )
    return rows


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("export-records")
    generate(data, 30, attempts=5, answers=4)
    db = sqlite3.connect(data / "records.sqlite3", isolation_level=None)
    # Names a spreadsheet or a terminal would act on, and one that is not ASCII.
    db.execute("UPDATE learners SET name = '=SUM(A1)', organisation = 'Øst' WHERE id = 2")
    db.execute("UPDATE learners SET name = 'Line\nbreak ☃' WHERE id = 3")
    db.close()
    return data


FILTERS = [
    RecordFilter(),
    RecordFilter(organisation="garrison"),
    RecordFilter(organisation="øst"),
    RecordFilter(learner="Learner 000004"),
    RecordFilter(learner="Nobody"),
    RecordFilter(since="2025-03-01", until="2025-06-30"),
    RecordFilter(module="consent-and-control", status="passed"),
    RecordFilter(status="expired"),
    RecordFilter(status="in-progress"),
]


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: repr(f)[12:60])
def test_streamed_rows_equal_the_reference(records: Path, flt: RecordFilter) -> None:
    with RecordsStore.in_dir(records, read_only=True) as store:
        course_id = store.attempts()[0].course_id
        validity = {course_id: 12}
        new = list(iter_record_rows(store, flt, validity_months=validity, today=TODAY))
        assert new == reference_rows(store, flt, validity)
        assert record_rows(store, flt, validity_months=validity, today=TODAY) == new
    if flt == RecordFilter():
        assert len(new) == 150
        assert {r["status"] for r in new} >= {"expired", "in-progress"}


def test_written_csv_and_json_equal_the_whole_text(records: Path) -> None:
    with RecordsStore.in_dir(records, read_only=True) as store:
        rows = record_rows(store, RecordFilter(), today=TODAY)
        for terminal in (False, True):
            out = io.StringIO()
            assert write_csv(iter(rows), out, terminal=terminal) == len(rows)
            assert out.getvalue() == to_csv(rows, terminal=terminal)
        shown = {r["learner"] for r in rows}
        history = history_rows(store, [lr.id for lr in store.learners() if lr.name in shown])
        out = io.StringIO()
        seen: list[set[str]] = []

        def hist(names: set[str]) -> list[dict[str, Any]]:
            seen.append(names)
            return history

        assert write_json(iter(rows), out, hist) == len(rows)
        assert out.getvalue() == to_json(rows, history)
        assert seen == [shown]
        names = {r["learner"] for r in json.loads(out.getvalue())["records"]}
        assert {"=SUM(A1)", "Line\nbreak ☃"} <= names
    for some in ([], rows[:1]):
        for hist_value in (None, []):
            out = io.StringIO()
            write_json(iter(some), out, None if hist_value is None else (lambda _n: []))
            assert out.getvalue() == to_json(some, hist_value)


class _Cursor:
    """Wraps a cursor: fetchall is refused; every batch fetched is counted."""

    def __init__(self, cursor: sqlite3.Cursor, log: list[int]) -> None:
        self._cursor = cursor
        self._log = log

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    def fetchall(self) -> list[Any]:
        raise AssertionError("the export must not fetchall")

    def fetchmany(self, size: int | None = None) -> list[Any]:
        batch = self._cursor.fetchmany() if size is None else self._cursor.fetchmany(size)
        self._log.append(len(batch))
        return batch

    def __iter__(self) -> Any:
        raise AssertionError("iterate through fetchmany, so the batch size is known")


class _Connection:
    def __init__(self, db: sqlite3.Connection, log: list[int]) -> None:
        self._db = db
        self._log = log

    def execute(self, sql: str, args: Any = ()) -> _Cursor:
        return _Cursor(self._db.execute(sql, args), self._log)


def test_export_holds_one_batch_at_a_time(records: Path) -> None:
    with RecordsStore.in_dir(records, read_only=True) as store:
        total = len(store.attempts())
        real = store._db
        log: list[int] = []
        store._db = _Connection(real, log)  # type: ignore[assignment]
        try:
            rows = iter_record_rows(store, RecordFilter(), today=TODAY)
            first = next(rows)
            assert first["attempt_id"] and sum(log) <= 500 < total * 10
            out = io.StringIO()
            count = 1 + write_csv(rows, out)
        finally:
            store._db = real
    assert count == total
    assert max(log) <= 500 and sum(log) == total


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(out: Any) -> int:
        out.write("half")
        raise RuntimeError("disk went away")

    with pytest.raises(RuntimeError):
        write_atomically(str(target), broken)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert write_atomically(str(target), lambda out: out.write("new\r\n") and 1) == 1
    assert target.read_bytes() == b"new\r\n"


def test_columns_are_the_documented_ones() -> None:
    assert COLUMNS[0] == "attempt_id" and COLUMNS[-1] == "expires_on" and len(COLUMNS) == 17
