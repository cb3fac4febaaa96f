"""The path explorer behind ``trainer paths``: every path through every scenario.

For each scenario it lists each path (the choice taken at each step, the points it earns)
and the scenario's best and worst scores; for the module and each role it shows the maximum,
the minimum, the points the pass mark needs, whether answering everything correctly passes,
and the paths that *rule out a pass*: after them the learner cannot pass even with every
other decision in the module answered correctly (usual for paths with several wrong answers,
a warning sign when it happens after a single slip). A path never dead-ends in the sense of
stopping short: the validator refuses cycles and unreachable steps, so every path ends.
It also warns when answering every step correctly earns less than the best path.

Multi-select steps all lead to the step's own ``next`` whatever is selected, so they do not
add paths; each path shows their full-credit selection and notes the partial credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trainer.bank.model import Module, Role, Scenario
from trainer.scoring import (
    best_path_points,
    correct_path_points,
    iter_paths,
    worst_path_points,
)

PATH_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class PathDecision:
    step_id: str
    step_type: str
    choice_ids: tuple[str, ...]
    choice_texts: tuple[str, ...]
    points: float
    max_points: int
    outcome: str  # correct | incorrect (multi: the full-credit selection, so correct)
    partial_credit: str | None  # multi only: "proportional" or "all-or-nothing"


@dataclass(frozen=True, slots=True)
class ScenarioPath:
    number: int
    decisions: tuple[PathDecision, ...]
    points: float
    dead_end_roles: tuple[Role, ...]  # roles that cannot pass after this path

    @property
    def multi_points(self) -> float:
        return sum(d.points for d in self.decisions if d.step_type == "multi")


@dataclass(frozen=True, slots=True)
class ScenarioPaths:
    scenario: Scenario
    paths: tuple[ScenarioPath, ...]
    best: float
    worst: float
    correct: float
    truncated: bool


@dataclass(frozen=True, slots=True)
class RoleSummary:
    role: Role
    scenarios: int
    max_points: float
    min_points: float
    correct_points: float
    pass_points: float  # the least score that passes
    reachable: bool
    dead_ends: int


@dataclass(frozen=True, slots=True)
class ModulePaths:
    module: Module
    scenarios: tuple[ScenarioPaths, ...]
    roles: tuple[RoleSummary, ...]


def _pass_points(module: Module, maximum: float) -> float:
    # percent = floor(100 * earned / max) >= pass_mark  <=>  earned >= pass_mark * max / 100
    return round(module.pass_mark * maximum / 100, 2)


def explore(
    module: Module, roles: tuple[Role, ...] | None = None, limit: int = PATH_LIMIT
) -> ModulePaths:
    """Every path of every scenario of ``module`` (for ``roles``; default the module's)."""
    roles = tuple(r for r in (roles or module.roles) if r in module.roles)
    best = {s.id: best_path_points(s) for s in module.scenarios}
    role_max = {r: sum(best[s.id] for s in module.scenarios_for(r)) for r in roles}
    scenario_reports = []
    dead_ends = dict.fromkeys(roles, 0)
    for scenario in module.scenarios:
        mine = tuple(r for r in roles if r in scenario.roles)
        if not mine:
            continue
        paths = []
        truncated = False
        for number, path in enumerate(iter_paths(scenario, limit + 1), start=1):
            if number > limit:
                truncated = True
                break
            decisions = []
            for ps in path.steps:
                step = scenario.step(ps.step_id)
                chosen = [c for c in step.choices if c.id in ps.choice_ids]
                decisions.append(
                    PathDecision(
                        step_id=step.id,
                        step_type=step.type,
                        choice_ids=tuple(c.id for c in chosen),
                        choice_texts=tuple(c.text for c in chosen),
                        points=ps.points,
                        max_points=step.points,
                        outcome="correct"
                        if ps.points >= step.points
                        else ("partial" if ps.points > 0 else "incorrect"),
                        partial_credit=step.scoring if step.type == "multi" else None,
                    )
                )
            stuck = tuple(
                r
                for r in mine
                if path.points + role_max[r] - best[scenario.id]
                < _pass_points(module, role_max[r]) - 1e-9
            )
            for r in stuck:
                dead_ends[r] += 1
            paths.append(ScenarioPath(number, tuple(decisions), path.points, stuck))
        scenario_reports.append(
            ScenarioPaths(
                scenario,
                tuple(paths),
                best[scenario.id],
                worst_path_points(scenario),
                correct_path_points(scenario),
                truncated,
            )
        )
    summaries = []
    for role in roles:
        mine_s = module.scenarios_for(role)
        maximum = round(role_max[role], 2)
        correct = round(sum(correct_path_points(s) for s in mine_s), 2)
        need = _pass_points(module, maximum)
        summaries.append(
            RoleSummary(
                role=role,
                scenarios=len(mine_s),
                max_points=maximum,
                min_points=round(sum(worst_path_points(s) for s in mine_s), 2),
                correct_points=correct,
                pass_points=need,
                reachable=maximum > 0 and correct >= need - 1e-9,
                dead_ends=dead_ends[role],
            )
        )
    return ModulePaths(module, tuple(scenario_reports), tuple(summaries))


def _g(x: float) -> str:
    return f"{x:g}"


def format_text(report: ModulePaths) -> str:
    """The report as plain lines (no box drawing; reads well with a screen reader)."""
    m = report.module
    out = [f"Module {m.id}: {m.title} (version {m.version}, pass mark {m.pass_mark}%)"]
    for sp in report.scenarios:
        s = sp.scenario
        n = len(sp.paths)
        scores = [p.points for p in sp.paths]
        out += [
            "",
            f"Scenario {s.id}: {s.title}",
            f"  roles: {', '.join(s.roles)}; tags: {', '.join(s.tags)}",
            f"  {n}{'+' if sp.truncated else ''} path{'s' * (n != 1)}; path scores "
            f"{_g(min(scores))} to {_g(max(scores))} of {_g(sp.best)}; "
            f"worst possible {_g(sp.worst)} (every answer wrong)",
        ]
        if sp.correct < sp.best:
            out.append(
                f"  WARNING: answering every step correctly earns {_g(sp.correct)}, less "
                f"than the best path ({_g(sp.best)}); a wrong answer pays off here"
            )
        if sp.truncated:
            out.append(f"  (only the first {n} paths are listed)")
        width = max(len(d.step_id) for p in sp.paths for d in p.decisions)
        for p in sp.paths:
            line = f"  path {p.number}: {_g(p.points)} of {_g(sp.best)} points"
            if p.multi_points:
                line += (
                    f" (multi-select at full credit; {_g(p.points - p.multi_points)} "
                    "if they earn nothing)"
                )
            out.append(line)
            for d in p.decisions:
                picked = " + ".join(d.choice_ids)
                text = (
                    f"    {d.step_id:<{width}}  {picked}: {d.outcome}, "
                    f"{_g(d.points)} of {d.max_points}"
                )
                if d.partial_credit:
                    text += (
                        f"  [multi-select: full-credit selection shown; "
                        f"{d.partial_credit} scoring"
                        + (
                            ", partial credit possible]"
                            if d.partial_credit == "proportional"
                            else ", no partial credit]"
                        )
                    )
                out.append(text)
            if p.dead_end_roles:
                out.append(
                    f"    rules out a pass for {', '.join(p.dead_end_roles)} (even with "
                    "every other decision right)"
                )
    out += ["", "Summary"]
    for r in report.roles:
        verdict = "reachable" if r.reachable else "NOT reachable"
        out.append(
            f"  {r.role}: {r.scenarios} scenario{'s' * (r.scenarios != 1)}; score "
            f"{_g(r.min_points)} to {_g(r.max_points)}; pass needs {_g(r.pass_points)} "
            f"({m.pass_mark}%); all correct earns {_g(r.correct_points)}: pass mark {verdict}; "
            f"paths that rule out a pass: {r.dead_ends}"
        )
    out.append("  Every path ends: the validator refuses cycles and unreachable steps.")
    return "\n".join(out) + "\n"


def to_dict(report: ModulePaths) -> dict[str, Any]:
    m = report.module
    return {
        "module": m.id,
        "version": m.version,
        "sha256": m.sha256,
        "pass_mark": m.pass_mark,
        "scenarios": [
            {
                "scenario": sp.scenario.id,
                "roles": list(sp.scenario.roles),
                "best": sp.best,
                "worst": sp.worst,
                "all_correct": sp.correct,
                "truncated": sp.truncated,
                "paths": [
                    {
                        "points": p.points,
                        "rules_out_pass_for": list(p.dead_end_roles),
                        "decisions": [
                            {
                                "step": d.step_id,
                                "type": d.step_type,
                                "choices": list(d.choice_ids),
                                "points": d.points,
                                "max_points": d.max_points,
                                "outcome": d.outcome,
                                "partial_credit": d.partial_credit,
                            }
                            for d in p.decisions
                        ],
                    }
                    for p in sp.paths
                ],
            }
            for sp in report.scenarios
        ],
        "roles": [
            {
                "role": r.role,
                "scenarios": r.scenarios,
                "max": r.max_points,
                "min": r.min_points,
                "all_correct": r.correct_points,
                "pass_points": r.pass_points,
                "pass_mark_reachable": r.reachable,
                "paths_ruling_out_pass": r.dead_ends,
            }
            for r in report.roles
        ],
    }
