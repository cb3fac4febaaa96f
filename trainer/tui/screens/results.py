"""Results: score against the pass mark, mastery per misconception, missed decisions, retake."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.tui.widgets.feedback_view import feedback_body, outcome_banner
from trainer.tui.words import points_text, tag_myth, tag_name

if TYPE_CHECKING:
    from trainer.engine import Result
    from trainer.session import Session
    from trainer.tui.app import TrainerApp


def verdict(result: Result) -> Content:
    mark = "✔ PASSED" if result.passed else "✘ NOT PASSED YET"
    return Content.assemble(
        (mark, "bold"),
        f" · {points_text(result.score)} of {points_text(result.max_score)} points = "
        f"{result.percent}% · pass mark {result.pass_mark}%",
    )


def mastery_text(result: Result) -> Content:
    parts: list[str | tuple[str, str]] = []
    weak = {m.tag for m in result.weak_tags()}
    for item in result.mastery:
        held = item.tag in weak
        mark = "✘ Still to work on" if held else "✔ Understood"
        share = round(item.fraction * 100)
        parts.append((f"{tag_name(item.tag)}", "bold"))
        parts.append(
            f" — {mark} ({item.correct} of {item.decisions} decisions right, {share}%)\n"
        )
        myth = tag_myth(item.tag)
        if held and myth:
            parts.append(f"    Myth still to unlearn: {myth}\n")
    return Content.assemble(*parts).rstrip()


class ResultsScreen(Screen[None]):
    BINDINGS = [
        Binding("t", "retake", "Retake"),
        Binding("h", "history", "History"),
        Binding("escape", "back", "Dashboard"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.result = session.result()

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def compose(self) -> ComposeResult:
        result = self.result
        yield Static(Content(f"Results · {self.session.module.title}"), classes="title-bar")
        yield Static(verdict(result), id="verdict", classes="outcome")
        with VerticalScroll(id="results", classes="page"):
            yield Static("Each misconception (myth) this module tested", classes="heading")
            yield Static(mastery_text(result), id="mastery", classes="para")
            if result.missed:
                yield Static(
                    Content(f"Decisions to review ({len(result.missed)})"), classes="heading"
                )
                for feedback in result.missed:
                    question = feedback.question
                    yield Static(
                        Content.assemble(
                            f"Question {question.question_number} · "
                            f"{question.scenario.title} · ",
                            outcome_banner(feedback),
                        ),
                        classes="review-title",
                    )
                    yield Static(feedback_body(feedback, with_prompt=True), classes="review")
            else:
                yield Static("✔ No missed decisions: every answer was correct.", classes="para")
            next_step = (
                "Press t to take the module again, or Esc for the dashboard."
                if result.passed
                else "Press t to try again (a new attempt), or Esc for the dashboard."
            )
            yield Static(next_step, classes="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results", VerticalScroll).focus()

    def action_retake(self) -> None:
        from trainer.session import Session
        from trainer.tui.screens.player import PlayerScreen

        learner = self.trainer.learner
        assert learner is not None
        session = Session.start_new(
            self.trainer.store, self.trainer.course, self.session.module, learner
        )
        self.app.switch_screen(PlayerScreen(session))

    def action_history(self) -> None:
        from trainer.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_back(self) -> None:
        self.app.pop_screen()
