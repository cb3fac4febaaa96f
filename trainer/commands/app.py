"""``trainer`` with no command: the terminal app, or plain mode for screen readers/scripts."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from trainer.commands.common import CommandError, fail, open_lazy_course, open_store


def use_plain(args: argparse.Namespace) -> bool:
    """Plain mode when asked for, when output is not a terminal, or when TERM is dumb."""
    if getattr(args, "plain", False):
        return True
    if os.environ.get("TERM", "") == "dumb":
        return True
    return not (sys.stdout.isatty() and sys.stdin.isatty())


def run_app(args: argparse.Namespace) -> int:
    try:
        course = open_lazy_course(args)
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    from trainer.xapi import background

    # After each module, an LRS named in the config file gets the statements (read then).
    background.enable(store.path, getattr(args, "config", None), course.get)
    with store:
        if use_plain(args):
            gc.enable()  # see trainer.cli.main: only the app's start-up runs without it
            from trainer.plain import run_plain

            return int(
                run_plain(
                    course.get(),
                    store,
                    learner_name=args.learner,
                    config_file=getattr(args, "config", None),
                )
            )
        from trainer.tui.app import TrainerApp

        app = TrainerApp(
            course=course,
            store=store,
            learner_name=args.learner,
            high_contrast=getattr(args, "high_contrast", False),
            config_file=getattr(args, "config", None),
        )
        app.run()
        return app.return_code or 0
