"""Scoring rules shared by the engine, the validator and the path explorer."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the loader imports this module; avoid a cycle at run time
    from trainer.bank.model import Scenario, Step

Outcome = Literal["correct", "partial", "incorrect"]


def score_answer(step: Step, chosen: frozenset[str]) -> tuple[float, Outcome]:
    """Points earned for choosing ``chosen`` at ``step``, and how to describe the answer."""
    correct = step.correct_ids
    if step.type != "multi" or step.scoring == "all-or-nothing":
        if chosen == correct:
            return float(step.points), "correct"
        return 0.0, "incorrect"
    hits = len(chosen & correct)
    misses = len(chosen - correct)
    fraction = max(0.0, (hits - misses) / len(correct))
    points = round(step.points * fraction, 2)
    if points >= step.points:
        return float(step.points), "correct"
    return points, ("partial" if points > 0 else "incorrect")


def percent(earned: float, maximum: float) -> int:
    """Whole percentage, rounded down (never rounds a fail up to a pass)."""
    if maximum <= 0:
        return 0
    return max(0, min(100, math.floor(earned * 100 / maximum + 1e-9)))


@dataclass(frozen=True, slots=True)
class PathStep:
    step_id: str
    choice_ids: frozenset[str]
    points: float


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[PathStep, ...]

    @property
    def points(self) -> float:
        return round(sum(s.points for s in self.steps), 2)


def _answers(step: Step) -> list[frozenset[str]]:
    """Answers that matter for the step's paths: each choice, or for multi the correct set."""
    if step.type == "multi":
        return [step.correct_ids]
    return [frozenset({c.id}) for c in step.choices]


def iter_paths(scenario: Scenario, limit: int = 10_000) -> Iterator[Path]:
    """Every distinct path through a (validated, acyclic) scenario.

    For a multi-select step only the fully correct answer is followed: every answer to a
    multi step leads to the same next step, so other selections change the score, not the path.
    """
    by_id = {s.id: s for s in scenario.steps}
    count = 0
    stack: list[tuple[str | None, tuple[PathStep, ...]]] = [(scenario.start, ())]
    while stack:
        step_id, so_far = stack.pop()
        if step_id is None:
            count += 1
            yield Path(so_far)
            if count >= limit:
                return
            continue
        step = by_id[step_id]
        for chosen in reversed(_answers(step)):
            points, _ = score_answer(step, chosen)
            stack.append((step.next_after(chosen), (*so_far, PathStep(step.id, chosen, points))))


def _fold(
    scenario: Scenario,
    answers: Callable[[Step], list[frozenset[str]]],
    points: Callable[[Step, frozenset[str]], float],
    pick: Callable[[Iterable[float]], float],
) -> float:
    """The value of the scenario's start: ``pick`` over each answer's points plus the value
    of the step it leads to. Dynamic programming over the step graph, iteratively (a long
    chain of steps must not exhaust Python's recursion limit); a cycle raises ValueError
    (the validator refuses cycles before anything scores a scenario)."""
    by_id = {s.id: s for s in scenario.steps}
    memo: dict[str, float] = {}
    open_ids: set[str] = set()
    stack = [scenario.start]
    while stack:
        step_id = stack[-1]
        if step_id in memo:
            stack.pop()
            continue
        step = by_id[step_id]
        leads = [(chosen, step.next_after(chosen)) for chosen in answers(step)]
        pending = [n for _, n in leads if n is not None and n not in memo]
        if pending:
            if step_id in open_ids:
                raise ValueError(f"scenario {scenario.id!r} has a cycle through {step_id!r}")
            open_ids.add(step_id)
            stack.extend(pending)
            continue
        memo[step_id] = pick(
            points(step, chosen) + (memo[n] if n is not None else 0.0) for chosen, n in leads
        )
        open_ids.discard(step_id)
        stack.pop()
    return round(memo[scenario.start], 2)


def best_path_points(scenario: Scenario) -> float:
    """Highest score over all paths (dynamic programming over the acyclic step graph)."""
    return _fold(scenario, _answers, lambda step, ch: score_answer(step, ch)[0], max)


def _wrong_answers(step: Step) -> list[frozenset[str]]:
    """Each choice of a single or true/false step; for multi an empty answer worth 0."""
    if step.type == "multi":
        return [frozenset()]
    return [frozenset({c.id}) for c in step.choices]


def worst_path_points(scenario: Scenario) -> float:
    """Lowest score over all paths, counting a wrong answer as 0 points."""
    return _fold(
        scenario,
        _wrong_answers,
        lambda step, ch: score_answer(step, ch)[0] if ch else 0.0,
        min,
    )


def correct_path_points(scenario: Scenario) -> float:
    """Score of the path that answers every step correctly."""
    by_id = {s.id: s for s in scenario.steps}
    total, guard = 0.0, 0
    step_id: str | None = scenario.start
    while step_id is not None and guard <= len(by_id):
        step = by_id[step_id]
        total += step.points
        step_id = step.next_after(step.correct_ids)
        guard += 1
    return round(total, 2)


def scenario_branches(scenario: Scenario) -> bool:
    """True when some choice leads somewhere other choices of the same step do not."""
    for step in scenario.steps:
        if step.type != "multi":
            targets = {step.next_after(frozenset({c.id})) for c in step.choices}
            if len(targets) > 1:
                return True
    return False
