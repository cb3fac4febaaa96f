"""The module screen: intro, start/resume/retake, taking the module, past results."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from trainer.bank.model import Role
from trainer.plain.console import BackToDashboard, Option
from trainer.plain.runner import ModuleRunner
from trainer.plain.screens.intro import show_module_intro
from trainer.plain.screens.results import show_result
from trainer.plain.words import plural, points_text, sentence, spoken_time
from trainer.progress import ModuleProgress
from trainer.records.store import AttemptRow
from trainer.service.modules import (
    Action,
    ModuleNotStarted,
    ModuleOptions,
    module_options,
    result_of,
    start_module,
)
from trainer.session import Session
from trainer.words import module_updated_note

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def option_for(action: Action, choices: ModuleOptions) -> Option:
    """One of a module's choices in words; its value is the action."""
    if action == "resume":
        at = choices.resumable_answers + 1
        return Option(f"Resume the module at question {at}.", "resume", ("resume",))
    if action == "restart":
        return Option(
            "Start again from the beginning. The unfinished attempt is closed.",
            "restart",
            ("retake", "restart"),
        )
    label, words = {
        "start": ("Start the module.", ("start",)),
        "retake": ("Retake the module.", ("retake", "start")),
        "results": ("Results of your last finished attempt.", ("results",)),
        "back": ("Back to the dashboard.", ("back",)),
    }[action]
    return Option(label, action, words)


def module_menu(app: PlainApp, p: ModuleProgress) -> None:
    """The module's intro and its choices: start, resume, retake, past results, back."""
    ui = app.ui
    assert app.learner is not None
    module = p.module
    role: Role = app.learner.role  # type: ignore[assignment]
    while True:
        choices = module_options(app.store, app.course, module, app.learner)
        options = [option_for(action, choices) for action in choices.actions]

        def intro(changed: int = choices.changed_since) -> None:
            show_module_intro(ui, module, role)
            if changed:
                ui.say(module_updated_note(changed))

        action = ui.choose(intro, options, "Module choice:")
        if action == "back":
            return
        if action == "results":
            past_results(app, choices.finished[-1])
            continue
        try:
            session = start_module(
                app.store, app.course, module, app.learner, fresh=action in ("retake", "restart")
            )
        except ModuleNotStarted as exc:
            ui.say(str(exc))
            return
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


def past_results(app: PlainApp, row: AttemptRow) -> None:
    """The results of a finished attempt (its details, when the module has not changed)."""
    ui = app.ui
    heading = f"Results of your attempt started {spoken_time(row.started_at)}."
    past = result_of(app.store, app.course, row)
    if past.module is not None and past.result is not None:
        show_result(ui, past.module, past.result, heading=heading)
        return
    ui.blank()
    ui.say(heading)
    ui.say(
        f"Score: {points_text(row.score or 0)} of {points_text(row.max_score or 0)} points, "
        f"{row.percent} percent. Result: {'passed' if row.passed else 'not passed'}."
    )
    ui.say("The module has changed since this attempt, so the details are not available.")
