"""``trainer paths FILE``: every path through every scenario, with its score."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import cast

from trainer.authoring.paths import explore, format_text, to_dict
from trainer.bank.loader import validate_paths
from trainer.bank.model import ROLES, Role


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "paths",
        help="list every path through every scenario with its score",
        description="For each scenario: every path (the choice taken at each step and the "
        "points it earns), and the best and worst score; for each role: the score range, the "
        "points the pass mark needs, whether answering everything correctly passes, and dead "
        "ends (paths after which passing is impossible). Exit 1 if the file has problems or "
        "the pass mark cannot be reached.",
    )
    p.add_argument("paths", nargs="+", metavar="FILE", help="module or course files (or folders)")
    p.add_argument("--role", choices=ROLES, help="only this role")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    files = [Path(p) for p in args.paths]
    for f in files:
        if not f.exists():
            print(f"trainer paths: no such file or folder: {f}", file=sys.stderr)
            return 2
    result = validate_paths(files)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print("trainer paths: fix these problems first (see 'trainer validate')", file=sys.stderr)
        return 1
    if not result.modules:  # e.g. a folder with no bank files in it
        print("trainer paths: no modules found", file=sys.stderr)
        return 1
    roles = (cast(Role, args.role),) if args.role else None
    reports = [explore(m, roles) for m in result.modules if roles is None or roles[0] in m.roles]
    if args.format == "json":
        sys.stdout.write(
            json.dumps([to_dict(r) for r in reports], indent=2, ensure_ascii=False) + "\n"
        )
    else:
        sys.stdout.write("\n".join(format_text(r) for r in reports))
    ok = all(r.reachable for rep in reports for r in rep.roles)
    return 0 if ok else 1
