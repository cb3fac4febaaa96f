"""Schema 6's status summary (module_passes): ``trainer status`` reads it instead of every
attempt, and must say exactly what the old one-pass fold over the attempts said
(tests/status_reference.py), on both backends, for any records. The summary is kept by
triggers whoever writes the attempts (the store, a merge, export-file's copy, a hand edit),
and an older database is filled by its upgrade."""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.status_reference import reference_statuses
from trainer.bank.model import Course, CourseModule
from trainer.compliance.status import status_values, statuses, valid_from_day
from trainer.months import add_months
from trainer.records import RecordsStore, open_store
from trainer.records.base import APPLICATION_ID
from trainer.records.exchange import Selection, export_file, open_source
from trainer.records.migrations import MIGRATIONS

ROLES = ("employee", "contractor", "uniformed")
ORGANISATIONS = ("Acme", "ACME", "acme", "Ärzte Nord", "ÄRZTE NORD", "ärzte nord", "", "Zeta")
MODULES = ("demo", "demo2", "demo3", "elsewhere")  # demo3: not required; elsewhere: no module

RECOUNT = (
    "SELECT learner_id, course_id, module_id, COUNT(*), "
    "MAX(CASE WHEN passed = 1 THEN finished_at END) FROM attempts "
    "GROUP BY learner_id, course_id, module_id ORDER BY 1, 2, 3"
)
SUMMARY = (
    "SELECT learner_id, course_id, module_id, attempts, last_pass_at FROM module_passes "
    "ORDER BY 1, 2, 3"
)


def role_course(course: Course, months: int, course_id: str = "demo-course") -> Course:
    """The fixture course with modules by role: demo (everyone), demo2 (contractors and
    uniformed), demo3 (everyone, not required)."""
    demo = course.module("demo")
    return course._replace(
        id=course_id,
        validity_months=months,
        modules=(
            CourseModule("demo", "demo.yaml", True, ROLES),
            CourseModule("demo2", "demo2.yaml", True, ("contractor", "uniformed")),
            CourseModule("demo3", "demo3.yaml", False, ROLES),
        ),
        module_map={
            "demo": demo,
            "demo2": demo._replace(id="demo2"),
            "demo3": demo._replace(id="demo3"),
        },
    )


def summary_is_exact(store: Any) -> None:
    """module_passes is the attempts counted again, and course_passes is module_passes
    gathered per learner and course (worked out here, in Python)."""
    assert store._rows(SUMMARY) == store._rows(RECOUNT)
    want: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for learner, course_id, module, _n, last in store._rows(SUMMARY):
        passed = want.setdefault((learner, course_id), [])
        if last is not None:
            passed.append((module, last))
    got = {
        (learner, course_id): (modules, passes)
        for learner, course_id, modules, passes in store._rows(
            "SELECT learner_id, course_id, modules, passes FROM course_passes"
        )
    }
    assert got == {
        key: (",".join(m for m, _ in sorted(p)), ",".join(t for _, t in sorted(p)))
        for key, p in want.items()
    }


class Clock:
    def __init__(self) -> None:
        self.now = "2026-01-01T09:00:00Z"

    def __call__(self) -> str:
        return self.now


# ---------------------------------------------------------------------- random records
days_st = st.integers(-4, 4) | st.integers(-900, 400)  # days from the validity boundary


def attempt_st(modules: Any = None, how: Any = None) -> Any:
    return st.tuples(
        modules if modules is not None else st.sampled_from(MODULES),
        how
        if how is not None
        else st.sampled_from(("passed", "passed", "failed", "open", "abandoned")),
        days_st,
        st.integers(0, 23),
        st.booleans(),  # True: inserted already finished (as a merge does), else the store
        st.sampled_from((False, False, False, True)),  # True: at another course
    )


