"""The answer-key audit behind ``trainer report cues``: can a module be passed blind?

A *content-blind* strategy answers without reading the prompt's meaning: it looks only at
the surface of the choices (their length, the words "myth" and "fact", how many there are).
Each strategy below is played through the real engine (:class:`trainer.engine.Attempt`), so
a strategy's own answers decide which branch, and so which later steps, it meets; each is
played with seeds ``0 .. seeds-1`` (the seed fixes the shuffled choice order and the
strategy's own random draws), and the mean score is reported as a percentage of the
module's maximum for the role. A module-role is **passable blind** when some strategy's
mean score reaches the module's pass mark.

What each strategy answers, by step type (``random`` = one uniformly random choice for a
single or true/false step; a uniformly random non-empty set of options for a multi step):

=============  ==================  ====================  ================================
strategy       single              true/false            multi ("select every…")
=============  ==================  ====================  ================================
longest        the longest text    the longest text      the longest option alone
shortest       the shortest text   the shortest text     the shortest option alone
myth           random              "myth"                random
fact           random              "fact"                random
tick-all       random              random                every option
longer-half    random              random                the longer half (ceil(n/2))
random         random              random                random
best-mix       best of the above for each step type, combined (see below)
=============  ==================  ====================  ================================

Ties in length go to the choice shown first. The "myth" choice of a true/false step is the
one whose id or text is ``myth`` or ``false`` (case-insensitive); "fact" is ``fact`` or
``true``; when a step names neither, the first authored choice counts as "fact" and the
second as "myth" (the documented order). **best-mix** takes, for each step type, the
strategy that earned the largest share of that type's points over its own runs (among the
strategies that answer that type on purpose, plus random) and plays the combination.

The cue statistics (:mod:`trainer.authoring.cues_stats`) describe the key itself, not a
strategy; see docs/authoring.md, "Answer-key audit", for what each means and what to do.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from trainer.authoring.cues_stats import Cues, module_cues, tf_choice
from trainer.bank.model import Choice, Course, Module, Role, Step, StepType
from trainer.engine import Attempt
from trainer.scoring import percent

DEFAULT_SEEDS = 200
# At most this many answers (steps x strategies x seeds) by default, so that a very large
# bank is audited in bounded time (seconds to tens of seconds); fewer seeds then (fit_seeds).
WORK_LIMIT = 400_000
MIN_SEEDS = 20
STRATEGIES: tuple[str, ...] = (
    "longest",
    "shortest",
    "myth",
    "fact",
    "tick-all",
    "longer-half",
    "random",
)
MIX = "best-mix"
ALL_STRATEGIES: tuple[str, ...] = (*STRATEGIES, MIX)
STEP_TYPES: tuple[StepType, ...] = ("single", "truefalse", "multi")
# The strategies that answer a step type on purpose (the others guess at random there).
NATIVE: dict[StepType, tuple[str, ...]] = {
    "single": ("longest", "shortest", "random"),
    "truefalse": ("longest", "shortest", "myth", "fact", "random"),
    "multi": ("longest", "shortest", "tick-all", "longer-half", "random"),
}

Presented = tuple[Choice, ...]
Picker = Callable[[Step, Presented, random.Random], frozenset[str]]


# --------------------------------------------------------------------------- strategies


def _random(step: Step, shown: Presented, rng: random.Random) -> frozenset[str]:
    """One random choice; for a multi step a uniformly random non-empty set of options."""
    if step.type != "multi":
        return frozenset({rng.choice(shown).id})
    while True:
        picked = frozenset(c.id for c in shown if rng.random() < 0.5)
        if picked:
            return picked


def _by_length(shown: Presented, longest: bool) -> Choice:
    """The longest (or shortest) choice; ties go to the one shown first."""
    best = shown[0]
    for c in shown[1:]:
        if (len(c.text) > len(best.text)) if longest else (len(c.text) < len(best.text)):
            best = c
    return best


def _native(name: str, step: Step, shown: Presented) -> frozenset[str]:
    """The answer of strategy ``name`` on a step type it answers on purpose."""
    if name in ("longest", "shortest"):
        return frozenset({_by_length(shown, name == "longest").id})
    if name in ("myth", "fact"):
        return frozenset({tf_choice(step, name == "myth").id})
    if name == "tick-all":
        return frozenset(c.id for c in shown)
    # longer-half: the ceil(n/2) longest options (stable: earlier shown wins ties)
    ranked = sorted(shown, key=lambda c: -len(c.text))
    return frozenset(c.id for c in ranked[: math.ceil(len(shown) / 2)])


def picker(plan: dict[StepType, str]) -> Picker:
    """A strategy that plays ``plan[step type]`` on each step (random where none applies)."""

    def pick(step: Step, shown: Presented, rng: random.Random) -> frozenset[str]:
        name = plan.get(step.type, "random")
        if name == "random" or name not in NATIVE[step.type]:
            return _random(step, shown, rng)
        return _native(name, step, shown)

    return pick


def plan_of(name: str) -> dict[StepType, str]:
    """The per-type plan of a pure strategy."""
    return {t: name for t in STEP_TYPES}


# --------------------------------------------------------------------------- playing


@dataclass(slots=True)
class _Tally:
    """Scores of one strategy over all seeds, and the points it earned per step type."""

    percents: list[float] = field(default_factory=list)
    passes: int = 0
    earned: dict[str, float] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)

    def share(self, kind: str) -> float:
        total = self.possible.get(kind, 0.0)
        return self.earned.get(kind, 0.0) / total if total else 0.0


def _tied(name: str, step: Step) -> bool:
    """True when strategy ``name`` could answer ``step`` differently as the order changes."""
    if name in ("myth", "fact", "tick-all") or not step.shuffle:
        return False
    lengths = sorted((len(c.text) for c in step.choices), reverse=True)
    if name == "longest":
        return lengths[0] == lengths[1]
    if name == "shortest":
        return lengths[-1] == lengths[-2]
    k = math.ceil(len(lengths) / 2)  # longer-half
    return k < len(lengths) and lengths[k - 1] == lengths[k]


def seed_free(module: Module, role: Role, plan: dict[StepType, str]) -> bool:
    """True when a strategy's answers cannot depend on the seed: it never guesses at random
    on the steps ``role`` can meet, and no tie in length is broken by a shuffled order."""
    for scenario in module.scenarios_for(role):
        for step in scenario.steps:
            name = plan.get(step.type, "random")
            if name not in NATIVE[step.type] or name == "random" or _tied(name, step):
                return False
    return True


def _play(module: Module, role: Role, name: str, plan: dict[StepType, str], seeds: int) -> _Tally:
    """Play the strategy through the engine once per seed; collect the scores.

    A strategy whose answers cannot depend on the seed (:func:`seed_free`) is played once,
    and that attempt counts for every seed: playing it again would give the same answers.
    """
    pick = picker(plan)
    runs = 1 if seed_free(module, role, plan) else seeds
    tally = _Tally()
    maximum: float | None = None
    for seed in range(runs):
        attempt = Attempt(module, role, seed)
        if maximum is None:
            maximum = attempt.max_score
        rng = random.Random(f"cues:{name}:{seed}")
        while (question := attempt.current) is not None:
            shown = tuple(pc.choice for pc in question.choices)
            step = question.step
            feedback = attempt.answer(pick(step, shown, rng))
            tally.earned[step.type] = tally.earned.get(step.type, 0.0) + feedback.points
            tally.possible[step.type] = tally.possible.get(step.type, 0.0) + step.points
        tally.percents.append(100 * attempt.score / maximum if maximum else 0.0)
        if percent(attempt.score, maximum) >= module.pass_mark:
            tally.passes += 1
    if runs == 1 and seeds > 1:
        tally.percents *= seeds
        tally.passes *= seeds
    return tally


@dataclass(frozen=True, slots=True)
class StrategyScore:
    """How one strategy fared over every seed: mean, lowest and highest score (percent)."""

    strategy: str
    mean: float
    low: float
    high: float
    pass_rate: float  # share of seeds whose attempt passed
    passes: bool  # the mean reaches the pass mark


@dataclass(frozen=True, slots=True)
class RoleAudit:
    """The blind strategies' scores for one role taking one module."""

    role: Role
    scores: tuple[StrategyScore, ...]
    mix: dict[StepType, str]  # the strategy best-mix plays on each step type met

    @property
    def passing(self) -> tuple[str, ...]:
        return tuple(s.strategy for s in self.scores if s.passes)

    @property
    def best(self) -> StrategyScore:
        return max(self.scores, key=lambda s: s.mean)

    def score(self, strategy: str) -> StrategyScore:
        return next(s for s in self.scores if s.strategy == strategy)


