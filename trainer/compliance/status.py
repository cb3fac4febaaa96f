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

From a summary, one row per learner: schema 7 keeps ``course_passes`` (one row per learner
and course attempted: the ids of the modules with a pass and their latest passes'
``finished_at``, in the same order), kept by triggers on ``module_passes``, itself kept by
triggers on ``attempts``, on both backends, so this never reads the attempts. One SQL
statement (:func:`trainer.records.stream.status_query`) reads the learners in the list's
order (an index: nothing sorted) each with its row of that summary, or none (never
attempted). Python picks out the modules the learner's role requires (where they are in a
row's list depends only on the role and the list, so it is worked out once per distinct
pair), counts them, takes the earliest and the latest, and counts those still valid: made on
or after :func:`valid_from_day` (``add_months`` never decreases, so that day is the same for
every pass), one comparison of the timestamps' text. One row is held at a time, so memory
does not grow with the organisation; :func:`status_values` yields plain values, so a writer
that goes through every learner (the CSV) builds no object per learner. The algorithm
before schema 6 (every attempt grouped per learner and module, folded here) is kept in
tests/status_reference.py; a property test compares the two on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from trainer.bank.roles import ROLES
from trainer.months import add_months
from trainer.records.contract import Records
from trainer.records.errors import StoreDamaged
from trainer.records.rows import LEARNER, check_ids, learner_row
from trainer.records.stream import ListPlace, iter_status_rows
from trainer.records.times import day

if TYPE_CHECKING:
    from trainer.bank.model import Course
    from trainer.records.row_types import LearnerRow

STATES: tuple[str, ...] = ("complete", "due", "expired", "in-progress", "not-started")
_NO_DAY = date.min  # not yet looked up (None is "no due date")
_DAMAGED = (
    "the records' status summary (course_passes) lists modules and passes that do not "
    "match; the records database may be damaged or edited by hand. Nothing was changed."
)

LEARNER_VALUES = len(LEARNER)  # a status row's first values are the learner's columns
#: The learner's columns :func:`status_values` cannot do without.
NEEDED = ("id", "organisation", "role", "due_date")


# Named tuples, not dataclasses: a short ``trainer status`` does not import dataclasses (and
# inspect) at all (see trainer.settings).


class LearnerStatus(NamedTuple):
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


class CourseTerms(NamedTuple):
    """What the status needs of a course: its id, how long a completion stays valid, and
    the ids of the modules each role must pass (a role not listed must pass none). From
    the course (:meth:`of`), or from its cache entry's header without building the model
    (:func:`trainer.bank.cache.course_requirements`)."""

    id: str
    validity_months: int
    required: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, course: Course | CourseTerms) -> CourseTerms:
        if isinstance(course, CourseTerms):
            return course
        return cls(course.id, course.validity_months, {r: _required(course, r) for r in ROLES})


def _due_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # not written by trainer: treated as no due date


#: One learner's state as plain values, what :func:`status_values` yields: the status row
#: (its first values are the learner's ``columns``, as given to it: by default all of
#: :data:`trainer.records.rows.LEARNER`, in order), then the fields of
#: :class:`LearnerStatus` after ``learner``, in order.
StatusValues = tuple[
    tuple[Any, ...], str, date | None, date | None, date | None, int, int, date | None
]


