"""The records export through the application layer (trainer/service/export.py, #21) and
its fast CSV path (#20): the bytes are those of the per-cell rule whatever the records
hold, the expiry is the one trainer.records.times and trainer.progress give, and the
course's recertification period comes from the course file alone."""

from __future__ import annotations

import csv
import io
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fresh_python import ROOT, run_trainer_without
from trainer.cli import main
from trainer.commands import records_push
from trainer.export import (
    COLUMNS,
    RecordFilter,
    _Expiry,
    iter_record_rows,
    iter_record_values,
    to_csv,
    write_record_csv,
)
from trainer.months import add_months
from trainer.records.errors import StoreDamaged
from trainer.records.store import DB_NAME, RecordsStore
from trainer.records.times import day
from trainer.service import export
from trainer.xapi.statements import DEFAULT_HOMEPAGE

SHIPPED = ROOT / "question_banks" / "course.yaml"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _hostile_records(data: Path) -> None:
    """Two learners and three attempts whose every text column starts with a character a
    spreadsheet would run, written past the store's checks (a hand-edited database)."""
    RecordsStore.in_dir(data).close()
    db = sqlite3.connect(data / DB_NAME)
    db.executemany(
        "INSERT INTO learners (id, name, external_id, organisation, role, created_at, uid) "
        "VALUES (?, ?, ?, ?, 'employee', '2026-01-01T00:00:00Z', ?)",
        [(1, '=HYPERLINK("http://x","y")', "-7", "@Org", "l1"), (2, "Plain", "", "\tTab", "l2")],
    )
    db.executemany(
        "INSERT INTO attempts (id, learner_id, course_id, module_id, module_version, "
        "module_sha256, role, seed, started_at, finished_at, score, max_score, percent, "
        "passed, uid) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
        [
            (1, 1, "+c", "-m", "=1+1", "@h", "\rrole", "2026-01-02T00:00:00Z",
             "2026-01-02T01:00:00Z", -2.5, 10.0, 80, 1, "=a1"),
            (2, 2, "c", "m", "1", "h", "employee", "-2026-01-03", None, None, None, None,
             None, "a2"),
            (3, 2, "c", "m", "1", "h", "employee", "2026-01-04T00:00:00Z",
             "2026-01-04T00:30:00Z", "=cmd", 10.0, 50, 0, "a3"),
        ],
    )  # fmt: skip
    db.commit()
    db.close()


def _export_args(data: Path, out: Path) -> list[str]:
    return ["records", "--data-dir", str(data), "--course", str(SHIPPED), "--format", "csv",
            "-o", str(out)]  # fmt: skip


EXPECTED_HOSTILE = (
    "attempt_id,learner,external_id,organisation,role,course_id,module_id,module_version,"
    "module_sha256,started_at,finished_at,status,score,max_score,percent,passed,expires_on\r\n"
    "a2,Plain,,'\tTab,employee,c,m,1,h,'-2026-01-03,,in-progress,,,,,\r\n"
    '\'=a1,"\'=HYPERLINK(""http://x"",""y"")",\'-7,\'@Org,"\'\rrole",\'+c,\'-m,\'=1+1,\'@h,'
    "2026-01-02T00:00:00Z,2026-01-02T01:00:00Z,passed,-2.5,10.0,80,True,\r\n"
    "a3,Plain,,'\tTab,employee,c,m,1,h,2026-01-04T00:00:00Z,2026-01-04T00:30:00Z,failed,"
    "'=cmd,10.0,50,False,\r\n"
)


