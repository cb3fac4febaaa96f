"""Preview a module as a learner would, recording nothing: jump-to-step and plain preview.

:func:`session_at` builds a :meth:`Session.preview` (no store) and moves it to a given step by
answering the decisions before it through the engine's public API: earlier scenarios along
their all-correct path, and the target scenario along the shortest route to the step
(preferring correct choices). So the attempt's state is exactly what a learner taking that
route would have; the preview says how many decisions were answered for the trainer.

:func:`run_plain_preview` is the line-by-line preview used by ``trainer preview --plain``; its
``reload`` command re-reads the file and restarts at the same step, printing the validation
problems (and carrying on with the previous version) when an edit broke the file.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from trainer.bank.loader import load_module
from trainer.bank.model import Module, Role, Scenario, Step
from trainer.bank.problems import Problem
from trainer.engine import AnswerError, Feedback, Question
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
                f"no scenario {sid!r} in module {module.id!r} (scenarios: {names})") from None
        try:
            step = scenario.step(step_id)
        except KeyError:
            names = ", ".join(s.id for s in scenario.steps)
            raise JumpError(
                f"no step {step_id!r} in scenario {sid!r} (steps: {names})") from None
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
                    f"(scenarios: {', '.join(s.id for s in module.scenarios)})") from None
            step = scenario.step(scenario.start)
    if scenario not in mine:
        raise JumpError(f"scenario {scenario.id!r} is not for role {role!r} "
                        f"(it is for {', '.join(scenario.roles)}); use --role")
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
        scenario.id, step.id)
    return Jump(session, scenario.id, step.id, len(session.attempt.answers))


# --------------------------------------------------------------------------- plain preview

HELP = (
    "Commands: a choice number (several for select-all, e.g. 1 3), 'reload' (re-read the "
    "file and restart at this step), 'restart', 'jump STEP' (SCENARIO/STEP or a step id), "
    "'help', 'quit'."
)
OUTCOME_WORDS = {"correct": "Correct", "partial": "Partly correct", "incorrect": "Not correct"}
TYPE_WORDS = {"single": "choose one", "truefalse": "myth or fact: choose one",
              "multi": "select every answer that applies"}


class _Out:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, text: str = "") -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def _banner(out: _Out, module: Module, role: Role, path: Path) -> None:
    out(f"PREVIEW of module {module.id!r}: {module.title} (version {module.version}, "
        f"file {path}) as role {role}.")
    out("This is a preview: nothing is recorded, no certificate is issued.")
    out(HELP)
    if module.content_note:
        out("")
        out(f"Content note: {module.content_note}")


def _show_question(out: _Out, q: Question, shown_scenario: str | None) -> None:
    if q.scenario.id != shown_scenario:
        out("")
        out(f"Scenario {q.scenario_number} of {q.scenario_count}: {q.scenario.title}")
        out(q.scenario.narrative)
    out("")
    out(f"[{q.scenario.id}/{q.step.id}] Question {q.question_number}, "
        f"{TYPE_WORDS[q.step.type]} ({q.step.points} point{'s' * (q.step.points != 1)}):")
    out(q.step.prompt)
    for pc in q.choices:
        out(f"  {pc.number}. {pc.choice.text}")


def _show_feedback(out: _Out, fb: Feedback, module: Module) -> None:
    out(f"{OUTCOME_WORDS[fb.outcome]}: {fb.points:g} of {fb.max_points} points.")
    for c in fb.chosen:
        out(f"  You chose {fb.question.number_of(c.id)}. {c.text} - {c.feedback}")
    if fb.outcome != "correct":
        for c in fb.correct:
            out(f"  Correct answer: {fb.question.number_of(c.id)}. {c.text}")
    out(f"  Why: {fb.explanation}")
    for src in fb.sources:
        out(f"  Source: {src.citation()}")
    out(f"  (next: {fb.next_step_id or 'end of scenario'})")


def _show_result(out: _Out, session: Session, answered_automatically: int) -> None:
    r = session.result()
    out("")
    out(f"End of the preview: {r.score:g} of {r.max_score:g} points, {r.percent}% "
        f"(pass mark {r.pass_mark}%): {'passed' if r.passed else 'not passed'}.")
    if answered_automatically:
        verb = "was" if answered_automatically == 1 else "were"
        out(f"({_decisions(answered_automatically)} before the jump {verb} answered "
            "automatically; the score includes them.)")
    for m in r.weak_tags():
        out(f"  Still to work on: {m.tag} ({m.points:g} of {m.max_points} points)")
    out("Nothing was recorded. Type 'reload', 'restart', 'jump STEP' or 'quit'.")


def _decisions(n: int) -> str:
    return f"{n} decision{'s' * (n != 1)}"


def _say_jump(out: _Out, jump: Jump) -> None:
    if jump.answered:
        verb = "was" if jump.answered == 1 else "were"
        out(f"Jumped to {jump.scenario_id}/{jump.step_id}; {_decisions(jump.answered)} before it "
            f"{verb} answered automatically (correctly where the route allows).")


_NUMBERS = re.compile(r"^[\d\s,]+$")


def run_plain_preview(
    path: Path,
    role: Role | None,
    stdin: TextIO,
    stdout: TextIO,
    start_step: str | None = None,
    *,
    seed: int = 0,
    load: Callable[[Path], tuple[Module | None, list[Problem]]] = load_module,
) -> int:
    """Preview the module file at ``path`` line by line. Returns an exit status."""
    out = _Out(stdout)
    module, problems = load(path)
    if module is None:
        out(f"{path} has problems; fix them and try again:")
        for p in problems:
            out(f"  {p}")
        return 1
    role = role or module.roles[0]
    if role not in module.roles:
        out(f"module {module.id!r} is not for role {role!r} (it is for "
            f"{', '.join(module.roles)})")
        return 2
    try:
        jump = session_at(module, role, start_step, seed=seed)
    except JumpError as exc:
        out(f"cannot start at {start_step!r}: {exc}")
        return 2
    _banner(out, module, role, path)
    _say_jump(out, jump)
    session, auto = jump.session, jump.answered
    shown: str | None = None
    while True:
        q = session.current
        if q is None:
            _show_result(out, session, auto)
            shown = None
        else:
            _show_question(out, q, shown)
            shown = q.scenario.id
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            out("")
            return 0
        command = line.strip()
        word, _, rest = command.partition(" ")
        word = word.lower()
        if word in ("quit", "q", "exit"):
            return 0
        if word in ("help", "?", ""):
            out(HELP)
            continue
        if word == "restart":
            session, auto, shown = Session.preview(module, role, seed), 0, None
            continue
        if word in ("reload", "jump", "goto"):
            target = rest.strip() if word != "reload" else (
                f"{q.scenario.id}/{q.step.id}" if q is not None else None)
            source = module
            if word == "reload":
                fresh, problems = load(path)
                if fresh is None:
                    out(f"The edited file has {len(problems)} problem"
                        f"{'s' * (len(problems) != 1)}; still previewing the previous version:")
                    for p in problems:
                        out(f"  {p}")
                    shown = None
                    continue
                if role not in fresh.roles:
                    out(f"The edited module is no longer for role {role!r}; still previewing "
                        "the previous version.")
                    continue
                source = fresh
                out(f"Reloaded {path} (version {fresh.version}).")
            try:
                jump = session_at(source, role, target, seed=seed)
            except JumpError as exc:
                if word != "reload":
                    out(str(exc))
                    continue
                out(f"{exc}; starting at the beginning of the module.")
                jump = session_at(source, role, None, seed=seed)
            _say_jump(out, jump)
            module, session, auto, shown = source, jump.session, jump.answered, None
            continue
        if q is None:
            out("The preview is finished. " + HELP)
            continue
        if not _NUMBERS.match(command):
            out(f"Not understood: {command!r}. " + HELP)
            continue
        numbers = [int(n) for n in re.split(r"[\s,]+", command) if n]
        try:
            fb = session.answer_numbers(numbers)
        except AnswerError as exc:
            out(f"{exc}")
            continue
        _show_feedback(out, fb, module)
