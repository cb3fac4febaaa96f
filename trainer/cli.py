"""Command line: ``trainer`` opens the app; subcommands validate, export and verify.

Each subcommand lives in ``trainer/commands/<name>.py`` with ``register(sub)``. Commands that
do not need the terminal UI never import Textual, so they start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from trainer import __version__

COMMANDS: tuple[str, ...] = (
    "validate",
    "schema",
    "banks",
    "records",
    "new",
    "paths",
    "preview",
    "report",
    "certificate",
    "verify",
    "keys",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trainer",
        description="Scenario-based training: recognising sex-trafficking victims who appear "
        "to consent. With no command, opens the course in the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"trainer {__version__}")
    add_common(parser)
    parser.add_argument("--learner", metavar="NAME", help="start as this learner (skip the pick)")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="line-by-line mode for screen readers and scripts (automatic when output is "
        "not a terminal or TERM=dumb)",
    )
    parser.add_argument("--high-contrast", action="store_true", help="use the high-contrast theme")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"trainer.commands.{name}")
        module.register(sub)
    for command in sub.choices.values():
        add_common(command)  # --data-dir and --course work before or after the command
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="folder for the records database and issuer key (default: $TRAINER_DATA_DIR or "
        "the user data folder)",
    )
    parser.add_argument(
        "--course",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="course file (default: $TRAINER_COURSE or the shipped question_banks/course.yaml)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from trainer.commands.app import run_app

            return run_app(args)
        return int(handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
