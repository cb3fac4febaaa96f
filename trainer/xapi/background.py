"""Sending to the LRS from the app, in the background, after each module.

The app calls :func:`enable` once with the run's :class:`~trainer.settings.Settings` (the
LRS and the xAPI home page, resolved at start-up; nothing is read again) and a way to open
the records (cheap: nothing is opened until a module ends). Each time a module's attempt
ends, :mod:`trainer.session` calls :func:`module_finished`; when the settings name an LRS, a
daemon thread then queues the new statements (from the records, which already hold every
answer) and pushes the outbox through a store of its own (its own connection). The
learner never waits for it: errors are kept in the outbox for ``trainer records push
--status``, never shown or raised, and a machine that is offline catches up on the next
module or ``trainer records push``. Only one sending thread runs at a time; a module that
ends meanwhile makes it go round once more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainer.records.contract import Records
    from trainer.settings import Settings

StoreOpener = Callable[[], "AbstractContextManager[Records]"]


@dataclass(frozen=True)
class _Sending:
    settings: Settings
    open_store: StoreOpener
    course: Callable[[], Any]


_lock = threading.Lock()
_settings: _Sending | None = None
_thread: threading.Thread | None = None
_again = False


def enable(settings: Settings, open_store: StoreOpener, course: Callable[[], Any]) -> None:
    """Send after each module from now on, if ``settings`` name an LRS (else nothing is ever
    sent). ``open_store`` opens the records for the sending thread: a store of its own,
    closed after each round."""
    global _settings
    with _lock:
        _settings = _Sending(settings, open_store, course) if settings.lrs else None


def disable() -> None:
    global _settings
    with _lock:
        _settings = None


def module_finished() -> None:
    """A module's attempt has ended: send in the background (returns at once)."""
    global _thread, _again
    with _lock:
        if _settings is None:
            return
        if _thread is not None and _thread.is_alive():
            _again = True
            return
        _thread = threading.Thread(target=_run, args=(_settings,), name="trainer-lrs", daemon=True)
        _thread.start()


def wait(timeout: float | None = None) -> bool:
    """Wait for the sending thread (tests, and a clean exit); True when none is running."""
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def _run(sending: _Sending) -> None:
    global _again
    while True:
        # Nothing ever reaches the learner; 'trainer records push' shows what is wrong.
        with suppress(Exception):
            send_once(sending.settings, sending.open_store, sending.course)
        with _lock:
            if not _again:
                return
            _again = False


def send_once(settings: Settings, open_store: StoreOpener, course: Callable[[], Any]) -> None:
    """Queue and push once, if an LRS is configured (errors: in the outbox, or raised)."""
    lrs_access = settings.lrs
    if lrs_access is None:
        return
    from trainer.xapi.lrs import Lrs, push
    from trainer.xapi.outbox import queue_records
    from trainer.xapi.statements import DEFAULT_HOMEPAGE, Options

    lrs = Lrs(*lrs_access)
    if lrs.check():
        return
    homepage = settings.xapi_homepage.value or DEFAULT_HOMEPAGE
    options = Options(homepage=homepage, course=course())
    with open_store() as store:
        queue_records(store, options)
        push(store, lrs, tries=2)
