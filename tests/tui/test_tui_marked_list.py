"""A marked list's words are wrapped under their text at the width the list is drawn, from
its first frame: its width is known only once it is laid out (#20)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.content import Content

from trainer.tui.widgets.marked_list import CURSOR, Marked, MarkedOptionList

LONG = "1. " + "a choice whose words run over the width of the list " * 2


class _ListApp(App[None]):
    CSS = "MarkedOptionList { width: 40; height: 10; border: none; }"

    def compose(self) -> ComposeResult:
        yield MarkedOptionList(id="marked")

    def on_mount(self) -> None:
        self.query_one(MarkedOptionList).set_items([("a", Content(LONG)), ("b", Content("2. B"))])


def _text(app: App[None]) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip)[:40].rstrip() for strip in strips]


async def test_the_first_frame_hangs_each_line_under_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frames: list[list[str]] = []
    real = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        real(self, screen, renderable)
        if (
            renderable is not None
            and screen.query("#marked")
            and self.query_one(MarkedOptionList).option_count
        ):
            frames.append(_text(self))

    monkeypatch.setattr(App, "_display", display)
    app = _ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        await pilot.pause()
    first, last = frames[0], frames[-1]
    assert first == last
    at = first[0].index(CURSOR + "1. a choice")  # after the list's own left edge
    # every continuation line starts under the words, after "▶ " and "1. "
    rows = [line[at:] for line in first[1:] if line and "2. B" not in line]
    assert len(rows) > 1 and all(row.startswith(" " * 5) and row[5] != " " for row in rows)


def test_marked_words_wrap_at_any_width_and_keep_the_mark() -> None:
    marked = Marked(Content("3. [x] " + "word " * 20), True)
    assert marked.at(0).plain == CURSOR + "3. [x] " + "word " * 20
    lines = marked.at(30).plain.split("\n")
    assert lines[0].startswith(CURSOR + "3. [x] ") and all(len(line) <= 30 for line in lines)
    assert all(line.startswith(" " * 9) for line in lines[1:])  # under the words
    assert marked.plain == marked.at(30).plain  # as last drawn
