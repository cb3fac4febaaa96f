"""The dashboard: course status, the modules with their status, and the other screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.plain.console import BackToDashboard, Option, Paused
from trainer.plain.screens.certificate import save_certificate
from trainer.plain.screens.history import show_history
from trainer.plain.screens.learners import choose_learner
from trainer.plain.screens.module import module_menu
from trainer.plain.words import STATUS_WORDS, plural, sentence, spoken_date
from trainer.progress import CourseProgress, ModuleProgress

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def show_dashboard(app: PlainApp, progress: CourseProgress) -> None:
    ui = app.ui
    learner = progress.learner
    ui.blank()
    ui.say(f"Dashboard for {learner.name}, role {learner.role}.")
    ui.say(f"Course: {sentence(app.course.title)}")
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
    ui.say(f"Modules, {len(progress.modules)}:")


def module_line(app: PlainApp, n: int, p: ModuleProgress) -> str:
    need = "Required" if p.required else "Optional"
    status = STATUS_WORDS.get(p.status, p.status)
    if p.status == "in-progress" and p.last_attempt is not None:
        answered = len(app.store.answers(p.last_attempt.id))
        status += f", {plural(answered, 'question')} answered"
    if p.best_percent is not None:
        status += f", best score {p.best_percent} percent"
    return (
        f"{sentence(p.module.title)} {need}. About {p.module.estimated_minutes} minutes. "
        f"Status: {status}."
    )


def dashboard(app: PlainApp) -> None:
    ui = app.ui
    brief: str | None = None
    while True:
        progress = app.progress()
        options = [
            Option(module_line(app, n, p), ("module", p), ())
            for n, p in enumerate(progress.modules, start=1)
        ]
        options += [
            Option("Attempt history.", ("history",), ("history",)),
            Option("Export a certificate.", ("certificate",), ("certificate",)),
            Option("Reporting resources.", ("resources",), ()),
            Option("Change learner.", ("learner",), ("learner",)),
            Option("Quit. Your progress is saved.", ("quit",), ()),
        ]
        choice = ui.choose(
            lambda pr=progress: show_dashboard(app, pr),  # type: ignore[misc]
            options,
            "Dashboard choice:",
            help_lines=[
                "Choose a module to see its objectives and start or resume it.",
                "You can also type history, certificate or learner.",
            ],
            brief=brief,
        )
        kind = choice[0]
        brief = (
            f"Back at the dashboard. Type a number from 1 to {len(options)}, "
            "or type repeat to hear the dashboard again."
        )
        if kind == "module":
            brief = None  # the module may have changed the status: read it out again
            try:
                module_menu(app, choice[1])
            except BackToDashboard:
                ui.say("Back to the dashboard. The module stays open where you left it.")
        elif kind == "history":
            show_history(app)
        elif kind == "certificate":
            save_certificate(app, progress)
        elif kind == "resources":
            ui.show_resources()
        elif kind == "learner":
            app.learner = choose_learner(app)
            brief = None
        else:
            raise Paused
