"""Reporting resources (numbers, what to do), from the course's one resources file. F2."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from trainer.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.widget import Widget

    from trainer.bank.model import Resources


def resource_lines(resources: Resources) -> list[str]:
    """The resources as plain lines (Resources.as_lines), with the sources cited at the end."""
    lines = resources.as_lines()
    if lines[:1] == [resources.title]:
        lines = lines[2:]  # the title is the dialog's heading
    if resources.sources:
        lines += ["", "Sources"]
        lines += [f"  - {s.citation()}" for s in resources.sources.values()]
    return lines


def line_widgets(lines: list[str]) -> Iterator[Widget]:
    """Headings and contact names in bold; indented lines and bullets wrap under themselves."""
    for line in lines:
        text = line.lstrip()
        indent = len(line) - len(text)
        if not text:
            yield Static("", classes="res-gap")
        elif indent == 0:
            yield Static(Content(text), classes="res-name")
        elif text.startswith("- "):
            yield Horizontal(
                Label("•", classes="mark"),
                Static(Content(text[2:]), classes="text"),
                classes="bullet res-indent",
            )
        else:
            yield Static(Content(text), classes="res-indent")


class ResourcesScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("f2", "close", "Close", show=False),
    ]

    def __init__(self, resources: Resources) -> None:
        super().__init__()
        self.resources = resources

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="resources"):
            yield Static(Content(self.resources.title), classes="heading")
            yield Static("↑↓ to scroll · Esc or F2 to close", classes="help-text")
            yield from line_widgets(resource_lines(self.resources))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#resources", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
