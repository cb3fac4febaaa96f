"""A learner's module on PostgreSQL when the server goes away and comes back (issue 15).

The answer given while the server is away is not saved and not counted (the session stays
at the same question, and the error says so plainly); once the server is back the same
answer is saved, and a new start resumes at the same step. A blip shorter than the retries
is not noticed at all. Each test has a throwaway server of its own (it is stopped).
"""

from __future__ import annotations

import pytest

from tests.pgserver import PgServer
from trainer.bank.model import Course
from trainer.records import open_store
from trainer.records.errors import StoreUnavailable
from trainer.session import Session

pytest.importorskip("psycopg")


def _step(session: Session) -> tuple[str, str]:
    question = session.current
    assert question is not None
    return question.scenario.id, question.step.id


def test_an_answer_while_the_server_is_away_is_not_saved_then_resumes(
    pg_own_server: PgServer, course: Course
) -> None:
    with open_store(pg_own_server.url()) as store:
        store._sleep = lambda _: None  # the retries' pauses, not waited for in a test
        learner = store.add_learner("Ana", "employee")
        session = Session.start_or_resume(store, course, course.module("demo"), learner, seed=7)
        session.answer(["a"])  # wrong: branches to s2
        assert _step(session) == ("debt", "s2")
        pg_own_server.stop()
        with pytest.raises(StoreUnavailable) as caught:
            session.answer(["fact"])
        message = str(caught.value)
        assert "cannot be reached while saving an answer" in message
        assert "Nothing of this was saved" in message
        assert "resumes at the same step" in message
        assert _step(session) == ("debt", "s2")  # not counted
        assert [a.step_id for a in session.attempt.answers] == ["s1"]
        pg_own_server.start()
        session.answer(["fact"])  # the same answer, now saved
        assert _step(session) == ("boyfriend", "q1")
    with open_store(pg_own_server.url()) as store:
        learner = store.find_learner("Ana")
        assert learner is not None
        again = Session.start_or_resume(store, course, course.module("demo"), learner)
        assert again.resumed
        assert _step(again) == ("boyfriend", "q1")
        assert [a.step_id for a in again.attempt.answers] == ["s1", "s2"]
        assert [a.seq for a in store.answers(again.attempt_row.id)] == [1, 2]


def test_a_restart_within_the_retries_is_not_noticed(
    pg_own_server: PgServer, course: Course
) -> None:
    waits: list[float] = []

    def restart_during_first_wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:
            pg_own_server.start()

    with open_store(pg_own_server.url()) as store:
        store._sleep = restart_during_first_wait
        learner = store.add_learner("Ana", "employee")
        session = Session.start_or_resume(store, course, course.module("demo"), learner, seed=7)
        pg_own_server.stop()
        session.answer(["b"])  # right: to s3; saved after the server came back
        assert _step(session) == ("debt", "s3")
        assert waits == [0.2]
        assert [a.seq for a in store.answers(session.attempt_row.id)] == [1]
