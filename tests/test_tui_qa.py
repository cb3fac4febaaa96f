"""Defects found by driving the app in a real terminal (QA), each pinned by a Pilot test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_fixtures import screen_text
from trainer.bank import load_course
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.app import TrainerApp
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.learners import LearnerFormScreen
from trainer.tui.widgets.marked_list import ModuleList

FIXTURE = Path(__file__).parent / "fixtures" / "tui_course" / "course.yaml"
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(FIXTURE)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def store(tmp_path: Path) -> RecordsStore:
    with RecordsStore.in_dir(tmp_path / "data") as s:
        yield s


async def test_first_learner_saved_lands_on_a_dashboard_that_takes_keys(
    course: Course, store: RecordsStore
) -> None:
    """First start: after Ctrl+S on the form, ↓ moves the module cursor at once (the list had
    no focus, so keys did nothing until another screen was opened and closed)."""
    app = TrainerApp(course=course, store=store)
    app.theme = "textual-dark"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LearnerFormScreen)
        for ch in "Ana":
            await pilot.press(ch)
        await pilot.press("tab", "tab", "tab")  # to the role
        await pilot.press("enter", "down", "enter")  # open the role list, pick Contractor
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        modules = app.screen.query_one("#modules", ModuleList)
        assert app.focused is modules
        assert modules.highlighted == 0
        await pilot.press("down")
        assert modules.highlighted == 1
        assert "Ana" in screen_text(app)


async def test_e_on_the_learner_list_renames_with_keys_only(
    course: Course, store: RecordsStore
) -> None:
    """'e Edit or rename': what is typed at once goes into the name, not the ID field."""
    from textual.widgets import Input

    store.add_learner("Bo", "contractor", organisation="Org", external_id="E1")
    app = TrainerApp(course=course, store=store)
    app.theme = "textual-dark"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, LearnerFormScreen)
        assert app.focused is app.screen.query_one("#name", Input)
        await pilot.press("ctrl+u")
        for ch in "Bo Lee":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("ctrl+s")
        await pilot.pause()
    (learner,) = store.learners()
    assert (learner.name, learner.external_id) == ("Bo Lee", "E1")
