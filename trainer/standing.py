"""What a learner's records mean now: passes that expired, and what role changes changed.

Pure core (no UI): the dashboard and the certificate screens say these things in words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from trainer.bank.model import Course, Module, Role
from trainer.months import add_months
from trainer.records.contract import Records
from trainer.records.store import AttemptRow, LearnerHistoryRow, LearnerRow
from trainer.records.times import utc_day
from trainer.words import ROLE_WORDS


def _day(when: datetime) -> date:
    return utc_day(when)


class ExpiredModule(NamedTuple):
    """A module whose most recent pass is older than the course's validity period."""

    module: Module
    passed_on: date
    expired_on: date
    required: bool


def expired_modules(
    course: Course, learner: LearnerRow, attempts: list[AttemptRow], today: date | None = None
) -> list[ExpiredModule]:
    """The learner's role's modules whose latest pass has run out (to retake), course order."""
    today = today or date.today()
    role: Role = learner.role  # type: ignore[assignment]
    found = []
    for entry, module in course.modules_for(role):
        passes = [
            _day(a.finished_at)
            for a in attempts
            if a.course_id == course.id and a.module_id == module.id and a.passed and a.finished_at
        ]
        if not passes:
            continue
        latest = max(passes)
        until = add_months(latest, course.validity_months)
        if today > until:
            found.append(ExpiredModule(module, latest, until, entry.required))
    return found


class RoleChange(NamedTuple):
    """A change of role, and which required modules it added or left out."""

    on: date
    old: str
    new: str
    dropped: tuple[Module, ...]  # required for the old role, not for the new one
    added: tuple[Module, ...]  # required for the new role, not for the old one

    def text(self) -> str:
        """The change in plain words (no colour or symbol needed to understand it)."""
        old, new = ROLE_WORDS.get(self.old, self.old), ROLE_WORDS.get(self.new, self.new)
        line = f"Role changed from {old} to {new} on {self.on.isoformat()}."
        if self.dropped:
            titles = ", ".join(m.title for m in self.dropped)
            line += f" Required for {old} but not for {new}: {titles}."
        if self.added:
            titles = ", ".join(m.title for m in self.added)
            line += f" Now also required: {titles}."
        return line


def _required(course: Course, role: str) -> list[Module]:
    try:
        return course.required_for(role)  # type: ignore[arg-type]
    except (KeyError, TypeError):
        return []


def role_changes(course: Course, history: list[LearnerHistoryRow]) -> list[RoleChange]:
    """Every recorded role change, oldest first, with its effect on required modules."""
    changes = []
    for entry in history:
        if entry.change != "role" or entry.old_value is None:
            continue
        before = _required(course, entry.old_value)
        after = _required(course, entry.new_value)
        before_ids, after_ids = {m.id for m in before}, {m.id for m in after}
        changes.append(
            RoleChange(
                _day(entry.at),
                entry.old_value,
                entry.new_value,
                tuple(m for m in before if m.id not in after_ids),
                tuple(m for m in after if m.id not in before_ids),
            )
        )
    return changes


def learner_role_changes(store: Records, course: Course, learner: LearnerRow) -> list[RoleChange]:
    """:func:`role_changes` for one learner, read from the records."""
    return role_changes(course, store.learner_history(learner.id))
