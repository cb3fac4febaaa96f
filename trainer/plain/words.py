"""Plain mode's wording: numbers, dates, plurals and sentences that read well aloud."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from trainer import words
from trainer.bank.model import Scenario
from trainer.engine import Attempt, Question

ROLE_DESCRIPTIONS: dict[str, str] = {
    "employee": "a government employee",
    "contractor": "a contractor or subcontractor employee",
    "uniformed": "a member of the uniformed services",
}

STATUS_WORDS: dict[str, str] = {
    "not-started": "not started",
    "in-progress": "in progress",
    "passed": "passed",
    "failed": "not passed yet",
    "abandoned": "closed without finishing",
}


def points_text(value: float) -> str:
    """2.0 -> '2', 1.5 -> '1.5', 0.67 -> '0.67'."""
    return f"{round(value, 2):g}"


plural = words.plural


def sentence(text: str) -> str:
    """The text with a full stop at the end unless it already ends a sentence."""
    text = text.strip()
    if not text or text[-1] in ".?!:;\"'”’)":
        return text
    return text + "."


def spoken_date(day: date) -> str:
    """5 March 2025: reads unambiguously aloud, unlike 2025-03-05 or 03/05/2025."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def spoken_time(when: datetime | None) -> str:
    """A records time as '5 March 2025 at 14:05 UTC'."""
    if when is None:
        return "unknown time"
    when = when.astimezone(UTC)
    return f"{spoken_date(when.date())} at {when:%H:%M} UTC"


def number_list(numbers: Sequence[int]) -> str:
    """[1, 3, 4] -> '1, 3 and 4'."""
    items = [str(n) for n in numbers]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def paragraphs(text: str) -> list[str]:
    """Split authored text into logical lines: one per paragraph, list items kept apart."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if any(re.match(r"^([-*•]|\d+[.)])\s", ln) for ln in lines):
            out.extend(lines)
        elif lines:
            out.append(" ".join(lines))
    return out


def path_lengths(scenario: Scenario, step_id: str | None) -> tuple[int, int]:
    """Fewest and most questions left in ``scenario`` from ``step_id`` (inclusive)."""
    memo: dict[str, tuple[int, int]] = {}

    def walk(sid: str | None) -> tuple[int, int]:
        if sid is None:
            return (0, 0)
        if sid not in memo:
            step = scenario.step(sid)
            if step.type == "multi":
                targets = {step.next}
            else:
                targets = {step.next_after(frozenset({c.id})) for c in step.choices}
            spans = [walk(t) for t in targets]
            memo[sid] = (1 + min(s[0] for s in spans), 1 + max(s[1] for s in spans))
        return memo[sid]

    return walk(step_id)


def question_count(attempt: Attempt, question: Question) -> tuple[int, int]:
    """Fewest and most questions the whole attempt can have, given the answers so far."""
    lo, hi = path_lengths(question.scenario, question.step.id)
    lo += question.question_number - 1
    hi += question.question_number - 1
    for scenario in attempt.scenarios[question.scenario_number :]:
        a, b = path_lengths(scenario, scenario.start)
        lo, hi = lo + a, hi + b
    return lo, hi


def question_heading(attempt: Attempt, question: Question) -> str:
    """'Question 3 of 5.', or 'of at most 7' while a branch can still shorten it."""
    lo, hi = question_count(attempt, question)
    of = f"{hi}" if lo == hi else f"at most {hi}"
    return f"Question {question.question_number} of {of}."
