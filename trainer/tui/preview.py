"""``trainer preview FILE`` in the terminal app: a module exactly as a learner takes it.

The learner's own screens are reused (intro, player, feedback, results); the thin subclasses
here only say "PREVIEW — nothing is recorded" at the top of every screen and replace what
would touch the records: the session is a :meth:`Session.preview` (no store), Esc in the
player goes back to the intro instead of the dashboard, and the results offer "restart
preview" instead of a retake. Nothing is written anywhere; no data folder is opened.

``g`` lists every step the previewed role meets and jumps to the one picked (as ``--step``
does at start: the decisions before it are answered correctly). Ctrl+R reloads the file
after an edit: it is re-read and re-validated; a valid edit restarts
at the same step when it still exists (else from the start) and says so; a broken edit shows
the problems (path:line:col: message) in a dialog and the previous version keeps running.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static

from trainer.authoring.preview import Jump, JumpError, session_at
from trainer.bank.loader import build_resources, kind_of, load_module, read_yaml
from trainer.bank.model import CourseModule
from trainer.progress import ModuleProgress
from trainer.session import OpenAttempt, Session
from trainer.tui.app import APP_BINDINGS, DEFAULT_THEME
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.intro import ModuleIntroScreen
from trainer.tui.screens.player import PlayerScreen
from trainer.tui.screens.resources import ResourcesScreen
from trainer.tui.screens.results import ResultsScreen
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.marked_list import MarkedOptionList
from trainer.tui.words import role_text

if TYPE_CHECKING:
    from trainer.bank.model import Module, Resources, Role
    from trainer.bank.problems import Problem

BANNER = "PREVIEW — nothing is recorded"
Loader = Callable[[Path], "tuple[Module | None, list[Problem]]"]


class PreviewError(Exception):
    """The preview cannot start: the message to print and the exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def banner(app: App[int]) -> Static:
    """The line at the top of every preview screen; words first, colour only as a help."""
    role = getattr(app, "role", None)
    extra = f" · as {role_text(role)}" if role else ""
    return Static(Content(f"{BANNER}{extra} · ^R reload file · g go to step"), id="preview-banner")


def _plural(n: int, word: str) -> str:
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
        app = self.app
        assert isinstance(app, PreviewApp)
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
        app = self.app
        assert isinstance(app, PreviewApp)
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


# --------------------------------------------------------------------------- app
@dataclass(slots=True)
class _Place:
    """Where a reload should come back to."""

    step: str | None  # SCENARIO/STEP, or None for the start
    intro: bool  # show the intro rather than the first question


class PreviewApp(App[int]):
    """One module, one role, one store-less session at a time."""

    CSS_PATH = "trainer.tcss"
    CSS = """
    #preview-banner {
        height: auto;
        padding: 0 1;
        text-style: bold;
        background: $warning;
        color: $background;
    }
    App:nocolor #preview-banner {
        text-style: bold reverse;
    }
    ProblemsScreen, StepPickScreen {
        align: center top;
    }
    #step-pick {
        height: 1fr;
    }
    #steps {
        margin-top: 1;
        height: 1fr;
    }
    #problems .help-text {
        margin-top: 0;
    }
    .problem {
        margin-top: 1;
    }
    """
    TITLE = "trainer preview"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload file", key_display="^R", priority=True),
        # Not in the footer (it would push Reporting and Quit off an 80-column screen); the
        # banner and the help name it.
        Binding("g", "go_to_step", "Go to step", show=False),
        *APP_BINDINGS,
    ]

    def __init__(
        self,
        path: Path,
        module: Module,
        role: Role,
        jump: Jump,
        *,
        seed: int = 0,
        show_intro: bool = True,
        load: Loader = load_module,
    ) -> None:
        super().__init__()
        self.path = path
        self.module = module
        self.role = role
        self.seed = seed
        self.session = jump.session
        self._jump = jump
        self._show_intro = show_intro
        self._load = load
        self.messages: list[str] = []  # everything said in notifications, for the tests
        self.title = module.title

    # ------------------------------------------------------------------ start
    def on_mount(self) -> None:
        self.theme = DEFAULT_THEME
        if self._show_intro:
            self.push_screen(PreviewIntroScreen(self.progress(), self.session))
        else:
            self.push_screen(PreviewPlayerScreen(self.session))
        self.say_jump(self._jump)

    def say(self, message: str, *, severity: str = "information") -> None:
        self.messages.append(message)
        self.notify(message, severity=severity, timeout=8)  # type: ignore[arg-type]

    def say_jump(self, jump: Jump) -> None:
        if jump.answered:
            verb = "was" if jump.answered == 1 else "were"
            self.say(
                f"Jumped to {jump.scenario_id}/{jump.step_id}; "
                f"{_plural(jump.answered, 'decision')} before it {verb} answered "
                "automatically."
            )

    def progress(self) -> ModuleProgress:
        """What the intro shows: the module's place in its course, when the course is found."""
        entry = _course_entry(self.path, self.module)
        status = "in-progress" if self.session.attempt.answers else "not-started"
        return ModuleProgress(entry, self.module, status, None, None, None, 0)

    # ------------------------------------------------------------------ screens
    async def _show(self, screen: Screen[None]) -> None:
        """Make ``screen`` the one preview screen, closing any dialog above it."""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def restart(self) -> None:
        """From the first question of the same version (the results' "restart preview")."""
        jump = session_at(self.module, self.role, None, seed=self.seed)
        self.session = jump.session
        self.switch_screen(PreviewPlayerScreen(self.session))

    def _place(self) -> _Place:
        screens = self.screen_stack[1:2]
        main = screens[0] if screens else None
        if isinstance(main, PreviewPlayerScreen):
            question = main.feedback.question if main.feedback else main.session.current
            if question is not None:  # the question on screen, or whose feedback is shown
                return _Place(f"{question.scenario.id}/{question.step.id}", intro=False)
        if isinstance(main, PreviewResultsScreen):
            return _Place(None, intro=False)
        return _Place(None, intro=True)

    # ------------------------------------------------------------------ actions
    async def action_reload(self) -> None:
        fresh, problems = self._load(self.path)
        if fresh is None or self.role not in fresh.roles:
            if fresh is None:
                heading = (
                    f"The edited file has {_plural(len(problems), 'problem')}; still previewing "
                    "the previous version"
                )
                lines = [str(p) for p in problems]
            else:
                heading = "The edited module cannot be previewed; still previewing the previous one"
                lines = [
                    f"{self.path}: the module is no longer for role {self.role} (it is for "
                    f"{', '.join(fresh.roles)})"
                ]
            self.messages.append(heading)
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            await self.push_screen(ProblemsScreen(heading, lines))
            return
        place = self._place()
        note = ""
        try:
            jump = session_at(fresh, self.role, place.step, seed=self.seed)
        except JumpError as exc:
            jump = session_at(fresh, self.role, None, seed=self.seed)
            note = f" {place.step} no longer exists ({exc}); starting from the beginning."
        else:
            if place.step is not None:
                note = f" Back at {place.step}."
            elif place.intro:
                note = " Back at the module's introduction."
            else:
                note = " The preview had finished; starting from the first question."
        self.module, self.session = fresh, jump.session
        self.title = fresh.title
        if place.intro and place.step is None:
            await self._show(PreviewIntroScreen(self.progress(), self.session))
        else:
            await self._show(PreviewPlayerScreen(self.session))
        self.say(f"Reloaded {self.path.name} (version {fresh.version}).{note}")
        self.say_jump(jump)

    def action_go_to_step(self) -> None:
        if isinstance(self.screen, ModalScreen):
            return  # one dialog at a time
        place = self._place()

        def chosen(spec: str | None) -> None:
            if spec is not None:
                self.call_later(self._go_to, spec)

        self.push_screen(StepPickScreen(self.module, self.role, place.step), chosen)

    async def _go_to(self, spec: str) -> None:
        jump = session_at(self.module, self.role, spec, seed=self.seed)  # listed: it exists
        self.session = jump.session
        await self._show(PreviewPlayerScreen(self.session))
        if jump.answered:
            self.say_jump(jump)
        else:
            self.say(f"At {spec}, the first step; nothing was answered for you.")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(PreviewHelpScreen())

    def action_resources(self) -> None:
        if isinstance(self.screen, ResourcesScreen):
            self.screen.dismiss(None)
            return
        resources = _course_resources(self.path)
        if resources is None:
            self.say(
                "No course file with reporting resources was found next to this module; "
                "learners see the course's resources here.",
                severity="warning",
            )
            return
        self.push_screen(PreviewResourcesScreen(resources))


