"""The dashboard, a module's options, starting a module, the history and past results.

Each is decided here once; the app and plain mode only word what these return. Everything
is about one course: the history, the dashboard and the expiry of passes count only the
attempts at the course being taken (another course's attempts on the same records are not
this course's history).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from trainer.bank.model import Course, Module
from trainer.progress import CourseProgress, course_progress
from trainer.records.contract import Records
from trainer.records.store import AttemptRow, LearnerRow
from trainer.records.times import stamp
from trainer.standing import ExpiredModule, RoleChange, expired_modules, role_changes

if TYPE_CHECKING:  # imported where used: the dashboard needs neither (~8 ms at its first read)
    from trainer.engine import Result
    from trainer.session import OpenAttempt, Session

DUE_NOTICE_DAYS = 30  # a due date this close (or past) is said on the dashboard


class ModuleNotStarted(Exception):
    """A module cannot be opened for this learner (e.g. it has no scenario for their role).

    Nothing was started. Store failures are not this: they stay ``StoreError``."""


class DueDate(NamedTuple):
    """The date the learner must complete the course by (from the roster), and how near."""

    on: date
    days_left: int  # negative: overdue
    notice: bool  # within DUE_NOTICE_DAYS (or past) and the course not complete and current

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


class Dashboard(NamedTuple):
    """What the dashboard shows for one learner and course."""

    learner: LearnerRow
    progress: CourseProgress
    expired: tuple[ExpiredModule, ...]  # the role's modules whose latest pass ran out
    role_changes: tuple[RoleChange, ...]
    begun: bool  # any attempt at this course: then the course introduction makes room
    answered: dict[str, int]  # answers saved in each in-progress module, by module id
    due: DueDate | None

    def expired_by_module(self) -> dict[str, ExpiredModule]:
        return {e.module.id: e for e in self.expired}

    def number(self) -> dict[str, int]:
        """Each module's number in the course (the same for every role)."""
        return {entry.id: n for n, entry in enumerate(self.progress.course.modules, start=1)}


def _due_date(learner: LearnerRow) -> date | None:
    """The learner's due date (from the roster), or None (none, or not a date)."""
    try:
        return date.fromisoformat(learner.due_date[:10]) if learner.due_date else None
    except ValueError:
        return None


def due_date(
    learner: LearnerRow, progress: CourseProgress, today: date | None = None
) -> DueDate | None:
    """The learner's due date and whether to say it (None when there is none)."""
    on = _due_date(learner)
    if on is None:
        return None
    today = today or date.today()
    left = (on - today).days
    current = progress.complete and not progress.expired(today)
    return DueDate(on, left, not current and left <= DUE_NOTICE_DAYS)


def dashboard(
    store: Records, course: Course, learner: LearnerRow, today: date | None = None
) -> Dashboard:
    """The learner's standing in ``course``: modules, passes expired, role changes, due date."""
    attempts = store.attempts(learner_id=learner.id, course_id=course.id)
    progress = course_progress(store, course, learner)
    expired = tuple(expired_modules(course, learner, attempts, today))
    changes = tuple(role_changes(course, store.learner_history(learner.id)))
    open_rows = {
        p.module.id: p.last_attempt.id
        for p in progress.modules
        if p.status == "in-progress" and p.last_attempt is not None
    }
    counts = store.answer_counts(list(open_rows.values()))  # one query, not one per module
    answered = {module_id: counts[attempt_id] for module_id, attempt_id in open_rows.items()}
    return Dashboard(
        learner,
        progress,
        expired,
        changes,
        bool(attempts),
        answered,
        due_date(learner, progress, today),
    )


Action = Literal["resume", "restart", "start", "retake", "results", "back"]


class ModuleOptions(NamedTuple):
    """What a learner can do with a module now, in the order the front ends offer it."""

    module: Module
    unfinished: OpenAttempt | None  # an unfinished attempt (resumable or not)
    finished: tuple[AttemptRow, ...]  # passed or failed attempts, oldest first
    actions: tuple[Action, ...]

    @property
    def resumable_answers(self) -> int:
        """Answers an unfinished, resumable attempt has (0: nothing to resume)."""
        u = self.unfinished
        return u.answered if u is not None and u.resumable else 0

    @property
    def changed_since(self) -> int:
        """Answers of an unfinished attempt made against an older module file (0: none);
        opening the module closes that attempt and starts the updated module."""
        u = self.unfinished
        return u.answered if u is not None and not u.resumable else 0