def test_a_hostile_export_is_the_expected_neutralised_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every text cell that would start a formula begins with ', wherever it is (learner,
    ID, organisation, role, ids, version, hash, a damaged time, text in a number column);
    a negative number stays a number."""
    data = tmp_path / "data"
    _hostile_records(data)
    out = tmp_path / "out.csv"
    argv = ["records", "--data-dir", str(data), "--course", str(SHIPPED), "--format", "csv"]
    assert main([*argv, "-o", str(out)]) == 0
    assert out.read_bytes() == EXPECTED_HOSTILE.encode()
    assert main(argv) == 0  # to a pipe: the same bytes
    assert capsys.readouterr().out == EXPECTED_HOSTILE


_TEXT = st.text(alphabet=st.sampled_from("=+-@\t\r a1Z\x00é,\"'\n"), max_size=4)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.binary(max_size=2),
    st.booleans(),
)
_OWN = {  # the export's own words (iter_record_values): never from the records
    "status": st.sampled_from(("passed", "failed", "expired", "in-progress", "abandoned")),
    "passed": st.sampled_from((None, True, False)),
    "expires_on": st.none() | st.dates().map(date.isoformat),
}
_ROW = st.tuples(*(_OWN.get(c, _CELL) for c in COLUMNS))
_PLAIN_ROW = st.builds(  # as the records give them: the attempt id is a UUID's text
    lambda i, text, fin, num: (str(uuid.UUID(int=i)), *text, fin, "passed", num, num, i, True),
    st.integers(1, 9),
    st.tuples(*([st.text(alphabet="ab1 ", max_size=3)] * 9)),
    st.none() | st.just("2026-01-01T00:00:00Z"),
    st.none() | st.floats(0, 10, width=32),
).map(lambda row: (*row, None))  # expires_on


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PLAIN_ROW, _ROW), max_size=6), st.booleans(), st.integers(1, 3))
def test_the_fast_csv_writes_what_the_per_cell_rule_writes(
    rows: list[tuple[Any, ...]], terminal: bool, batch: int
) -> None:
    """Clean batches are written as they are; any value of any type in any column makes
    the batch go through the per-cell rule: the bytes never differ from to_csv's."""
    import trainer.export as module

    dicts = [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    before = module._BATCH
    module._BATCH = batch  # batches that mix clean rows and others
    try:
        out = io.StringIO()
        assert write_record_csv(iter(rows), out, terminal=terminal) == len(rows)
    finally:
        module._BATCH = before
    assert out.getvalue() == to_csv(dicts, terminal=terminal)
    if not terminal:
        for line in csv.reader(io.StringIO(out.getvalue(), newline="")):
            for cell in line:
                assert not cell.startswith(TRIGGERS) or (cell[:1] == "-" and _number(cell))


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


_STAMPS = st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
    ),
    st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2090, 12, 30)).map(
        lambda d: d.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=5))).isoformat()
    ),
    st.sampled_from(
        [
            "2026-02-30T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T23:59:60Z",
            "2026-01-01Z11:00:00Z",
            "2026-01-01T11+02:00Z",
            "2026-01-01",
            "2026-01-01T10:00:00",
            "2026-W01-1T11:00:00Z",
            "",
            "x" * 20,
        ]
    ),
    st.text(max_size=22),
)


@settings(max_examples=300, deadline=None)
@given(_STAMPS, st.integers(1, 120), st.dates(date(1990, 1, 1), date(2100, 1, 1)))
def test_expiry_is_the_finish_day_plus_the_period_as_times_reads_it(
    stamp: str, months: int, today: date
) -> None:
    """The remembered, one-parse expiry gives what day() and add_months give, and a
    timestamp day() refuses is refused the same way (StoreDamaged), never read otherwise."""
    expiry = _Expiry(today)
    try:
        finish = day(stamp)
    except StoreDamaged:
        with pytest.raises(StoreDamaged):
            expiry.of(stamp, months)
        return
    want = add_months(finish, months)
    for _ in range(2):  # the second answer is the remembered one
        assert expiry.of(stamp, months) == (want.isoformat(), today > want)


