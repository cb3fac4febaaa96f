"""A large roster's search box, above the learner list (made only for a roster: a kiosk's
first screen does not import it)."""

from __future__ import annotations

from typing import ClassVar

from trainer.tui.widgets.form_fields import FormField


class SearchBox(FormField):
    """Type part of a name or ID; the list below shows the matches.

    Tab and Down go on to the list at once, and Enter once the list shows the matches for
    what is typed (the screen's ``to_list``). A key typed in the same burst after Tab or
    Down (a fast typist, a paste, a badge reader that types an ID and a Tab) goes to the
    list, not into the box (FormField); the screen holds a key that acts on the list until
    the list shows the matches for what is typed, so it never picks from the list as it was
    before the last letters."""

    _MOVES: ClassVar[dict[str, str]] = {
        "tab": "focus_next",
        "down": "focus_next",
        "shift+tab": "focus_previous",
    }

    async def action_submit(self) -> None:
        to_list = getattr(self.screen, "to_list", None)
        if to_list is not None:
            to_list(self.value)
