"""History: every attempt by the current learner, with dates, result and score; Enter on a
finished attempt opens its results (mastery and the decisions to review)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from trainer.safetext import terminal_safe
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.history_table import HistoryTable
from trainer.tui.words import day_text, points_text, status_text
from trainer.words import plural

if TYPE_CHECKING:
    from trainer.records.store import AttemptRow
    from trainer.tui.app import TrainerApp


class HistoryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def compose(self) -> ComposeResult:
        learner = self.trainer.learner
        assert learner is not None
        yield Static(Content(f"History · {terminal_safe(learner.name)}"), classes="title-bar")
        yield HistoryTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static(id="history-note", classes="help-text")
        yield Static(id="learner-changes", classes="help-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        learner = self.trainer.learner
        assert learner is not None
        course = self.trainer.course
        titles = {m.id: m.title for m in course.module_map.values()}
        table = self.query_one("#history", HistoryTable)
        attempts = self.trainer.store.attempts(learner_id=learner.id)
        rows = [self.row_cells(attempt, titles) for attempt in reversed(attempts)]  # newest 1st
        table.add_column("Started")
        table.add_column("Module", width=self.module_width(rows))
        table.add_columns("Result", "Score")
        for attempt, cells in zip(reversed(attempts), rows, strict=True):
            # Auto height: a long module title wraps in its column instead of pushing the
            # result and score off an 80-column screen.
            # Text, not markup: a "[" in a module title is shown as typed.
            table.add_row(*map(Text, cells), height=None, key=str(attempt.id))
        note = (
            f"{plural(len(attempts), 'attempt')}, newest first. Enter shows a finished attempt's "
            "results; Esc goes back."
            if attempts
            else "No attempts yet. Open a module from the dashboard to begin."
        )
        self.query_one("#history-note", Static).update(note)
        self.show_learner_changes(learner.id)
        table.focus()

    def row_cells(self, attempt: AttemptRow, titles: dict[str, str]) -> tuple[str, ...]:
        """Started, module, result and score of one attempt, as the table shows them."""
        course = self.trainer.course
        if attempt.percent is not None and attempt.status in ("passed", "failed"):
            score = f"{attempt.percent}%"
            if attempt.score is not None and attempt.max_score is not None:
                score += f" ({points_text(attempt.score)}/{points_text(attempt.max_score)})"
        else:
            answered = len(self.trainer.store.answers(attempt.id))
            score = f"{answered} answered"
        title = titles.get(attempt.module_id, attempt.module_id)
        if attempt.course_id != course.id:
            title += f" ({attempt.course_id})"
        return (day_text(attempt.started_at), title, status_text(attempt.status), score)

    def module_width(self, rows: list[tuple[str, ...]]) -> int:
        """The module column's width: the longest title, or what the screen leaves for it
        after the other columns (each with its padding), the margins and the scrollbar."""
        others = sum(
            max([cell_len(header)] + [cell_len(row[i]) for row in rows]) + 2
            for i, header in ((0, "Started"), (2, "Result"), (3, "Score"))
        )
        room = self.app.size.width - 2 - 2 - others - 2  # margins, scrollbar, own padding
        longest = max([cell_len("Module")] + [cell_len(row[1]) for row in rows])
        return max(12, min(longest, room))

    def show_learner_changes(self, learner_id: int) -> None:
        """Renames and role, organisation or ID changes, as kept in the learner history."""
        from trainer.export import change_text, history_rows

        changes = [
            h for h in history_rows(self.trainer.store, [learner_id]) if h["change"] != "created"
        ]
        widget = self.query_one("#learner-changes", Static)
        widget.display = bool(changes)
        if changes:
            lines = [change_text(h) for h in changes[-3:]]
            more = (
                f" ({len(changes) - 3} earlier: trainer records --history)"
                if len(changes) > 3
                else ""
            )
            widget.update(Content("Changes to your details" + more + ":\n" + "\n".join(lines)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the selected attempt's results, or say why there are none to show."""
        from trainer.session import past_result
        from trainer.tui.screens.results import PastResultsScreen

        store = self.trainer.store
        row = store.get_attempt(int(event.row_key.value or 0))
        if row is None:
            return
        if row.status not in ("passed", "failed"):
            why = {
                "in-progress": "This attempt is not finished: open the module on the dashboard "
                "to continue it.",
                "abandoned": "This attempt was closed before it was finished, so it has no "
                "results.",
            }
            self.notify(why.get(row.status, "This attempt has no results."), title="No results")
            return
        try:
            module = self.trainer.course.module(row.module_id)
        except KeyError:
            module = None
        result = past_result(store, module, row) if module is not None else None
        if module is None or result is None:
            self.notify(
                f"Score {row.percent}%. The module has changed since this attempt (or is no "
                "longer in the course), so its decisions cannot be shown again.",
                title="Details not available",
            )
            return
        self.app.push_screen(PastResultsScreen(module, row, result))

    def action_back(self) -> None:
        self.app.pop_screen()