def module_options(
    store: Records, course: Course, module: Module, learner: LearnerRow
) -> ModuleOptions:
    """Start, resume (or start again), retake, the last results, back."""
    from trainer.session import open_attempt

    unfinished = open_attempt(store, course, module, learner)
    finished = tuple(
        a
        for a in store.attempts(learner_id=learner.id, course_id=course.id, module_id=module.id)
        if a.status in ("passed", "failed")
    )
    actions: list[Action] = []
    if unfinished is not None and unfinished.resumable:
        actions += ["resume", "restart"]
    elif finished:
        actions.append("retake")
    else:
        actions.append("start")
    if finished:
        actions.append("results")
    actions.append("back")
    return ModuleOptions(module, unfinished, finished, tuple(actions))


def start_module(
    store: Records,
    course: Course,
    module: Module,
    learner: LearnerRow,
    *,
    fresh: bool = False,
    seed: int | None = None,
) -> Session:
    """Resume the unfinished attempt at ``module`` or start one (``fresh``: close any
    unfinished attempt and start anew, for a retake or "start again").

    :class:`ModuleNotStarted` when the engine cannot build the attempt (no scenario for the
    learner's role, a module it cannot run); a store failure stays ``StoreError``.
    """
    from trainer.session import Session

    try:
        if fresh:
            return Session.start_new(store, course, module, learner, seed=seed)
        return Session.start_or_resume(store, course, module, learner, seed=seed)
    except ValueError as exc:  # the engine's errors (ReplayError and AnswerError included)
        raise ModuleNotStarted(
            f"{module.title} cannot be opened for the role {learner.role}: {exc}. Nothing was "
            "started. Tell whoever manages the course."
        ) from None


class HistoryEntry(NamedTuple):
    """One attempt at the course, with its module's title and, unfinished, its answers."""

    attempt: AttemptRow
    title: str  # the module's title (its id when it is no longer in the course)
    answered: int | None  # answers saved, for an attempt in progress; None otherwise


def history(store: Records, course: Course, learner: LearnerRow) -> list[HistoryEntry]:
    """Every attempt of the learner at ``course``, oldest first."""
    titles = {m.id: m.title for m in course.module_map.values()}
    rows = store.attempts(learner_id=learner.id, course_id=course.id)
    counts = store.answer_counts([r.id for r in rows if r.status == "in-progress"])
    return [
        HistoryEntry(row, titles.get(row.module_id, row.module_id), counts.get(row.id))
        for row in rows
    ]


def learner_changes(store: Records, learner: LearnerRow) -> list[dict[str, Any]]:
    """The learner's renames and role, organisation or ID changes (not 'created'), oldest
    first, as :func:`trainer.export.change_text` words them."""
    return [
        {
            "learner_id": h.learner_id,
            "learner": learner.name,
            "at": stamp(h.at),
            "change": h.change,
            "old_value": h.old_value,
            "new_value": h.new_value,
            "changed_by": h.changed_by,
        }
        for h in store.learner_history(learner.id)
        if h.change != "created"
    ]


Why = Literal["shown", "in-progress", "abandoned", "changed", "missing"]


class PastResult(NamedTuple):
    """A finished attempt's result: ``result`` when its decisions can be shown again
    (``why == "shown"``); otherwise why not, and the recorded score stands."""

    attempt: AttemptRow
    module: Module | None
    result: Result | None
    why: Why


def past_attempt_result(
    store: Records, course: Course, learner: LearnerRow, attempt_id: str
) -> PastResult | None:
    """The result of one of the learner's attempts at ``course`` (None: not theirs)."""
    row = store.get_attempt(attempt_id)
    if row is None or row.learner_id != learner.id or row.course_id != course.id:
        return None
    return result_of(store, course, row)


def result_of(store: Records, course: Course, row: AttemptRow) -> PastResult:
    """The result of a recorded attempt, rebuilt from its answers when it can be."""
    if row.status in ("in-progress", "abandoned"):
        return PastResult(row, None, None, row.status)  # type: ignore[arg-type]
    try:
        module = course.module(row.module_id)
    except KeyError:
        return PastResult(row, None, None, "missing")
    from trainer.session import past_result

    result = past_result(store, module, row)
    return PastResult(row, module, result, "shown" if result is not None else "changed")
