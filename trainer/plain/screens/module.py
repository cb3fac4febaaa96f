"""The module screen: intro, start/resume/retake, taking the module, past results."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from trainer.bank.model import Module, Role
from trainer.plain.console import BackToDashboard, Option
from trainer.plain.runner import ModuleRunner
from trainer.plain.screens.intro import show_module_intro
from trainer.plain.screens.results import show_result
from trainer.plain.words import plural, points_text, sentence, spoken_time
from trainer.progress import ModuleProgress
from trainer.records.store import AttemptRow
from trainer.session import OpenAttempt, Session, open_attempt, past_result
from trainer.words import module_updated_note

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def module_menu(app: PlainApp, p: ModuleProgress) -> None:
    """The module's intro and its choices: start, resume, retake, past results, back."""
    ui = app.ui
    assert app.learner is not None
    module = p.module
    role: Role = app.learner.role  # type: ignore[assignment]
    while True:
        unfinished = open_attempt(app.store, app.course, module, app.learner)
        finished = [
            a
            for a in app.store.attempts(
                learner_id=app.learner.id, course_id=app.course.id, module_id=module.id
            )
            if a.status in ("passed", "failed")
        ]
        options: list[Option] = []
        if unfinished is not None and unfinished.resumable:
            answered = unfinished.answered
            options.append(
                Option(f"Resume the module at question {answered + 1}.", "resume", ("resume",))
            )
            options.append(
                Option(
                    "Start again from the beginning. The unfinished attempt is closed.",
                    "retake",
                    ("retake", "restart"),
                )
            )
        elif finished:
            options.append(Option("Retake the module.", "retake", ("retake", "start")))
        else:
            options.append(Option("Start the module.", "start", ("start",)))
        if finished:
            options.append(
                Option("Results of your last finished attempt.", "results", ("results",))
            )
        options.append(Option("Back to the dashboard.", "back", ("back",)))

        def intro(unfinished: OpenAttempt | None = unfinished) -> None:
            show_module_intro(ui, module, role)
            if unfinished is not None and unfinished.answered and not unfinished.resumable:
                ui.say(module_updated_note(unfinished.answered))

        action = ui.choose(intro, options, "Module choice:")
        if action == "back":
            return
        if action == "results":
            past_results(app, module, finished[-1])
            continue
        if action == "retake":
            session = Session.start_new(app.store, app.course, module, app.learner)
        else:
            session = Session.start_or_resume(app.store, app.course, module, app.learner)
        take(app, session)
        return


def take(app: PlainApp, session: Session) -> None:
    """Take the module through the runner, then show the result."""
    ui = app.ui
    module = session.module
    if session.resumed:
        ui.say(
            f"Resuming {module.title}: {plural(len(session.attempt.answers), 'answer')} "
            "already saved."
        )
    else:
        ui.say(f"Starting {module.title}.")
    ui.say("Type help at any prompt for the commands, such as pause and repeat.")
    result = ModuleRunner(ui, session).run()
    show_result(ui, module, result, heading=f"Module finished: {sentence(module.title)}")
    with contextlib.suppress(BackToDashboard):  # 'menu' here: where Enter goes anyway
        ui.ask("Press Enter to go back to the dashboard.")


def past_results(app: PlainApp, module: Module, row: AttemptRow) -> None:
    """The results of a finished attempt (its details, when the module has not changed)."""
    ui = app.ui
    heading = f"Results of your attempt started {spoken_time(row.started_at)}."
    result = past_result(app.store, module, row)
    if result is not None:
        show_result(ui, module, result, heading=heading)
        return
    ui.blank()
    ui.say(heading)
    ui.say(
        f"Score: {points_text(row.score or 0)} of {points_text(row.max_score or 0)} points, "
        f"{row.percent} percent. Result: {'passed' if row.passed else 'not passed'}."
    )
    ui.say("The module has changed since this attempt, so the details are not available.")
