"""A learner's progress through a course, worked out from the records."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from trainer.months import add_months
from trainer.records.times import utc_day

if TYPE_CHECKING:  # for typing only
    from trainer.bank.model import Course, CourseModule, Module, Role
    from trainer.records.contract import Records
    from trainer.records.store import AttemptRow, LearnerRow


class ModuleProgress(NamedTuple):
    entry: CourseModule
    module: Module
    status: str  # not-started | in-progress | passed | failed
    best_percent: int | None
    last_attempt: AttemptRow | None
    passed_attempt: AttemptRow | None  # the best passing attempt, if any
    attempts: int

    @property
    def required(self) -> bool:
        return self.entry.required

    @property
    def current_version_passed(self) -> bool:
        return self.passed_attempt is not None


class CourseProgress(NamedTuple):
    course: Course
    learner: LearnerRow
    modules: tuple[ModuleProgress, ...]
    completed_on: date | None
    valid_until: date | None

    @property
    def complete(self) -> bool:
        return self.completed_on is not None

    def expired(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.valid_until is not None and today > self.valid_until


def _day(when: datetime) -> date:
    return utc_day(when)


def module_progress(
    entry: CourseModule, module: Module, attempts: list[AttemptRow]
) -> ModuleProgress:
    mine = [a for a in attempts if a.module_id == module.id]
    finished = [a for a in mine if a.status in ("passed", "failed")]
    passed = [a for a in finished if a.passed]
    best = max((a.percent or 0 for a in finished), default=None)
    last = mine[-1] if mine else None
    if passed:
        status = "passed"
    elif last is not None and last.status == "in-progress":
        status = "in-progress"
    elif finished:
        status = "failed"
    else:
        status = "not-started"
    # the best percent; of equals, the latest (attempts come oldest first)
    best_pass = max(reversed(passed), key=lambda a: a.percent or 0) if passed else None
    return ModuleProgress(entry, module, status, best, last, best_pass, len(mine))


def course_progress(store: Records, course: Course, learner: LearnerRow) -> CourseProgress:
    """Status of every module the learner's role takes, and when the course was completed."""
    role: Role = learner.role  # type: ignore[assignment]
    attempts = store.attempts(learner_id=learner.id, course_id=course.id)
    modules = tuple(module_progress(e, m, attempts) for e, m in course.modules_for(role))
    required = [p for p in modules if p.required]
    completed_on = None
    valid_until = None
    if required and all(p.passed_attempt is not None for p in required):
        # Each required module counts from its most recent pass; the course is valid until
        # the earliest of those passes runs out.
        latest = [
            max(
                _day(a.finished_at or a.started_at)
                for a in attempts
                if a.module_id == p.module.id and a.passed
            )
            for p in required
        ]
        completed_on = max(latest)
        valid_until = min(add_months(d, course.validity_months) for d in latest)
    return CourseProgress(course, learner, modules, completed_on, valid_until)
