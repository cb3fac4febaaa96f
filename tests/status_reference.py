"""The organisation status as ``trainer status`` computed it before schema 6 (issue #20): one
query over every attempt, grouped per learner and module, folded in Python. Kept as the
reference that :func:`trainer.compliance.status.statuses` (which reads the module_passes
summary instead) must agree with, row for row (tests/test_status_summary.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from trainer.bank.model import Course
from trainer.compliance.status import LearnerStatus, _due_day
from trainer.months import add_months
from trainer.records.contract import Records
from trainer.records.learners import LearnerRow
from trainer.records.rows import LEARNER, select
from trainer.records.stream import STATUS_LEARNER_VALUES, status_learner
from trainer.records.times import day

_LEARNER_FIELDS = select(LEARNER)
_STATUS_SQL = (
    f"SELECT {_LEARNER_FIELDS}, a.module_id,"
    " MAX(CASE WHEN a.passed = 1 THEN a.finished_at END), COUNT(a.id)"
    " FROM learners AS l LEFT JOIN attempts AS a ON a.learner_id = l.id AND a.course_id = ?"
    " {where} GROUP BY l.id, a.module_id ORDER BY l.organisation, l.name_key, l.id"
)


def _rows(
    store: Records, course_id: str, role: str | None, organisation_lower: str | None
) -> Iterator[tuple[Any, ...]]:
    clauses: list[str] = []
    args: list[object] = [course_id]
    if role is not None:
        clauses.append("l.role = ?")
        args.append(role)
    if organisation_lower is not None and organisation_lower.isascii():
        clauses.append("lower(l.organisation) = ?")
        args.append(organisation_lower)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return store._stream(_STATUS_SQL.format(where=where), args)  # type: ignore[attr-defined,no-any-return]


def reference_statuses(
    store: Records,
    course: Course,
    *,
    today: date,
    organisation: str | None = None,
    role: str | None = None,
    due_within: int | None = None,
) -> Iterator[LearnerStatus]:
    """What statuses() returned before schema 6, unchanged but for the names."""
    wanted = organisation.lower() if organisation is not None else None
    horizon = today + timedelta(days=due_within) if due_within is not None else None
    required: dict[str, tuple[str, ...]] = {}
    ncols = STATUS_LEARNER_VALUES
    current: LearnerRow | None = None
    skip: object = None
    passes: dict[str, str] = {}
    attempted = False
    for row in _rows(store, course.id, role, wanted):
        lid = row[0]
        if lid == skip:
            continue
        if current is None or lid != current.id:
            if current is not None:
                yield _status(current, passes, attempted, required, course, today, horizon)
            current, passes, attempted = None, {}, False
            if wanted is not None and str(row[3]).lower() != wanted:
                skip = lid
                continue
            current = status_learner(row)
        module_id, last_pass, n = row[ncols:]
        if module_id is None:
            continue
        attempted = attempted or bool(n)
        if last_pass:
            passes[module_id] = last_pass
    if current is not None:
        yield _status(current, passes, attempted, required, course, today, horizon)


def _status(
    learner: LearnerRow,
    passes: dict[str, str],
    attempted: bool,
    required: dict[str, tuple[str, ...]],
    course: Course,
    today: date,
    horizon: date | None,
) -> LearnerStatus:
    modules = required.get(learner.role)
    if modules is None:
        try:
            modules = tuple(m.id for m in course.required_for(learner.role))  # type: ignore[arg-type]
        except (KeyError, TypeError):
            modules = ()
        required[learner.role] = modules
    latest: dict[str, date] = {}
    expiry: dict[str, date] = {}
    for m in modules:
        if m in passes:
            latest[m] = day(passes[m])
            expiry[m] = add_months(latest[m], course.validity_months)
    done = sum(1 for until in expiry.values() if until >= today)
    due = _due_day(learner.due_date)
    completed_on = valid_until = expired_on = None
    if modules and len(latest) == len(modules):
        completed_on, valid_until = max(latest.values()), min(expiry.values())
        if today > valid_until:
            state, expired_on = "expired", valid_until
        else:
            state = "complete"
    else:
        state = "in-progress" if attempted else "not-started"
    status = LearnerStatus(
        learner, state, completed_on, valid_until, expired_on, done, len(modules), due
    )
    if horizon is not None and state != "expired":
        deadline = status.deadline
        if deadline is not None and deadline <= horizon:
            return LearnerStatus(
                learner, "due", completed_on, valid_until, None, done, len(modules), due
            )
    return status
