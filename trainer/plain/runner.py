"""The module runner: shows each question, takes the answer through a :class:`Session`, and
shows the feedback — the same for the full app and the preview."""

from __future__ import annotations

import re

from trainer.engine import Attempt, Feedback, Question, Result
from trainer.plain.console import Console, choice_number, shown
from trainer.plain.words import number_list, plural, points_text, question_heading, sentence
from trainer.session import Session

_ANSWER_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s+", re.IGNORECASE)


def parse_answer(answer: str, question: Question) -> tuple[list[int] | None, str | None]:
    """Numbers typed for ``question`` (or a choice's exact text), or a one-line error."""
    count = len(question.choices)
    multi = question.step.type == "multi"
    range_text = "1 or 2" if count == 2 else f"a number from 1 to {count}"
    if not answer:
        how = "one or more numbers separated by commas" if multi else range_text
        return None, f"Nothing was typed. Type {how}, or type help."
    wanted = answer.strip().rstrip(".").lower()
    for pc in question.choices:  # "myth", "true": the choice's own words also work
        if pc.choice.text.strip().rstrip(".").lower() == wanted:
            return [pc.number], None
    numbers: list[int] = []
    for part in (p for p in _ANSWER_SPLIT.split(answer.strip()) if p):
        n = choice_number(part)
        if n is None and part.isascii() and part.isdigit():
            return None, f"There is no choice with that number. Type {range_text}."
        if n is None:
            return None, (
                f"You typed {shown(answer)}. That is not a number. Type {range_text}, or type help."
            )
        if not 1 <= n <= count:
            return None, f"There is no choice {n}. Type {range_text}."
        if n not in numbers:
            numbers.append(n)
    if not multi and len(numbers) > 1:
        return None, f"This question takes one answer. Type one number: {range_text}."
    return numbers, None


class ModuleRunner:
    """Shows questions, takes answers through a :class:`Session`, and reports results."""

    def __init__(self, ui: Console, session: Session, *, preview: bool = False) -> None:
        self.ui = ui
        self.session = session
        self.preview = preview
        self._shown_scenario: str | None = None

    @property
    def attempt(self) -> Attempt:
        """The engine's attempt behind the session."""
        return self.session.attempt

    def show_scenario(self, question: Question) -> None:
        """The scenario's number, title and narrative."""
        scenario = question.scenario
        self.ui.blank()
        self.ui.say(
            f"Scenario {question.scenario_number} of {question.scenario_count}: "
            f"{sentence(scenario.title)}"
        )
        self.ui.text(None, scenario.narrative)
        self._shown_scenario = scenario.id

    def show_question(self, question: Question, *, with_scenario: bool = False) -> None:
        """The question (with its scenario when it is new) and its numbered choices."""
        if with_scenario or question.scenario.id != self._shown_scenario:
            self.show_scenario(question)
        self.ui.blank()
        self.ui.say(question_heading(self.attempt, question))
        self.ui.text(None, question.step.prompt)
        count = len(question.choices)
        if question.step.type == "multi":
            self.ui.say(
                f"Select every answer that applies, from {count} choices. Type the numbers "
                "separated by commas, for example 1,3."
            )
        else:
            self.ui.say(f"Choose one answer from {count} choices. Type its number.")
        for pc in question.choices:
            self.ui.say(f"{pc.number}. {pc.choice.text.strip()}")

    def ask_answer(self, question: Question) -> list[int]:
        """Prompt until the learner types a valid answer; return the choice numbers."""
        multi = question.step.type == "multi"
        help_lines = [
            "Type the numbers of every answer that applies, separated by commas, for example "
            "1,3, and press Enter."
            if multi
            else "Type the number of your answer and press Enter.",
            "Each answer is saved as soon as you give it and cannot be changed.",
        ]
        prompt = f"Answer for question {question.question_number}:"
        while True:
            typed = self.ui.ask(
                prompt,
                repeat=lambda: self.show_question(question, with_scenario=True),
                help_lines=help_lines,
            )
            numbers, error = parse_answer(typed, question)
            if error:
                self.ui.say(error)
                continue
            assert numbers is not None
            return numbers

    def show_feedback(self, feedback: Feedback) -> None:
        """Correct or not, the points, feedback on each choice, the explanation and sources."""
        question = feedback.question
        ui = self.ui
        got = f"{points_text(feedback.points)} of {plural(feedback.max_points, 'point')}"
        correct_numbers = [question.number_of(c.id) for c in feedback.correct]
        chosen_ids = {c.id for c in feedback.chosen}
        ui.blank()
        if feedback.outcome == "correct":
            ui.say(f"Correct. {got}.")
        elif feedback.outcome == "partial":
            ui.say(f"Partly correct: {got}.")
        elif question.step.type == "multi":
            ui.say(f"Incorrect: {got}. The correct answers were {number_list(correct_numbers)}.")
        else:
            right = feedback.correct[0]
            ui.say(
                f"Incorrect. The correct answer was {correct_numbers[0]}: {sentence(right.text)}"
            )
            ui.say(f"You earned {got}.")
        if question.step.type == "multi":
            for pc in question.choices:
                chosen = pc.choice.id in chosen_ids
                if chosen and pc.choice.correct:
                    lead = f"You selected {pc.number}, which is right"
                elif chosen:
                    lead = f"You selected {pc.number}, which is not right"
                elif pc.choice.correct:
                    lead = f"You did not select {pc.number}, which is right"
                else:
                    continue
                ui.say(f"{lead}: {sentence(pc.choice.text)} {pc.choice.feedback.strip()}")
        else:
            mine = feedback.chosen[0]
            ui.say(f"You chose {question.number_of(mine.id)}: {sentence(mine.text)}")
            ui.text("Feedback", mine.feedback)
        ui.text("Explanation", feedback.explanation)
        for n, source in enumerate(feedback.sources, start=1):
            total = len(feedback.sources)
            label = "Source" if total == 1 else f"Source {n} of {total}"
            ui.say(f"{label}: {source.citation()}")
        if feedback.scenario_finished:
            ui.say(f"End of scenario {question.scenario_number} of {question.scenario_count}.")

    def run(self) -> Result:
        """Ask every remaining question; return the result when the module is finished."""
        while True:
            question = self.session.current
            if question is None:
                break
            self.ui.pause_hint = (
                "Nothing was recorded."
                if self.preview
                else f"Paused at question {question.question_number} of "
                f"{self.session.module.title}. Your answers so far are saved; choose this "
                "module again to continue at the same question."
            )
            self.show_question(question)
            numbers = self.ask_answer(question)
            feedback = self.session.answer_numbers(numbers)
            self.show_feedback(feedback)
            if self.preview:
                self.ui.pause_hint = "Nothing was recorded."
            elif self.session.finished:
                self.ui.pause_hint = (
                    f"You finished {self.session.module.title}; the result is saved."
                )
            else:
                self.ui.pause_hint = (
                    f"Paused in {self.session.module.title}. Your answers so far are saved; "
                    "choose this module again to continue."
                )
            self.ui.ask(
                "Press Enter to continue.",
                repeat=lambda fb=feedback: self.show_feedback(fb),  # type: ignore[misc]
                help_lines=["Press Enter to go on."],
            )
        self.ui.pause_hint = None
        return self.session.result()
