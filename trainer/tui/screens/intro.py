"""Before a module: objectives, time, content note; Enter starts (or resumes), Esc goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from trainer.records.errors import StoreError
from trainer.safetext import terminal_safe
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.words import status_text
from trainer.words import module_updated_note, plural

if TYPE_CHECKING:
    from trainer.progress import ModuleProgress
    from trainer.session import OpenAttempt, Session
    from trainer.tui.app import TrainerApp


class ModuleIntroScreen(ReadsRecords):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start/continue"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, progress: ModuleProgress) -> None:
        super().__init__()
        self.progress = progress
        self.module = progress.module

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    # What the intro says about going back and about an unfinished attempt; the preview
    # (trainer.tui.preview) words these for a session that records nothing.
    GO_BACK_NOTE = (
        "You can go back with Esc at any time without penalty; every answer is saved, and you "
        "continue where you left off."
    )
    IN_PROGRESS_NOTE = "◐ In progress: {answers} saved. Press Enter to continue where you left off."
    HINT = "Press Enter to {verb} · Esc to go back · ↑↓ to scroll"

    def open_attempt(self) -> OpenAttempt | None:
        """The learner's unfinished attempt at this module, if any."""
        from trainer.service.modules import module_options

        learner = self.trainer.learner
        assert learner is not None
        return module_options(
            self.trainer.store, self.trainer.course, self.module, learner
        ).unfinished

    def compose(self) -> ComposeResult:
        module = self.module
        yield Static(Content(module.title), classes="title-bar")
        with VerticalScroll(id="intro", classes="page"):
            need = "Required" if self.progress.required else "Optional"
            yield Static(
                Content(
                    f"About {module.estimated_minutes} minutes · {need} for your role · "
                    f"pass mark {module.pass_mark}% · {status_text(self.progress.status)}"
                ),
                classes="meta",
            )
            # What the records say about an unfinished attempt, once they are read.
            yield Static(id="open-attempt", classes="para")
            note = module.content_note or ""
            yield Static(
                Content.assemble(
                    ("⚠ Content note: ", "bold"),
                    f"{note} " if note else "",
                    self.GO_BACK_NOTE,
                ),
                classes="note",
            )
            yield Static(Content(module.summary), classes="para")
            yield Static(Content("What you will be able to do"), classes="heading")
            for objective in module.objectives:
                with Horizontal(classes="bullet"):
                    yield Label("•", classes="mark")
                    yield Static(Content(objective), classes="text")
        yield Static(id="intro-hint", classes="help-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the learner's unfinished attempt in a thread (records on a server may be
        slow); Enter typed meanwhile waits for it (ReadsRecords), Esc goes back at once."""
        self.query_one("#open-attempt").display = False
        self.read_records(self.open_attempt, self.show_open_attempt, self.show_unreadable)

    def say_reading(self, note: str) -> None:
        if not self.starting:
            self.query_one("#intro-hint", Static).update(Content(note))

    def show_open_attempt(self, unfinished: OpenAttempt | None) -> None:
        answered = unfinished.answered if unfinished and unfinished.resumable else 0
        line = self.query_one("#open-attempt", Static)
        if answered:
            line.update(Content(self.IN_PROGRESS_NOTE.format(answers=plural(answered, "answer"))))
            line.display = True
        elif unfinished is not None and unfinished.answered and not unfinished.resumable:
            line.update(Content(f"⚠ {module_updated_note(unfinished.answered)}"))
            line.display = True
        self.verb = "continue" if answered else "start"
        if not self.starting:
            self.query_one("#intro-hint", Static).update(Content(self.HINT.format(verb=self.verb)))

    def show_unreadable(self, error: StoreError) -> None:
        """E.g. the records server is away: said here, not a crash; starting tries again."""
        line = self.query_one("#open-attempt", Static)
        line.update(
            Content(
                f"✘ The records cannot be read now: {terminal_safe(str(error))}\nYour answers so "
                "far are saved; starting tries again."
            )
        )
        line.display = True
        self.verb = "start"
        if not self.starting:
            self.query_one("#intro-hint", Static).update(Content(self.HINT.format(verb="start")))

    verb = "start"  # what Enter does, as the hint says it

    def action_start(self) -> None:
        """Start or resume the attempt in a thread (it writes the records); keys typed
        meanwhile wait for the module and then go to its first question."""
        from trainer.service.modules import ModuleNotStarted, start_module

        if self.starting:
            return  # already opening (Enter pressed twice)
        self.starting = True
        self.query_one("#intro-hint", Static).update(Content("… Opening the module…"))
        learner = self.trainer.learner
        assert learner is not None
        store, course, module = self.trainer.store, self.trainer.course, self.module

        def start() -> Session | ModuleNotStarted:
            try:
                return start_module(store, course, module, learner)
            except ModuleNotStarted as exc:  # no scenario for the role: nothing started
                return exc

        self.read_records(
            start,
            self.started,
            lambda exc: self.not_started(str(exc), "Module not opened"),  # e.g. a full disk
        )

    starting = False

    def started(self, session: Session | Exception) -> None:
        from trainer.tui.screens.player import PlayerScreen

        if isinstance(session, Exception):
            self.not_started(str(session), "Module not opened")
            return
        self.starting = False
        if self.is_current:
            self.app.switch_screen(PlayerScreen(session))
            self.pass_keys_on()  # to the player, which holds them until its question is shown

    def not_started(self, message: str, title: str) -> None:
        self.starting = False
        self.query_one("#intro-hint", Static).update(Content(self.HINT.format(verb=self.verb)))
        self.notify(terminal_safe(message), title=title, severity="error", timeout=20)

    def action_back(self) -> None:
        self.app.pop_screen()
