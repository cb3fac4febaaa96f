"""``trainer config``: the effective settings and where each came from.

Every line is terminal-safe (paths and URLs come from flags, the environment and files); a
password is never printed, only whether one is set. Exit status 0, or 1 when the config file
cannot be used (the problem is printed with the settings that do not depend on it).
"""

from __future__ import annotations

import argparse
import json
import sys

from trainer.safetext import terminal_safe
from trainer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "config",
        help="print the effective settings and where each came from",
        description="Print every effective setting and where it came from: a flag, an "
        "environment variable, the config file, or the default (precedence in that order). "
        "Passwords are never shown, only whether one is set. Exit status 1 when the config "
        "file cannot be used.",
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default) or json: a list of {name, value, source}",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    rows = settings.rows()
    if args.format == "json":
        data = {
            "settings": [{"name": n, "value": v, "source": s} for n, v, s in rows],
            "config_problem": settings.config_problem,
        }
        print(json.dumps(data, indent=2, ensure_ascii=True))
    else:
        width = max(len(name) for name, _, _ in rows)
        for name, value, source in rows:
            shown = "(none)" if value is None else value
            print(terminal_safe(f"{name:<{width}}  {shown}  ({source})"))
    if settings.config_problem:
        print(
            f"trainer: the config file cannot be used: {terminal_safe(settings.config_problem)}",
            file=sys.stderr,
        )
        return 1
    return 0
