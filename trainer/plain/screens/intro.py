"""The module intro screen: title, summary, content note, objectives, pass mark."""

from __future__ import annotations

from trainer.bank.model import Module, Role
from trainer.plain.console import Console
from trainer.plain.words import plural, sentence


def show_module_intro(ui: Console, module: Module, role: Role, *, position: str = "") -> None:
    """The module's title, summary, content note, objectives and pass mark."""
    ui.blank()
    ui.say(f"{position}Module: {sentence(module.title)}")
    ui.text("Summary", module.summary)
    if module.content_note:
        ui.text("Content note", module.content_note)
    ui.say(f"Objectives, {len(module.objectives)}:")
    for n, objective in enumerate(module.objectives, start=1):
        ui.say(f"Objective {n}: {sentence(objective)}")
    scenarios = module.scenarios_for(role)
    ui.say(
        f"Pass mark: {module.pass_mark} percent. About {module.estimated_minutes} minutes. "
        f"{plural(len(scenarios), 'scenario')}. There is no time limit."
    )
