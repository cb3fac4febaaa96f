"""A large roster's search box, above the learner list (made only for a roster: a kiosk's
first screen does not import it)."""

from __future__ import annotations

from typing import ClassVar

from trainer.tui.widgets.form_fields import FormField


class SearchBox(FormField):
    """Type part of a name or ID; the list below shows the matches.

    Enter, Tab and Down go on to the list at once, and a key typed after them in the same
    burst (a fast typist, a paste, a badge reader that types an ID and an Enter) goes to the
    list, not into the box (FormField). The screen holds a key that acts on the list until
    the list shows the matches for what is typed (LearnerPickScreen.on_key), so it never
    picks from the list as it was before the last letters."""

    _MOVES: ClassVar[dict[str, str]] = {
        "enter": "focus_next",
        "tab": "focus_next",
        "down": "focus_next",
        "shift+tab": "focus_previous",
    }
