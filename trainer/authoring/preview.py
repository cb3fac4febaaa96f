"""Preview a module as a learner would, recording nothing: jump-to-step and plain preview.

:func:`session_at` builds a :meth:`Session.preview` (no store) and moves it to a given step by
answering the decisions before it through the engine's public API: earlier scenarios along
their all-correct path, and the target scenario along the shortest route to the step
(preferring correct choices). So the attempt's state is exactly what a learner taking that
route would have; the preview says how many decisions were answered for the trainer.

:func:`run_preview` is the line-by-line preview used by ``trainer preview --plain``. It shows
questions and feedback exactly as plain mode does (:mod:`trainer.plain`). Its ``reload``
command re-reads the file and restarts at the same step, printing the validation problems
(and carrying on with the previous version) when an edit broke the file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from trainer.bank.loader import load_module
from trainer.bank.model import Module, Role, Scenario, Step
from trainer.bank.problems import Problem
from trainer.plain import (
    Console,
    ModuleRunner,
    Paused,
    sentence,
    show_module_intro,
    show_result,
)
from trainer.session import Session


class JumpError(ValueError):
    """The step to jump to does not exist or is not in the role's scenarios."""


@dataclass(frozen=True, slots=True)
class Jump:
    session: Session
    scenario_id: str
    step_id: str
    answered: int  # decisions answered automatically to get there


def resolve_step(module: Module, role: Role, spec: str) -> tuple[Scenario, Step]:
    """Find ``scenario/step``, a step id (unique in the module) or a scenario id (its start)."""
    spec = spec.strip()
    mine = module.scenarios_for(role)
    if "/" in spec:
        sid, _, step_id = spec.partition("/")
        try:
            scenario = module.scenario(sid)
        except KeyError:
            names = ", ".join(s.id for s in module.scenarios)
            raise JumpError(
                f"no scenario {sid!r} in module {module.id!r} (scenarios: {names})"
            ) from None
        try:
            step = scenario.step(step_id)
        except KeyError:
            names = ", ".join(s.id for s in scenario.steps)
            raise JumpError(f"no step {step_id!r} in scenario {sid!r} (steps: {names})") from None
    else:
        matches = [(s, st) for s in module.scenarios for st in s.steps if st.id == spec]
        if len(matches) > 1:
            where = ", ".join(f"{s.id}/{st.id}" for s, st in matches)
            raise JumpError(f"step id {spec!r} is in several scenarios; say which: {where}")
        if matches:
            scenario, step = matches[0]
        else:
            try:
                scenario = module.scenario(spec)
            except KeyError:
                raise JumpError(
                    f"no step or scenario {spec!r} in module {module.id!r}; use SCENARIO/STEP "
                    f"(scenarios: {', '.join(s.id for s in module.scenarios)})"
                ) from None
            step = scenario.step(scenario.start)
    if scenario not in mine:
        raise JumpError(
            f"scenario {scenario.id!r} is not for role {role!r} "
            f"(it is for {', '.join(scenario.roles)}); use --role"
        )
    return scenario, step


def route_to(scenario: Scenario, step_id: str) -> list[frozenset[str]]:
    """Answers leading from the scenario's start to ``step_id``: the fewest decisions, and
    among those correct choices first."""
    prev: dict[str, tuple[str, frozenset[str]] | None] = {scenario.start: None}
    queue = deque([scenario.start])
    while queue:
        current = queue.popleft()
        if current == step_id:
            break
        step = scenario.step(current)
        if step.type == "multi":
            options = [step.correct_ids]
        else:
            ordered = sorted(step.choices, key=lambda c: not c.correct)
            options = [frozenset({c.id}) for c in ordered]
        for chosen in options:
            nxt = step.next_after(chosen)
            if nxt is not None and nxt not in prev:
                prev[nxt] = (current, chosen)
                queue.append(nxt)
    if step_id not in prev:  # pragma: no cover - the validator makes every step reachable
        raise JumpError(f"step {step_id!r} cannot be reached in scenario {scenario.id!r}")
    answers: list[frozenset[str]] = []
    node = step_id
    while (link := prev[node]) is not None:
        node, chosen = link
        answers.append(chosen)
    return answers[::-1]


def session_at(module: Module, role: Role, spec: str | None = None, *, seed: int = 0) -> Jump:
    """A preview session (records nothing) positioned at ``spec`` (see :func:`resolve_step`)."""
    session = Session.preview(module, role, seed)
    first = session.attempt.scenarios[0]
    if spec is None:
        return Jump(session, first.id, first.start, 0)
    scenario, step = resolve_step(module, role, spec)
    for earlier in session.attempt.scenarios:
        if earlier.id == scenario.id:
            break
        while (q := session.current) is not None and q.scenario.id == earlier.id:
            session.answer(q.step.correct_ids)
    for chosen in route_to(scenario, step.id):
        session.answer(chosen)
    question = session.current
    assert question is not None and (question.scenario.id, question.step.id) == (
        scenario.id,
        step.id,
    )
    return Jump(session, scenario.id, step.id, len(session.attempt.answers))


