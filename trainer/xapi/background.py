"""Sending to the LRS from the app, in the background, after each module.

The app calls :func:`enable` once (cheap: nothing is read until a module ends). Each time a
module's attempt ends, :mod:`trainer.session` calls :func:`module_finished`; when the config
file names an LRS, a daemon thread then queues the new statements (from the records, which
already hold every answer) and pushes the outbox with its own database connection. The
learner never waits for it: errors are kept in the outbox for ``trainer records push
--status``, never shown or raised, and a machine that is offline catches up on the next
module or ``trainer records push``. Only one sending thread runs at a time; a module that
ends meanwhile makes it go round once more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_settings: dict[str, Any] | None = None
_thread: threading.Thread | None = None
_again = False


def enable(records_path: Path, config_flag: str | None, course: Callable[[], Any]) -> None:
    """Send after each module from now on, if the config file names an LRS (read later)."""
    global _settings
    with _lock:
        _settings = {"path": Path(records_path), "config": config_flag, "course": course}


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
        _thread = threading.Thread(
            target=_run, args=(dict(_settings),), name="trainer-lrs", daemon=True
        )
        _thread.start()


def wait(timeout: float | None = None) -> bool:
    """Wait for the sending thread (tests, and a clean exit); True when none is running."""
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def _run(settings: dict[str, Any]) -> None:
    global _again
    while True:
        # Nothing ever reaches the learner; 'trainer records push' shows what is wrong.
        with suppress(Exception):
            send_once(settings["path"], settings["config"], settings["course"])
        with _lock:
            if not _again:
                return
            _again = False


def send_once(path: Path, config_flag: str | None, course: Callable[[], Any]) -> None:
    """Queue and push once, if an LRS is configured (errors: in the outbox, or raised)."""
    from trainer.config import load_config
    from trainer.records.store import RecordsStore
    from trainer.xapi.lrs import Lrs, push
    from trainer.xapi.outbox import queue_records
    from trainer.xapi.statements import DEFAULT_HOMEPAGE, Options

    config = load_config(config_flag)
    if not config.lrs_endpoint:
        return
    lrs = Lrs(config.lrs_endpoint, config.lrs_username, config.lrs_password)
    if lrs.check():
        return
    options = Options(homepage=config.xapi_homepage or DEFAULT_HOMEPAGE, course=course())
    with RecordsStore(path) as store:
        queue_records(store, options)
        push(store, lrs, tries=2)
