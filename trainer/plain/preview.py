"""Plain preview of one module, recording nothing (the plain twin of trainer/tui/preview.py).

Jumping to a step uses :func:`trainer.authoring.preview.session_at`, which answers the
decisions before the step through the engine's public API, so the preview never reaches into
the engine's private fields.
"""

from __future__ import annotations

import sys
from typing import IO

from trainer.bank.model import Module, Role
from trainer.plain.console import Console, Paused, plain_width, prepare_output
from trainer.plain.runner import ModuleRunner
from trainer.plain.screens.intro import show_module_intro
from trainer.plain.screens.results import show_result
from trainer.plain.words import sentence
from trainer.session import Session


def run_plain_preview(
    module: Module,
    role: Role,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    start_step: str | None = None,
    *,
    resources: list[str] | None = None,
    width: int | None = None,
    seed: int = 0,
) -> int:
    """Preview one module in plain mode as a learner in ``role`` would take it; record nothing.

    Prints the banner "PREVIEW — nothing is recorded", the module's summary, content note and
    objectives, then every question with feedback and the result, using
    :meth:`Session.preview` (no records store). ``start_step`` jumps straight to a step:
    ``"scenario_id/step_id"``, a step id or a scenario id (see
    :func:`trainer.authoring.preview.resolve_step`); an unknown name is an error (exit status
    2). ``resources`` are lines for the ``resources`` command (``course.resources.as_lines()``),
    if known. ``seed`` fixes the order of shuffled choices. Returns 0 when the preview ends, is
    paused, or input ends; 130 on Ctrl+C.
    """
    # Imported here: trainer.authoring.preview itself imports plain mode's console and runner.
    from trainer.authoring.preview import JumpError, session_at

    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    prepare_output(stdout)
    ui = Console(stdin, stdout, resources=resources, width=plain_width(width))
    try:
        session = Session.preview(module, role, seed=seed)
        if start_step:
            session = session_at(module, role, start_step, seed=seed).session
    except JumpError as exc:
        ui.say(f"There is no step {start_step} in this module for this role: {exc}.")
        return 2
    except ValueError as exc:
        ui.say(f"Cannot preview: {exc}.")
        return 2
    ui.say("PREVIEW — nothing is recorded.")
    ui.say(f"Previewing as role {role}.")
    try:
        if not start_step:
            show_module_intro(ui, module, role)
            ui.ask("Press Enter to start the preview.")
        result = ModuleRunner(ui, session, preview=True).run()
        show_result(ui, module, result, heading=f"Preview finished: {sentence(module.title)}")
        ui.say("PREVIEW ended — nothing was recorded.")
        return 0
    except Paused:
        ui.say("PREVIEW stopped — nothing was recorded.")
        return 0
    except KeyboardInterrupt:
        ui.blank()
        ui.say("PREVIEW stopped — nothing was recorded.")
        return 130
