"""The dashboard: course status, the modules with their status, and the other screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trainer.plain.console import BackToDashboard, Console, Option, Paused
from trainer.plain.screens.certificate import save_certificate
from trainer.plain.screens.history import show_history
from trainer.plain.screens.learners import choose_learner
from trainer.plain.screens.module import module_menu
from trainer.plain.words import STATUS_WORDS, plural, sentence, spoken_date
from trainer.progress import CourseProgress, ModuleProgress
from trainer.records.errors import AttemptClosed, StoreError
from trainer.service.modules import Dashboard, DueDate
from trainer.service.modules import dashboard as dashboard_of
from trainer.standing import ExpiredModule

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def show_dashboard(app: PlainApp, board: Dashboard) -> None:
    """The learner, the course and its status, before the list of modules."""
    ui = app.ui
    progress = board.progress
    learner = board.learner
    ui.blank()
    ui.say(f"Dashboard for {learner.name}, role {learner.role}.")
    ui.say(f"Course: {sentence(app.course.title)}")
    if app.course.summary and not board.begun:
        ui.say(app.course.summary)  # the introduction, until the learner has begun
    required = [p for p in progress.modules if p.required]
    done = sum(1 for p in required if p.passed_attempt is not None)
    if progress.complete and progress.completed_on and progress.valid_until:
        if progress.expired():
            ui.say(
                f"Course status: expired on {spoken_date(progress.valid_until)}. "
                "Retake the required modules to recertify."
            )
        else:
            ui.say(
                f"Course status: complete on {spoken_date(progress.completed_on)}, "
                f"valid until {spoken_date(progress.valid_until)}."
            )
    else:
        ui.say(
            f"Course status: not complete. {done} of "
            f"{plural(len(required), 'required module')} passed."
        )
    if board.due is not None and board.due.notice:
        ui.say(due_sentence(board.due))
    lapsed = board.expired
    if lapsed:
        titles = ", ".join(sentence(e.module.title).rstrip(".") for e in lapsed)
        ui.say(f"Passes that have expired, to retake: {titles}.")
    if board.role_changes:
        ui.say(board.role_changes[-1].text())
    ui.say(f"Modules, {len(progress.modules)}:")


def due_sentence(due: DueDate) -> str:
    """The due date in words, said when it is near (or past) and the course is not complete."""
    if due.overdue:
        return f"Overdue: the course was due on {spoken_date(due.on)}."
    if due.days_left == 0:
        return "Due today: complete the required modules today."
    return (
        f"Due on {spoken_date(due.on)}, in {plural(due.days_left, 'day')}: complete the "
        "required modules by then."
    )


def module_line(
    n: int, p: ModuleProgress, lapsed: ExpiredModule | None = None, answered: int | None = None
) -> str:
    """One module's line: title, required or optional, minutes and status in words (a pass
    that has expired says so, and to retake the module)."""
    need = "Required" if p.required else "Optional"
    status = STATUS_WORDS.get(p.status, p.status)
    if lapsed is not None:
        status = f"passed, but expired on {spoken_date(lapsed.expired_on)}: retake it"
    if p.status == "in-progress" and answered is not None:
        status += f", {plural(answered, 'question')} answered"
    if p.best_percent is not None:
        status += f", best score {p.best_percent} percent"
    return (
        f"{sentence(p.module.title)} {need}. About {p.module.estimated_minutes} minutes. "
        f"Status: {status}."
    )


# The actions after the modules: a fixed letter each, so a script's keys never depend on how
# many modules the learner's role takes ('h' is help at every prompt, so history is 'a').
ACTIONS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("a", "Attempt history.", ("history",), "history"),
    ("c", "Certificate: export it as a PDF file.", ("certificate",), "certificate"),
    ("r", "Reporting resources.", (), "resources"),
    ("l", "Learner: change to another learner.", ("learner",), "learner"),
    ("q", "Quit. Your progress is saved.", (), "quit"),
)


def dashboard_options(board: Dashboard) -> list[Option]:
    """The dashboard's list: each module under its number in the course (the same number
    for every role), then the actions under fixed letters."""
    position = board.number()
    lapsed = board.expired_by_module()
    options = [
        Option(
            module_line(
                position[p.module.id], p, lapsed.get(p.module.id), board.answered.get(p.module.id)
            ),
            ("module", p),
            (),
            str(position[p.module.id]),
        )
        for p in board.progress.modules
    ]
    options += [Option(label, (kind,), words, key) for key, label, words, kind in ACTIONS]
    return options


def dashboard(app: PlainApp) -> None:
    """The dashboard loop: show the list, run the chosen screen, come back; until quit."""
    ui = app.ui
    brief: str | None = None
    while True:
        assert app.learner is not None
        board = dashboard_of(app.store, app.course, app.learner)
        progress = board.progress
        options = dashboard_options(board)
        try:
            choice = ui.choose(
                lambda b=board: show_dashboard(app, b),  # type: ignore[misc]
                options,
                "Dashboard choice:",
                help_lines=[
                    "Choose a module by its number to see its objectives and start or resume it.",
                    "You can also type history, certificate or learner.",
                ],
                brief=brief,
            )
        except BackToDashboard:
            ui.say("You are at the dashboard. Type repeat to hear it again.")
            brief = ""
            continue
        brief = (
            "Back at the dashboard. Type a module number or a letter, "
            "or type repeat to hear the dashboard again."
        )
        try:
            brief = run_choice(app, choice, progress, brief)
        except BackToDashboard:
            ui.say("Back to the dashboard.")


def run_choice(
    app: PlainApp, choice: tuple[Any, ...], progress: CourseProgress, brief: str | None
) -> str | None:
    """Run the screen the learner chose; return the line to say back at the dashboard
    (None: read the whole dashboard again)."""
    ui = app.ui
    kind = choice[0]
    if kind == "module":
        try:
            module_menu(app, choice[1])
        except BackToDashboard:
            ui.say("Back to the dashboard. The module stays open where you left it.")
        except StoreError as exc:
            say_store_error(ui, exc)
        return None  # the module may have changed the status: read it out again
    if kind == "history":
        show_history(app)
    elif kind == "certificate":
        save_certificate(app, progress)
    elif kind == "resources":
        ui.show_resources()
    elif kind == "learner":
        app.learner = choose_learner(app)
        return None
    else:
        raise Paused
    return brief


def say_store_error(ui: Console, exc: StoreError) -> None:
    """Tell the learner what went wrong with the records, that what was saved stays saved,
    and how to go on."""
    if isinstance(exc, AttemptClosed):  # its message says all of that already
        ui.say(str(exc), "Back to the dashboard.")
        return
    ui.say(f"The records could not be written. {exc}".rstrip())
    ui.say(
        "Everything saved before that stays saved. When the problem is solved, choose the "
        "module again to continue where the saved answers end."
    )
