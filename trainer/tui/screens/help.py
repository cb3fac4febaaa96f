"""Key bindings, on every screen with ? or F1."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.tui.widgets.footer import KeyFooter

Keys = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

KEYS: Keys = (
    ("Everywhere", (
        ("? or F1", "this help"),
        ("F2", "reporting numbers and what to do"),
        ("q / Ctrl+C", "quit (answers are already saved)"),
        ("Esc", "go back or close a dialog"),
        ("Tab", "move between fields and buttons"),
    )),
    ("Learners", (
        ("↑↓ Enter", "pick a learner"),
        ("type, ↓", "many learners: find your name or ID, then pick it"),
        ("a", "add a learner"),
        ("e", "correct name, ID, organisation or role (kept in history)"),
    )),
    ("Dashboard", (
        ("↑↓ Enter", "open a module"),
        ("h / c / l", "history / certificate / change learner"),
    )),
    ("Questions", (
        ("↑↓ or 1–9", "move to a choice"),
        ("Space", "tick or untick (select-all-that-apply)"),
        ("Enter", "submit the answer, then continue"),
        ("PgUp PgDn", "scroll a long story"),
        ("Esc", "pause; continue later where you left off"),
    )),
    ("Results", (
        ("t", "take the module again"),
        ("h", "history of attempts"),
    )),
    ("History", (
        ("↑↓ Enter", "results of a finished attempt"),
    )),
    ("Screen reader?", (
        ("--plain", "start with 'trainer --plain' for a line-by-line mode"),
    )),
)  # fmt: skip


def help_text(keys: Keys = KEYS) -> Content:
    parts: list[str | tuple[str, str]] = []
    for n, (heading, rows) in enumerate(keys):
        if n:
            parts.append("\n")
        parts.append((f"{heading}\n", "bold underline"))
        for key, what in rows:
            parts.append((f"  {key:<12}", "bold"))
            parts.append(f" {what}\n")
    return Content.assemble(*parts).rstrip()


class HelpScreen(ModalScreen[None]):
    KEYS = KEYS  # what the screen lists; the preview adds its own keys

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("f1", "close", "Close", show=False),
        Binding("f2", "app.resources", "Reporting", key_display="F2"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Static("Keys (↑↓ to scroll, Esc to close)", classes="heading")
            yield Static(help_text(self.KEYS), id="help-keys")
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