def _score(name: str, tally: _Tally, pass_mark: int, seeds: int) -> StrategyScore:
    mean = sum(tally.percents) / len(tally.percents) if tally.percents else 0.0
    return StrategyScore(
        strategy=name,
        mean=round(mean, 1),
        low=round(min(tally.percents, default=0.0), 1),
        high=round(max(tally.percents, default=0.0), 1),
        pass_rate=round(tally.passes / seeds, 3) if seeds else 0.0,
        passes=mean >= pass_mark - 1e-9,
    )


def audit_role(module: Module, role: Role, seeds: int = DEFAULT_SEEDS) -> RoleAudit:
    """Every blind strategy, and the best mix of them, for ``role`` taking ``module``."""
    tallies = {name: _play(module, role, name, plan_of(name), seeds) for name in STRATEGIES}
    met = {t for tally in tallies.values() for t in tally.possible}
    mix: dict[StepType, str] = {}
    for kind in STEP_TYPES:
        if kind in met:
            mix[kind] = max(NATIVE[kind], key=lambda n: (tallies[n].share(kind), n == "random"))
    tallies[MIX] = _play(module, role, MIX, mix, seeds)
    scores = tuple(_score(n, tallies[n], module.pass_mark, seeds) for n in ALL_STRATEGIES)
    return RoleAudit(role, scores, mix)


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True, slots=True)
class ModuleAudit:
    module: Module
    roles: tuple[RoleAudit, ...]
    cues: Cues

    @property
    def flagged(self) -> tuple[RoleAudit, ...]:
        return tuple(r for r in self.roles if r.passing)