# Some learners pass every required module (on any day, then maybe more attempts), so that
# complete, due and expired learners are as common as the others.
keen_st = st.tuples(
    attempt_st(st.just("demo"), st.just("passed")),
    attempt_st(st.just("demo2"), st.just("passed")),
    st.lists(attempt_st(), max_size=3),
).map(lambda t: [t[0], t[1], *t[2]])
learner_st = st.tuples(
    st.sampled_from(ROLES),
    st.sampled_from(ORGANISATIONS),
    st.none() | st.just("") | st.just("soon") | st.integers(-40, 40),  # due: days from today
    st.lists(attempt_st(), max_size=7) | keen_st,
)
case_st = st.fixed_dictionaries(
    {
        "today": st.dates(date(2025, 1, 1), date(2028, 12, 31))
        | st.sampled_from([date(2026, 2, 28), date(2026, 3, 31), date(2028, 2, 29)]),
        "months": st.sampled_from((1, 6, 12, 13, 24)),
        "learners": st.lists(learner_st, max_size=6),
        "edits": st.lists(
            st.tuples(st.sampled_from(("unpass", "pass", "delete")), st.integers(0, 99)), max_size=2
        ),
        "organisation": st.none()
        | st.sampled_from(("acme", "ÄRZTE NORD", "ärzte nord", "zeta", "")),
        "role": st.none() | st.sampled_from(ROLES),
        "due_within": st.none() | st.sampled_from((0, 30, 400)),
    }
)

_counter = itertools.count()


def _write_case(store: Any, clock: Clock, course: Course, case: dict[str, Any]) -> None:
    today: date = case["today"]
    boundary = valid_from_day(today, case["months"])
    tag = uuid.uuid4().hex[:8]
    for i, (role, organisation, due, attempts) in enumerate(case["learners"]):
        learner = store.add_learner(f"L{tag}{i}", role, organisation)
        if due is not None:
            text = due if isinstance(due, str) else (today + timedelta(days=due)).isoformat()
            with store._write("a due date") as db:
                db.execute("UPDATE learners SET due_date = ? WHERE uid = ?", (text, learner.id))
        for module, how, delta, hour, raw, other in attempts:
            on = boundary + timedelta(days=delta)
            clock.now = f"{on.isoformat()}T{hour:02d}:{delta % 60:02d}:00Z"
            course_id = "other-course" if other else course.id
            if raw and how != "open":
                passed = {"passed": 1, "failed": 0}.get(how)
                with store._write("an attempt, as a merge adds it") as db:
                    db.execute(
                        "INSERT INTO attempts (learner_id, course_id, module_id, "
                        "module_version, module_sha256, role, seed, started_at, finished_at, "
                        "score, max_score, percent, passed, uid) "
                        "VALUES ((SELECT id FROM learners WHERE uid = ?), ?, ?, '1', 'h', ?, 1, "
                        "?, ?, ?, 1, ?, ?, ?)",
                        (learner.id, course_id, module, role, clock.now, clock.now,
                         passed, 100 * (passed or 0), passed, str(uuid.uuid4())),
                    )  # fmt: skip
                continue
            attempt = store.start_attempt(learner.id, course_id, module, "1", "h", role, 1)
            if how in ("passed", "failed"):
                store.finish_attempt(attempt.id, 1, 1, 100, how == "passed")
            elif how == "abandoned":
                store.abandon_attempt(attempt.id)
    ids = [r[0] for r in store._rows("SELECT id FROM attempts ORDER BY id")]
    for what, pick in case["edits"]:  # by hand: the triggers count the module again
        if not ids:
            break
        attempt_id = ids[pick % len(ids)]
        with store._write("editing by hand") as db:
            if what == "delete":
                if not db.execute(
                    "SELECT 1 FROM answers WHERE attempt_id = ?", (attempt_id,)
                ).fetchone():
                    db.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
                    ids.remove(attempt_id)
            else:
                db.execute(
                    "UPDATE attempts SET passed = ?, finished_at = COALESCE(finished_at, ?) "
                    "WHERE id = ?",
                    (int(what == "pass"), clock.now, attempt_id),
                )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=case_st)
