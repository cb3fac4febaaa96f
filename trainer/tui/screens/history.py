"""History: every attempt by the current learner, with dates, result and score; Enter on a
finished attempt opens its results (mastery and the decisions to review)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Static

from trainer.records.errors import StoreError
from trainer.safetext import terminal_safe
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.history_table import HistoryTable
from trainer.tui.words import day_text, points_text, status_text
from trainer.words import plural

if TYPE_CHECKING:
    from trainer.service.modules import HistoryEntry, PastResult
    from trainer.tui.app import TrainerApp


class HistoryScreen(ReadsRecords):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    note = ""  # what the line under the table says once the history is in

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
        """Read the history in a thread (records on a server may be slow); keys typed
        meanwhile wait for it, except Esc, which goes back at once (ReadsRecords)."""
        from trainer.service.modules import history, learner_changes

        learner = self.trainer.learner
        assert learner is not None
        store, course = self.trainer.store, self.trainer.course

        def read() -> tuple[list[HistoryEntry], list[dict[str, Any]]]:
            return history(store, course, learner), learner_changes(store, learner)

        self.query_one("#history", HistoryTable).focus()
        self.read_records(read, self.show_history, self.show_unreadable)

    def say_reading(self, note: str) -> None:
        self.query_one("#history-note", Static).update(Content(note))

    def show_unreadable(self, error: StoreError) -> None:
        """E.g. the records server is away: said here, not a crash."""
        self.query_one("#history", HistoryTable).display = False
        self.query_one("#history-note", Static).update(
            Content(
                f"✘ The records cannot be read now: {terminal_safe(str(error))}\n"
                "Your answers so far are saved. Press Esc, then try again."
            )
        )

    def show_history(self, read: tuple[list[HistoryEntry], list[dict[str, Any]]]) -> None:
        entries, changes = read
        table = self.query_one("#history", HistoryTable)
        rows = [self.row_cells(entry) for entry in reversed(entries)]  # newest first
        table.add_column("Started")
        table.add_column("Module", width=self.module_width(rows))
        table.add_columns("Result", "Score")
        for entry, cells in zip(reversed(entries), rows, strict=True):
            # Auto height: a long module title wraps in its column instead of pushing the
            # result and score off an 80-column screen.
            # Text, not markup: a "[" in a module title is shown as typed.
            table.add_row(*map(Text, cells), height=None, key=str(entry.attempt.id))
        self.note = (
            f"{plural(len(entries), 'attempt')}, newest first. Enter shows a finished attempt's "
            "results; Esc goes back."
            if entries
            else "No attempts yet. Open a module from the dashboard to begin."
        )
        self.query_one("#history-note", Static).update(self.note)
        self.show_learner_changes(changes)

    def row_cells(self, entry: HistoryEntry) -> tuple[str, ...]:
        """Started, module, result and score of one attempt, as the table shows them."""
        attempt = entry.attempt
        if attempt.percent is not None and attempt.status in ("passed", "failed"):
            score = f"{attempt.percent}%"
            if attempt.score is not None and attempt.max_score is not None:
                score += f" ({points_text(attempt.score)}/{points_text(attempt.max_score)})"
        else:
            score = f"{entry.answered or 0} answered"
        return (day_text(attempt.started_at), entry.title, status_text(attempt.status), score)

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

    def show_learner_changes(self, changes: list[dict[str, Any]]) -> None:
        """Renames and role, organisation or ID changes, as kept in the learner history."""
        from trainer.export import change_text

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
        """Read the selected attempt's results in a thread, then open them (or say why
        there are none to show)."""
        from trainer.service.modules import past_attempt_result

        learner = self.trainer.learner
        assert learner is not None
        self.read_records(
            partial(
                past_attempt_result,
                self.trainer.store,
                self.trainer.course,
                learner,
                str(event.row_key.value or ""),
            ),
            self.show_past,
            self.past_unreadable,
        )

    def show_past(self, past: PastResult | None) -> None:
        from trainer.tui.screens.results import PastResultsScreen

        self.query_one("#history-note", Static).update(self.note)  # if a slow read said so
        if past is None:
            return
        why = {
            "in-progress": "This attempt is not finished: open the module on the dashboard "
            "to continue it.",
            "abandoned": "This attempt was closed before it was finished, so it has no results.",
        }
        if past.why in why:
            self.notify(why[past.why], title="No results")
            return
        if past.module is None or past.result is None:
            self.notify(
                f"Score {past.attempt.percent}%. The module has changed since this attempt (or "
                "is no longer in the course), so its decisions cannot be shown again.",
                title="Details not available",
            )
            return
        self.app.push_screen(PastResultsScreen(past.module, past.attempt, past.result))

    def past_unreadable(self, error: StoreError) -> None:
        self.query_one("#history-note", Static).update(self.note)
        self.notify(
            f"The records cannot be read now: {terminal_safe(str(error))}",
            title="No results",
            severity="error",
            timeout=20,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
