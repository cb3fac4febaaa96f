"""``trainer preview FILE`` in the terminal app: a module exactly as a learner takes it.

The learner's own screens are reused (intro, player, feedback, results); thin subclasses
only say "PREVIEW — nothing is recorded" at the top of every screen and replace what
would touch the records: the session is a :meth:`Session.preview` (no store), Esc in the
player goes back to the intro instead of the dashboard, and the results offer "restart
preview" instead of a retake. Nothing is written anywhere; no data folder is opened.

``g`` lists every step the previewed role meets and jumps to the one picked (as ``--step``
does at start: the decisions before it are answered correctly). Ctrl+R reloads the file
after an edit: it is re-read and re-validated; a valid edit restarts
at the same step when it still exists (else from the start) and says so; a broken edit shows
the problems (path:line:col: message) in a dialog and the previous version keeps running.

The screens and dialogs are in :mod:`trainer.tui.preview_screens`; this module is the app,
the course around the previewed module, and the entry point.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from trainer.authoring.preview import Jump, JumpError, session_at
from trainer.bank.loader import build_resources, kind_of, load_module, read_yaml
from trainer.bank.model import CourseModule
from trainer.progress import ModuleProgress
from trainer.tui.app import APP_BINDINGS, DEFAULT_THEME
from trainer.tui.preview_screens import (
    BANNER,
    PreviewHelpScreen,
    PreviewIntroScreen,
    PreviewPlayerScreen,
    PreviewResourcesScreen,
    PreviewResultsScreen,
    ProblemsScreen,
    StepList,
    StepPickScreen,
    banner,
    plural,
)
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.resources import ResourcesScreen

if TYPE_CHECKING:
    from trainer.bank.model import Module, Resources, Role
    from trainer.bank.problems import Problem

__all__ = [
    "BANNER",
    "PreviewApp",
    "PreviewError",
    "PreviewHelpScreen",
    "PreviewIntroScreen",
    "PreviewPlayerScreen",
    "PreviewResourcesScreen",
    "PreviewResultsScreen",
    "ProblemsScreen",
    "StepList",
    "StepPickScreen",
    "banner",
    "make_app",
    "run_preview",
]

Loader = Callable[[Path], "tuple[Module | None, list[Problem]]"]


class PreviewError(Exception):
    """The preview cannot start: the message to print and the exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


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
                f"{plural(jump.answered, 'decision')} before it {verb} answered "
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
                    f"The edited file has {plural(len(problems), 'problem')}; still previewing "
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
            f"{path} has {plural(len(problems), 'problem')}; fix and try again:\n{lines}", 1
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
