"""An OptionList whose current option carries a ▶ mark, so focus never rests on colour."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

CURSOR = "▶ "
NO_CURSOR = "  "
_HANG = re.compile(r"^\s*(\d+\.\s+)?(\[[ x]\]\s+)?")


def hang(line: Content, width: int) -> list[Content]:
    """Wrap one line to ``width``, continuing under its text (after "3. " or "[x] ")."""
    if width <= 0 or line.cell_length <= width:
        return [line]
    indent = _HANG.match(line.plain).end()  # type: ignore[union-attr]
    if width - indent < 12:
        return line.wrap(width)
    head, tail = line[:indent], line[indent:]
    rows = tail.wrap(width - indent)
    return [Content.assemble(head, rows[0])] + [
        Content.assemble(" " * indent, row) for row in rows[1:]
    ]


class MarkedOptionList(OptionList):
    """Options are given as ``(id, Content)``; the highlighted one is shown with ``▶``."""

    def __init__(self, *, id: str | None = None) -> None:
        self._prompts: list[Content] = []
        self._shown_cursor: int | None = None
        super().__init__(id=id)

    def set_items(self, items: list[tuple[str, Content]], highlighted: int | None = 0) -> None:
        """Replace the options; keep ``highlighted`` (clamped) when given."""
        self._prompts = [prompt for _, prompt in items]
        self._shown_cursor = None
        self.clear_options()
        self.add_options(
            Option(self._marked(prompt, False), id=option_id) for option_id, prompt in items
        )
        if items:
            self.highlighted = min(highlighted or 0, len(items) - 1)

    def set_prompt(self, index: int, prompt: Content) -> None:
        self._prompts[index] = prompt
        self._redraw(index)

    def _marked(self, prompt: Content, highlighted: bool) -> Content:
        width = self.scrollable_content_region.width - len(CURSOR)
        rows: list[Content] = []
        for line in prompt.split("\n", allow_blank=True):
            rows.extend(hang(line, width))
        marks = [CURSOR if highlighted else NO_CURSOR] + [NO_CURSOR] * (len(rows) - 1)
        return Content("\n").join(
            Content.assemble(m, row) for m, row in zip(marks, rows, strict=True)
        )

    def on_resize(self, event: events.Resize) -> None:
        for index in range(min(len(self._prompts), self.option_count)):
            self._redraw(index)

    def _redraw(self, index: int | None) -> None:
        if index is not None and 0 <= index < min(len(self._prompts), self.option_count):
            self.replace_option_prompt_at_index(
                index, self._marked(self._prompts[index], index == self.highlighted)
            )

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        previous, self._shown_cursor = self._shown_cursor, highlighted
        if previous != highlighted:
            self._redraw(previous)
        self._redraw(highlighted)


class ModuleList(MarkedOptionList):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Open")]

    def action_select(self) -> None:
        """Enter opens the module at once where the screen can (a message would let keys
        typed right after select it again before its introduction is shown)."""
        opener = getattr(self.screen, "open_highlighted", None)
        if opener is None:
            super().action_select()
        else:
            opener()


class LearnerList(MarkedOptionList):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Choose")]
