"""How an answer's feedback reads: outcome in words and symbol, each choice's feedback,
the explanation and the cited sources. Used after each answer and in the results review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from trainer.tui.words import OUTCOME_WORDS, points_text

if TYPE_CHECKING:
    from trainer.engine import Feedback


def outcome_banner(feedback: Feedback) -> Content:
    symbol, words = OUTCOME_WORDS.get(feedback.outcome, ("?", feedback.outcome))
    return Content.assemble(
        (f"{symbol} {words}", "bold"),
        f" · {points_text(feedback.points)} of {feedback.max_points} points",
    )


def _choice_line(number: int, text: str, correct: bool) -> str:
    mark = "✔" if correct else "✘"
    return f"  {mark} {number}. {text}"


def feedback_body(feedback: Feedback, *, with_prompt: bool = False) -> Content:
    """The feedback's body (everything below the banner)."""
    question = feedback.question
    parts: list[str | tuple[str, str]] = []
    if with_prompt:
        parts += [(question.step.prompt, "bold"), "\n"]
    label = "You chose" if len(feedback.chosen) == 1 else "You chose these"
    parts.append((f"{label}:\n", "bold"))
    for choice in feedback.chosen:
        number = question.number_of(choice.id)
        parts.append(_choice_line(number, choice.text, choice.correct) + "\n")
        if choice.feedback:
            parts.append(f"      {choice.feedback}\n")
    chosen_ids = {c.id for c in feedback.chosen}
    missed = [c for c in feedback.correct if c.id not in chosen_ids]
    if missed:
        heading = "The correct answer" if len(feedback.correct) == 1 else "Correct, not chosen"
        parts.append((f"\n{heading}:\n", "bold"))
        for choice in missed:
            parts.append(_choice_line(question.number_of(choice.id), choice.text, True) + "\n")
    parts += [("\nWhy: ", "bold"), feedback.explanation, "\n"]
    for source in feedback.sources:
        parts += [("Source: ", "bold"), source.citation(), "\n"]
    return Content.assemble(*parts).rstrip()
