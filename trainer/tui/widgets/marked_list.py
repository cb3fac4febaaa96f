"""An OptionList whose current option carries a ▶ mark, so focus never rests on colour."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
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


class Marked(Visual):
    """An option's words with its mark (``▶`` on the highlighted one), wrapped by
    :func:`hang` at the width the list draws it. The list's width is known only once it is
    laid out, after its screen's first frame was composed: words wrapped when the option was
    made were wrapped again on the list's first resize, and the frame after the first moved
    them (a module's second line, a choice's continuation under its number)."""

    def __init__(self, prompt: Content, highlighted: bool) -> None:
        self.prompt = prompt
        self.highlighted = highlighted
        self._wrapped: tuple[int, Content] | None = None  # the last width and its lines

    def at(self, width: int) -> Content:
        """The marked words wrapped to ``width`` cells, the mark's included (0: unwrapped)."""
        wrapped = self._wrapped
        if wrapped is None or wrapped[0] != width:
            rows: list[Content] = []
            for line in self.prompt.split("\n", allow_blank=True):
                rows.extend(hang(line, width - len(CURSOR)))
            marks = [CURSOR if self.highlighted else NO_CURSOR] + [NO_CURSOR] * (len(rows) - 1)
            lines = Content("\n").join(
                Content.assemble(m, row) for m, row in zip(marks, rows, strict=True)
            )
            wrapped = self._wrapped = (width, lines)
        return wrapped[1]

    @property
    def plain(self) -> str:
        """The words as last drawn (unwrapped before they are)."""
        return (self._wrapped[1] if self._wrapped is not None else self.at(0)).plain

    def __str__(self) -> str:
        return self.plain

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.at(0).get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.at(0).get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width).get_height(rules, width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.at(width).render_strips(width, height, style, options)


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

    def _marked(self, prompt: Content, highlighted: bool) -> Marked:
        return Marked(prompt, highlighted)

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
