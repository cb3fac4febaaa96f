"""Records that cannot be read (a database server gone away, a locked file) under each
screen the learner can reach: said on that screen in words, the app stays open, nothing is
lost, and reading again works once the records are back. (Found in tmux: the dashboard,
the module introduction, the history and the learner list crashed with a traceback.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.tui_fixtures import SIZE, make_app, press, screen_text, settle
from trainer.bank.model import Course
from trainer.records.errors import StoreUnavailable
from trainer.records.store import RecordsStore
from trainer.tui.screens.dashboard import DashboardScreen

AWAY = "the records server db.example cannot be reached while reading them"


@contextmanager
def server_away(store: RecordsStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every read of ``store`` fails as an unreachable PostgreSQL server's would."""

    def refuse(*_: Any, **__: Any) -> Any:
        raise StoreUnavailable(AWAY)

    with monkeypatch.context() as patch:
        patch.setattr(store, "_rows", refuse)
        yield


@pytest.mark.parametrize("key", ["escape", "h", "c", "l"])
async def test_each_screen_says_the_records_are_away_and_the_app_stays_open(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # the module introduction, read while the records work
        with server_away(store, monkeypatch):
            if key != "escape":
                await press(pilot, "escape")  # back to the dashboard: it cannot be read
                assert "The records cannot be read now" in screen_text(app)
            await press(pilot, key)
            text = screen_text(app)
            assert "The records cannot be read now" in text and AWAY in text, text
            assert app.is_running and app.return_code is None
        # The records are back: reading again shows the screen as it should be.
        await press(pilot, "escape" if key in "hc" else "r")
        if key == "l":
            assert "Ana Smith" in screen_text(app)
            await press(pilot, "enter")
        await press(pilot, "r")
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        assert "cannot be read" not in text and "Not started" in text, text


async def test_opening_a_module_while_the_records_are_away_says_so(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with server_away(store, monkeypatch):
            await press(pilot, "enter")
            text = screen_text(app)
            assert "The records cannot be read now" in text and "starting tries again" in text
        await press(pilot, "enter")  # back: starting works
        assert "Question 1" in screen_text(app)


async def test_a_slow_save_says_it_is_saving_and_then_shows_the_feedback(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that takes a while (records on a distant server) says so after a moment; the
    screen never freezes, and the feedback follows once the records hold the answer. A
    fast save shows no "Saving" line at all (no extra repaint before the feedback)."""
    import threading
    import time

    from trainer.tui.screens.player import PlayerScreen

    store.add_learner("Ana Smith", "employee")
    real = store.record_answer
    release = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> None:
        release.wait(10)
        real(*args, **kwargs)

    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, PlayerScreen)
        monkeypatch.setattr(store, "record_answer", slow)
        await pilot.press("2", "enter")
        await pilot.pause(0.05)
        assert "Saving your answer" not in screen_text(app)  # not yet: it may be quick
        deadline = time.monotonic() + 5
        while "Saving your answer" not in screen_text(app) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert "Saving your answer" in screen_text(app)
        release.set()
        await settle(pilot)
        assert "✔ Correct" in screen_text(app)
