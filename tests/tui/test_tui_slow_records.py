"""Records that are slow to read (a distant server): the dashboard and the history read them
in a worker thread, so the screen stays responsive; keys typed before the read is in wait
for it and then act as they would have (never dropped, never sent to the wrong module)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.tui_fixtures import SIZE, make_app, press, screen_text, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.history import HistoryScreen
from trainer.tui.screens.intro import ModuleIntroScreen
from trainer.tui.screens.player import PlayerScreen


class SlowReads:
    """Every read of the store waits until ``release()``; reads made on the app's own
    thread (which would freeze the screen) are counted."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.on_ui_thread = 0
        self.waiting = 0

    def release(self) -> None:
        self.gate.set()


@contextmanager
def slow_reads(store: RecordsStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowReads]:
    slow = SlowReads()
    real = store._rows

    def rows(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            slow.on_ui_thread += 1
        else:
            slow.waiting += 1
            slow.gate.wait(20)
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(store, "_rows", rows)
        try:
            yield slow
        finally:
            slow.release()  # never leave a worker thread waiting


async def wait_for(pilot, condition) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds (at most 10 s of pauses)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_keys_typed_while_the_dashboard_reads_open_the_module_they_chose(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("escape")  # back: the dashboard reads the records again
            assert isinstance(app.screen, DashboardScreen)
            await pilot.press("down", "enter")  # the second module, before the read is in
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            assert isinstance(app.screen, DashboardScreen)  # waiting for the read
            assert slow.waiting and slow.on_ui_thread == 0
            slow.release()
            await settle(pilot)
            assert isinstance(app.screen, ModuleIntroScreen)
            assert app.screen.module.id == "extra"
            assert "Press Enter to start" in screen_text(app)
            assert slow.on_ui_thread == 0  # the introduction read in a thread too


async def test_enter_typed_while_the_introduction_reads_starts_the_module(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("enter", "enter")  # the introduction, then start at once
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            assert isinstance(app.screen, ModuleIntroScreen)
            slow.release()
            await settle(pilot)
            assert isinstance(app.screen, PlayerScreen)
            assert "Question 1" in screen_text(app)
            assert slow.on_ui_thread == 0


async def test_escape_and_q_act_while_the_history_is_being_read(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("h")
            assert isinstance(app.screen, HistoryScreen)
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            await pilot.press("escape")  # at once, although the read is still running
            assert isinstance(app.screen, DashboardScreen)
            await pilot.press("q")  # the dashboard reads again (slowly): q still quits
            await pilot.pause()
            assert not app.is_running
            assert slow.on_ui_thread == 0


async def test_the_first_dashboard_read_is_off_the_screen_thread_and_keys_wait_for_it(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    store.add_learner("Bo Lee", "employee")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the learner list
        learner = store.find_learner("Ana Smith")
        assert learner is not None
        with slow_reads(store, monkeypatch) as slow:
            app.use_learner(learner)  # as picking her does
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            await pilot.press("enter")  # on a list still empty: waits for it
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            assert isinstance(app.screen, DashboardScreen)
            assert slow.on_ui_thread == 0
            slow.release()
            await settle(pilot)
            assert isinstance(app.screen, ModuleIntroScreen)
            assert app.screen.module.id == "signs"


async def test_keys_held_behind_one_that_opens_a_screen_go_on_to_that_screen(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down, h, Esc, Enter typed while the dashboard reads: the cursor moves, the history
    opens and closes, and Enter opens the module the cursor was moved to, as if the read
    had been instant."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("r")  # read the dashboard again, slowly
            await pilot.press("down", "h", "escape", "enter")
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            assert isinstance(app.screen, DashboardScreen)
            slow.release()
            await settle(pilot)
            assert isinstance(app.screen, ModuleIntroScreen)
            assert app.screen.module.id == "extra"
            await press(pilot, "escape", "h")
            assert isinstance(app.screen, HistoryScreen)


async def test_the_certificate_dialog_reads_in_a_thread_and_enter_typed_at_once_saves(
    course: Course,
    store: RecordsStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trainer.session import Session
    from trainer.tui.screens.certificate import CertificateScreen

    documents = tmp_path / "home" / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    ana = store.add_learner("Ana Smith", "employee")
    session = Session.start_or_resume(store, course, course.module("signs"), ana)
    while (question := session.current) is not None:
        session.answer(question.step.correct_ids)
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("c")
            assert isinstance(app.screen, CertificateScreen)
            await pilot.press("escape")  # closes at once, the read still running
            assert isinstance(app.screen, DashboardScreen)
            slow.release()
            await settle(pilot)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("c", "enter")  # Enter: "saves it as shown", before it shows
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            assert isinstance(app.screen, CertificateScreen)
            assert not list(documents.glob("*.pdf"))
            assert slow.on_ui_thread == 0
            slow.release()
            await settle(pilot)
            assert "✔ Saved:" in screen_text(app), screen_text(app)
    assert len(list(documents.glob("*.pdf"))) == 1
    assert len(store.certificates(learner_id=ana.id)) == 1


async def test_the_learner_list_reads_in_a_thread_and_keys_typed_at_once_pick(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.tui.screens.learners import LearnerPickScreen

    store.add_learner("Ana Smith", "employee")
    store.add_learner("Bo Lee", "uniformed")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # Ana's dashboard
        assert isinstance(app.screen, DashboardScreen)
        with slow_reads(store, monkeypatch) as slow:
            await pilot.press("l")  # back to the list, read again
            await pilot.press("down", "enter")  # Bo, before the list is read
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            assert isinstance(app.screen, LearnerPickScreen)
            slow.release()
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert app.learner is not None and app.learner.name == "Bo Lee"
            assert slow.on_ui_thread == 0


async def test_a_name_typed_before_a_large_roster_is_read_goes_into_its_search_box(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The letters wait for the search box, then go into it (where the box takes them, so
    they never come back to the screen); Enter and Enter typed after them still pick."""
    from trainer.tui.screens.learners import LIST_LIMIT, LearnerPickScreen

    for i in range(LIST_LIMIT + 10):
        store.add_learner(f"Learner {i:03d}", "employee")
    with slow_reads(store, monkeypatch) as slow:
        app = make_app(course, store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LearnerPickScreen)
            for key in ("0", "4", "2"):
                await pilot.press(key)
            await pilot.press("enter", "enter")  # into the list, pick the first match
            await wait_for(pilot, lambda: "Reading your records" in screen_text(app))
            slow.release()
            await settle(pilot)
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen), screen_text(app)
            assert app.learner is not None and app.learner.name == "Learner 042"
