"""A learner's answers survive a killed process; the next start resumes at the same step.

The records tests run on both backends (``records_at``: SQLite and PostgreSQL)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.course_edits import with_module_changed
from trainer.bank.model import Course
from trainer.months import add_months
from trainer.progress import course_progress
from trainer.records import open_store
from trainer.records.store import RecordsStore
from trainer.session import OpenAttempt, Session, open_attempt, past_result

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from trainer.bank.loader import load_course
    from trainer.records import open_store
    from trainer.session import Session
    course = load_course(Path(sys.argv[1])).course
    where = sys.argv[2]
    store = open_store(where if "://" in where else Path(where))
    learner = store.add_learner("Ana", "employee")
    session = Session.start_or_resume(store, course, course.module("demo"), learner, seed=42)
    session.answer(["a"])       # wrong: branches to s2
    session.answer(["fact"])    # ends scenario 1
    print("answered", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_learner_resumes_after_crash(
    course_file: Path, course: Course, records_at: str | Path
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(course_file), str(records_at)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "answered" in proc.stdout
    with open_store(records_at) as store:
        learner = store.find_learner("Ana")
        assert learner is not None
        session = Session.start_or_resume(store, course, course.module("demo"), learner)
        assert session.resumed
        question = session.current
        assert question is not None
        assert (question.scenario.id, question.step.id) == ("boyfriend", "q1")
        assert [a.step_id for a in session.attempt.answers] == ["s1", "s2"]
        assert session.attempt.seed == 42
        session.answer(["report"])
        assert session.finished
        (row,) = store.attempts(learner_id=learner.id)
        assert row.status == "failed" and row.percent == 42  # 3 of 7 points
        assert len(store.answers(row.id)) == 3


def test_each_answer_is_committed_when_given(course: Course, records_at: str | Path) -> None:
    with open_store(records_at) as store:
        learner = store.add_learner("Ben", "contractor")
        session = Session.start_or_resume(store, course, course.module("demo"), learner, seed=1)
        session.answer(["b"])
        # A second connection sees it at once, without the first closing.
        with open_store(records_at) as other:
            (attempt,) = other.attempts()
            (answer,) = other.answers(attempt.id)
            assert (answer.step_id, answer.choice_ids, answer.outcome) == ("s1", ("b",), "correct")


def test_changed_module_closes_unfinished_attempt_and_starts_fresh(
    course: Course, records_at: str | Path
) -> None:
    with open_store(records_at) as store:
        learner = store.add_learner("Chi", "employee")
        module = course.module("demo")
        Session.start_or_resume(store, course, module, learner, seed=3).answer(["b"])
        assert open_attempt(store, course, module, learner) == OpenAttempt(1, resumable=True)
        course2 = with_module_changed(course, "demo")
        edited = course2.module("demo")
        # What the screens say before opening it: one answer, not resumable.
        assert open_attempt(store, course2, edited, learner) == OpenAttempt(1, resumable=False)
        session = Session.start_or_resume(store, course2, edited, learner)
        assert open_attempt(store, course2, edited, learner) == OpenAttempt(0, resumable=True)
        assert not session.resumed and session.attempt.answers == []
        first, second = store.attempts(learner_id=learner.id)
        assert first.status == "abandoned" and second.status == "in-progress"


def test_retake_and_course_completion(course: Course, records_at: str | Path) -> None:
    with open_store(records_at) as store:
        learner = store.add_learner("Dee", "uniformed")
        module = course.module("demo")
        s = Session.start_or_resume(store, course, module, learner)
        for ids in (["a"], ["myth"], ["confront"]):
            s.answer(ids)
        progress = course_progress(store, course, learner)
        assert progress.modules[0].status == "failed" and not progress.complete
        s = Session.start_new(store, course, module, learner)
        for ids in (["b"], ["a", "b", "d"], ["report"]):
            s.answer(ids)
        progress = course_progress(store, course, learner)
        assert progress.modules[0].status == "passed"
        assert progress.modules[0].best_percent == 100 and progress.modules[0].attempts == 2
        assert progress.complete and progress.completed_on is not None
        assert progress.valid_until == add_months(progress.completed_on, 12)


def test_add_months_clamps_to_month_end() -> None:
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 22), 12) == date(2027, 11, 22)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_preview_session_records_nothing(course: Course, tmp_path: Path) -> None:
    session = Session.preview(course.module("demo"), "employee")
    session.answer(["b"])
    assert session.store is None
    assert not (tmp_path / "data").exists()


def test_past_result_is_rebuilt_from_the_records_unless_the_module_changed(
    course: Course, any_store: RecordsStore
) -> None:
    store = any_store
    if True:
        learner = store.add_learner("Eve", "employee")
        module = course.module("demo")
        session = Session.start_or_resume(store, course, module, learner, seed=5)
        for ids in (["a"], ["myth"], ["confront"]):
            session.answer(ids)
        (row,) = store.attempts(learner_id=learner.id)
        rebuilt = past_result(store, module, row)
        assert rebuilt == session.result()
        assert (rebuilt.percent, rebuilt.passed) == (row.percent, row.passed)
        assert past_result(store, with_module_changed(course, "demo").module("demo"), row) is None
