"""The quiz engine: pure and deterministic.

Given a module, a learner's role and a seed, an :class:`Attempt` presents each step with its
choices in a reproducible order, scores answers, follows branches, and reports the result.
It can be rebuilt exactly from the answers recorded so far (:meth:`Attempt.replay`), which is
how a learner resumes after an interruption.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from trainer.bank.model import Choice, Module, Role, Scenario, Source, Step
from trainer.scoring import Outcome, best_path_points, percent, score_answer


class AnswerError(ValueError):
    """The answer does not fit the current step (unknown choice, wrong count, finished)."""


class ReplayError(ValueError):
    """Recorded answers do not match the module (the bank changed, or records are damaged)."""


@dataclass(frozen=True, slots=True)
class PresentedChoice:
    number: int  # 1-based, as shown to the learner
    choice: Choice


@dataclass(frozen=True, slots=True)
class Question:
    """The step the learner must answer now, with its choices in presentation order."""

    scenario: Scenario
    step: Step
    scenario_number: int  # 1-based
    scenario_count: int
    step_number: int  # 1-based position along this scenario's path
    question_number: int  # 1-based count of decisions in the attempt so far
    choices: tuple[PresentedChoice, ...]
    is_new_scenario: bool

    def choice_by_number(self, number: int) -> Choice:
        for pc in self.choices:
            if pc.number == number:
                return pc.choice
        raise AnswerError(f"there is no choice {number}; choose 1 to {len(self.choices)}")

    def number_of(self, choice_id: str) -> int:
        for pc in self.choices:
            if pc.choice.id == choice_id:
                return pc.number
        raise KeyError(choice_id)


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the learner sees right after answering."""

    question: Question
    chosen: tuple[Choice, ...]
    outcome: Outcome
    points: float
    max_points: int
    correct: tuple[Choice, ...]
    explanation: str
    sources: tuple[Source, ...]
    next_step_id: str | None

    @property
    def scenario_finished(self) -> bool:
        return self.next_step_id is None


@dataclass(frozen=True, slots=True)
class GivenAnswer:
    """One recorded decision: enough to replay and to score it."""

    scenario_id: str
    step_id: str
    choice_ids: tuple[str, ...]  # sorted
    points: float
    max_points: int
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class TagMastery:
    tag: str
    decisions: int
    correct: int
    points: float
    max_points: int

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True, slots=True)
class Result:
    score: float
    max_score: float
    percent: int
    pass_mark: int
    passed: bool
    mastery: tuple[TagMastery, ...]
    missed: tuple[Feedback, ...]

    def weak_tags(self) -> list[TagMastery]:
        """Misconceptions the learner still holds: tags below the pass mark."""
        return [m for m in self.mastery if m.fraction * 100 < self.pass_mark]


def choice_order(seed: int, scenario: Scenario, step: Step) -> tuple[Choice, ...]:
    """Presentation order for a step's choices: shuffled reproducibly, or as authored."""
    if not step.shuffle:
        return step.choices
    rng = random.Random(f"{seed}:{scenario.id}:{step.id}")
    order = list(step.choices)
    rng.shuffle(order)
    return tuple(order)


