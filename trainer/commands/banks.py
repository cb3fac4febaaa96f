"""``trainer banks``: list courses and their modules, and every problem found in them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.bank.loader import validate_paths
from trainer.commands.doctor import plural
from trainer.safetext import terminal_safe
from trainer.settings import settings_of


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "banks",
        help="list courses and modules in bank folders",
        description="List the courses and modules in bank folders or files, then every "
        "problem found in them (path:line:col: message). Exit status: 0 no problems, "
        "1 problems found, 2 a path does not exist.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="folders or files (default: the folder of the course in use: --course, "
        "$TRAINER_COURSE or the course shipped with trainer)",
    )
    p.set_defaults(handler=run)


def _default_paths(args: argparse.Namespace) -> list[Path]:
    """The folder holding the course in use."""
    return [settings_of(args).course.value.parent]


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or _default_paths(args)
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(terminal_safe(f"trainer banks: no such file or folder: {p}"), file=sys.stderr)
    if missing:
        return 2
    result = validate_paths(paths)
    for course in result.courses:
        say(f"{course.id}  {course.title}  (version {course.version}, {course.path})")
        for entry in course.modules:
            module = course.module_map[entry.id]
            need = "required" if entry.required else "optional"
            say(
                f"  {module.id:<28} {module.title}  [{need}; {', '.join(entry.roles)}; "
                f"~{module.estimated_minutes} min; {plural(len(module.scenarios), 'scenario')}, "
                f"{plural(module.step_count, 'decision')}]"
            )
    in_courses = {m.id for c in result.courses for m in c.module_map.values()}
    loose = [m for m in result.modules if m.id not in in_courses]
    if loose:
        say("modules not in a course:")
        for module in loose:
            say(f"  {module.id:<28} {module.title}  ({module.path})")
    if not result.courses and not result.modules and not result.problems:
        say("no courses or modules found")
    if result.problems:
        files = len({p.path for p in result.problems})
        say(f"{plural(len(result.problems), 'problem')} in {plural(files, 'file')}:")
        for problem in result.problems:
            say(f"  {problem}")
        return 1
    return 0


def say(line: str) -> None:
    """Print one line with any control characters from the bank files made visible."""
    print(terminal_safe(line))
