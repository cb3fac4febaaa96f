"""The list of answer choices: arrows + Enter, number keys, Space to toggle (multi-select).

The widget knows nothing about scoring. It shows choices, keeps the learner's selection and
hands the chosen ids to its screen (:class:`TakesAnswers`), which sends them to the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from textual.binding import Binding, BindingType
from textual.content import Content

from trainer.tui.widgets.marked_list import MarkedOptionList


@dataclass(frozen=True, slots=True)
class ChoiceItem:
    number: int  # as shown, 1-based
    choice_id: str
    text: str


@runtime_checkable
class TakesAnswers(Protocol):
    """A screen a choice list hands its answers to (the player)."""

    def take_answer(self, choice_list: ChoiceList, choice_ids: tuple[str, ...]) -> None: ...


class ChoiceList(MarkedOptionList):
    """Choices for one question. ``multi`` lets the learner tick several before submitting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit answer"),
        Binding("space", "toggle_choice", "Tick", show=False),
        # Page keys scroll the story above, which may be longer than the screen.
        Binding("pageup", "screen.scroll_story(-1)", "Scroll story", show=False),
        Binding("pagedown", "screen.scroll_story(1)", "Scroll story", show=False),
        *(Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)),
    ]

    def __init__(self, items: list[ChoiceItem], *, multi: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = items
        self.multi = multi
        self.selected: set[str] = set()
        # Answered: hidden behind its feedback until the next question replaces it.
        self.retired = False

    def watch_has_focus(self, has_focus: bool) -> None:
        """Restyle for the focus (Textual's watcher), except as a retired list loses it:
        it is never shown again, and restyling it cost the feedback's frame ~2 ms here."""
        if not self.retired:
            super().watch_has_focus(has_focus)

    def on_mount(self) -> None:
        self.set_items([(item.choice_id, self._prompt(item)) for item in self.items])

    def _prompt(self, item: ChoiceItem) -> Content:
        if self.multi:
            mark = "[x]" if item.choice_id in self.selected else "[ ]"
            return Content(f"{item.number}. {mark} {item.text}")
        return Content(f"{item.number}. {item.text}")

    @property
    def chosen_ids(self) -> tuple[str, ...]:
        if self.multi:
            return tuple(i.choice_id for i in self.items if i.choice_id in self.selected)
        if self.highlighted is None:
            return ()
        return (self.items[self.highlighted].choice_id,)

    def action_pick(self, number: int) -> None:
        """Number keys: move to that choice; in a multi-select also tick or untick it."""
        for index, item in enumerate(self.items):
            if item.number == number:
                self.highlighted = index
                if self.multi:
                    self.action_toggle_choice()
                return
        self.app.bell()

    def action_toggle_choice(self) -> None:
        """Space: tick or untick the current choice (multi-select only)."""
        if not self.multi or self.highlighted is None:
            return
        item = self.items[self.highlighted]
        self.selected.symmetric_difference_update({item.choice_id})
        self.set_prompt(self.highlighted, self._prompt(item))

    def action_select(self) -> None:  # a mouse click on an option
        if self.multi:
            self.action_toggle_choice()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        """Hand the chosen ids to the screen at once (not by a message up the DOM): keys
        typed right after then wait for this answer's feedback instead of answering
        again, and the answer is not delayed by the message's trip."""
        screen = self.screen
        if isinstance(screen, TakesAnswers):
            screen.take_answer(self, self.chosen_ids)
        else:
            self.app.bell()  # shown on a screen that takes no answers
