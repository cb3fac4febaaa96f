"""Keys typed in one burst (fast typing, a paste, or a busy machine) in the learner form go
where the learner meant them: after Tab or Enter, into the next field, even though the
terminal delivered them all before the focus moved."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tests.tui_fixtures import SIZE, burst, make_app, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.learner_form import LearnerFormScreen


async def _whole_form(pilot: Any) -> LearnerFormScreen:
    """The new-learner form, once all of it is there."""
    screen = pilot.app.screen
    assert isinstance(screen, LearnerFormScreen)
    for _ in range(100):
        await pilot.pause()
        if screen.complete:
            break
    await settle(pilot)
    return screen


async def test_a_burst_with_tab_and_enter_fills_each_field(
    course: Course, store: RecordsStore
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _whole_form(pilot)
        keys = [*"Ada", "space", *"Example", "tab", *"E-1", "enter", *"Acme"]
        burst(app, *keys)
        await settle(pilot)
        assert screen.query_one("#name", Input).value == "Ada Example"
        assert screen.query_one("#external-id", Input).value == "E-1"
        assert screen.query_one("#organisation", Input).value == "Acme"


async def test_a_burst_ending_in_ctrl_s_saves_every_field(
    course: Course, store: RecordsStore
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await _whole_form(pilot)
        burst(app, "tab", "shift+tab", *"Bob", "tab", *"X9", "tab", *"Org", "ctrl+s")
        for _ in range(50):
            await pilot.pause()
            if store.learner_count():
                break
        await settle(pilot)
        [learner] = store.learners()
        assert (learner.name, learner.external_id, learner.organisation) == ("Bob", "X9", "Org")


async def test_editing_keys_in_a_burst_act_in_order_with_the_letters(
    course: Course, store: RecordsStore
) -> None:
    """Backspace, the arrows, Home and End act where they were typed, in order with the
    letters (Textual looks a field's bindings up only once the key is back at the app, after
    the letters behind it were typed: this burst gave "Adxa LovelceaDr")."""
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _whole_form(pilot)
        keys = [*"Adx", "backspace", *"a", "space", *"Lovelce", "left", "left", *"a"]
        burst(app, *keys, "home", *"Dr", "space", "end", *"!", "backspace")
        await settle(pilot)
        assert screen.query_one("#name", Input).value == "Dr Ada Lovelace"
