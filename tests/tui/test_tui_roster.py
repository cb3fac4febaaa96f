"""A shared machine with a large roster: the learner list is searched, never read whole."""

from __future__ import annotations

import pytest

from tests.tui_fixtures import screen_text, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.app import TrainerApp
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.learners import LIST_LIMIT


def _roster(store: RecordsStore, n: int) -> None:
    for i in range(n):
        store.add_learner(f"Learner {i:03d}", "employee", external_id=f"E{i:05d}")


def _listed(app: TrainerApp) -> list[str]:
    options = app.screen.query_one("#learners").options  # type: ignore[attr-defined]
    return [str(o.prompt).lstrip("▶ ") for o in options]  # without the highlight mark


async def test_a_large_roster_is_searched_and_never_read_whole(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _roster(store, LIST_LIMIT * 3)

    def read_all() -> None:
        raise AssertionError("the whole roster was read")

    monkeypatch.setattr(store, "learners", read_all)
    app = TrainerApp(course=course, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "find"
        assert len(_listed(app)) == LIST_LIMIT + 1  # the first 50, and "+ Add a new learner"
        assert f"Showing the first {LIST_LIMIT}" in screen_text(app)
        for key in "Learner 123":
            await pilot.press("space" if key == " " else key)
        await settle(pilot)
        assert [p.split("  ")[0] for p in _listed(app)] == ["Learner 123", "+ Add a new learner"]
        await pilot.press("enter")  # from the search box into the list
        await pilot.press("enter")  # pick the match
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.learner is not None and app.learner.name == "Learner 123"


async def test_the_search_finds_by_id_and_says_when_nothing_matches(
    course: Course, store: RecordsStore
) -> None:
    _roster(store, LIST_LIMIT + 5)
    app = TrainerApp(course=course, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in "E00042":
            await pilot.press(key)
        await settle(pilot)
        assert _listed(app)[0].split("  ")[0] == "Learner 042"
        for key in ("backspace",) * 6 + tuple("zz%"):
            await pilot.press(key)
        await settle(pilot)
        assert "No learner matches" in screen_text(app)
        assert _listed(app) == ["+ Add a new learner"]


async def test_a_small_machine_lists_everyone_without_a_search_box(
    course: Course, store: RecordsStore
) -> None:
    _roster(store, 3)
    app = TrainerApp(course=course, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query("#find")
        assert len(_listed(app)) == 4


def test_find_learners_escapes_like_wildcards(store: RecordsStore) -> None:
    store.add_learner("Ann 100%", "employee")
    store.add_learner("Ann 1000", "employee")
    store.add_learner("Bo_b", "employee")
    store.add_learner("Boxb", "employee")
    assert [lr.name for lr in store.find_learners("100%")] == ["Ann 100%"]
    assert [lr.name for lr in store.find_learners("o_b")] == ["Bo_b"]
    assert [lr.name for lr in store.find_learners("ann", limit=1)] == ["Ann 100%"]
    assert store.learner_count() == 4