# --------------------------------------------------------------------------- plain preview

PREVIEW_HELP = (
    "Preview commands: reload (re-read the file after an edit and restart at this step), "
    "restart (from the beginning), jump STEP (SCENARIO/STEP, a step id or a scenario id), "
    "quit."
)


class _Control(Exception):
    """A preview command typed at any prompt: reload, restart or jump."""

    def __init__(self, word: str, arg: str) -> None:
        super().__init__(word)
        self.word = word
        self.arg = arg


class PreviewConsole(Console):
    """The plain-mode console, plus the preview commands at every prompt."""

    def read(self, prompt: str) -> str:
        line = super().read(prompt)
        word, _, rest = line.partition(" ")
        word = word.lower()
        if word in ("reload", "restart", "jump", "goto"):
            raise _Control("jump" if word == "goto" else word, rest.strip())
        return line

    def show_help(self, help_lines: Sequence[str]) -> None:
        super().show_help(help_lines)
        self.say(PREVIEW_HELP)


def _decisions(n: int) -> str:
    return f"{n} decision{'s' * (n != 1)}"


def _say_jump(ui: Console, jump: Jump) -> None:
    if jump.answered:
        verb = "was" if jump.answered == 1 else "were"
        ui.say(
            f"Jumped to {jump.scenario_id}/{jump.step_id}; {_decisions(jump.answered)} "
            f"before it {verb} answered automatically (correctly where the route allows)."
        )


def run_preview(
    path: Path,
    role: Role | None,
    stdin: IO[str],
    stdout: IO[str],
    start_step: str | None = None,
    *,
    seed: int = 0,
    width: int | None = None,
    load: Callable[[Path], tuple[Module | None, list[Problem]]] = load_module,
) -> int:
    """Preview the module file at ``path`` in plain mode, recording nothing.

    Questions, feedback and results look exactly as in plain mode (trainer.plain). At any
    prompt, ``reload`` re-reads the file and restarts at the current step (when the edit broke
    the file, its problems are shown and the previous version carries on), ``restart`` starts
    over and ``jump STEP`` moves to a step. Returns 0 when the trainer quits or input ends,
    1 when the file has problems at the start, 2 for an unknown role or step.
    """
    ui = PreviewConsole(stdin, stdout, width=width)
    module, problems = load(path)
    if module is None:
        ui.say(
            f"{path} has {len(problems)} problem{'s' * (len(problems) != 1)}; fix and try again:"
        )
        ui.say(*(f"  {p}" for p in problems))
        return 1
    role = role or module.roles[0]
    if role not in module.roles:
        ui.say(
            f"Module {module.id} is not for role {role} (it is for "
            f"{', '.join(module.roles)}). Use --role."
        )
        return 2
    try:
        jump = session_at(module, role, start_step, seed=seed)
    except JumpError as exc:
        ui.say(f"Cannot start at {start_step}: {exc}.")
        return 2
    ui.say(
        f"PREVIEW — nothing is recorded. Module {module.id}, version {module.version}, "
        f"file {path}, as role {role}."
    )
    ui.say(PREVIEW_HELP)
    if start_step is None:
        show_module_intro(ui, module, role)
    _say_jump(ui, jump)
    session = jump.session
    while True:
        try:
            if session.current is not None:
                result = ModuleRunner(ui, session, preview=True).run()
                show_result(
                    ui, module, result, heading=f"Preview finished: {sentence(module.title)}"
                )
                ui.say("PREVIEW ended — nothing was recorded.")
            ui.ask("Type reload, restart, jump STEP or quit.", help_lines=[PREVIEW_HELP])
            ui.say("The preview is finished. " + PREVIEW_HELP)
        except Paused:
            ui.say("PREVIEW stopped — nothing was recorded.")
            return 0
        except _Control as cmd:
            question = session.current
            target: str | None = None
            source = module
            if cmd.word == "jump":
                target = cmd.arg or None
            elif cmd.word == "reload":
                if question is not None:
                    target = f"{question.scenario.id}/{question.step.id}"
                fresh, problems = load(path)
                if fresh is None:
                    ui.say(
                        f"The edited file has {len(problems)} problem"
                        f"{'s' * (len(problems) != 1)}; still previewing the previous "
                        "version. Fix it and type reload again."
                    )
                    ui.say(*(f"  {p}" for p in problems))
                    continue
                if role not in fresh.roles:
                    ui.say(
                        f"The edited module is no longer for role {role}; still previewing "
                        "the previous version."
                    )
                    continue
                source = fresh
                ui.say(f"Reloaded {path} (version {fresh.version}).")
            try:
                jump = session_at(source, role, target, seed=seed)
            except JumpError as exc:
                if cmd.word == "jump":
                    ui.say(f"{exc}.")
                    continue
                ui.say(f"{exc}; starting at the beginning of the module.")
                jump = session_at(source, role, None, seed=seed)
            _say_jump(ui, jump)
            module, session = source, jump.session
