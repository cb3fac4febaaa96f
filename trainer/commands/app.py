"""``trainer`` with no command: the terminal app, or plain mode for screen readers/scripts."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from functools import partial

from trainer.commands.common import CommandError, fail, open_lazy_course, open_store
from trainer.records.store import RecordsStore
from trainer.settings import Settings, settings_of


def run_app(args: argparse.Namespace) -> int:
    """Plain mode when asked for, when TERM is dumb, or when input or output is not a
    terminal (``settings.terminal``); otherwise the full-screen app."""
    settings = settings_of(args)
    try:
        course = open_lazy_course(args)
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    from trainer.xapi import background

    # After each module, the LRS of the settings (if any) gets the statements, sent from a
    # background thread through a store of its own on the same records.
    background.enable(settings, _records_opener(settings), course.get)
    with store:
        if settings.plain:
            gc.enable()  # see trainer.cli.main: only the app's start-up runs without it
            from trainer.plain import run_plain

            return int(
                run_plain(
                    course.get(),
                    store,
                    learner_name=args.learner,
                    width=settings.plain_width.value,
                    settings=settings,
                )
            )
        from trainer.tui.app import TrainerApp

        app = TrainerApp(
            course=course,
            store=store,
            learner_name=args.learner,
            high_contrast=args.high_contrast,
            settings=settings,
        )
        app.run()
        return app.return_code or 0


def _records_opener(settings: Settings) -> Callable[[], RecordsStore]:
    """Opens the settings' records again (for the background LRS sender's own store)."""
    from trainer.records.opening import open_store as open_records

    return partial(open_records, settings.records.value.location)