def test_the_summary_says_what_the_attempts_say(
    records_at: str | Path, course: Course, case: dict[str, Any]
) -> None:
    """Whatever the records (expired, due, in progress, retakes, abandoned, roles, passes
    on the validity's edge days, filters), statuses() over the summary is the old fold
    over every attempt, row for row. One database per backend for all examples: each
    example has a course of its own, and every learner so far is compared."""
    here = role_course(course, case["months"], f"course-{next(_counter)}")
    clock = Clock()
    with open_store(records_at, now=clock) as store:
        _write_case(store, clock, here, case)
        summary_is_exact(store)
        options = {k: case[k] for k in ("organisation", "role", "due_within")}
        got = list(statuses(store, here, today=case["today"], **options))
        want = list(reference_statuses(store, here, today=case["today"], **options))
    for state in sorted({s.state for s in got}):
        event(state)  # --hypothesis-show-statistics: which states the examples reached
    assert got == want


def test_the_comparison_can_fail(records_at: str | Path, course: Course) -> None:
    """The same comparison sees a summary that is wrong: a pass the summary lost."""
    here = role_course(course, 12)
    clock = Clock()
    with open_store(records_at, now=clock) as store:
        ann = store.add_learner("Ann", "employee")
        clock.now = "2026-05-01T10:00:00Z"
        a = store.start_attempt(ann.id, here.id, "demo", "1", "h", "employee", 1)
        store.finish_attempt(a.id, 1, 1, 100, True)
        today = date(2026, 6, 1)
        assert [s.state for s in statuses(store, here, today=today)] == ["complete"]
        assert list(statuses(store, here, today=today)) == list(
            reference_statuses(store, here, today=today)
        )
        with store._write("breaking the summary") as db:
            db.execute("UPDATE module_passes SET last_pass_at = NULL")
        assert [s.state for s in statuses(store, here, today=today)] == ["in-progress"]
        assert list(statuses(store, here, today=today)) != list(
            reference_statuses(store, here, today=today)
        )


@pytest.mark.parametrize("months", [1, 2, 6, 12, 13, 24, 120])
def test_valid_from_day_is_the_first_day_still_valid(months: int) -> None:
    start = date(2023, 12, 25)
    for today in (start + timedelta(days=n) for n in range(0, 800, 3)):
        first = valid_from_day(today, months)
        assert add_months(first, months) >= today
        assert add_months(first - timedelta(days=1), months) < today
    assert valid_from_day(date(9999, 12, 31), 120) <= date(9999, 12, 31)  # no overflow


# ---------------------------------------------------------------------- who writes attempts
def test_every_writer_keeps_the_summary(records_at: str | Path, tmp_path: Path) -> None:
    """The store (start, finish, abandon, start over an open one), a merge of another
    machine's records (attempts added finished, open ones finished later) and
    export-file (whole and filtered copies): the summary is the attempts' count."""
    clock = Clock()
    laptop = tmp_path / "laptop.sqlite3"
    with RecordsStore(laptop, now=clock) as s:
        ann = s.add_learner("Ann", "employee", "Acme", "E1")
        a = s.start_attempt(ann.id, "c", "m1", "1", "h", "employee", 1)
        s.finish_attempt(a.id, 1, 1, 100, True)
        s.start_attempt(ann.id, "c", "m2", "1", "h", "employee", 1)  # open: finished later
        summary_is_exact(s)
    with open_store(records_at, now=clock) as central:
        bob = central.add_learner("Bob", "contractor")
        clock.now = "2026-02-01T10:00:00Z"
        b = central.start_attempt(bob.id, "c", "m1", "1", "h", "contractor", 1)
        central.start_attempt(bob.id, "c", "m1", "1", "h", "contractor", 1)  # closes b
        central.abandon_attempt(b.id)
        b2 = central.start_attempt(bob.id, "c", "m2", "1", "h", "contractor", 1)
        central.finish_attempt(b2.id, 0, 1, 0, False)
        summary_is_exact(central)
        with open_source(laptop) as source:
            assert central.merge_from(source, add_unmatched=True).written
        summary_is_exact(central)
        with RecordsStore(laptop, now=clock) as s:
            clock.now = "2026-03-01T10:00:00Z"
            ann = s.find_by_external_id("Acme", "E1")
            assert ann is not None
            open_one = s.open_attempt(ann.id, "c", "m2")
            assert open_one is not None
            s.finish_attempt(open_one.id, 1, 1, 100, True)
        with open_source(laptop) as source:
            assert central.merge_from(source).attempts_finished == 1
        rows = central._rows(SUMMARY)
        assert "2026-03-01T10:00:00Z" in {r[4] for r in rows}, rows
        summary_is_exact(central)
        for selection in (Selection(), Selection(organisation="Acme")):
            out = tmp_path / f"copy-{uuid.uuid4().hex}.sqlite3"
            export_file(central, out, selection)
            with RecordsStore(out, read_only=True) as copy:
                summary_is_exact(copy)
                assert copy._rows(SUMMARY)  # not empty: the copy has attempts


