"""The shipped course cannot be passed without reading it (issue 12).

Runs the answer-key audit (``trainer report cues``) over question_banks/: no content-blind
strategy (longest or shortest choice, always myth or fact, tick every option, tick the longer
half, random, or the best mix of these per step type) may reach any module's pass mark for
any role that takes it, and none may come near it: the issue asks for blind scores about
those of a random guess, so a small edit must not be enough to make a module passable.
Fewer seeds than the command's default keep the suite fast; the deterministic strategies
are exact whatever the number of seeds, and the random ones' means move by about a point
between 50 and 200 seeds.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from trainer.authoring.cues import CuesReport, audit, module_roles
from trainer.bank.loader import validate_paths

BANKS = Path(__file__).resolve().parent.parent / "question_banks"
SEEDS = 50
MARGIN = 20  # percentage points below the pass mark that every blind strategy stays


@cache
def shipped_audit() -> CuesReport:
    result = validate_paths([BANKS / "course.yaml"])
    assert not result.problems, result.problems
    report = audit(module_roles(result.courses, result.modules), SEEDS)
    assert len(report.modules) == len(result.courses[0].modules)
    return report


def test_no_module_role_is_passable_blind() -> None:
    report = shipped_audit()
    passable = [
        f"{m.module.id}/{r.role}: {s.strategy} {s.mean}% (pass mark {m.module.pass_mark}%)"
        for m, r in report.flagged
        for s in r.scores
        if s.passes
    ]
    assert not passable, "passable blind:\n" + "\n".join(passable)


def test_blind_scores_stay_far_below_the_pass_mark() -> None:
    report = shipped_audit()
    close = [
        f"{m.module.id}/{r.role}: {r.best.strategy} {r.best.mean}% "
        f"(pass mark {m.module.pass_mark}%)"
        for m in report.modules
        for r in m.roles
        if r.best.mean > m.module.pass_mark - MARGIN
    ]
    assert not close, f"within {MARGIN} points of the pass mark:\n" + "\n".join(close)
