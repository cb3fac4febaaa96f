"""The screens' containers draw one line of their own and repeat it (#20): the same lines
Textual draws for every line of them, in the app's themes, focused or not; a container whose
lines differ (a top or bottom border, a keyline) is drawn by Textual as before."""

from __future__ import annotations

from functools import partial

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from tests.tui_fixtures import SIZE, make_app, press
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.player import PlayerScreen
from trainer.tui.widgets.flat import FlatLines, FlatVertical, same_every_line


def _textual_lines(widget: Widget) -> list[Strip]:
    """The widget's lines as Textual draws them, every line and its content (not
    FlatLines' shortcuts)."""
    widget._styles_cache.clear()
    widget.refresh()
    widget.render_line = partial(Widget.render_line, widget)  # type: ignore[method-assign]
    try:
        return Widget.render_lines(widget, Region(0, 0, *widget.size))
    finally:
        del widget.render_line


def _flat_lines(widget: Widget) -> list[Strip]:
    widget._styles_cache.clear()
    widget.refresh()
    return widget.render_lines(Region(0, 0, *widget.size))


def _same(a: list[Strip], b: list[Strip]) -> bool:
    """The same characters in the same styles (however Textual splits them in segments)."""
    return [list(s.simplify()) for s in a] == [list(s.simplify()) for s in b]


# A dark theme, the ANSI one (its colours pass through a filter) and high contrast.
@pytest.mark.parametrize("theme", ["textual-dark", "ansi-dark", "high"])
async def test_flat_containers_draw_what_textual_draws(
    course: Course, store: RecordsStore, theme: str
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, high_contrast=theme == "high")
    async with app.run_test(size=SIZE) as pilot:
        if theme != "high":
            app.theme = theme
        seen: list[str] = []
        # the learner list, the dashboard, a module's introduction, a question, its feedback
        for keys in ((), ("enter",), ("enter",), ("enter",), ("1", "enter")):
            await press(pilot, *keys)
            screen = app.screen
            for widget in [screen, *screen.query("*")]:
                if isinstance(widget, FlatLines) and widget.display and widget.size.height > 1:
                    assert same_every_line(widget)  # type: ignore[arg-type]
                    flat = _flat_lines(widget)  # type: ignore[arg-type]
                    assert len(flat) == widget.size.height  # type: ignore[attr-defined]
                    assert _same(flat, _textual_lines(widget)), widget  # type: ignore[arg-type]
                    seen.append(type(widget).__name__)
        assert isinstance(app.screen, PlayerScreen) and app.screen.feedback is not None
        for kind in ("LearnerPickScreen", "DashboardScreen", "ModuleIntroScreen"):
            assert kind in seen
        assert seen.count("PlayerScreen") == 2 and "FeedbackScroll" in seen


class _Boxes(App[None]):
    CSS = """
    #top { border-top: solid red; height: 4; }
    #keyline { keyline: thin green; height: 4; }
    #plain { height: 4; border-left: thick blue; padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        for name in ("top", "keyline", "plain"):
            with FlatVertical(id=name):
                yield Static(name)


async def test_containers_whose_lines_differ_are_drawn_by_textual() -> None:
    async with _Boxes().run_test(size=(40, 14)) as pilot:
        await pilot.pause()
        for name, flat in (("top", False), ("keyline", False), ("plain", True)):
            box = pilot.app.query_one(f"#{name}", FlatVertical)
            assert same_every_line(box) is flat, name
            assert _same(_flat_lines(box), _textual_lines(box)), name
        # a widget with content of its own is never taken for a blank container
        assert not same_every_line(pilot.app.query_one("#plain Static", Static))
        # a translucent screen shows the screen below it through its background
        modal = _Modal()
        await pilot.app.push_screen(modal)
        await pilot.pause()
        assert not same_every_line(modal)
        assert _same(_flat_lines(modal), _textual_lines(modal))


class _Modal(FlatLines, ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("a dialog", id="dialog")
