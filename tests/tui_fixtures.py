"""Helpers shared by the Pilot tests of the terminal app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.widgets import DataTable, OptionList, Static

from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.app import TrainerApp

if TYPE_CHECKING:
    from trainer.tui.screens.player import PlayerScreen
from trainer.tui.widgets.feedback_view import FeedbackView

FIXTURE = Path(__file__).parent / "fixtures" / "tui_course" / "course.yaml"
SIZE = (80, 24)


def make_app(course: Course, store: RecordsStore, **kwargs: object) -> TrainerApp:
    """The app on ``course``, in a fixed theme so that screens compare the same."""
    app = TrainerApp(course=course, store=store, **kwargs)  # type: ignore[arg-type]
    app.theme = "textual-dark"
    return app


def screen_text(app: App[object]) -> str:
    """The words on the current screen: every Static, feedback, option prompt and table cell."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static) and widget.display:
            parts.append(str(getattr(widget.visual, "plain", widget.content)))
        elif isinstance(widget, FeedbackView) and widget.display:
            parts.append(widget.plain)
        elif isinstance(widget, OptionList):
            parts.extend(str(getattr(o.prompt, "plain", o.prompt)) for o in widget.options)
        elif isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.append(" | ".join(str(c) for c in widget.get_row_at(row)))
    return "\n".join(parts)


def on_feedback(app: App[object]) -> PlayerScreen:
    """The player, showing an answer's feedback (the test fails if it is not)."""
    from trainer.tui.screens.player import PlayerScreen

    screen = app.screen
    assert isinstance(screen, PlayerScreen) and screen.feedback is not None
    return screen


def footer_text(app: App[object]) -> str:
    """The key hints shown in the current screen's footer, e.g. "⏎ Results  esc Back"."""
    from trainer.tui.widgets.footer import KeyFooter

    footer = app.screen.query_one(KeyFooter)
    footer.render()  # the keys' columns, as last drawn
    return "  ".join(
        f"{key.key_display} {key.description}".strip()
        for key, (start, _) in zip(footer.keys, footer._spans, strict=True)
        if start < footer.region.width
    )


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the app finish what the last keys started: the work it does in a thread (saving
    an answer, opening a module, a learner search, a certificate) and the screens it shows
    then. A Pilot key press waits for the screen, not for that work."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Press ``keys`` one by one, letting the app finish each one's work first (see
    :func:`settle`): a learner waits for the feedback before pressing Enter again."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


# What a terminal's driver gives each key as its character (keys not named here: their
# one character, or none for a named key such as "down").
CHARACTERS = {"enter": "\r", "tab": "\t", "space": " "}


def burst(app: App[object], *keys: str) -> None:
    """Send ``keys`` as a terminal delivers keys typed (or pasted) in one go: all queued
    at once, none waiting for the one before to be handled (unlike ``pilot.press``)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)
