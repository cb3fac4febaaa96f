"""Each learner's state in a course, for the compliance officer: one pass over a summary.

States (docs/compliance.md, "What each state means"); ``today`` is a UTC day, passes count
from the UTC day they finished on, as everywhere else (:mod:`trainer.progress`):

* ``complete``: every module required for the learner's role has a pass, and none of those
  passes is older than the course's validity (``validity_months``). The learner's latest
  pass of each required module counts; ``valid_until`` is the earliest day one of them runs
  out (``add_months(pass day, validity)``, still valid on that day), ``completed_on`` the day
  of the last of them. This is exactly what the certificate checks (:func:`course_progress`).
* ``expired``: every required module was passed, but today is after ``valid_until``: the
  completion ran out on ``expired_on`` (= ``valid_until``, as the app words it: "expired on
  …"). Retaking the modules that ran out makes the learner complete again.
* ``in-progress``: some attempt at the course, but not every required module passed;
  ``modules_done`` counts the required modules whose latest pass is still valid.
* ``not-started``: no attempt at the course at all (roster learners who never opened it).
* ``due`` (only with ``due_within``): the learner's next deadline is on or before
  ``today + due_within`` days. The deadline of a complete learner is ``valid_until`` (time
  to retake); of one in progress or not started, the roster's ``due_date`` (a date already
  past is overdue, and due too). Expired learners stay ``expired``. ``due`` replaces the
  state it was found in; ``completed_on`` / ``valid_until`` still tell whether the learner
  is complete (:attr:`LearnerStatus.complete`).

From a summary, one row per learner: schema 6 keeps ``module_passes`` (one row per learner,
course and module attempted: the number of attempts and the latest pass's ``finished_at``),
kept by triggers on ``attempts`` on both backends, so this never reads the attempts. One SQL
statement (:func:`trainer.records.stream.status_query`) joins each learner to the passes of
the modules its role requires (``course.required_for``, passed as parameters) and returns,
per learner, how many of them have a pass, the earliest and the latest, how many are still
valid today, and whether the learner attempted the course at all. A pass is still valid when
it was made on or after :func:`valid_from_day` (``add_months`` never decreases, so that day
is the same for every pass): one comparison of the timestamps' text in SQL. Python derives
the state; one row is held at a time, so memory does not grow with the organisation. The
algorithm before schema 6 (every attempt grouped per learner and module, folded here) is
kept in tests/status_reference.py; a property test compares the two on both backends.
At 100,000 learners × 20 attempts, measured side by side on 2 shared cores, this takes
1.2-1.6 s of CPU where the fold over every attempt took 6.6-8.3 s, at a flat ~30 MB
(benchmarks/RESULTS.md, "Scale").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from trainer.bank.model import ROLES, Course
from trainer.progress import add_months
from trainer.records.contract import Records
from trainer.records.learners import LearnerRow
from trainer.records.stream import STATUS_LEARNER_VALUES, iter_status_rows, status_learner
from trainer.records.times import day

STATES: tuple[str, ...] = ("complete", "due", "expired", "in-progress", "not-started")


@dataclass(frozen=True, slots=True)
class LearnerStatus:
    """One learner's state in the course (see the module docstring for each field)."""

    learner: LearnerRow
    state: str  # 'complete' | 'due' | 'expired' | 'in-progress' | 'not-started'
    completed_on: date | None
    valid_until: date | None
    expired_on: date | None
    modules_done: int
    modules_required: int
    due_date: date | None

    @property
    def complete(self) -> bool:
        """Every required module passed and still valid (``complete``, or ``due`` to retake)."""
        return self.valid_until is not None and self.expired_on is None

    @property
    def deadline(self) -> date | None:
        """The date that makes the learner due: valid_until when complete, else due_date."""
        if self.complete:
            return self.valid_until
        return None if self.state == "expired" else self.due_date


def _due_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # not written by trainer: treated as no due date


def statuses(
    store: Records,
    course: Course,
    *,
    today: date,
    organisation: str | None = None,
    role: str | None = None,
    due_within: int | None = None,
) -> Iterator[LearnerStatus]:
    """Every learner's :class:`LearnerStatus` in ``course``, ordered by organisation, name.

    ``organisation`` is matched ignoring case (as ``trainer records`` does); ``role``
    is a role id. One streamed query, one row per learner.
    """
    wanted = organisation.lower() if organisation is not None else None
    horizon = today + timedelta(days=due_within) if due_within is not None else None
    months = course.validity_months
    required: dict[str, tuple[str, ...]] = {r: _required(course, r) for r in ROLES}
    ncols = STATUS_LEARNER_VALUES
    valid_from = f"{valid_from_day(today, months).isoformat()}T00:00:00Z"
    rows = iter_status_rows(
        store, course.id, required, valid_from, role=role, organisation_lower=wanted
    )
    counts = {r: len(m) for r, m in required.items()}
    days: dict[str, date] = {}  # a pass's UTC day by its timestamp's day: few distinct days

    def pass_day(timestamp: str) -> date:
        key = timestamp[:10] if timestamp.endswith("Z") else timestamp
        found = days.get(key)
        if found is None:
            found = days[key] = day(timestamp)
        return found

    for row in rows:
        if wanted is not None and str(row[3]).lower() != wanted:
            continue
        learner = status_learner(row)
        passed, first, last, valid, attempted = row[ncols:]
        n = counts.get(learner.role)
        if n is None:
            required[learner.role] = _required(course, learner.role)
            n = counts[learner.role] = len(required[learner.role])
        due = _due_day(learner.due_date) if learner.due_date else None
        completed_on: date | None
        valid_until: date | None
        if n and passed == n:
            completed_on, valid_until = pass_day(last), add_months(pass_day(first), months)
            if today > valid_until:
                yield LearnerStatus(
                    learner, "expired", completed_on, valid_until, valid_until, valid, n, due
                )
                continue
            deadline: date | None = valid_until
            state = "complete"
        else:
            completed_on = valid_until = None
            deadline = due
            state = "in-progress" if attempted else "not-started"
        if horizon is not None and deadline is not None and deadline <= horizon:
            state = "due"
        yield LearnerStatus(learner, state, completed_on, valid_until, None, valid, n, due)


def _required(course: Course, role: object) -> tuple[str, ...]:
    """The ids of the modules ``role`` must pass (none for a role the course does not know)."""
    try:
        return tuple(m.id for m in course.required_for(role))  # type: ignore[arg-type]
    except (KeyError, TypeError):
        return ()


def valid_from_day(today: date, months: int) -> date:
    """The earliest day a pass may have been made on and still be valid on ``today``: the
    first ``d`` with ``add_months(d, months) >= today`` (add_months never decreases as
    ``d`` grows, so the passes still valid are exactly those made on that day or later)."""
    margin = 31 * (abs(months) + 1)
    lo = max(today.toordinal() - margin, 1)  # add_months(lo) < today: not valid
    hi = min(today.toordinal() + margin, date.max.toordinal())  # valid
    while lo < hi:
        mid = (lo + hi) // 2
        try:
            valid = add_months(date.fromordinal(mid), months) >= today
        except (ValueError, OverflowError):  # past year 9999 (or before 1): after (before) today
            valid = months > 0
        if valid:
            hi = mid
        else:
            lo = mid + 1
    return date.fromordinal(lo)
