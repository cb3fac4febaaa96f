"""The learner form's text fields: keys typed in one burst go where they were meant."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.widgets import Input


def again(app: App[Any], old: events.Key) -> events.Key:
    """``old`` as a key typed now (from the app, so its bindings are looked up)."""
    key = events.Key(old.key, old.character)
    key.set_sender(app)
    return key


class FormField(Input):
    """A text field of the learner form (and the roster's search box). Keys the terminal
    delivers in one burst (fast typing, a paste, a slow remote link) all reach the field
    that has the focus then, and Textual would move the focus for a Tab only once that key
    has bubbled up to the app: the keys after it would be typed here. So Tab, Shift+Tab and
    Enter move the focus at once (Enter: what the form does when a field is submitted), and
    a key that arrives after the focus moved is typed again from the app, so that it goes
    where it was meant, in order. The field's own editing keys act at once too, in order
    with the letters around them."""

    _MOVES: ClassVar[dict[str, str]] = {
        "tab": "focus_next",
        "enter": "focus_next",
        "shift+tab": "focus_previous",
    }

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        focused = screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            self.app.post_message(again(self.app, event))
        elif event.key in self._MOVES:
            event.stop()
            event.prevent_default()
            getattr(screen, self._MOVES[event.key])()
        else:
            # An editing key (Backspace, Delete, the arrows, Home, End, Ctrl+U…) acts now,
            # in order with the letters: looked up once back at the app, it would act after
            # the letters typed behind it ("ab", Backspace, "c" gave "ab", not "ac").
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return


class NameField(FormField):
    """The form's name field. Until the rest of the form is mounted (just after its first
    frame), a key typed here that needs it (Tab, Enter, Ctrl+S), and every key after that
    one, waits for it (the form's ``holds``); letters before it go in as usual."""

    async def _on_key(self, event: events.Key) -> None:
        holds = getattr(self.screen, "holds", None)
        if holds is not None and holds(event):
            event.stop()
            event.prevent_default()  # Input's own handler does not type it now
