"""Results: score against the pass mark, mastery per misconception, missed decisions, retake."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from trainer.tui.widgets.feedback_view import FeedbackView, outcome_banner
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.words import day_text, points_text, tag_myth, tag_name
from trainer.words import plural

if TYPE_CHECKING:
    from trainer.bank.model import Module
    from trainer.engine import Result
    from trainer.records.store import AttemptRow
    from trainer.session import Session
    from trainer.tui.app import TrainerApp


def verdict(result: Result) -> Content:
    mark = "✔ PASSED" if result.passed else "✘ NOT PASSED YET"
    return Content.assemble(
        (mark, "bold"),
        f" · {points_text(result.score)} of {plural(result.max_score, 'point')} = "
        f"{result.percent}% · pass mark {result.pass_mark}%",
    )


def mastery_rows(result: Result) -> Iterator[Horizontal]:
    """One row per misconception tag: those still held first, each with its myth."""
    weak = {m.tag for m in result.weak_tags()}
    ordered = sorted(result.mastery, key=lambda m: (m.tag not in weak, tag_name(m.tag)))
    for item in ordered:
        held = item.tag in weak
        state = "still to work on" if held else "understood"
        lines = [
            Static(
                Content.assemble(
                    (tag_name(item.tag), "bold"),
                    f": {state} · {round(item.fraction * 100)}% of the points, "
                    f"{item.correct} of {plural(item.decisions, 'decision')} fully right",
                )
            )
        ]
        myth = tag_myth(item.tag)
        if held and myth:
            lines.append(Static(Content(f"Myth: {myth}"), classes="choice-feedback"))
        yield Horizontal(
            Label("✘" if held else "✔", classes="mastery-mark"),
            Vertical(*lines, classes="choice-text"),
            classes="mastery-line",
        )


class ResultsView(Screen[None]):
    """Score against the pass mark, what the learner knows myth by myth, and every missed
    decision with its feedback. Subclasses say what comes next."""

    def __init__(self, module: Module, result: Result) -> None:
        super().__init__()
        self.module = module
        self.result = result

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def heading(self) -> str:
        return f"Results · {self.module.title}"

    def next_step_text(self) -> str:
        return "Press Esc to go back."

    def compose(self) -> ComposeResult:
        result = self.result
        yield Static(Content(self.heading()), classes="title-bar")
        yield Static(verdict(result), id="verdict", classes="outcome")
        with VerticalScroll(id="results", classes="page"):
            yield Static("What you know, myth by myth", classes="heading")
            with Vertical(id="mastery"):
                yield from mastery_rows(result)
            if result.missed:
                yield Static(
                    Content(f"Decisions to review ({len(result.missed)})"), classes="heading"
                )
                for feedback in result.missed:
                    question = feedback.question
                    yield Static(
                        Content.assemble(
                            f"Question {question.question_number} · {question.scenario.title} · ",
                            outcome_banner(feedback),
                        ),
                        classes="review-title",
                    )
                    yield FeedbackView(feedback, with_prompt=True)
            else:
                yield Static("✔ No missed decisions: every answer was correct.", classes="para")
            yield Static(self.next_step_text(), classes="help-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#results", VerticalScroll).focus()

    def action_back(self) -> None:
        self.app.pop_screen()


class ResultsScreen(ResultsView):
    """The results of the attempt just finished; t takes the module again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "retake", "Retake"),
        Binding("h", "history", "History"),
        Binding("escape", "back", "Dashboard"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session.module, session.result())
        self.session = session

    def next_step_text(self) -> str:
        if self.result.passed:
            return "Press t to take the module again, or Esc for the dashboard."
        return "Press t to try again (a new attempt), or Esc for the dashboard."

    starting = False  # a retake is being started (in a worker)

    def action_retake(self) -> None:
        if not self.starting:
            self.starting = True
            self.retake()

    @work(exclusive=True, group="start-module")
    async def retake(self) -> None:
        """Start a new attempt in a thread (it writes the records)."""
        from trainer.records.errors import StoreError
        from trainer.service.modules import ModuleNotStarted, start_module

        learner = self.trainer.learner
        assert learner is not None
        try:
            session = await asyncio.to_thread(
                partial(
                    start_module,
                    self.trainer.store,
                    self.trainer.course,
                    self.module,
                    learner,
                    fresh=True,
                )
            )
        except (ModuleNotStarted, StoreError) as exc:
            self.not_started(str(exc))
            return
        self.started(session)

    def started(self, session: Session) -> None:
        from trainer.tui.screens.player import PlayerScreen

        self.starting = False
        if self.is_current:
            self.app.switch_screen(PlayerScreen(session))

    def not_started(self, message: str) -> None:
        from trainer.safetext import terminal_safe

        self.starting = False
        self.notify(terminal_safe(message), title="Module not opened", severity="error", timeout=20)

    def action_history(self) -> None:
        from trainer.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())


class PastResultsScreen(ResultsView):
    """A finished attempt's results, opened from the history: the same review, read-only."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, module: Module, row: AttemptRow, result: Result) -> None:
        super().__init__(module, result)
        self.row = row

    def heading(self) -> str:
        return f"Results · {self.module.title} · started {day_text(self.row.started_at)}"

    def next_step_text(self) -> str:
        return (
            "Press Esc to go back to your history. To take the module again, open it from "
            "the dashboard."
        )