# --------------------------------------------------------------------------- the course around
def _course_files(path: Path) -> list[Path]:
    """Course files in the module's folder or the one above (as in question_banks/)."""
    found: list[Path] = []
    for folder in (path.parent, path.parent.parent):
        for candidate in sorted(folder.glob("*.y*ml")):
            if candidate.resolve() == path.resolve():
                continue
            loaded = read_yaml(candidate)
            if kind_of(loaded) == "course":
                found.append(candidate)
        if found:
            break
    return found


def _course_entry(path: Path, module: Module) -> CourseModule:
    for course_file in _course_files(path):
        raw = read_yaml(course_file).value
        for item in raw.get("modules") or ():
            if isinstance(item, dict) and item.get("id") == module.id:
                return CourseModule(
                    module.id,
                    str(item.get("file", path.name)),
                    bool(item.get("required")),
                    module.roles,
                )
    return CourseModule(module.id, path.name, True, module.roles)


def _course_resources(path: Path) -> Resources | None:
    for course_file in _course_files(path):
        name = read_yaml(course_file).value.get("resources")
        if isinstance(name, str) and (course_file.parent / name).is_file():
            loaded = read_yaml(course_file.parent / name)
            if loaded.value is not None:
                return build_resources(loaded)
    return None


# --------------------------------------------------------------------------- entry point
def make_app(
    path: Path,
    *,
    role: Role | None = None,
    start_step: str | None = None,
    seed: int = 0,
    load: Loader = load_module,
) -> PreviewApp:
    """The preview app for ``path``, or :class:`PreviewError` when it cannot start."""
    module, problems = load(path)
    if module is None:
        lines = "\n".join(f"  {p}" for p in problems)
        raise PreviewError(
            f"{path} has {_plural(len(problems), 'problem')}; fix and try again:\n{lines}", 1
        )
    role = role or module.roles[0]
    if role not in module.roles:
        raise PreviewError(
            f"Module {module.id} is not for role {role} (it is for {', '.join(module.roles)}). "
            "Use --role.",
            2,
        )
    try:
        jump = session_at(module, role, start_step, seed=seed)
    except JumpError as exc:
        raise PreviewError(f"Cannot start at {start_step}: {exc}.", 2) from None
    return PreviewApp(path, module, role, jump, seed=seed, show_intro=start_step is None, load=load)


def run_preview(
    path: Path,
    *,
    role: Role | None = None,
    start_step: str | None = None,
    seed: int = 0,
) -> int:
    """Preview the module file at ``path`` in the terminal app, recording nothing."""
    try:
        app = make_app(path, role=role, start_step=start_step, seed=seed)
    except PreviewError as exc:
        print(f"trainer preview: {exc}", file=sys.stderr)
        return exc.status
    app.run()
    print("PREVIEW ended — nothing was recorded.")
    return 0
