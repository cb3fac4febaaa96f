"""How an answer's feedback reads: outcome in words and symbol, each choice's feedback,
the explanation and the cited sources. Used after each answer and in the results review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from trainer.tui.words import OUTCOME_WORDS, points_text
from trainer.words import plural

if TYPE_CHECKING:
    from trainer.bank.model import Choice
    from trainer.engine import Feedback


def outcome_banner(feedback: Feedback) -> Content:
    symbol, words = OUTCOME_WORDS.get(feedback.outcome, ("?", feedback.outcome))
    return Content.assemble(
        (f"{symbol} {words}", "bold"),
        f" · {points_text(feedback.points)} of {plural(feedback.max_points, 'point')}",
    )


class ChoiceLine(Horizontal):
    """``✔ 2. text`` with the text wrapping under itself, and the choice's feedback below."""

    def __init__(self, number: int, choice: Choice, *, with_feedback: bool) -> None:
        super().__init__(classes="choice-line")
        self.number = number
        self.choice = choice
        self.with_feedback = with_feedback

    def compose(self) -> ComposeResult:
        mark = "✔" if self.choice.correct else "✘"
        yield Label(f"{mark} {self.number}.", classes="choice-mark")
        # One widget for the text and its feedback: a feedback screen is rebuilt on every
        # answer, and each widget costs styling and layout.
        text = Content(self.choice.text)
        if self.with_feedback and self.choice.feedback:
            text = Content.assemble(text, "\n", (self.choice.feedback, "$foreground-muted"))
        yield Static(text, classes="choice-text")


class FeedbackView(Vertical):
    """The body of one answer's feedback (everything below the outcome banner)."""

    def __init__(self, feedback: Feedback, *, with_prompt: bool = False) -> None:
        super().__init__(classes="feedback-view")
        self.feedback = feedback
        self.with_prompt = with_prompt

    def compose(self) -> ComposeResult:
        feedback = self.feedback
        question = feedback.question
        if self.with_prompt:
            yield Static(Content(question.step.prompt), classes="fb-prompt")
        label = "You chose:" if len(feedback.chosen) == 1 else "You chose these:"
        yield Static(label, classes="fb-heading")
        for choice in feedback.chosen:
            yield ChoiceLine(question.number_of(choice.id), choice, with_feedback=True)
        chosen_ids = {c.id for c in feedback.chosen}
        missed = [c for c in feedback.correct if c.id not in chosen_ids]
        if missed:
            heading = (
                "The correct answer:" if len(feedback.correct) == 1 else "Correct, not chosen:"
            )
            yield Static(heading, classes="fb-heading")
            for choice in missed:
                yield ChoiceLine(question.number_of(choice.id), choice, with_feedback=False)
        yield Static(Content.assemble(("Why: ", "bold"), feedback.explanation), classes="fb-why")
        for source in feedback.sources:
            yield Static(
                Content.assemble(("Source: ", "bold"), source.citation()), classes="fb-source"
            )
