"""``trainer status``: each learner's state, judged on an injected day, in one pass."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from trainer.bank.model import Course, CourseModule
from trainer.cli import main
from trainer.compliance.status import LearnerStatus, statuses
from trainer.records.reports import RosterEntry
from trainer.records.store import RecordsStore

TODAY = date(2026, 12, 2)


class Clock:
    def __init__(self) -> None:
        self.now = "2026-01-01T09:00:00Z"

    def __call__(self) -> str:
        return self.now


def two_modules(course: Course) -> Course:
    """The fixture course with a second required module (a copy of the first)."""
    demo = course.module("demo")
    second = demo._replace(id="demo2")
    return course._replace(
        modules=(
            *course.modules,
            CourseModule("demo2", "demo2.yaml", True, course.modules[0].roles),
        ),
        module_map={**course.module_map, "demo2": second},
    )


def take(
    store: RecordsStore, clock: Clock, learner_id: int, module: str, on: str, *, passed: bool | None
) -> None:
    """An attempt finished on ``on`` (passed / failed), or left open (``passed`` None)."""
    clock.now = f"{on}T10:00:00Z"
    attempt = store.start_attempt(learner_id, "demo-course", module, "1.0", "sha", "employee", 1)
    if passed is not None:
        store.finish_attempt(attempt.id, 5, 7, 71 if passed else 40, passed)


@pytest.fixture
def records(tmp_path: Path) -> tuple[RecordsStore, Clock]:
    clock = Clock()
    store = RecordsStore.in_dir(tmp_path / "data", now=clock)
    yield store, clock
    store.close()


def by_name(found: list[LearnerStatus]) -> dict[str, LearnerStatus]:
    return {s.learner.name: s for s in found}


def populate(store: RecordsStore, clock: Clock) -> None:
    store.import_roster(
        [
            RosterEntry(2, "Complete Cat", "E1", "Agency", "employee", "", ""),
            RosterEntry(3, "Expired Ed", "E2", "Agency", "employee", "", ""),
            RosterEntry(4, "Halfway Hal", "E3", "Agency", "employee", "", "2026-12-20"),
            RosterEntry(5, "Never Nora", "E4", "Agency", "contractor", "", "2026-11-30"),
            RosterEntry(6, "Open Olga", "E5", "Other", "employee", "", ""),
            RosterEntry(7, "Soon Sam", "E6", "Other", "employee", "", ""),
        ]
    )
    ids = {lr.name: lr.id for lr in store.learners()}
    take(store, clock, ids["Complete Cat"], "demo", "2026-06-01", passed=True)
    take(store, clock, ids["Complete Cat"], "demo2", "2026-06-03", passed=False)
    take(store, clock, ids["Complete Cat"], "demo2", "2026-07-10", passed=True)
    take(store, clock, ids["Expired Ed"], "demo", "2025-03-01", passed=True)
    take(store, clock, ids["Expired Ed"], "demo2", "2026-01-15", passed=True)
    take(store, clock, ids["Halfway Hal"], "demo", "2026-10-01", passed=True)
    take(store, clock, ids["Halfway Hal"], "demo2", "2026-10-02", passed=False)
    take(store, clock, ids["Open Olga"], "demo", "2026-11-30", passed=None)
    take(store, clock, ids["Soon Sam"], "demo", "2025-12-20", passed=True)
    take(store, clock, ids["Soon Sam"], "demo2", "2026-01-05", passed=True)


def test_each_state(records: tuple[RecordsStore, Clock], course: Course) -> None:
    store, clock = records
    populate(store, clock)
    course = two_modules(course)
    found = list(statuses(store, course, today=TODAY))
    assert [s.learner.name for s in found] == [  # by organisation, then name
        "Complete Cat",
        "Expired Ed",
        "Halfway Hal",
        "Never Nora",
        "Open Olga",
        "Soon Sam",
    ]
    s = by_name(found)
    cat = s["Complete Cat"]
    assert (cat.state, cat.completed_on, cat.valid_until, cat.expired_on) == (
        "complete",
        date(2026, 7, 10),
        date(2027, 6, 1),  # the earliest pass runs out first
        None,
    )
    assert (cat.modules_done, cat.modules_required) == (2, 2) and cat.complete
    ed = s["Expired Ed"]
    assert (ed.state, ed.expired_on, ed.modules_done) == ("expired", date(2026, 3, 1), 1)
    assert not ed.complete
    hal = s["Halfway Hal"]
    assert (hal.state, hal.modules_done, hal.due_date) == ("in-progress", 1, date(2026, 12, 20))
    assert s["Never Nora"].state == "not-started"
    assert (s["Open Olga"].state, s["Open Olga"].modules_done) == ("in-progress", 0)
    assert (s["Soon Sam"].state, s["Soon Sam"].valid_until) == ("complete", date(2026, 12, 20))


def test_due_within_marks_deadlines_overdue_included(
    records: tuple[RecordsStore, Clock], course: Course
) -> None:
    store, clock = records
    populate(store, clock)
    found = by_name(list(statuses(store, two_modules(course), today=TODAY, due_within=30)))
    assert {name for name, s in found.items() if s.state == "due"} == {
        "Halfway Hal",  # roster due date 2026-12-20
        "Never Nora",  # due 2026-11-30: overdue
        "Soon Sam",  # complete, but valid only until 2026-12-20
    }
    assert found["Soon Sam"].complete and not found["Never Nora"].complete
    assert found["Expired Ed"].state == "expired"  # stays expired
    assert found["Complete Cat"].state == "complete"
    narrow = by_name(list(statuses(store, two_modules(course), today=TODAY, due_within=0)))
    assert [n for n, s in narrow.items() if s.state == "due"] == ["Never Nora"]


def test_filters(records: tuple[RecordsStore, Clock], course: Course) -> None:
    store, clock = records
    populate(store, clock)
    course = two_modules(course)
    other = [s.learner.name for s in statuses(store, course, today=TODAY, organisation="OTHER")]
    assert other == ["Open Olga", "Soon Sam"]
    contractors = [s.learner.name for s in statuses(store, course, today=TODAY, role="contractor")]
    assert contractors == ["Never Nora"]
    assert list(statuses(store, course, today=TODAY, organisation="Nobody")) == []
    store.add_learner("Zoë", "employee", "Café Nord", "Z1")
    [zoe] = statuses(store, course, today=TODAY, organisation="CAFÉ NORD")  # not ASCII
    assert (zoe.learner.name, zoe.state) == ("Zoë", "not-started")


def test_an_expired_pass_retaken_is_complete_again(
    records: tuple[RecordsStore, Clock], course: Course
) -> None:
    store, clock = records
    learner = store.add_learner("Re Take", "employee", "Agency", "R1")
    take(store, clock, learner.id, "demo", "2025-01-10", passed=True)
    [before] = statuses(store, course, today=TODAY)
    assert (before.state, before.expired_on) == ("expired", date(2026, 1, 10))
    take(store, clock, learner.id, "demo", "2026-11-01", passed=True)
    [after] = statuses(store, course, today=TODAY)
    assert (after.state, after.valid_until) == ("complete", date(2027, 11, 1))


def test_other_courses_attempts_do_not_count(
    records: tuple[RecordsStore, Clock], course: Course
) -> None:
    store, clock = records
    learner = store.add_learner("Elsewhere", "employee")
    clock.now = "2026-11-01T10:00:00Z"
    attempt = store.start_attempt(learner.id, "other-course", "demo", "1.0", "sha", "employee", 1)
    store.finish_attempt(attempt.id, 7, 7, 100, True)
    [status] = statuses(store, course, today=TODAY)
    assert status.state == "not-started"


def test_cli_table_csv_json(
    records: tuple[RecordsStore, Clock],
    course_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, clock = records
    populate(store, clock)
    store.import_roster([RosterEntry(8, "=1+1", "E7", "Agency", "employee", "", "")])
    base = ["--data-dir", str(tmp_path / "data"), "--course", str(course_file)]
    base += ["--as-of", TODAY.isoformat()]
    assert main(["status", *base, "--due-within", "30"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["learner", "external_id", "organisation", "role", "state"]
    # the fixture course has one module: Ed's 2025-03-01 pass ran out on 2026-03-01
    assert any(line.startswith("Expired Ed") and "expired on 2026-03-01" in line for line in lines)
    assert any(
        "Never Nora" in line and "overdue since 2026-11-30 (0/1 modules)" in line for line in lines
    )
    assert lines[-1] == (
        "complete 2 · due 2 · expired 1 · in progress 1 · not started 1 (7 learners)"
    )
    assert main(["status", *base, "--format", "csv", "--state", "expired"]) == 0
    captured = capsys.readouterr()
    rows = captured.out.splitlines()
    assert rows[0].startswith("learner,external_id,organisation,role,email,state,completed_on")
    assert len(rows) == 2 and rows[1].startswith("Expired Ed,E2,Agency,employee,,expired,")
    assert "expired 1" in captured.err
    assert main(["status", *base, "--format", "csv", "--organisation", "agency"]) == 0
    assert "\r\n'=1+1,E7,Agency," in capsys.readouterr().out  # neutralised
    assert main(["status", *base, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-12-02" and data["course"] == "demo-course"
    assert data["counts"]["complete"] == 3 and len(data["learners"]) == 7
    assert data["learners"][0]["learner"] == "=1+1"  # JSON keeps values exact


def test_cli_table_is_terminal_safe(
    records: tuple[RecordsStore, Clock],
    course_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Names from another machine's records are not checked here: shown as escapes."""
    store, _ = records
    with store._write("test data") as db:
        db.execute(
            "INSERT INTO learners (name, role, organisation, created_at, uid, name_key) "
            "VALUES (?, 'employee', ?, '2026-01-01T00:00:00Z', 'u1', 'x')",
            ("Eve\x1b]0;owned\x07", "Org\u202e"),
        )
    base = ["--data-dir", str(tmp_path / "data"), "--course", str(course_file)]
    assert main(["status", *base]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "Eve\\x1b]0;owned\\x07" in out and "Org\\u202e" in out


def test_cli_bad_arguments_exit_2(tmp_path: Path, course_file: Path) -> None:
    base = ["--data-dir", str(tmp_path / "data"), "--course", str(course_file)]
    with pytest.raises(SystemExit) as caught:
        main(["status", *base, "--due-within", "-3"])
    assert caught.value.code == 2
    assert (
        main(["status", "--data-dir", str(tmp_path / "d"), "--course", str(tmp_path / "no.yaml")])
        == 2
    )


def test_the_status_query_runs_on_postgresql(pg_url: str, course: Course) -> None:
    """The one statement is portable (GROUP BY the learner's key, ? placeholders, the
    learner columns): the same states on a PostgreSQL store as on SQLite."""
    pytest.importorskip("psycopg")
    from trainer.records.pg import PgStoreBase

    with PgStoreBase(pg_url) as pg:
        with pg._write("test data") as db:
            ids = []
            for name, due in (("Pat", None), ("Quinn", "2026-12-10"), ("Ray", None)):
                row = db.execute(
                    "INSERT INTO learners (name, role, organisation, created_at, uid, name_key,"
                    " due_date, managed_by) VALUES (?, 'employee', 'Agency', ?, ?, ?, ?, ?)"
                    " RETURNING id",
                    (name, "2026-01-01T00:00:00Z", f"uid-{name}", name.casefold(), due, "roster"),
                ).fetchone()
                ids.append(int(row[0]))
            for lid, finished, passed in (
                (ids[0], "2026-05-01T10:00:00Z", 1),
                (ids[2], None, None),
            ):
                db.execute(
                    "INSERT INTO attempts (learner_id, course_id, module_id, module_version,"
                    " module_sha256, role, seed, started_at, finished_at, passed, uid)"
                    " VALUES (?, 'demo-course', 'demo', '1', 'x', 'employee', 1, ?, ?, ?, ?)",
                    (lid, "2026-05-01T09:00:00Z", finished, passed, f"a-{lid}"),
                )
        found = by_name(list(statuses(pg, course, today=TODAY, due_within=30)))  # type: ignore[arg-type]
    assert (found["Pat"].state, found["Pat"].valid_until) == ("complete", date(2027, 5, 1))
    assert (found["Quinn"].state, found["Quinn"].due_date) == ("due", date(2026, 12, 10))
    assert found["Ray"].state == "in-progress"


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE course_passes SET passes = '2026-01-01T00:00:00Z'",  # fewer passes than ids
        "UPDATE course_passes SET modules = 'demo,demo,demo'",  # more ids than passes
        "UPDATE course_passes SET passes = 'not a time,nor this' WHERE modules LIKE '%,%'",
    ],
)
def test_a_hand_edited_status_summary_is_reported_not_a_crash(
    records: tuple[RecordsStore, Clock],
    course_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: str,
) -> None:
    store, clock = records
    populate(store, clock)
    with store._write("a hand edit") as db:
        db.execute(edit)
    out = tmp_path / "status.csv"
    base = ["--data-dir", str(tmp_path / "data"), "--course", str(course_file)]
    for form in (["--format", "csv", "-o", str(out)], ["--format", "json"], []):
        assert main(["status", *base, "--as-of", TODAY.isoformat(), *form]) == 1
        err = capsys.readouterr().err
        assert "damaged" in err and "Traceback" not in err
        assert not out.exists()  # nothing half-written
