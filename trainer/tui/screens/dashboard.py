"""The course dashboard: each module's status, whether it is required, time, and expiry."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static

from trainer.progress import CourseProgress, ModuleProgress
from trainer.records.errors import StoreError
from trainer.safetext import terminal_safe
from trainer.service.modules import Dashboard, DueDate, dashboard
from trainer.standing import ExpiredModule
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.flat import FlatVertical
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.marked_list import ModuleList
from trainer.tui.words import day_text, role_text, status_text

if TYPE_CHECKING:
    from trainer.records.store import LearnerRow
    from trainer.tui.app import TrainerApp


def module_line(
    number: int, progress: ModuleProgress, expired: ExpiredModule | None = None
) -> Content:
    status = status_text(progress.status)
    if expired is not None:
        status = f"✘ Expired on {day_text(expired.expired_on)}: retake it"
    elif progress.status in ("passed", "failed") and progress.best_percent is not None:
        status += f" (best {progress.best_percent}%)"
    need = "Required" if progress.required else "Optional"
    return Content.assemble(
        (f"{number}. {progress.module.title}", "bold"),
        f"\n   {status} · {need} · about {progress.module.estimated_minutes} min",
    )


def completion_line(
    progress: CourseProgress, today: date | None = None, expired: list[ExpiredModule] | None = None
) -> str:
    required = [p for p in progress.modules if p.required]
    done = sum(1 for p in required if p.passed_attempt is not None)
    if progress.complete and progress.valid_until is not None:
        if progress.expired(today):
            retake = [e.module.title for e in expired or [] if e.required]
            which = f": {', '.join(retake)}" if retake else " required modules"
            return (
                f"✘ Course completion expired on {day_text(progress.valid_until)}. "
                f"To recertify, retake{which}."
            )
        return (
            f"✔ Course complete on {day_text(progress.completed_on)} · valid until "
            f"{day_text(progress.valid_until)} · press c for your certificate"
        )
    lapsed = [e for e in expired or [] if e.required]
    if lapsed:  # passed once, but too long ago to count now
        current = done - len(lapsed)
        return (
            f"○ Course not complete yet: {current} of {len(required)} required modules passed "
            f"and current; {len(lapsed)} expired (retake: "
            f"{', '.join(e.module.title for e in lapsed)})."
        )
    return (
        f"○ Course not complete yet: {done} of {len(required)} required modules passed. "
        f"Completion is valid for {progress.course.validity_months} months."
    )


def due_line(due: DueDate) -> str:
    """The due date, said when it is near (or past) and the course is not complete."""
    if due.overdue:
        return f"⚠ Overdue: the course was due on {day_text(due.on)}."
    if due.days_left == 0:
        return "⚠ Due today: complete the required modules today."
    days = "1 day" if due.days_left == 1 else f"{due.days_left} days"
    return f"⚠ Due on {day_text(due.on)} (in {days}): complete the required modules by then."


class DashboardScreen(ReadsRecords):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "history", "History"),
        Binding("c", "certificate", "Certificate"),
        Binding("l", "change_learner", "Learner"),
        Binding("r", "refresh", "Read again", show=False),
    ]
    # Keys that need nothing read here act at once; Enter and the arrows wait for the list.
    ACT_AT_ONCE = ReadsRecords.ACT_AT_ONCE | {"h", "c", "l", "r"}

    progress: CourseProgress | None = None  # as last read

    def __init__(self, board: Dashboard | None = None) -> None:
        """``board``: what the screen shows, already read (picking a learner reads it with
        the learner), so that its first frame is the filled one."""
        super().__init__()
        self._first_board = board

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    @property
    def learner(self) -> LearnerRow:
        assert self.trainer.learner is not None
        return self.trainer.learner

    def compose(self) -> ComposeResult:
        yield Static(id="dash-title", classes="title-bar")
        with FlatVertical(classes="page"):
            yield Static(id="course-summary", classes="help-text")
            yield Static(id="completion")
            yield ModuleList(id="modules")
            yield Static(
                "↑↓ choose a module, Enter to open it. Answers are saved as you go.",
                classes="help-text",
            )
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        """Read the records each time the dashboard is shown (also the first time)."""
        self.refresh_progress()

    def refresh_progress(self) -> None:
        """Read the learner's progress in a thread (records on a server may be slow); the
        screen shows it when it is in (ReadsRecords: keys typed meanwhile wait for it)."""
        learner = self.learner
        course = self.trainer.course
        name = terminal_safe(learner.name)
        self.query_one("#dash-title", Static).update(
            Content(f"{course.title} · {name} ({role_text(learner.role)})")
        )
        board, self._first_board = self._first_board, None
        if board is not None and board.learner.id == learner.id:
            self._read_done()  # read already: shown now, before the screen is first drawn
            self.show_board(board)
            self._send_held()
            return
        self.read_records(
            partial(dashboard, self.trainer.store, course, learner),
            self.show_board,
            self.show_unreadable,
        )

    def say_reading(self, note: str) -> None:
        self.query_one("#completion", Static).update(Content(note))

    def show_unreadable(self, error: StoreError) -> None:
        """E.g. the records server is away: said; the list stays as last read."""
        self.query_one("#completion", Static).update(
            Content(
                f"✘ The records cannot be read now: {terminal_safe(str(error))}\n"
                "Your answers so far are saved. Press r to read the records again."
            )
        )

    def show_board(self, board: Dashboard) -> None:
        course = self.trainer.course
        progress = board.progress
        self.progress = progress
        summary = self.query_one("#course-summary", Static)
        # The course introduction, until the learner has begun: then the modules need the room.
        summary.display = bool(course.summary) and not board.begun
        summary.update(Content(terminal_safe(course.summary)))
        expired = list(board.expired)
        line = completion_line(progress, expired=expired)
        if board.due is not None and board.due.notice:
            line += "\n" + due_line(board.due)
        if board.role_changes:
            line += "\n" + board.role_changes[-1].text()
        self.query_one("#completion", Static).update(Content(line))
        by_id = board.expired_by_module()
        modules = self.query_one("#modules", ModuleList)
        # Each module under its number in the course, as plain mode and docs/course.md
        # number it (a uniformed learner's last module is 8, not 7).
        number = board.number()
        modules.set_items(
            [
                (
                    item.module.id,
                    module_line(number[item.module.id], item, by_id.get(item.module.id)),
                )
                for item in progress.modules
            ],
            highlighted=modules.highlighted,
        )

    @on(OptionList.OptionSelected, "#modules")
    def open_module(self, event: OptionList.OptionSelected) -> None:
        """A click on a module."""
        self.open_module_id(event.option_id)

    def open_highlighted(self) -> None:
        """Enter on the list (ModuleList.action_select)."""
        option = self.query_one("#modules", ModuleList).highlighted_option
        if option is not None:
            self.open_module_id(option.id)

    def open_module_id(self, module_id: str | None) -> None:
        from trainer.tui.screens.intro import ModuleIntroScreen

        if self.progress is None:
            return
        item = next(p for p in self.progress.modules if p.module.id == module_id)
        self.app.push_screen(ModuleIntroScreen(item))

    def action_refresh(self) -> None:
        self.refresh_progress()

    def action_history(self) -> None:
        from trainer.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_certificate(self) -> None:
        from trainer.tui.screens.certificate import CertificateScreen

        self.app.push_screen(CertificateScreen())

    def action_change_learner(self) -> None:
        self.trainer.change_learner()