def test_records_written_by_trainer_take_the_fast_path(tmp_path: Path) -> None:
    """Rows as trainer writes them (UUID ids, canonical times, numbers) need no per-cell
    rule: every batch is written as it is. (Since ids became UUIDs (#21), a text attempt
    id sent every batch through the per-cell rule until the check counted it as text.)"""
    import trainer.export as module

    with RecordsStore.in_dir(tmp_path / "data") as store:
        for n in range(3):
            learner = store.add_learner(f"Learner {n}", "employee", "Agency", f"E{n}")
            aid = store.start_attempt(learner.id, "course", "m", "1.0", "h" * 64, "employee", 7).id
            assert uuid.UUID(aid)
        values = list(iter_record_values(store, RecordFilter(), validity_months={"course": 12}))
    assert len(values) == 3 and module._plain(values)
    hostile = [values[0], ("=" + values[1][0], *values[1][1:])]
    assert not module._plain(hostile)  # the attempt id is checked like any text
    done = [(*row[:10], "2026-01-01T00:00:00Z", *row[11:]) for row in values]  # finished
    assert module._plain(done)
    for column in range(11):  # every text column, whichever way the batch check reads it
        for trigger in TRIGGERS:
            edited = [*done[:2], (*done[2][:column], trigger + "x", *done[2][column + 1 :])]
            assert not module._plain(edited), (COLUMNS[column], trigger)


def test_rows_as_dicts_are_the_values_in_column_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _hostile_records(data)
    with RecordsStore.in_dir(data, read_only=True) as store:
        flt = RecordFilter()
        values = list(iter_record_values(store, flt, validity_months={"+c": 1}))
        rows = list(iter_record_rows(store, flt, validity_months={"+c": 1}))
    assert [tuple(r.values()) for r in rows] == values
    assert [r["status"] for r in rows] == ["in-progress", "expired", "failed"]
    assert rows[1]["expires_on"] == "2026-02-02" and rows[1]["passed"] is True


# --------------------------------------------------------------------------- the course


def test_the_period_comes_from_the_course_file_alone(tmp_path: Path) -> None:
    """A module file with a problem does not hide the period (the export needs only the
    course's id and validity_months); a course file with one does, and says why."""
    course = tmp_path / "course.yaml"
    text = SHIPPED.read_text(encoding="utf-8").replace("validity_months: 12", "validity_months: 7")
    course.write_text(text, encoding="utf-8")  # its module files do not exist here
    assert export.course_validity(course) == export.Validity({"consent-isnt-consent": 7})
    course.write_text(text.replace("validity_months: 7", "validity_months: 700"), "utf-8")
    broken = export.course_validity(course)
    assert broken.months == {} and "validity_months" in (broken.problem or "")
    for path in (tmp_path / "missing.yaml", Path("/dev/zero"), tmp_path):
        unread = export.course_validity(path)
        assert unread.months == {} and unread.problem
    module = ROOT / "question_banks" / "modules" / "01-consent-and-control.yaml"
    assert export.course_validity(module).months == {}


def test_the_period_comes_from_a_current_cache_entry_and_never_a_stale_one(
    tmp_path: Path,
) -> None:
    """With the course in the cache (the app or a writing command loaded it), the period
    is the entry header's: no YAML read. Any change to a course file makes the entry stale:
    the period is then read from the course file as it is now."""
    from benchmarks.genbank import write_course
    from trainer.bank.cache import cache_file, course_facts, load_course_cached

    course = write_course(tmp_path / "bank", questions=4)
    cache = tmp_path / "data" / "cache"
    assert course_facts(course, cache) is None  # nothing cached yet
    loaded = load_course_cached(course, cache).course
    assert loaded is not None
    facts = course_facts(course, cache)
    assert facts == (loaded.id, loaded.validity_months)
    assert export.course_validity(course, cache) == export.course_validity(course)

    text = course.read_text(encoding="utf-8")
    months = loaded.validity_months
    assert f"validity_months: {months}" in text
    course.write_text(text.replace(f"validity_months: {months}", "validity_months: 5"), "utf-8")
    assert course_facts(course, cache) is None  # stale: the course file changed
    assert export.course_validity(course, cache) == export.Validity({loaded.id: 5})
    load_course_cached(course, cache)
    assert course_facts(course, cache) == (loaded.id, 5)

    module = next(iter(loaded.module_map.values())).path
    module.write_bytes(module.read_bytes() + b"\n# edited\n")
    assert course_facts(course, cache) is None  # stale: a module file changed

    load_course_cached(course, cache)
    entry = cache_file(course, cache)
    data = entry.read_bytes()
    entry.write_bytes(data.replace(b"validity_months", b"validity_monthz"))  # damaged header
    assert course_facts(course, cache) is None
    assert export.course_validity(course, cache) == export.Validity({loaded.id: 5})


