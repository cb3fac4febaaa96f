"""The screen's keys on its bottom line, as Textual's Footer shows them, in one widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import ActiveBinding, Binding
    from textual.screen import Screen


class ShownKey(NamedTuple):
    key: str  # what pressing it is (a click on it presses it)
    key_display: str  # how it is written
    description: str
    action: str
    enabled: bool


class KeyFooter(Widget, can_focus=False):
    """The keys of the screen's bindings (those shown), one per action, as Textual's
    ``Footer`` shows them: the same characters in the same styles, a click on a key presses
    it, a key under the mouse is highlighted (tests/tui/test_tui_first_frames.py compares
    the two footers' lines in each of the app's themes).

    Textual's footer is a container of one ``FooterKey`` widget per key, and every change of
    the screen's bindings (three as a screen opens: the screen shown, the focus, the
    highlighted option) removed every key and mounted new ones, each styled on its own,
    and the screen was laid out again: ~15 ms of a quick learner's next key. Here the keys
    are words in one widget: a change reads the screen's bindings once, and only when the
    keys differ from those shown is the one line drawn again. Its first frame has the keys
    (Textual's footer's is empty: its keys come with the screen's first change of bindings,
    and the screen is drawn again then).
    """

    COMPONENT_CLASSES = {  # noqa: RUF012 - Textual's type for it is a plain set
        "footer-key--item",
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
    }
    # Textual's Footer and FooterKey rules (8.2), for one widget: the key's own background
    # is the item's, then the key part's or the description's.
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .footer-key--item {
            background: $footer-item-background;
        }
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[ShownKey, ...] = ()
        self._spans: list[tuple[int, int]] = []  # each key's columns, for the mouse
        self._hover: int | None = None
        self._bindings_ready = False
        self._keys_read = False  # the screen's bindings have been read once
        # The line as drawn (and each key's columns) for the keys, hover and width it was
        # drawn for: a question and its feedback swap between two footers, and turning
        # one into its line took ~1 ms of each answer's frame here. Cleared on any change
        # of styles (theme, pseudo-classes) by notify_style_update.
        self._drawn: dict[tuple[object, ...], tuple[Strip, list[tuple[int, int]]]] = {}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """As Textual's footer: the keys are read after the next refresh."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.update_keys)

    def update_keys(self) -> None:
        if not self.is_attached or not self.screen.is_current:
            return  # hidden: read again when its screen is shown (a bindings change)
        keys = shown_keys(self.screen.active_bindings, self.app.get_key_display)
        self._keys_read = True
        if keys != self.keys:
            self.keys = keys
            self._hover = None
            self.refresh()

    def notify_style_update(self) -> None:
        self._drawn.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        if y != 0 or self.text_selection is not None:
            return super().render_line(y)
        if not self._keys_read and self.app.app_focus and self.screen.is_current:
            # The screen's first frame: its keys as they are now (the focus is where the
            # screen put it), so that the frame is whole. Textual's footer is empty until
            # the screen's first change of bindings has been followed by a refresh, and the
            # screen is drawn again then.
            self._keys_read = self._bindings_ready = True
            self.keys = shown_keys(self.screen.active_bindings, self.app.get_key_display)
        key = (self.keys, self._hover, self._bindings_ready, self.size.width)
        drawn = self._drawn.get(key)
        if drawn is None:
            if len(self._drawn) > 8:
                self._drawn.clear()
            # Drawn from render() now, as Widget._render_content would (its cache may hold
            # the line of other keys or colours: nothing marks it stale for a style change)
            line = visualize(self, self.render(), markup=False)
            strip = Visual.to_strips(self, line, self.size.width, 1, self.visual_style)[0]
            drawn = self._drawn[key] = (strip, self._spans)
        self._spans = drawn[1]
        return drawn[0]

    def render(self) -> Text:
        """Each key as ``FooterKey.render`` writes it (not compact: " key description ")."""
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        if not self._bindings_ready:
            return line
        item = self.get_component_rich_style("footer-key--item")
        key_style = self.get_component_rich_style("footer-key--key")
        key_partial = self.get_component_rich_style("footer-key--key", partial=True)
        description_style = self.get_component_rich_style("footer-key--description")
        for index, shown in enumerate(self.keys):
            base = item
            key, description = key_style, description_style
            if index == self._hover:  # FooterKey:hover
                base = self.get_component_rich_style("footer-key--hover")
                key = base + key_partial
                description = base + self.get_component_rich_style(
                    "footer-key--description", partial=True
                )
            if not shown.enabled:  # FooterKey.-disabled
                dim = Style(dim=True)
                base, key, description = base + dim, key + dim, description + dim
            part = (
                Text.assemble(
                    (f" {shown.key_display} ", key), (f"{shown.description} ", description)
                )
                if shown.description
                else Text(shown.key_display, key)
            )
            part.stylize_before(base)
            self._spans.append((line.cell_len, line.cell_len + part.cell_len))
            line.append_text(part)
        return line

    def _key_at(self, x: int) -> int | None:
        for index, (start, end) in enumerate(self._spans):
            if start <= x < end:
                return index
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a key presses it, as on Textual's footer."""
        index = self._key_at(event.x)
        if index is None:
            return
        if self.keys[index].enabled:
            self.app.simulate_key(self.keys[index].key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._key_at(event.x)
        if index != self._hover:
            self._hover = index
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()


def shown_keys(
    active: dict[str, ActiveBinding], display: Callable[[Binding], str]
) -> tuple[ShownKey, ...]:
    """The keys Textual's footer shows for these bindings: those shown, the first binding
    of each action, in order (no binding here has a group)."""
    by_action: dict[str, ShownKey] = {}
    for _, binding, enabled, _tooltip in active.values():
        if binding.show and binding.action not in by_action:
            by_action[binding.action] = ShownKey(
                binding.key,
                display(binding),
                binding.description,
                binding.action,
                enabled,
            )
    return tuple(by_action.values())
