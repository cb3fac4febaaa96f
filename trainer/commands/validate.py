"""``trainer validate PATH...``: check bank files and report ``path:line:col: message``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from trainer.bank.loader import Validation, display_path, validate_paths
from trainer.bank.model import Module
from trainer.safetext import terminal_safe
from trainer.scoring import best_path_points, scenario_branches, worst_path_points


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="check bank files or folders (exit 0 valid, 1 problems, 2 usage)",
        description="Check course, module and resources files. Each problem is printed as "
        "path:line:col: message. Exit status: 0 all valid, 1 problems found, 2 usage error.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="bank files or folders")
    p.add_argument("--stats", action="store_true", help="print per-module statistics")
    p.add_argument(
        "--strict",
        action="store_true",
        help="also run the answer-key audit ('trainer report cues'): a module that some "
        "content-blind strategy passes is a problem",
    )
    p.set_defaults(handler=run)


def module_stats(module: Module) -> dict[str, Any]:
    """Scenarios, steps, branching scenarios, min/max score over all paths, tags covered."""
    return {
        "module": module.id,
        "scenarios": len(module.scenarios),
        "steps": module.step_count,
        "branching": sum(1 for s in module.scenarios if scenario_branches(s)),
        "min_score": round(sum(worst_path_points(s) for s in module.scenarios), 2),
        "max_score": round(sum(best_path_points(s) for s in module.scenarios), 2),
        "tags": sorted({t for s in module.scenarios for t in s.tags}),
    }


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            shown = terminal_safe(str(p))
            print(f"trainer validate: no such file or folder: {shown}", file=sys.stderr)
        return 2
    result = validate_paths(paths)
    for problem in result.problems:
        print(problem)
    from trainer.exchange.citations import import_warnings

    for warning in import_warnings(result.modules):  # imported items: a warning, not a problem
        print(warning)
    if args.stats:
        print_stats(result.modules)
    blind = blind_problems(result) if args.strict else []
    for line in blind:
        print(line)
    n = len(result.problems)
    if n:
        files = len({p.path for p in result.problems})
        print(f"{n} problem{'s' * (n != 1)} in {files} file{'s' * (files != 1)}", file=sys.stderr)
        return 1
    if blind:
        b = len(blind)
        print(f"{b} module-role{'s' * (b != 1)} passable blind", file=sys.stderr)
        return 1
    if result.files == 0:  # e.g. a folder with no bank files in it: nothing was checked
        shown = ", ".join(terminal_safe(str(p)) for p in paths)
        print(f"trainer validate: no bank files found in {shown}", file=sys.stderr)
        return 1
    print(f"ok: {result.files} file{'s' * (result.files != 1)} valid", file=sys.stderr)
    return 0


def blind_problems(result: Validation) -> list[str]:
    """--strict: one line per module-role that a content-blind strategy passes."""
    from trainer.authoring.cues import DEFAULT_SEEDS, audit, fit_seeds, module_roles

    targets = module_roles(result.courses, result.modules)
    report = audit(targets, fit_seeds(targets, DEFAULT_SEEDS))
    return [
        f"{terminal_safe(display_path(m.module.path))}: module "
        f"'{terminal_safe(m.module.id)}' is passable blind for role {r.role}: "
        f"content-blind strategy '{r.best.strategy}' scores "
        f"{r.best.mean:g}% on average (pass mark {m.module.pass_mark}%); "
        "see 'trainer report cues'"
        for m, r in report.flagged
    ]


def print_stats(modules: list[Module]) -> None:
    header = f"{'module':<28} {'scen':>4} {'steps':>5} {'branch':>6} {'min':>6} {'max':>6}  tags"
    print(header)
    total_steps = total_scen = 0
    for module in modules:
        s = module_stats(module)
        total_steps += module.step_count
        total_scen += len(module.scenarios)
        print(
            f"{module.id:<28} {s['scenarios']:>4} {s['steps']:>5} {s['branching']:>6} "
            f"{s['min_score']:>6g} {s['max_score']:>6g}  {', '.join(s['tags'])}"
        )
    print(f"{'total':<28} {total_scen:>4} {total_steps:>5}")