def test_with_a_current_cache_the_export_reads_no_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export takes the period from the cache's header: neither PyYAML, the bank
    checker nor the course model is imported (nor hashlib or pickle: the course's files
    are unchanged by their signatures), and the bytes are the same."""
    from trainer.bank import filesig
    from trainer.bank.cache import load_course_cached

    monkeypatch.setattr(filesig, "SETTLED_NS", 0)  # the repository's files count as settled
    data = tmp_path / "data"
    _hostile_records(data)
    load_course_cached(SHIPPED, data / "cache")
    run_trainer_without(
        _export_args(data, tmp_path / "o.csv"),
        (  # nor the row classes: the export writes plain values
            *("yaml", "trainer.bank.checker", "trainer.bank.model", "textual", "uuid"),
            *("trainer.records.row_types", "trainer.progress", "dataclasses", "hashlib"),
            "pickle",
        ),
    )
    assert (tmp_path / "o.csv").read_bytes() == EXPECTED_HOSTILE.encode()


def test_without_the_course_the_export_says_so_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _hostile_records(data)
    bad = tmp_path / "course.yaml"
    bad.write_text("kind: course\nid: [\n", encoding="utf-8")
    assert main(["records", "--data-dir", str(data), "--course", str(bad), "--format", "csv"]) == 0
    got = capsys.readouterr()
    assert got.out == EXPECTED_HOSTILE
    assert "note: the course file could not be read" in got.err and "course.yaml:" in got.err


# --------------------------------------------------------------------------- the service


def test_the_service_writes_what_the_command_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _hostile_records(data)
    validity = export.course_validity(SHIPPED)
    with RecordsStore.in_dir(data, read_only=True) as store:
        for fmt in ("csv", "json"):
            out = io.StringIO()
            count = export.write_records(store, RecordFilter(), fmt, out, validity=validity)
            assert (count, out.getvalue()) == export.records_text(
                store, RecordFilter(), fmt, validity=validity
            )
            argv = ["records", "--data-dir", str(data), "--course", str(SHIPPED)]
            assert main([*argv, "--format", fmt]) == 0
            assert capsys.readouterr().out == out.getvalue()
        with pytest.raises(ValueError):
            export.write_records(store, RecordFilter(), "table", io.StringIO(), validity=validity)
        with pytest.raises(export.ExportRefused):
            export.history_text(store, None, None, "xapi")


def test_a_renamed_learner_is_found_by_the_old_name(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as store:
        ana = store.add_learner("Ana", "employee")
        store.rename_learner(ana.id, "Anna")
        assert export.renamed(store, "Anna") == []
        (moved,) = export.renamed(store, "  ana ")
        assert (moved.old, moved.new) == ("Ana", "Anna") and len(moved.on) == 10
        assert export.renamed(store, "Nobody") == []


def test_the_help_names_the_xapi_default_home_page() -> None:
    assert records_push.DEFAULT_HOMEPAGE == DEFAULT_HOMEPAGE


def test_the_csv_export_loads_neither_the_course_model_nor_xapi(tmp_path: Path) -> None:
    """What the export needs is imported, no more: not the course model, the xAPI
    statements or Textual (they were much of a small export's time). Without a course
    cache entry the period is read from the course file (PyYAML) and checked with the
    bank checker, whose problems and field specs are named tuples: no ``dataclasses``
    (with ``inspect``, ~10 ms)."""
    data = tmp_path / "data"
    _hostile_records(data)
    run_trainer_without(
        _export_args(data, tmp_path / "o.csv"),
        ("trainer.bank.model", "trainer.xapi.statements", "textual", "dataclasses", "inspect"),
    )
    assert (tmp_path / "o.csv").read_bytes() == EXPECTED_HOSTILE.encode()