@dataclass(slots=True)
class Attempt:
    module: Module
    role: Role
    seed: int
    scenarios: tuple[Scenario, ...] = ()
    answers: list[GivenAnswer] = field(default_factory=list)
    _feedback: list[Feedback] = field(default_factory=list)
    _scenario_index: int = 0
    _step_id: str | None = None
    _step_number: int = 1

    def __post_init__(self) -> None:
        self.scenarios = self.module.scenarios_for(self.role)
        if not self.scenarios:
            raise ValueError(f"module {self.module.id!r} has no scenarios for role {self.role!r}")
        self._step_id = self.scenarios[0].start

    # ------------------------------------------------------------------ state
    @property
    def finished(self) -> bool:
        return self._scenario_index >= len(self.scenarios)

    @property
    def max_score(self) -> float:
        return round(sum(best_path_points(s) for s in self.scenarios), 2)

    @property
    def score(self) -> float:
        return round(sum(a.points for a in self.answers), 2)

    @property
    def current(self) -> Question | None:
        """The question to answer now, or None when the attempt is finished."""
        if self.finished or self._step_id is None:
            return None
        scenario = self.scenarios[self._scenario_index]
        step = scenario.step(self._step_id)
        order = choice_order(self.seed, scenario, step)
        return Question(
            scenario=scenario,
            step=step,
            scenario_number=self._scenario_index + 1,
            scenario_count=len(self.scenarios),
            step_number=self._step_number,
            question_number=len(self.answers) + 1,
            choices=tuple(PresentedChoice(i + 1, c) for i, c in enumerate(order)),
            is_new_scenario=self._step_number == 1,
        )

    # ------------------------------------------------------------------ actions
    def answer(self, choice_ids: Iterable[str]) -> Feedback:
        """Answer the current question with choice ids; returns the feedback and moves on."""
        question = self.current
        if question is None:
            raise AnswerError("the attempt is finished; there is nothing to answer")
        chosen = frozenset(choice_ids)
        step = question.step
        known = {c.id for c in step.choices}
        unknown = chosen - known
        if unknown:
            raise AnswerError(f"unknown choice {sorted(unknown)[0]!r} for step {step.id!r}")
        if not chosen:
            raise AnswerError("choose at least one answer")
        if step.type != "multi" and len(chosen) != 1:
            raise AnswerError("choose exactly one answer")
        points, outcome = score_answer(step, chosen)
        next_id = step.next_after(chosen)
        given = GivenAnswer(
            question.scenario.id, step.id, tuple(sorted(chosen)), points, step.points, outcome
        )
        feedback = Feedback(
            question=question,
            chosen=tuple(pc.choice for pc in question.choices if pc.choice.id in chosen),
            outcome=outcome,
            points=points,
            max_points=step.points,
            correct=tuple(pc.choice for pc in question.choices if pc.choice.correct),
            explanation=step.explanation,
            sources=tuple(self.module.sources[k] for k in step.sources),
            next_step_id=next_id,
        )
        self.answers.append(given)
        self._feedback.append(feedback)
        if next_id is None:
            self._scenario_index += 1
            self._step_number = 1
            self._step_id = None if self.finished else self.scenarios[self._scenario_index].start
        else:
            self._step_id = next_id
            self._step_number += 1
        return feedback

    def answer_numbers(self, numbers: Iterable[int]) -> Feedback:
        """Answer by the numbers shown next to the choices (1-based)."""
        question = self.current
        if question is None:
            raise AnswerError("the attempt is finished; there is nothing to answer")
        return self.answer(question.choice_by_number(n).id for n in numbers)

    # ------------------------------------------------------------------ results
    def result(self) -> Result:
        """Score, pass/fail and mastery per misconception tag (for the answers so far)."""
        maximum = self.max_score
        pct = percent(self.score, maximum)
        tags: dict[str, list[GivenAnswer]] = {}
        for given in self.answers:
            for tag in self.module.scenario(given.scenario_id).tags:
                tags.setdefault(tag, []).append(given)
        mastery = tuple(
            TagMastery(
                tag=tag,
                decisions=len(items),
                correct=sum(1 for g in items if g.outcome == "correct"),
                points=round(sum(g.points for g in items), 2),
                max_points=sum(g.max_points for g in items),
            )
            for tag, items in sorted(tags.items())
        )
        return Result(
            score=self.score,
            max_score=maximum,
            percent=pct,
            pass_mark=self.module.pass_mark,
            passed=self.finished and pct >= self.module.pass_mark,
            mastery=mastery,
            missed=tuple(f for f in self._feedback if f.outcome != "correct"),
        )

    @property
    def feedback(self) -> tuple[Feedback, ...]:
        return tuple(self._feedback)

    # ------------------------------------------------------------------ resume
    @classmethod
    def replay(
        cls,
        module: Module,
        role: Role,
        seed: int,
        answers: Iterable[tuple[str, str, Iterable[str]]],
    ) -> Attempt:
        """Rebuild an attempt from recorded ``(scenario_id, step_id, choice_ids)`` answers."""
        attempt = cls(module, role, seed)
        for n, (scenario_id, step_id, choice_ids) in enumerate(answers, start=1):
            question = attempt.current
            if question is None:
                raise ReplayError(f"answer {n} was recorded after the attempt finished")
            if (question.scenario.id, question.step.id) != (scenario_id, step_id):
                raise ReplayError(
                    f"answer {n} was for {scenario_id}/{step_id} but the module now asks "
                    f"{question.scenario.id}/{question.step.id}"
                )
            try:
                attempt.answer(choice_ids)
            except AnswerError as exc:
                raise ReplayError(f"answer {n}: {exc}") from None
        return attempt