def test_an_older_sqlite_database_gets_its_summary_on_upgrade(tmp_path: Path) -> None:
    """Schema 5 → 6 → 7 fills module_passes and course_passes from the attempts there
    (written or read-only)."""
    path = tmp_path / "records.sqlite3"
    with RecordsStore(path) as s:
        ann = s.add_learner("Ann", "employee")
        for passed, at in ((True, "2026-01-02T10:00:00Z"), (False, "2026-03-02T10:00:00Z")):
            a = s.start_attempt(ann.id, "c", "m1", "1", "h", "employee", 1)
            with s._write("finishing at a given time") as db:
                db.execute(
                    "UPDATE attempts SET finished_at = ?, passed = ? WHERE uid = ?",
                    (at, int(passed), a.id),
                )
        s.start_attempt(ann.id, "c", "m2", "1", "h", "employee", 1)
    db = sqlite3.connect(path)
    for name in ("module_passes_add", "module_passes_finish", "module_passes_change",
                 "module_passes_delete"):  # fmt: skip
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DROP TABLE module_passes")  # and course_passes' triggers, on it
    db.execute("DROP TABLE course_passes")
    db.execute("DROP INDEX learners_order")
    db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()
    want = [(1, "c", "m1", 2, "2026-01-02T10:00:00Z"), (1, "c", "m2", 1, None)]
    with RecordsStore(path, read_only=True) as s:  # an in-memory copy, upgraded there
        assert s._rows(SUMMARY) == want
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (5,)
    with RecordsStore(path) as s:
        assert s.schema_version == len(MIGRATIONS) == 7
        summary_is_exact(s)
        assert s._rows(SUMMARY) == want


