"""Containers that draw one line of their background, not every line.

A container has no content of its own: Textual draws its background (and side borders) for
every line of it, then covers those lines with its children's. On the player's feedback
frame that was ~85 of the ~100 lines drawn, a third of the frame (~5 ms here). When the
container has no top or bottom edge (border, outline, keyline), every one of its lines is
the same, so :class:`FlatLines` draws the first and repeats it (the lines are immutable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style as RichStyle
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


def same_every_line(widget: Widget) -> bool:
    """Whether each line of ``widget`` as Textual draws it is the same."""
    styles = widget.styles
    keyline: str = styles.keyline[0]
    if keyline != "none":
        return False
    if styles.border_top[0] or styles.border_bottom[0]:
        return False
    if styles.outline_top[0] or styles.outline_bottom[0]:
        return False
    if isinstance(widget, Screen):
        # A translucent screen draws the screen below it through its background.
        return styles.background.a >= 1 and type(widget).render is Screen.render
    # A container's own content is blank (Widget.render); anything else may vary by line.
    return widget.is_container and type(widget).render is Widget.render


if TYPE_CHECKING:
    _Base = Widget
else:  # a plain mixin: a Widget base here would reset can_focus and the like (Textual
    _Base = object  # sets them on every Widget subclass it is given)


class FlatLines(_Base):
    """Mixin for a container (or screen): draws one line of its own and repeats it."""

    def render_lines(self, crop: Region) -> list[Strip]:
        if crop.height > 1 and same_every_line(self):
            first = super().render_lines(Region(crop.x, crop.y, crop.width, 1))
            return first * crop.height
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """A content line: blank, as Textual's blank widgets draw it (Widget.render_line
        would draw the container's whole blank content for the one line asked)."""
        if same_every_line(self):  # textual.renderables.blank.Blank's line, as rendered
            background = self.background_colors[1].rich_color
            return Strip.blank(self.size.width, RichStyle.from_color(bgcolor=background))
        return super().render_line(y)


class FlatVertical(FlatLines, Vertical):
    """A Vertical that draws its background once (:class:`FlatLines`)."""


class FlatVerticalScroll(FlatLines, VerticalScroll):
    """A VerticalScroll that draws its background and side borders once."""
