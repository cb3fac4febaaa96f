"""The new-learner form draws its heading and name field first and mounts the rest of the
form (ID, organisation, role, buttons) just after that first frame. Keys typed before the
rest is there are never lost: letters go into the name as usual; Tab, Enter and Ctrl+S,
and every key typed after one of them, wait for the rest and then act in order."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, Input, Select

from tests.tui_fixtures import SIZE, make_app, screen_text, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.learner_form import LearnerFormScreen


@pytest.fixture
def held_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rest of the form is mounted only when the test says (it types first), as on a
    machine too busy to mount it before the learner types."""
    monkeypatch.setattr(LearnerFormScreen, "first_frame_drawn", lambda self: None)


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def _until_complete(pilot: Any) -> LearnerFormScreen:
    """Mount the rest of the form now, as first_frame_drawn does once the frame is drawn."""
    screen = pilot.app.screen
    assert isinstance(screen, LearnerFormScreen)
    screen.call_next(screen.mount_rest)
    for _ in range(100):
        await pilot.pause()
        if screen.complete:
            break
    assert screen.complete
    await settle(pilot)
    return screen


async def test_the_first_frame_has_the_name_field_only_and_letters_go_into_it(
    course: Course, store: RecordsStore, held_form: None
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LearnerFormScreen) and not screen.complete
        assert [w.id for w in screen.query(Input)] == ["name"]
        assert not screen.query(Select) and not screen.query(Button)
        assert "Name for certificate" in screen_text(app)
        assert app.focused is screen.query_one("#name")
        await _type(pilot, "Ana Smith")
        assert screen.query_one("#name", Input).value == "Ana Smith"
        await _until_complete(pilot)
        assert [w.id for w in screen.query(Input)] == ["name", "external-id", "organisation"]
        assert screen.query_one("#name", Input).value == "Ana Smith"
        assert app.focused is screen.query_one("#name")  # nothing moved it


async def test_a_name_typed_and_saved_at_once_is_saved_with_every_field_typed_after_tab(
    course: Course, store: RecordsStore, held_form: None
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LearnerFormScreen) and not app.screen.complete
        # All typed before the rest of the form exists.
        await _type(pilot, "Ana Smith")
        await pilot.press("tab")
        await _type(pilot, "E-42")
        await pilot.press("enter")  # on to the organisation, as Enter in a field does
        await _type(pilot, "Acme Hotels")
        await pilot.press("ctrl+s")
        screen = app.screen
        assert isinstance(screen, LearnerFormScreen) and not screen.complete
        assert screen.query_one("#name", Input).value == "Ana Smith"  # nothing after Tab
        await _until_complete(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    (learner,) = store.learners()
    assert (learner.name, learner.external_id, learner.organisation, learner.role) == (
        "Ana Smith",
        "E-42",
        "Acme Hotels",
        "employee",
    )


async def test_once_complete_tab_reaches_every_field_in_order(
    course: Course, store: RecordsStore
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LearnerFormScreen) and screen.complete
        order = []
        for _ in range(6):
            order.append(app.focused.id if app.focused is not None else None)
            await pilot.press("tab")
        assert order == ["name", "external-id", "organisation", "role", "save", "cancel"]
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "cancel"


async def test_escape_before_the_rest_is_mounted_cancels_at_once(
    course: Course, store: RecordsStore, held_form: None
) -> None:
    from trainer.tui.screens.learners import LearnerPickScreen

    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _type(pilot, "Ana")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        assert isinstance(app.screen, LearnerPickScreen)
    assert store.learners() == []


async def test_picking_a_learner_reads_their_dashboard_with_them_and_draws_it_once(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first Enter: the learner and what their dashboard shows are read in one go, so
    the dashboard is drawn filled, without a read of its own (and an empty frame) first."""
    import trainer.service.modules
    import trainer.tui.screens.dashboard as dashboard_screen
    from trainer.tui.screens.learners import LearnerPickScreen

    store.add_learner("Ana Smith", "employee")
    store.add_learner("Bo Lee", "uniformed", organisation="Navy")
    reads: list[str] = []
    real = trainer.service.modules.dashboard

    def counted(where: str) -> Any:
        def read(*args: Any, **kwargs: Any) -> Any:
            reads.append(where)
            return real(*args, **kwargs)

        return read

    monkeypatch.setattr(trainer.service.modules, "dashboard", counted("with the pick"))
    monkeypatch.setattr(dashboard_screen, "dashboard", counted("by the dashboard"))
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.learner is not None and app.learner.name == "Bo Lee"
        assert "Bo Lee (Uniformed service member)" in screen_text(app)
        assert reads == ["with the pick"]
        await pilot.press("r")  # reading again is the dashboard's own read
        await settle(pilot)
        assert reads == ["with the pick", "by the dashboard"]
