"""The results screen: score, pass mark, mastery by topic and the decisions to review."""

from __future__ import annotations

from trainer.bank.model import Module
from trainer.engine import Result
from trainer.plain.console import Console
from trainer.plain.words import plural, points_text, sentence
from trainer.words import tag_myth, tag_name


def show_result(ui: Console, module: Module, result: Result, *, heading: str) -> None:
    """Score, pass mark, mastery by topic and every decision to review."""
    ui.blank()
    ui.say(heading)
    ui.say(
        f"Score: {points_text(result.score)} of {points_text(result.max_score)} points, "
        f"{result.percent} percent."
    )
    ui.say(f"Pass mark: {result.pass_mark} percent.")
    if result.passed:
        ui.say("Result: passed.")
    else:
        ui.say(
            f"Result: not passed. You need {result.pass_mark} percent to pass. "
            "You can retake the module."
        )
    if result.mastery:
        ui.say(f"Mastery by topic, {plural(len(result.mastery), 'topic')}:")
        weak = {m.tag for m in result.weak_tags()}
        for m in result.mastery:
            verdict = "review this topic" if m.tag in weak else "secure"
            ui.say(
                f"Topic {tag_name(m.tag)}: {round(m.fraction * 100)} percent, "
                f"{m.correct} of {plural(m.decisions, 'decision')} fully correct; {verdict}."
            )
            myth = tag_myth(m.tag)
            if myth and m.tag in weak:
                ui.say(f"The myth to unlearn: {myth}")
    missed = result.missed
    if not missed:
        ui.say("Decisions to review: none. Every answer was fully correct.")
        return
    ui.say(f"Decisions to review: {len(missed)}.")
    for n, fb in enumerate(missed, start=1):
        q = fb.question
        ui.say(
            f"Review {n} of {len(missed)}, scenario {q.scenario_number}, "
            f"{sentence(q.scenario.title)} Question: {q.step.prompt.strip()}"
        )
        chosen = [f"{q.number_of(c.id)}: {sentence(c.text)}" for c in fb.chosen]
        right = [f"{q.number_of(c.id)}: {sentence(c.text)}" for c in fb.correct]
        outcome = "partly correct" if fb.outcome == "partial" else "incorrect"
        ui.say(
            f"Your answer, {outcome}, {points_text(fb.points)} of "
            f"{plural(fb.max_points, 'point')}: " + " ".join(chosen)
        )
        ui.say(("Correct answer: " if len(right) == 1 else "Correct answers: ") + " ".join(right))
        ui.text("Explanation", fb.explanation)
