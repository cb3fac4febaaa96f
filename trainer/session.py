"""A learner's attempt at a module, kept in step with the records store.

This is the one path an answer takes: UI → :meth:`Session.answer` → engine (score, branch)
→ store (committed) → feedback back to the UI. The TUI and the plain mode both use it; a
preview session has no store and records nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from trainer.bank.model import Course, Module, Role
from trainer.engine import Attempt, Feedback, Question, ReplayError, Result
from trainer.records.contract import Records
from trainer.records.store import AttemptRow, Finish, LearnerRow
from trainer.xapi import background


def new_seed() -> int:
    return secrets.randbelow(2**31)


def _fork(attempt: Attempt) -> Attempt:
    """A copy of ``attempt`` that can be answered without changing the original."""
    twin = copy.copy(attempt)
    for field in dataclasses.fields(attempt):
        value = getattr(attempt, field.name)
        if isinstance(value, list):
            setattr(twin, field.name, list(value))
    return twin


@dataclass(frozen=True, slots=True)
class OpenAttempt:
    """A learner's unfinished attempt at a module, as the screens describe it before it opens.

    ``resumable`` is False when the module file has changed since the attempt began: its
    answers cannot be replayed faithfully, so opening the module closes it (keeping it in
    the records) and starts the updated module from the beginning.
    """

    answered: int
    resumable: bool


def open_attempt(
    store: Records, course: Course, module: Module, learner: LearnerRow
) -> OpenAttempt | None:
    """What :meth:`Session.start_or_resume` will find: None when there is nothing to resume."""
    row = store.open_attempt(learner.id, course.id, module.id)
    if row is None:
        return None
    return OpenAttempt(len(store.answers(row.id)), _same_version(row, module))


def _same_version(row: AttemptRow, module: Module) -> bool:
    return row.module_sha256 == module.sha256


def _replay(store: Records, module: Module, row: AttemptRow) -> Attempt | None:
    """The attempt rebuilt from its recorded answers, or None when that cannot be faithful."""
    if not _same_version(row, module):
        return None
    answers = [(a.scenario_id, a.step_id, a.choice_ids) for a in store.answers(row.id)]
    try:
        return Attempt.replay(module, row.role, row.seed, answers)  # type: ignore[arg-type]
    except ReplayError:
        return None


def past_result(store: Records, module: Module, row: AttemptRow) -> Result | None:
    """A finished attempt's full result (mastery, missed decisions with their feedback),
    rebuilt from its recorded answers. None when the module file has changed since: the
    recorded score and pass/fail stand, but the decisions cannot be shown against questions
    that are no longer the ones answered."""
    attempt = _replay(store, module, row)
    return attempt.result() if attempt is not None else None


@dataclass(slots=True)
class Session:
    module: Module
    attempt: Attempt
    store: Records | None = None
    attempt_row: AttemptRow | None = None
    resumed: bool = False

    @classmethod
    def start_or_resume(
        cls,
        store: Records,
        course: Course,
        module: Module,
        learner: LearnerRow,
        *,
        seed: int | None = None,
    ) -> Session:
        """Resume the learner's unfinished attempt at ``module``, or start a new one.

        An unfinished attempt made against a different version of the module file cannot be
        replayed faithfully; it is closed (kept in the records) and a new attempt starts.
        """
        role: Role = learner.role  # type: ignore[assignment]
        row = store.open_attempt(learner.id, course.id, module.id)
        if row is not None:
            attempt = _replay(store, module, row)
            if attempt is None:
                store.abandon_attempt(row.id)
            else:
                session = cls(module, attempt, store, row, resumed=bool(attempt.answers))
                session._finish_if_done()
                return session
        seed = new_seed() if seed is None else seed
        row = store.start_attempt(
            learner.id, course.id, module.id, module.version, module.sha256, role, seed
        )
        return cls(module, Attempt(module, role, seed), store, row)

    @classmethod
    def start_new(
        cls,
        store: Records,
        course: Course,
        module: Module,
        learner: LearnerRow,
        *,
        seed: int | None = None,
    ) -> Session:
        """A fresh attempt (a retake); an unfinished one is closed first."""
        row = store.open_attempt(learner.id, course.id, module.id)
        if row is not None:
            store.abandon_attempt(row.id)
        return cls.start_or_resume(store, course, module, learner, seed=seed)

    @classmethod
    def preview(cls, module: Module, role: Role, seed: int = 0) -> Session:
        """A session that records nothing (for trainers previewing a bank)."""
        return cls(module, Attempt(module, role, seed))

    @property
    def current(self) -> Question | None:
        return self.attempt.current

    @property
    def finished(self) -> bool:
        return self.attempt.finished

    def answer(self, choice_ids: Iterable[str]) -> Feedback:
        """Score the answer, commit it, and finish the attempt when it was the last one.

        The answer counts only once the records hold it. When the store refuses it (a
        :class:`~trainer.records.store.StoreError`: the attempt was closed in another window
        (``AttemptClosed``), the disk is full, ...), the error is raised and this session
        stays at the question, exactly as the records are. A last answer and the result it
        completes are committed together.
        """
        if self.store is None or self.attempt_row is None:
            return self.attempt.answer(choice_ids)
        trial = _fork(self.attempt)
        feedback = trial.answer(choice_ids)
        given = trial.answers[-1]
        finish = None
        if trial.finished:
            result = trial.result()
            finish = Finish(result.score, result.max_score, result.percent, result.passed)
        self.store.record_answer(
            self.attempt_row.id,
            len(trial.answers),
            given.scenario_id,
            given.step_id,
            given.choice_ids,
            given.points,
            given.max_points,
            given.outcome,
            finish=finish,
        )
        self.attempt = trial
        if finish is not None:
            background.module_finished()  # an LRS, if configured, gets it in the background
        return feedback

    def answer_numbers(self, numbers: Iterable[int]) -> Feedback:
        question = self.attempt.current
        if question is None:
            return self.attempt.answer_numbers(numbers)  # raises AnswerError
        return self.answer(question.choice_by_number(n).id for n in numbers)

    def result(self) -> Result:
        return self.attempt.result()

    def _finish_if_done(self) -> None:
        if self.store is None or self.attempt_row is None or not self.attempt.finished:
            return
        result = self.attempt.result()
        self.store.finish_attempt(
            self.attempt_row.id, result.score, result.max_score, result.percent, result.passed
        )
        background.module_finished()
