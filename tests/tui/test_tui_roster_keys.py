"""A large roster's search box: keys typed in one burst after the name (a fast typist, a paste,
a badge reader that types an ID then Tab or Enter) pick the learner typed, never the one the
list showed before the search for it was in.

Before: "E00123", Tab, Enter in one burst signed in Learner 000 (the first of the list as it
was), because the Enter reached the list before the box's letters had started their search;
and Down, which the screen's line tells the learner to press, did nothing in the box.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui_fixtures import burst, screen_text, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore, StoreError
from trainer.service import learners as service
from trainer.tui.app import TrainerApp
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.learner_form import LearnerFormScreen
from trainer.tui.screens.learners import LIST_LIMIT, LearnerPickScreen

RosterPilot = Pilot[Any]


@pytest.fixture
def roster(store: RecordsStore) -> RecordsStore:
    for i in range(LIST_LIMIT * 3):
        store.add_learner(f"Learner {i:03d}", "employee", external_id=f"E{i:05d}")
    return store


@pytest.fixture(params=[0.0, 0.15], ids=["quick-search", "slow-search"])
def search_delay(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[float]:
    """Each search takes this long (a records server far away)."""
    real = service.search_learners

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(request.param)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "search_learners", slow)
    yield request.param


@pytest.fixture
async def pilot(
    course: Course, roster: RecordsStore, search_delay: float
) -> AsyncIterator[RosterPilot]:
    """The app on the roster's learner list, each search taking ``search_delay``."""
    app = TrainerApp(course=course, store=roster)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield pilot


async def _typed(pilot: RosterPilot, *keys: str) -> None:
    """Type ``keys`` in one burst, and let the keys held and the searches they wait for run
    out (a slow search each time)."""
    burst(pilot.app, *keys)
    for _ in range(20):
        await pilot.pause(0.05)
    await settle(pilot)


def _picked(pilot: RosterPilot) -> str | None:
    learner = pilot.app.learner
    return None if learner is None else str(learner.name)


@pytest.mark.parametrize(
    ("keys", "learner"),
    [
        ((*"E00123", "tab", "enter"), "Learner 123"),  # a badge reader's ID, Tab, Enter
        ((*"Learner", "space", *"123", "tab", "enter"), "Learner 123"),
        ((*"E00123", "down", "enter"), "Learner 123"),
        ((*"E00123", "enter", "enter"), "Learner 123"),
        ((*"E00123", "enter"), "Learner 123"),  # then Enter again, below
        # "Learner 12" matches Learner 120 to 129: the first Down goes to the list (on
        # Learner 120), the second moves down to Learner 121.
        ((*"Learner", "space", *"12", "down", "down", "enter"), "Learner 121"),
    ],
    ids=[
        "id-tab-enter",
        "name-tab-enter",
        "id-down-enter",
        "id-enter-enter",
        "id-enter",
        "down-down",
    ],
)
async def test_a_burst_picks_the_learner_typed(
    pilot: RosterPilot, keys: tuple[str, ...], learner: str
) -> None:
    await _typed(pilot, *keys)
    if keys[-2] not in ("tab", "down", "enter"):  # one Enter: it went on to the list
        assert isinstance(pilot.app.screen, LearnerPickScreen)
        await _typed(pilot, "enter")
    assert isinstance(pilot.app.screen, DashboardScreen), screen_text(pilot.app)
    assert _picked(pilot) == learner


async def test_down_at_a_human_pace_moves_to_the_list_as_the_screen_says(
    pilot: RosterPilot,
) -> None:
    app = pilot.app
    for key in "E00123":
        await pilot.press(key)
    await settle(pilot)
    assert "Press Down to choose from the list" in screen_text(app)
    await pilot.press("down")
    await settle(pilot)
    listed = app.screen.query_one("#learners")
    assert app.focused is listed and listed.highlighted == 0  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(pilot)
    assert _picked(pilot) == "Learner 123"


async def test_e_after_tab_edits_the_learner_typed_and_is_not_typed_in_the_box(
    pilot: RosterPilot,
) -> None:
    await _typed(pilot, *"E00123", "tab", "e")
    app = pilot.app
    assert isinstance(app.screen, LearnerFormScreen), screen_text(app)
    assert app.screen.query_one("#name", Input).value == "Learner 123"
    assert app.screen_stack[-2].query_one("#find", Input).value == "E00123"


async def test_keys_after_enter_go_to_the_list_and_pick_nobody_by_themselves(
    pilot: RosterPilot,
) -> None:
    """Enter in the box only moves to the list: a "3" typed behind it is not typed into the
    box, and a Down behind it moves in the matches; nobody is picked without a second Enter."""
    await _typed(pilot, *"E0012", "enter", "3", "down")
    app = pilot.app
    assert isinstance(app.screen, LearnerPickScreen) and _picked(pilot) is None
    assert app.screen.query_one("#find", Input).value == "E0012"
    listed = app.screen.query_one("#learners")
    assert app.focused is listed and listed.highlighted == 1  # type: ignore[attr-defined]
    await _typed(pilot, "enter")
    assert _picked(pilot) == "Learner 121"


@pytest.mark.parametrize("search_delay", [0.0], indirect=True)
async def test_a_failed_search_picks_nobody_and_does_not_search_again_and_again(
    pilot: RosterPilot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = service.search_learners
    calls: list[str] = []
    lock = threading.Lock()

    def failing(store: RecordsStore, typed: str, **kwargs: object) -> object:
        with lock:
            calls.append(typed)
        if typed == "E00123":
            raise StoreError("the records server did not answer")
        return real(store, typed, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "search_learners", failing)
    app = pilot.app
    await _typed(pilot, *"E00123", "tab", "enter", "enter")
    assert isinstance(app.screen, LearnerPickScreen) and _picked(pilot) is None
    assert "cannot be read now" in screen_text(app)
    assert calls.count("E00123") <= 3  # the box's search, and at most one per held key
    monkeypatch.setattr(service, "search_learners", real)  # the server is back
    await pilot.press("r")  # read again, as the screen says
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert _picked(pilot) == "Learner 123"
