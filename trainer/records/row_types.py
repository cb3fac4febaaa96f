"""The row types of the records contract (see :mod:`trainer.records.rows` for what they
hold and how the store builds them).

Apart from :mod:`trainer.records.rows` so that they are made only when a row is: a frozen
dataclass costs ~0.8 ms to make here (its methods are compiled at import), six of them
~5 ms of every command's start, and a command that streams plain values (``trainer
status``, the CSV export) builds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LearnerRow:
    """A learner as recorded: the name as on the certificate, ID, organisation and role."""

    id: str  # a UUID: the learner's identity on every machine
    name: str
    external_id: str
    organisation: str
    role: str
    created_at: datetime
    email: str = ""
    due_date: str | None = None  # 'YYYY-MM-DD', set by a roster
    managed_by: str = ""  # '' (the app) or 'roster': who may change name, role, organisation

    @property
    def roster_managed(self) -> bool:
        return self.managed_by == "roster"


@dataclass(frozen=True, slots=True)
class LearnerHistoryRow:
    """One change to a learner: what changed, from what to what, when and by which account.

    ``change`` is ``created`` (``new_value`` is the first name), ``name``, ``role``,
    ``organisation`` or ``external_id``. ``changed_by`` is the operating-system account that
    made the change (empty when unknown, e.g. for learners created before history was kept).
    """

    learner_id: str
    at: datetime
    change: str
    old_value: str | None
    new_value: str
    changed_by: str


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One attempt at a module: who, which module version, its seed, and how it ended."""

    id: str  # a UUID: the attempt's identity on every machine
    learner_id: str
    course_id: str
    module_id: str
    module_version: str
    module_sha256: str
    role: str
    seed: int
    started_at: datetime
    finished_at: datetime | None
    score: float | None
    max_score: float | None
    percent: int | None
    passed: bool | None

    @property
    def status(self) -> str:
        """'in-progress', 'passed', 'failed' or 'abandoned'."""
        if self.finished_at is None:
            return "in-progress"
        if self.passed is None:
            return "abandoned"
        return "passed" if self.passed else "failed"


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One committed answer: the step, the choices given and the points they earned."""

    attempt_id: str
    seq: int
    scenario_id: str
    step_id: str
    choice_ids: tuple[str, ...]
    points: float
    max_points: int
    outcome: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class Finish:
    """An attempt's result, recorded when its last answer is."""

    score: float
    max_score: float
    percent: int
    passed: bool


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """An issued certificate as recorded: id, learner, course, validity and signed token."""

    id: str
    learner_id: str
    course_id: str
    course_version: str
    issued_at: datetime
    valid_until: str  # 'YYYY-MM-DD'
    payload_sha256: str
    token: str
