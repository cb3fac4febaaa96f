"""``trainer`` with no command: the terminal app, or plain mode for screen readers/scripts."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from trainer.commands.common import (
    CommandError,
    course_problems,
    fail,
    open_lazy_course,
    open_store,
)
from trainer.records.errors import StoreError
from trainer.records.opening import no_records_yet
from trainer.records.store import RecordsStore
from trainer.settings import Settings, settings_of

if TYPE_CHECKING:
    from trainer.bank.cache import LazyCourse
    from trainer.records.contract import Records


def run_app(args: argparse.Namespace) -> int:
    """Plain mode when asked for, when TERM is dumb, or when input or output is not a
    terminal (``settings.terminal``); otherwise the full-screen app.

    A first start of the app (no records file yet: no learners, so its first screen is the
    new-learner form) neither creates the records nor validates a course missing from the
    cache before that screen is drawn: the app does both right after it, and leaves with
    status 1 and the same messages when either fails."""
    settings = settings_of(args)
    first_start = not settings.plain and no_records_yet(settings.records.value.location)
    try:
        course = open_lazy_course(args, defer=first_start)
        store = None if first_start else open_store(args)
    except CommandError as exc:
        return fail(exc)
    from trainer.xapi import background

    # After each module, the LRS of the settings (if any) gets the statements, sent from a
    # background thread through a store of its own on the same records.
    background.enable(settings, _records_opener(settings), course.get)
    if store is None:
        return _run_tui(args, settings, course, None)
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
        return _run_tui(args, settings, course, store)


def _run_tui(
    args: argparse.Namespace, settings: Settings, course: LazyCourse, store: Records | None
) -> int:
    from trainer.tui.app import TrainerApp

    app = TrainerApp(
        course=course,
        store=store,
        open_records=None if store is not None else _first_open(settings),
        learner_name=args.learner,
        high_contrast=args.high_contrast,
        settings=settings,
    )
    try:
        app.run()
    finally:
        if store is None:
            app.close_records()  # opened by the app (else by the caller's with)
    if app.course_problems is not None:
        return fail(course_problems(app.course_problems))
    if app.records_problem is not None:
        return fail(CommandError(app.records_problem))
    return app.return_code or 0


def _first_open(settings: Settings) -> Callable[[], Records]:
    """Opens (creates) the records on a first start, as open_store would have: every
    failure a StoreError with the message it would have printed."""
    from trainer.records.opening import open_store as open_records

    location = settings.records.value.location

    def opener() -> Records:
        try:
            return open_records(location)
        except OSError as exc:
            raise StoreError(f"cannot open the data folder: {exc}") from None

    return opener


def _records_opener(settings: Settings) -> Callable[[], RecordsStore]:
    """Opens the settings' records again (for the background LRS sender's own store)."""
    from trainer.records.opening import open_store as open_records

    return partial(open_records, settings.records.value.location)
