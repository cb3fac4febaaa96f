"""How an answer's feedback reads: outcome in words and symbol, each choice's feedback,
the explanation and the cited sources. Used after each answer and in the results review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

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


_INDENT = 2  # a choice line's indent, then its mark column: "  ✔ 2. text"
_MARK = 5


def _choice_lines(number: int, choice: Choice, width: int, *, with_feedback: bool) -> list[Content]:
    """``✔ 2. text`` in ``width`` cells, the text (and, ``with_feedback``, the choice's
    feedback, muted, on the lines below it) wrapping under itself, not under the mark."""
    mark = "✔" if choice.correct else "✘"
    column = max(width - _INDENT - _MARK, 1)
    text = Content(choice.text).wrap(column)
    if with_feedback and choice.feedback:
        text += Content.styled(choice.feedback, "$foreground-muted").wrap(column)
    first = Content(" " * _INDENT + f"{mark} {number}.".ljust(_MARK)[:_MARK])
    under = Content(" " * (_INDENT + _MARK))
    return [(first if i == 0 else under) + line for i, line in enumerate(text)]


class FeedbackView(Widget):
    """The body of one answer's feedback (everything below the outcome banner): what was
    chosen, the correct answer when it was not, why, and the sources.

    One widget, drawn as lines it wraps itself (a choice's text wraps under itself, not
    under its mark): the player shows every answer's feedback in the same one, so an
    answer mounts, styles and lays out no widgets (a widget per line, as this was, cost
    the feedback frame ~1 ms each here). Headings are bold, as are "Why:" and "Source:";
    a blank line comes before each heading and before "Why:"."""

    DEFAULT_CSS = """
    FeedbackView {
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, feedback: Feedback | None = None, *, with_prompt: bool = False) -> None:
        super().__init__(classes="feedback-view")
        self.feedback = feedback
        self.with_prompt = with_prompt
        self._drawn: tuple[int, list[Content]] | None = None

    def show(self, feedback: Feedback) -> None:
        """Show ``feedback`` instead of the one shown."""
        self.feedback = feedback
        self._drawn = None
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        """The feedback as lines of at most ``width`` cells."""
        if self._drawn is not None and self._drawn[0] == width:
            return self._drawn[1]
        out: list[Content] = []
        feedback = self.feedback
        if feedback is not None and width > 0:  # no width yet (not laid out): nothing to draw
            out = _feedback_lines(feedback, width, with_prompt=self.with_prompt)
        self._drawn = (width, out)
        return out

    @property
    def plain(self) -> str:
        """The feedback's words, a paragraph a line (unwrapped), as a screen reader or a
        test reads them."""
        if self.feedback is None:
            return ""
        lines = _feedback_lines(self.feedback, 1 << 20, with_prompt=self.with_prompt)
        return "\n".join(line.plain.rstrip() for line in lines)

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))


def _feedback_lines(feedback: Feedback, width: int, *, with_prompt: bool) -> list[Content]:
    question = feedback.question
    out: list[Content] = []

    def block(content: Content) -> None:  # a paragraph with a blank line before it
        out.append(Content(""))
        out.extend(content.wrap(width))

    if with_prompt:
        block(Content.styled(question.step.prompt, "bold"))
    block(Content.styled("You chose:" if len(feedback.chosen) == 1 else "You chose these:", "bold"))
    for choice in feedback.chosen:
        out += _choice_lines(question.number_of(choice.id), choice, width, with_feedback=True)
    chosen_ids = {c.id for c in feedback.chosen}
    missed = [c for c in feedback.correct if c.id not in chosen_ids]
    if missed:
        one = len(feedback.correct) == 1
        block(Content.styled("The correct answer:" if one else "Correct, not chosen:", "bold"))
        for choice in missed:
            out += _choice_lines(question.number_of(choice.id), choice, width, with_feedback=False)
    block(Content.assemble(("Why: ", "bold"), feedback.explanation))
    for source in feedback.sources:
        out.extend(Content.assemble(("Source: ", "bold"), source.citation()).wrap(width))
    return out