def statuses(
    store: Records,
    course: Course | CourseTerms,
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
    for values, *rest in status_values(
        store, course, today=today, organisation=organisation, role=role, due_within=due_within
    ):
        yield LearnerStatus(learner_row(values[:LEARNER_VALUES]), *rest)  # type: ignore[arg-type]


def status_values(
    store: Records,
    course: Course | CourseTerms,
    *,
    today: date,
    columns: Sequence[tuple[str, str]] = LEARNER,
    organisation: str | None = None,
    role: str | None = None,
    due_within: int | None = None,
    since: ListPlace | None = None,
    until: ListPlace | None = None,
) -> Iterator[StatusValues]:
    """:func:`statuses` as plain values (:data:`StatusValues`), for writers that go through
    every learner of an organisation (``trainer status --format csv``): no row object is
    built for a learner, so the per-learner cost is a few look-ups. ``columns``: the
    learner's columns to read (of LEARNER; they must include :data:`NEEDED`). ``since`` /
    ``until``: one part of the list (:func:`trainer.records.stream.status_middle`)."""
    terms = CourseTerms.of(course)
    wanted = organisation.lower() if organisation is not None else None
    horizon = today + timedelta(days=due_within) if due_within is not None else None
    months = terms.validity_months
    valid_from = f"{valid_from_day(today, months).isoformat()}T00:00:00Z"
    names = [name for name, _sql in columns]
    uid_at, org_at, role_at, due_at = (names.index(f) for f in NEEDED)
    ncols = len(names)
    rows = iter_status_rows(
        store,
        terms.id,
        columns=columns,
        role=role,
        organisation_lower=wanted,
        since=since,
        until=until,
    )
    picks: dict[tuple[object, str | None], tuple[tuple[int, ...] | None, int, int]] = {}
    days: dict[str, date] = {}  # a pass's UTC day by its timestamp's day: few distinct days
    ends: dict[date, date] = {}  # a first pass's day → the day the completion runs out
    dues: dict[str, date | None] = {}

    def pass_day(timestamp: str) -> date:
        key = timestamp[:10] if timestamp.endswith("Z") else timestamp
        found = days.get(key)
        if found is None:
            found = days[key] = day(timestamp)
        return found

    def pick(who: object, modules: str | None) -> tuple[tuple[int, ...] | None, int, int]:
        """Where in ``modules`` (the ids passed) the modules ``who`` must pass are (None:
        all of them, the usual case), how many ``who`` must pass, and how many ids there
        are (what the passes must number)."""
        need = terms.required.get(who, ())  # type: ignore[call-overload]
        ids = modules.split(",") if isinstance(modules, str) and modules else []
        at = tuple(i for i, m in enumerate(ids) if m in need)
        found = picks[(who, modules)] = (
            None if ids and len(at) == len(ids) else at,
            len(need),
            len(ids),
        )
        return found

    for row in rows:
        uid = row[uid_at]
        if type(uid) is not str or not uid:
            check_ids("a learner", uid)
        if wanted is not None and str(row[org_at]).lower() != wanted:
            continue
        who, modules, due_text = row[role_at], row[ncols], row[due_at]
        at, n, k = picks.get((who, modules)) or pick(who, modules)
        if k:
            passes = row[ncols + 1]
            got = passes.split(",") if type(passes) is str else ()
            if len(got) != k:
                raise StoreDamaged(_DAMAGED)
            chosen = got if at is None else [got[i] for i in at]
        else:
            chosen = []
        if due_text:
            due = dues.get(due_text, _NO_DAY)
            if due is _NO_DAY:
                due = dues[due_text] = _due_day(due_text)
        else:
            due = None
        completed_on: date | None
        valid_until: date | None
        first = min(chosen) if chosen else valid_from
        valid = len(chosen) if first >= valid_from else len([t for t in chosen if t >= valid_from])
        if n and len(chosen) == n:
            completed_on = pass_day(max(chosen))
            start = pass_day(first)
            valid_until = ends.get(start)
            if valid_until is None:
                valid_until = ends[start] = add_months(start, months)
            if today > valid_until:
                yield row, "expired", completed_on, valid_until, valid_until, valid, n, due
                continue
            deadline: date | None = valid_until
            state = "complete"
        else:
            completed_on = valid_until = None
            deadline = due
            state = "not-started" if modules is None else "in-progress"
        if horizon is not None and deadline is not None and deadline <= horizon:
            state = "due"
        yield row, state, completed_on, valid_until, None, valid, n, due


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
