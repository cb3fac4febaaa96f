"""The trainer terminal app: a thin App that holds the course, the store and the learner,
and moves between screens. Screens render engine state and send the learner's choices to
:class:`trainer.session.Session`; nothing here decides anything about scoring.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from trainer.bank.cache import LazyCourse

if TYPE_CHECKING:
    from trainer.bank.model import Course
    from trainer.bank.problems import Problem
    from trainer.records.contract import Records
    from trainer.records.store import LearnerRow
    from trainer.service.modules import Dashboard
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
        store: Records | None = None,
        open_records: Callable[[], Records] | None = None,
        learner_name: str | None = None,
        high_contrast: bool = False,
        settings: Settings | None = None,
    ) -> None:
        """``store``: the records, open. Or, on a first start (no records file yet, so no
        learners), ``open_records`` instead: the store is opened, creating the file, after
        the first screen (the new-learner form) is drawn, or when it is first needed.

        A course that is not yet checked (``LazyCourse`` opened with ``defer``) is loaded
        and validated after the first screen too. When the records cannot be opened or the
        course has problems, the app exits with status 1 and says why in
        :attr:`records_problem` or :attr:`course_problems` (trainer.commands.app prints
        them once the terminal is restored)."""
        super().__init__()
        if store is None and open_records is None:
            raise ValueError("TrainerApp needs the store or a way to open it")
        self.settings = settings  # issuer key and paper for certificates (trainer.settings)
        self._course = course if isinstance(course, LazyCourse) else LazyCourse.of(course)
        self._store = store
        self._open_records = open_records
        self._store_lock = threading.Lock()
        self.records_problem: str | None = None
        self.course_problems: list[Problem] | None = None
        self.learner: LearnerRow | None = None
        self.learner_name = learner_name
        self.high_contrast = high_contrast
        self.title = self._course.title

    @property
    def store(self) -> Records:
        """The records; on a first start opened (and the file created) on first use, from
        any thread. Raises StoreError when they cannot be opened."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    assert self._open_records is not None
                    self._store = self._open_records()
        return self._store

    @property
    def records_opened(self) -> bool:
        return self._store is not None

    def close_records(self) -> None:
        """Close the records if they were opened (by the caller or by the app)."""
        with self._store_lock:
            if self._store is not None:
                self._store.close()

    @property
    def course(self) -> Course:
        """The course; a cached course's model is built on first use (see on_mount)."""
        return self._course.get()

    @property
    def course_title(self) -> str:
        if not self._course.is_checked:  # deferred: read and checked now
            self.checked_course()
        return self._course.title

    def checked_course(self) -> Course | None:
        """The course, built now if it is not yet; None when it has problems (the app is
        then exiting with them: see :meth:`course_failed`)."""
        from trainer.bank.problems import BankError

        try:
            return self._course.get()
        except BankError as exc:
            self.course_failed(exc.problems)
            return None

    def course_failed(self, problems: list[Problem]) -> None:
        """The course (deferred until after the first screen) is not valid: leave, status 1,
        with every problem for the command to print."""
        if self.course_problems is None:
            self.course_problems = list(problems)
            self.exit(return_code=1)

    def records_failed(self, message: str) -> None:
        """The records (opened after the first screen) cannot be used: leave, status 1."""
        if self.records_problem is None and self.course_problems is None:
            self.records_problem = message
            self.exit(return_code=1)

    @property
    def data_dir(self) -> Path | None:
        """The data folder of the settings (issuer key, course cache); None without settings
        (tests). Never derived from the records' location, which may be a server."""
        return self.settings.data_dir.value if self.settings is not None else None

    def get_default_screen(self) -> Screen[Any]:
        """The bottom of the screen stack. On most starts (learners known, none named) that is
        the learner list itself, so no blank screen is built and laid out under it first.
        Start-up's one read of the records is the learners that list shows (at most
        LIST_LIMIT + 1, which also says whether there are more): its first frame has them."""
        if not self.learner_name and self.records_opened:
            from trainer.service.learners import search_learners
            from trainer.tui.screens.learners import LIST_LIMIT, LearnerPickScreen

            listed = search_learners(self.store, "", limit=LIST_LIMIT)
            if listed:
                self._list_first = True
                return LearnerPickScreen(listed=listed)
        return super().get_default_screen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_screen_drawn)
        self.register_theme(HIGH_CONTRAST_THEME)
        wanted = HIGH_CONTRAST_THEME.name if self.high_contrast else DEFAULT_THEME
        if self.theme != wanted:  # setting it re-applies every style: ~30 ms at start-up
            self.theme = wanted
        if self._list_first:  # already shown: get_default_screen
            return
        if self.learner_name and self.records_opened:
            known = self.store.find_learner(self.learner_name)
            if known is not None:
                self.use_learner(known)
                return
        if not self.records_opened or not self.store.learner_count():
            # First start on this machine: straight to the form, without building the
            # (empty) learner list under it first.
            from trainer.tui.screens.learner_form import LearnerFormScreen

            self.push_screen(LearnerFormScreen(name=self.learner_name or ""), self._first_added)
            return
        from trainer.tui.screens.learners import LearnerPickScreen

        self.push_screen(LearnerPickScreen(add_name=self.learner_name))

    _list_first = False  # the first screen is the learner list (get_default_screen)
    _waits_for_first_screen = 0

    def _first_screen_drawn(self) -> None:
        """Start the clock for the work put off until after the first screen once that
        screen (not Textual's blank one under the new-learner dialog) is mounted and drawn:
        on a slow or busy machine the first screen can take longer than AFTER_FIRST_SCREEN,
        and the put-off work must not compete with it."""
        screen = self.screen
        ready = screen.is_mounted and type(screen) is not Screen
        if not ready and self._waits_for_first_screen < 100:
            self._waits_for_first_screen += 1
            self.call_after_refresh(self._first_screen_drawn)
            return
        screen.call_after_refresh(self.set_timer, AFTER_FIRST_SCREEN, self._after_first_screen)

    def _after_first_screen(self) -> None:
        """Work that need not hold up the first screen, done while the learner reads it, in
        a thread (anything that needs a part sooner does that part then, or waits for it):

        - the course's model is built (unpickled from the cache: ~10 ms here), or, on a
          first start with a course not in the cache, the course is read and validated
          (~0.2 s for the shipped course);
        - on a first start, the records are opened (the file created, 0600, WAL, the
          schema); a failure of either ends the app with status 1, as it would have
          before the first screen;
        - the dashboard's modules are imported, so the first Enter only builds the screen
          and reads the learner's records, and the session's (the engine, scoring), which
          the dashboard does not need but opening a module does;
        - garbage collection, which trainer.cli.main pauses for start-up, resumes, with the
          objects built so far frozen (``gc.freeze``: long-lived, never looked at again).
        """
        self.run_worker(self._warm_up, thread=True, group="after-first-screen", exit_on_error=False)

    def _call_back(self, method: Callable[[Any], None], value: Any) -> None:
        """Run ``method(value)`` on the app's thread, unless the app has already left."""
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(method, value)

    def _warm_up(self) -> None:
        from trainer.bank.problems import BankError
        from trainer.records.errors import StoreError

        try:
            try:
                self._course.get()
            except BankError as exc:
                self._call_back(self.course_failed, exc.problems)
                return
            if not self.records_opened and self.return_code is None:  # not once leaving
                try:
                    _ = self.store  # opens (creates) the records
                except StoreError as exc:
                    self._call_back(self.records_failed, str(exc))
                    return
            # The first Enter's screen; a module's options, then its player.
            import trainer.session
            import trainer.tui.screens.dashboard  # noqa: F401
        finally:
            if not gc.isenabled():  # paused by trainer.cli.main for start-up
                # What start-up built lives as long as the app: frozen, the collector never
                # looks at it again (its first pass after the pause would look at all of it).
                gc.freeze()
                gc.enable()

    def _first_added(self, learner: LearnerRow | None) -> None:
        from trainer.tui.screens.learners import LearnerPickScreen

        if learner is not None:
            self.use_learner(learner)
        else:  # cancelled: show the (empty) list, with "add a learner" on it
            self.push_screen(LearnerPickScreen(auto_add=False))

    # ------------------------------------------------------------------ navigation
    def read_for_dashboard(self, learner_id: str) -> tuple[LearnerRow | None, Dashboard | None]:
        """In a worker thread, when a learner is picked: the learner and what their dashboard
        shows, read at once, with the course's model built and the dashboard's modules
        imported if start-up's put-off work has not yet done it. The dashboard is then drawn
        once, filled, instead of empty and then again once it has read the records (the
        first Enter after the first screen). (None, None) if the learner is gone; the board
        is None if it cannot be read now (the dashboard reads it again and says why)."""
        from trainer.bank.problems import BankError
        from trainer.records.errors import StoreError
        from trainer.service import learners

        learner = learners.get_learner(self.store, learner_id)
        if learner is None:
            return None, None
        try:
            course = self._course.get()
            import trainer.tui.screens.dashboard  # noqa: F401 - the screen shown next
            from trainer.service.modules import dashboard

            return learner, dashboard(self.store, course, learner)
        except (BankError, StoreError):  # said on the app's thread (use_learner, dashboard)
            return learner, None

    def use_learner(self, learner: LearnerRow, board: Dashboard | None = None) -> None:
        """Make ``learner`` the current learner and show their dashboard (``board``: what it
        shows, already read; else the dashboard reads it)."""
        from trainer.safetext import terminal_safe
        from trainer.tui.screens.dashboard import DashboardScreen

        if self.checked_course() is None:
            return  # not valid (found only now on a first start): the app is leaving
        self.learner = learner
        self.sub_title = terminal_safe(learner.name)  # names stored before they were checked
        if len(self.screen_stack) > 1:
            self.switch_screen(DashboardScreen(board))
        else:
            self.push_screen(DashboardScreen(board))

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
            course = self.checked_course()
            if course is not None:
                self.push_screen(ResourcesScreen(course.resources))
