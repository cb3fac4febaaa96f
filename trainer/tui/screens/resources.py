"""Reporting resources (numbers, what to do), from the course's one resources file. F2."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from trainer.bank.model import Resources


def resources_text(resources: Resources) -> Content:
    lines = resources.as_lines()
    body = "\n".join(lines[2:]) if lines[:1] == [resources.title] else "\n".join(lines)
    if resources.sources:
        cited = "\n".join(f"  - {s.citation()}" for s in resources.sources.values())
        body += f"\n\nSources\n{cited}"
    return Content(body)


class ResourcesScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("f2", "close", "Close", show=False),
    ]

    def __init__(self, resources: Resources) -> None:
        super().__init__()
        self.resources = resources

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="resources"):
            yield Static(Content(self.resources.title), classes="heading")
            yield Static(resources_text(self.resources), id="resources-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#resources", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
