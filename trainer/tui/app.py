"""The trainer terminal app: a thin App that holds the course, the store and the learner,
and moves between screens. Screens render engine state and send the learner's choices to
:class:`trainer.session.Session`; nothing here decides anything about scoring.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from trainer.bank.cache import LazyCourse

if TYPE_CHECKING:
    from trainer.bank.model import Course
    from trainer.records.contract import Records
    from trainer.records.store import LearnerRow
    from trainer.settings import Settings

DEFAULT_THEME = "textual-dark"
# Seconds after the first screen is drawn before the work put off until then is done.
AFTER_FIRST_SCREEN = 0.25
HIGH_CONTRAST_THEME = Theme(
    name="trainer-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff6666",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#ffffff",
        "block-cursor-blurred-foreground": "#000000",
        "border": "#ffffff",
        "border-blurred": "#aaaaaa",
        "footer-background": "#000000",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        "input-selection-background": "#ffff00 40%",
        "text-muted": "#ffffff",
        "foreground-muted": "#ffffff",
    },
)


# Keys every trainer app offers on every screen (the learner app and the preview).
APP_BINDINGS: tuple[BindingType, ...] = (
    Binding("question_mark", "help", "Help", key_display="?/F1"),
    Binding("f1", "help", "Help", show=False),
    Binding("f2", "resources", "Reporting", key_display="F2", priority=True),
    Binding("q", "quit", "Quit"),
    # Ctrl+C quits at once, as a learner expects; every answer is already saved.
    Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
)


class TrainerApp(App[int]):
    """Who am I → dashboard → module intro → player → results; history, help, resources."""

    CSS_PATH = "trainer.tcss"
    # Screens 36 rows or taller get the class "-tall": the story then takes only the height
    # it needs, so the question follows it (trainer.tcss, player).
    # Textual declares this "ClassVar[...] | None", which mypy reads as an instance attribute.
    VERTICAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-short"), (36, "-tall")]  # noqa: RUF012
    TITLE = "trainer"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)

    def __init__(
        self,
        *,
        course: Course | LazyCourse,
        store: Records,
        learner_name: str | None = None,
        high_contrast: bool = False,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings  # issuer key and paper for certificates (trainer.settings)
        self._course = course if isinstance(course, LazyCourse) else LazyCourse.of(course)
        self.store = store
        self.learner: LearnerRow | None = None
        self.learner_name = learner_name
        self.high_contrast = high_contrast
        self.title = self._course.title

    @property
    def course(self) -> Course:
        """The course; a cached course's model is built on first use (see on_mount)."""
        return self._course.get()

    @property
    def course_title(self) -> str:
        return self._course.title

    @property
    def data_dir(self) -> Path | None:
        """The data folder of the settings (issuer key, course cache); None without settings
        (tests). Never derived from the records' location, which may be a server."""
        return self.settings.data_dir.value if self.settings is not None else None

    def get_default_screen(self) -> Screen[Any]:
        """The bottom of the screen stack. On most starts (learners known, none named) that is
        the learner list itself, so no blank screen is built and laid out under it first."""
        if not self.learner_name and self.store.learner_count():
            from trainer.tui.screens.learners import LearnerPickScreen

            return LearnerPickScreen()
        return super().get_default_screen()

    def on_mount(self) -> None:
        self.call_after_refresh(self.set_timer, AFTER_FIRST_SCREEN, self._after_first_screen)
        self.register_theme(HIGH_CONTRAST_THEME)
        wanted = HIGH_CONTRAST_THEME.name if self.high_contrast else DEFAULT_THEME
        if self.theme != wanted:  # setting it re-applies every style: ~30 ms at start-up
            self.theme = wanted
        from trainer.tui.screens.learners import LearnerFormScreen, LearnerPickScreen

        if isinstance(self.screen, LearnerPickScreen):  # already shown: get_default_screen
            return
        if self.learner_name:
            known = self.store.find_learner(self.learner_name)
            if known is not None:
                self.use_learner(known)
                return
        if not self.store.learner_count():
            # First start on this machine: straight to the form, without building the
            # (empty) learner list under it first.
            self.push_screen(LearnerFormScreen(name=self.learner_name or ""), self._first_added)
            return
        self.push_screen(LearnerPickScreen(add_name=self.learner_name))

    def _after_first_screen(self) -> None:
        """Work that need not hold up the first screen, done while the learner reads it.

        The course's model is built (unpickled from the cache: ~10 ms here; anything that
        needs it sooner builds it then), and garbage collection, which trainer.cli.main
        pauses for start-up, resumes: its first pass looks at every object built so far
        (~7 ms here).
        """
        self._course.get()
        gc.enable()

    def _first_added(self, learner: LearnerRow | None) -> None:
        from trainer.tui.screens.learners import LearnerPickScreen

        if learner is not None:
            self.use_learner(learner)
        else:  # cancelled: show the (empty) list, with "add a learner" on it
            self.push_screen(LearnerPickScreen(auto_add=False))

    # ------------------------------------------------------------------ navigation
    def use_learner(self, learner: LearnerRow) -> None:
        """Make ``learner`` the current learner and show their dashboard."""
        from trainer.safetext import terminal_safe
        from trainer.tui.screens.dashboard import DashboardScreen

        self.learner = learner
        self.sub_title = terminal_safe(learner.name)  # names stored before they were checked
        if len(self.screen_stack) > 1:
            self.switch_screen(DashboardScreen())
        else:
            self.push_screen(DashboardScreen())

    def change_learner(self) -> None:
        from trainer.tui.screens.learners import LearnerPickScreen

        self.learner = None
        first = self.screen_stack[0]
        if isinstance(first, LearnerPickScreen) and len(self.screen_stack) == 2:
            # Back to the list the app started on (see get_default_screen).
            self.pop_screen()
            first.refresh_learners()
        else:
            self.switch_screen(LearnerPickScreen())

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        from trainer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_resources(self) -> None:
        from trainer.tui.screens.resources import ResourcesScreen

        if isinstance(self.screen, ResourcesScreen):
            self.screen.dismiss(None)  # F2 again closes it
        else:
            self.push_screen(ResourcesScreen(self.course.resources))
