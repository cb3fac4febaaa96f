"""The preview's screens: the learner's own screens with a banner, and its two dialogs.

Thin subclasses of the learner screens (intro, player, results, help, resources) that say
"PREVIEW — nothing is recorded" at the top and replace what would touch the records; the
problems dialog (a broken edit) and the step picker (``g``). The app is
:mod:`trainer.tui.preview`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static

from trainer.progress import ModuleProgress
from trainer.session import OpenAttempt, Session
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.intro import ModuleIntroScreen
from trainer.tui.screens.player import PlayerScreen
from trainer.tui.screens.resources import ResourcesScreen
from trainer.tui.screens.results import ResultsScreen
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.marked_list import MarkedOptionList
from trainer.tui.words import role_text

if TYPE_CHECKING:
    from trainer.bank.model import Module, Role
    from trainer.tui.preview import PreviewApp

BANNER = "PREVIEW — nothing is recorded"


def banner(app: App[int]) -> Static:
    """The line at the top of every preview screen; words first, colour only as a help."""
    role = getattr(app, "role", None)
    extra = f" · as {role_text(role)}" if role else ""
    return Static(Content(f"{BANNER}{extra} · ^R reload file · g go to step"), id="preview-banner")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


# --------------------------------------------------------------------------- screens
class PreviewIntroScreen(ModuleIntroScreen):
    """The learner's module intro; Enter starts (or continues) the preview session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start/continue"),
        Binding("escape", "back", "Back", show=False),
    ]
    GO_BACK_NOTE = (
        "A learner can go back with Esc at any time without penalty. In this preview nothing "
        "is recorded."
    )
    IN_PROGRESS_NOTE = (
        "◐ In progress: {answers} given in this preview (not recorded). Press Enter to continue."
    )
    HINT = "Press Enter to {verb} · ↑↓ to scroll · q to quit the preview"
    READ_IN_THREAD = False  # the preview's session is in memory: worded at once

    def __init__(self, progress: ModuleProgress, session: Session) -> None:
        super().__init__(progress)
        self.session = session

    def compose(self) -> ComposeResult:
        yield banner(self.app)
        yield from super().compose()

    def open_attempt(self) -> OpenAttempt | None:
        answered = len(self.session.attempt.answers)
        return OpenAttempt(answered, resumable=True) if answered else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "back"  # there is no dashboard to go back to

    def action_start(self) -> None:
        self.app.switch_screen(PreviewPlayerScreen(self.session))


class PreviewPlayerScreen(PlayerScreen):
    """The learner's player, unchanged, over a session that records nothing."""

    def compose(self) -> ComposeResult:
        yield banner(self.app)
        yield from super().compose()

    def show_results(self) -> None:
        self.app.switch_screen(PreviewResultsScreen(self.session))

    def action_pause(self) -> None:
        app = _preview_app(self)
        app.switch_screen(PreviewIntroScreen(app.progress(), self.session))
        app.notify("Paused. Nothing is recorded in a preview; press Enter to continue.")


class PreviewResultsScreen(ResultsScreen):
    """The learner's results (score, mastery, decisions to review); t restarts the preview."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "retake", "Restart preview"),
        Binding("h", "history", "History", show=False),
        Binding("escape", "back", "Dashboard", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield banner(self.app)
        yield from super().compose()

    def next_step_text(self) -> str:
        return "Press t to restart the preview from the first question. Nothing was recorded."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in ("history", "back")  # no records, no dashboard

    def action_retake(self) -> None:
        app = _preview_app(self)
        app.restart()


class PreviewHelpScreen(HelpScreen):
    KEYS = (
        ("Preview", (
            ("g", "go to any step (earlier decisions answered for you)"),
            ("Ctrl+R", "reload the file after an edit, at the same step"),
        )),
        *HelpScreen.KEYS,
    )  # fmt: skip

    def compose(self) -> ComposeResult:
        yield banner(self.app)
        yield from super().compose()


class PreviewResourcesScreen(ResourcesScreen):
    def compose(self) -> ComposeResult:
        yield banner(self.app)
        yield from super().compose()


class ProblemsScreen(ModalScreen[None]):
    """The edited file's problems; the previous version keeps running underneath."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, heading: str, lines: list[str]) -> None:
        super().__init__()
        self.heading = heading
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield banner(self.app)
        with VerticalScroll(classes="dialog", id="problems"):
            yield Static(Content(self.heading), classes="heading")
            yield Static(
                "Still previewing the previous version. Fix the file, then press Ctrl+R. "
                "Esc closes this.",
                classes="help-text",
            )
            for line in self.lines:
                yield Static(Content(line), classes="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#problems", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class StepList(MarkedOptionList):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Go there")]


class StepPickScreen(ModalScreen[str | None]):
    """Every step the previewed role meets, in order; Enter jumps to the one picked."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, module: Module, role: Role, current: str | None) -> None:
        super().__init__()
        self.module = module
        self.role = role
        self.current = current

    def compose(self) -> ComposeResult:
        yield banner(self.app)
        with Vertical(classes="dialog", id="step-pick"):
            yield Static("Go to a step", classes="heading")
            yield Static(
                "The decisions before it are answered correctly for you. Enter goes there; "
                "Esc closes this.",
                classes="help-text",
            )
            yield StepList(id="steps")
        yield KeyFooter()

    def on_mount(self) -> None:
        items = [
            (f"{scenario.id}/{step.id}", Content(f"{scenario.id}/{step.id} · {step.prompt}"))
            for scenario in self.module.scenarios_for(self.role)
            for step in scenario.steps
        ]
        ids = [spec for spec, _ in items]
        steps = self.query_one("#steps", StepList)
        steps.set_items(items, ids.index(self.current) if self.current in ids else 0)
        steps.focus()

    @on(OptionList.OptionSelected, "#steps")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_close(self) -> None:
        self.dismiss(None)


def _preview_app(screen: Screen[object]) -> PreviewApp:
    from trainer.tui.preview import PreviewApp  # the app imports this module

    app = screen.app
    assert isinstance(app, PreviewApp)
    return app