@dataclass(frozen=True, slots=True)
class CuesReport:
    modules: tuple[ModuleAudit, ...]
    seeds: int

    @property
    def flagged(self) -> list[tuple[ModuleAudit, RoleAudit]]:
        return [(m, r) for m in self.modules for r in m.flagged]


def module_roles(
    courses: Sequence[Course], modules: Sequence[Module]
) -> list[tuple[Module, tuple[Role, ...]]]:
    """Each module once, with the roles that take it: a course's roles for the module where
    a course lists it (else the module's own), keeping only roles that meet a scenario."""
    course_roles: dict[int, list[Role]] = {}
    for course in courses:
        for cm in course.modules:
            module = course.module_map[cm.id]
            course_roles.setdefault(id(module), [])
            for r in cm.roles:
                if r not in course_roles[id(module)]:
                    course_roles[id(module)].append(r)
    out: list[tuple[Module, tuple[Role, ...]]] = []
    seen: set[int] = set()
    for module in modules:
        if id(module) in seen:
            continue
        seen.add(id(module))
        roles = course_roles.get(id(module), list(module.roles))
        out.append((module, tuple(r for r in roles if module.scenarios_for(r))))
    return out


def fit_seeds(targets: Sequence[tuple[Module, tuple[Role, ...]]], wanted: int) -> int:
    """``wanted``, or fewer seeds (not below MIN_SEEDS) when the audit would exceed
    WORK_LIMIT answers; an upper bound counts every step once per distinct set of scenarios
    a role meets, for every strategy."""
    work = 0
    for module, roles in targets:
        for key in {tuple(s.id for s in module.scenarios_for(r)) for r in roles}:
            work += sum(len(module.scenario(sid).steps) for sid in key)
    per_seed = work * len(ALL_STRATEGIES)
    if per_seed * wanted <= WORK_LIMIT:
        return wanted
    return max(MIN_SEEDS, WORK_LIMIT // per_seed)


def audit(
    targets: Sequence[tuple[Module, tuple[Role, ...]]], seeds: int = DEFAULT_SEEDS
) -> CuesReport:
    """The audit of each module for each of its roles."""
    return CuesReport(
        tuple(
            ModuleAudit(m, _audit_roles(m, roles, seeds), module_cues(m)) for m, roles in targets
        ),
        seeds,
    )


def _audit_roles(module: Module, roles: tuple[Role, ...], seeds: int) -> tuple[RoleAudit, ...]:
    """Each role's audit; roles that meet the same scenarios play the same attempts (the
    engine uses the role only to choose scenarios), so they are played once."""
    done: dict[tuple[str, ...], RoleAudit] = {}
    out = []
    for role in roles:
        key = tuple(s.id for s in module.scenarios_for(role))
        if key not in done:
            done[key] = audit_role(module, role, seeds)
        out.append(replace(done[key], role=role))
    return tuple(out)
