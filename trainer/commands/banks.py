"""``trainer banks``: list courses and their modules."""

from __future__ import annotations

import argparse
from pathlib import Path

from trainer.bank.loader import validate_paths


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("banks", help="list courses and modules in bank folders")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        default=["question_banks"],
        help="folders or files (default: question_banks)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    result = validate_paths([Path(p) for p in args.paths])
    for course in result.courses:
        print(f"{course.id}  {course.title}  (version {course.version}, {course.path})")
        for entry in course.modules:
            module = course.module_map[entry.id]
            need = "required" if entry.required else "optional"
            print(
                f"  {module.id:<28} {module.title}  [{need}; {', '.join(entry.roles)}; "
                f"~{module.estimated_minutes} min; {len(module.scenarios)} scenarios, "
                f"{module.step_count} decisions]"
            )
    in_courses = {m.id for c in result.courses for m in c.module_map.values()}
    loose = [m for m in result.modules if m.id not in in_courses]
    if loose:
        print("modules not in a course:")
        for module in loose:
            print(f"  {module.id:<28} {module.title}  ({module.path})")
    if result.problems:
        print(f"{len(result.problems)} problems; run 'trainer validate' for details")
        return 1
    return 0
