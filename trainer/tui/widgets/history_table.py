"""The history table: one row per attempt; Enter opens a finished attempt's results."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class HistoryTable(DataTable[Text]):
    """A row-cursor table whose Enter is shown in the footer as what it does here."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Results")]