def test_a_fresh_sqlite_schema_is_the_upgraded_one(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "old.sqlite3")
    for step in MIGRATIONS[:4]:
        assert isinstance(step, str)
        db.executescript(step)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with RecordsStore(tmp_path / "old.sqlite3"), RecordsStore(tmp_path / "new.sqlite3"):
        pass

    def schema(p: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(p) as con:
            return con.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()

    assert schema(tmp_path / "old.sqlite3") == schema(tmp_path / "new.sqlite3")
    assert "module_passes" in {name for name, _sql in schema(tmp_path / "new.sqlite3")}


def test_postgresql_schema_5_is_upgraded_with_its_summary(pg_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    from trainer.records.pg_schema import CREATE_SCHEMA_V5

    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in CREATE_SCHEMA_V5:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', '5'), ('database_id', %s)",
            (str(uuid.uuid4()),),
        )
        conn.execute(
            "INSERT INTO learners (name, role, created_at, uid) "
            "VALUES ('Ann', 'employee', '2025-01-01T00:00:00Z', 'u1')"
        )
        for n, (passed, at) in enumerate(
            ((1, "2026-01-02T10:00:00Z"), (0, "2026-03-02T10:00:00Z"), (None, None))
        ):
            conn.execute(
                "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
                "module_sha256, role, seed, started_at, finished_at, passed, uid) "
                "VALUES (1, 'c', %s, '1', 'h', 'employee', 1, '2025-12-01T00:00:00Z', %s, %s, %s)",
                ("m2" if passed is None else "m1", at, passed, f"a{n}"),
            )
    with open_store(pg_url) as store:
        assert store.schema_version == 7
        assert store._rows(SUMMARY) == [
            (1, "c", "m1", 2, "2026-01-02T10:00:00Z"),
            (1, "c", "m2", 1, None),
        ]
        a = store.start_attempt("u1", "c", "m1", "1", "h", "employee", 1)
        store.finish_attempt(a.id, 1, 1, 100, True)
        summary_is_exact(store)


def test_a_course_with_no_required_modules(records_at: str | Path, course: Course) -> None:
    """No role has a required module: nobody is complete; the query still runs."""
    here = role_course(course, 12)._replace(
        modules=(CourseModule("demo", "demo.yaml", False, ROLES),),
    )
    clock = Clock()
    with open_store(records_at, now=clock) as store:
        ann = store.add_learner("Ann", "employee")
        store.add_learner("Bob", "uniformed")
        a = store.start_attempt(ann.id, here.id, "demo", "1", "h", "employee", 1)
        store.finish_attempt(a.id, 1, 1, 100, True)
        today = date(2026, 6, 1)
        got = list(statuses(store, here, today=today))
        assert [(s.learner.name, s.state, s.modules_required) for s in got] == [
            ("Ann", "in-progress", 0),
            ("Bob", "not-started", 0),
        ]
        assert got == list(reference_statuses(store, here, today=today))


def test_the_status_csv_is_write_csv_byte_for_byte(tmp_path: Path, course: Course) -> None:
    """The command's own CSV loop writes what write_csv of each record wrote, formula
    triggers neutralised (a hand-edited UUID too), a NULL cell (no due date) empty. (A
    learner without a UUID at all is damage the store reports: test_records_contract.py.)"""
    import io

    from trainer.commands.status import CSV_COLUMNS, CSV_LEARNER, _record, write_status_csv
    from trainer.export import write_csv

    here = role_course(course, 12)
    clock = Clock()
    with RecordsStore(tmp_path / "r.sqlite3", now=clock) as store:
        for name, org, ext in (
            ("=1+2", "Acme", ""),
            ("Plain", "+Org", "-7"),
            ("@at", "Acme", "E1"),
            ("Tab", "Org", "x"),
            ("Ok", "Acme", "=E"),
            ('Quote, "me"', "Acme", "E2"),
        ):
            learner = store.add_learner(name, "contractor", org, ext)
            a = store.start_attempt(learner.id, here.id, "demo", "1", "h", "contractor", 1)
            store.finish_attempt(a.id, 1, 1, 100, True)
        with store._write("hand edits") as db:
            db.execute("UPDATE learners SET email = '=mail' WHERE name = 'Ok'")
            db.execute("UPDATE learners SET organisation = ? WHERE name = 'Tab'", ("\tOrg",))
            db.execute(
                "UPDATE learners SET uid = '=u', due_date = '2026-07-01' WHERE name = 'Plain'"
            )
        got = list(statuses(store, here, today=date(2026, 6, 1), due_within=60))
        values = list(status_values(store, here, today=date(2026, 6, 1), due_within=60))
        fewer = list(
            status_values(store, here, today=date(2026, 6, 1), due_within=60, columns=CSV_LEARNER)
        )
    fast, generic, lean = io.StringIO(), io.StringIO(), io.StringIO()
    assert write_status_csv(values, fast) == len(got) == 6
    assert write_status_csv(fewer, lean, CSV_LEARNER) == 6
    assert lean.getvalue() == fast.getvalue()  # the command's own columns, the same bytes
    write_csv((_record(s) for s in got), generic, CSV_COLUMNS)
    assert fast.getvalue() == generic.getvalue()
    assert "'=1+2" in fast.getvalue() and "'+Org" in fast.getvalue()
    assert ",'=u\r\n" in fast.getvalue()
    assert any(line.split(",")[-2] == "" for line in fast.getvalue().splitlines()[1:])  # no due


@pytest.mark.parametrize("first", ["insert", "recount"])
def test_postgresql_concurrent_writers_keep_the_summary_exact(pg_url: str, first: str) -> None:
    """A new attempt and a hand edit that counts the same module again, in two transactions
    at once (either first): the summary's row lock makes the second wait, and it counts
    what the first committed."""
    import threading

    psycopg = pytest.importorskip("psycopg")
    with open_store(pg_url) as store:
        ann = store.add_learner("Ann", "employee")
        done = store.start_attempt(ann.id, "c", "m", "1", "h", "employee", 1)
        store.finish_attempt(done.id, 1, 1, 100, True)
    insert = (
        "INSERT INTO attempts (learner_id, course_id, module_id, module_version, module_sha256,"
        " role, seed, started_at, finished_at, passed, uid) VALUES ((SELECT id FROM learners"
        " WHERE uid = %s), 'c', 'm', '1', 'h', 'employee', 1, '2026-05-01T00:00:00Z',"
        " '2026-05-01T00:00:00Z', 1, %s)"
    )
    recount = "UPDATE attempts SET passed = 0 WHERE uid = %s"
    with psycopg.connect(pg_url) as a, psycopg.connect(pg_url) as b:
        one = a if first == "insert" else b
        if first == "insert":
            a.execute(insert, (ann.id, str(uuid.uuid4())))
            waiting = threading.Thread(target=lambda: (b.execute(recount, (done.id,)), b.commit()))
        else:
            b.execute(recount, (done.id,))
            waiting = threading.Thread(
                target=lambda: (a.execute(insert, (ann.id, str(uuid.uuid4()))), a.commit())
            )
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # the second writer waits for the first's row lock
        one.commit()
        waiting.join(10)
        assert not waiting.is_alive()
    with open_store(pg_url) as store:
        summary_is_exact(store)
        key = store._one("SELECT id FROM learners WHERE uid = ?", (ann.id,))
        assert key is not None
        assert store._rows(SUMMARY) == [(key[0], "c", "m", 2, "2026-05-01T00:00:00Z")]


def test_postgresql_concurrent_passes_of_two_modules_both_reach_course_passes(
    pg_url: str,
) -> None:
    """Two passes of different modules by one learner, in two transactions at once: the
    second waits for the learner's course_passes row, then reads module_passes afresh, so
    the row lists both modules (read in the second's first snapshot, it would list one)."""
    import threading

    psycopg = pytest.importorskip("psycopg")
    with open_store(pg_url) as store:
        ann = store.add_learner("Ann", "employee")
        store.start_attempt(ann.id, "c", "m0", "1", "h", "employee", 1)  # attempted: a row
    insert = (
        "INSERT INTO attempts (learner_id, course_id, module_id, module_version, module_sha256,"
        " role, seed, started_at, finished_at, passed, uid) VALUES ((SELECT id FROM learners"
        " WHERE uid = %s), 'c', %s, '1', 'h', 'employee', 1, %s, %s, 1, %s)"
    )
    one_at, two_at = "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z"
    with psycopg.connect(pg_url) as a, psycopg.connect(pg_url) as b:
        a.execute(insert, (ann.id, "m1", one_at, one_at, str(uuid.uuid4())))
        waiting = threading.Thread(
            target=lambda: (
                b.execute(insert, (ann.id, "m2", two_at, two_at, str(uuid.uuid4()))),
                b.commit(),
            )
        )
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # the second writer waits for the learner's row
        a.commit()
        waiting.join(10)
        assert not waiting.is_alive()
    with open_store(pg_url) as store:
        summary_is_exact(store)
        assert store._rows("SELECT modules, passes FROM course_passes") == [
            ("m1,m2", f"{one_at},{two_at}")
        ]
