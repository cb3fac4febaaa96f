"""Plain mode: the whole course as plain lines, for screen readers, braille displays and scripts.

``trainer --plain`` (also chosen automatically when output is not a terminal or ``TERM=dumb``)
runs the same course through the same path as the terminal app — UI → :class:`Session`
→ engine → records store — but writes nothing except plain lines: no cursor movement, no
colour, no box drawing. Every line is meant to make sense when read aloud on its own.

The learner answers by typing a number (or several, separated by commas, for a multi-select
question) and pressing Enter. At every prompt these commands also work: ``help``,
``resources``, ``repeat`` and ``pause`` (also ``quit``). End of input behaves like ``pause``.
Answers are committed by :meth:`Session.answer` the moment they are given, so pausing only
has to exit cleanly; the next run resumes at the same question.

Entry points:

* :func:`run_plain` — the full app (learner choice, dashboard, modules, results, history,
  retake, certificate, resources). Called by ``trainer/commands/app.py``.
* :func:`run_plain_preview` — one module, recording nothing (``trainer preview FILE --plain``).

Lines are not wrapped unless asked (``width`` or ``$TRAINER_PLAIN_WIDTH``): a screen reader
reads a logical line, and a hard-wrapped sentence would be split across two "lines"; the
terminal soft-wraps for sighted readers and a braille display pans by itself. See
docs/accessibility.md.

Core module: never imports textual.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from trainer.bank.model import ROLES, Course, Module, Role, Scenario
from trainer.engine import AnswerError, Attempt, Feedback, Question, ReplayError, Result
from trainer.progress import CourseProgress, ModuleProgress, course_progress
from trainer.records.store import AttemptRow, LearnerRow, RecordsStore, StoreError
from trainer.session import OpenAttempt, Session, open_attempt, past_result
from trainer.words import module_updated_note, tag_myth, tag_name

ENV_WIDTH = "TRAINER_PLAIN_WIDTH"

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

# Control characters (including ESC, so no ANSI sequence can reach the output) except tab and
# newline, and the 8-bit CSI.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
_ANSWER_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s+", re.IGNORECASE)


class Paused(Exception):
    """The learner typed pause or quit, or input ended: leave cleanly (answers are saved)."""


class BackToDashboard(Exception):
    """The learner left a module for the dashboard; the attempt stays open."""


# --------------------------------------------------------------------------- wording helpers
def points_text(value: float) -> str:
    """2.0 -> '2', 1.5 -> '1.5', 0.67 -> '0.67'."""
    return f"{round(value, 2):g}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def sentence(text: str) -> str:
    """The text with a full stop at the end unless it already ends a sentence."""
    text = text.strip()
    if not text or text[-1] in ".?!:;\"'”’)":
        return text
    return text + "."


def spoken_date(day: date) -> str:
    """5 March 2025: reads unambiguously aloud, unlike 2025-03-05 or 03/05/2025."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def spoken_time(timestamp: str | None) -> str:
    if not timestamp:
        return "unknown time"
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return timestamp
    return f"{spoken_date(moment.date())} at {moment:%H:%M} UTC"


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
    lo, hi = question_count(attempt, question)
    of = f"{hi}" if lo == hi else f"at most {hi}"
    return f"Question {question.question_number} of {of}."


def _safe_name(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return slug or "learner"


# --------------------------------------------------------------------------- console
@dataclass
class Option:
    label: str
    value: Any
    words: tuple[str, ...] = ()


class Console:
    """Plain line output and prompted input, with the commands that work at every prompt."""

    def __init__(
        self,
        stdin: IO[str],
        stdout: IO[str],
        *,
        resources: list[str] | None = None,
        width: int | None = None,
        menu_command: bool = False,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.resources = resources
        self.width = width if width and width >= 20 else None
        self.menu_command = menu_command
        try:
            self.echo = not stdin.isatty()
        except (AttributeError, ValueError):
            self.echo = True
        self.pause_hint: str | None = None

    # ---- output
    def say(self, *lines: str) -> None:
        for line in lines:
            line = _CONTROL.sub("", line.replace("\t", " ")).rstrip()
            if self.width and len(line) > self.width:
                indent = line[: len(line) - len(line.lstrip())]
                line = textwrap.fill(
                    line,
                    self.width,
                    subsequent_indent=indent + "  ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def text(self, label: str | None, text: str) -> None:
        """Authored text, one logical line per paragraph, the first one labelled."""
        parts = paragraphs(text)
        if label and parts:
            parts[0] = f"{label}: {parts[0]}"
        self.say(*parts)

    def blank(self) -> None:
        self.stdout.write("\n")

    # ---- input
    def read(self, prompt: str) -> str:
        """One line of input; raises :class:`Paused` at end of input."""
        self.stdout.write(_CONTROL.sub("", prompt).rstrip() + " ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            self.say("End of input.")
            raise Paused
        line = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(_CONTROL.sub("", line) + "\n")
            self.stdout.flush()
        return line.strip()

    def ask(
        self,
        prompt: str,
        *,
        repeat: Callable[[], None] | None = None,
        help_lines: Sequence[str] = (),
    ) -> str:
        """Prompt until the learner types something that is not a command; return it."""
        while True:
            answer = self.read(prompt)
            word = answer.lower()
            if word in ("help", "?", "h"):
                self.show_help(help_lines)
            elif word == "resources":
                self.show_resources()
            elif word == "repeat":
                if repeat is not None:
                    repeat()
                else:
                    self.say("There is nothing to repeat here.")
            elif word in ("pause", "quit", "exit", "q"):
                raise Paused
            elif word in ("menu", "dashboard") and self.menu_command:
                raise BackToDashboard
            else:
                return answer

    def show_help(self, help_lines: Sequence[str]) -> None:
        self.say("Help.", *help_lines)
        self.say("Commands that work at any prompt:")
        self.say("repeat: hear the current question or list again.")
        self.say("resources: where to report trafficking and get help.")
        if self.menu_command:
            self.say("menu: go back to the dashboard. An unfinished module stays open.")
        self.say(
            "pause: save and stop. Answers are saved as you give them, so next time you "
            "continue where you left off. quit does the same."
        )
        self.say("help: this list.")

    def show_resources(self) -> None:
        if not self.resources:
            self.say("Reporting resources are part of the course and are not shown here.")
            return
        self.say("Reporting resources.")
        for line in self.resources:
            if line.strip():
                self.say(line)
        self.say("End of reporting resources.")

    def choose(
        self,
        show: Callable[[], None],
        options: Sequence[Option],
        prompt: str,
        help_lines: Sequence[str] = (),
        *,
        brief: str | None = None,
    ) -> Any:
        """Show a numbered list and return the value of the option the learner picks.

        With ``brief``, only that line is shown at first (the list is one ``repeat`` away):
        coming back to a list the learner has just heard should not read it all again.
        """

        def show_all() -> None:
            show()
            for n, option in enumerate(options, start=1):
                self.say(f"{n}. {option.label}")

        if brief is None:
            show_all()
        else:
            self.say(brief)
        count = len(options)
        help_all = [f"Type a number from 1 to {count} and press Enter.", *help_lines]
        while True:
            answer = self.ask(prompt, repeat=show_all, help_lines=help_all)
            word = answer.lower().rstrip(".")
            for option in options:
                if word in option.words:
                    return option.value
            error = number_error(answer, count)
            if error:
                self.say(error)
                continue
            return options[int(word) - 1].value

    def confirm(self, prompt: str) -> bool:
        while True:
            answer = self.ask(prompt, help_lines=["Type yes or no and press Enter."]).lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            self.say("Please type yes or no.")


def number_error(answer: str, count: int) -> str | None:
    """Why ``answer`` is not a choice from 1 to ``count``, as one line; None when it is."""
    range_text = "1 or 2" if count == 2 else f"a number from 1 to {count}"
    if not answer:
        return f"Nothing was typed. Type {range_text}, or type help."
    if not answer.isdigit():
        return f"You typed {answer}. That is not a number. Type {range_text}, or type help."
    n = int(answer)
    if not 1 <= n <= count:
        return f"There is no choice {n}. Type {range_text}."
    return None


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
        if not part.isdigit():
            return None, (
                f"You typed {answer}. That is not a number. Type {range_text}, or type help."
            )
        n = int(part)
        if not 1 <= n <= count:
            return None, f"There is no choice {n}. Type {range_text}."
        if n not in numbers:
            numbers.append(n)
    if not multi and len(numbers) > 1:
        return None, f"This question takes one answer. Type one number: {range_text}."
    return numbers, None


# --------------------------------------------------------------------------- module runner
class ModuleRunner:
    """Shows questions, takes answers through a :class:`Session`, and reports results."""

    def __init__(self, ui: Console, session: Session, *, preview: bool = False) -> None:
        self.ui = ui
        self.session = session
        self.preview = preview
        self._shown_scenario: str | None = None

    @property
    def attempt(self) -> Attempt:
        return self.session.attempt

    def show_scenario(self, question: Question) -> None:
        scenario = question.scenario
        self.ui.blank()
        self.ui.say(
            f"Scenario {question.scenario_number} of {question.scenario_count}: "
            f"{sentence(scenario.title)}"
        )
        self.ui.text(None, scenario.narrative)
        self._shown_scenario = scenario.id

    def show_question(self, question: Question, *, with_scenario: bool = False) -> None:
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


def show_result(ui: Console, module: Module, result: Result, *, heading: str) -> None:
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


def show_module_intro(ui: Console, module: Module, role: Role, *, position: str = "") -> None:
    ui.blank()
    ui.say(f"{position}Module: {sentence(module.title)}")
    ui.text("Summary", module.summary)
    if module.content_note:
        ui.text("Content note", module.content_note)
    ui.say(f"Objectives, {len(module.objectives)}:")
    for n, objective in enumerate(module.objectives, start=1):
        ui.say(f"Objective {n}: {sentence(objective)}")
    scenarios = module.scenarios_for(role)
    ui.say(
        f"Pass mark: {module.pass_mark} percent. About {module.estimated_minutes} minutes. "
        f"{plural(len(scenarios), 'scenario')}. There is no time limit."
    )


# --------------------------------------------------------------------------- the app
class PlainApp:
    def __init__(self, course: Course, store: RecordsStore, ui: Console) -> None:
        self.course = course
        self.store = store
        self.ui = ui
        self.learner: LearnerRow | None = None

    # ---- learners
    def choose_learner(self) -> LearnerRow:
        ui = self.ui
        learners = self.store.learners()
        if not learners:
            ui.say("There are no learners yet. Add yourself as a new learner.")
            return self.add_learner()

        def show() -> None:
            ui.blank()
            ui.say(f"Choose a learner. {plural(len(learners), 'learner')}, then add a new learner:")

        options = [
            Option(
                f"{ln.name}, {ln.role}" + (f", {ln.organisation}" if ln.organisation else ""),
                ln,
            )
            for ln in learners
        ]
        options.append(Option("Add a new learner.", None, ("add", "new")))
        picked = ui.choose(show, options, "Learner number:")
        return picked if picked is not None else self.add_learner()

    def add_learner(self, name: str | None = None) -> LearnerRow:
        ui = self.ui
        ui.blank()
        ui.say("Add a new learner.")
        while True:
            if name is None:
                name = ""
                while not name:
                    name = " ".join(
                        ui.ask(
                            "Full name, as it should appear on the certificate:",
                            help_lines=["Type your full name and press Enter."],
                        ).split()
                    )
                    if not name:
                        ui.say("A name is needed. Type your full name and press Enter.")
            else:
                ui.say(f"Name, as it will appear on the certificate: {name}")
            if self.store.find_learner(name) is None:
                break
            ui.say(f"A learner named {name} already exists. Type a different name.")
            name = None
        external_id = ui.ask(
            "Employee or contract ID, optional. Press Enter to leave it blank:",
            help_lines=["Type an ID number if your organisation uses one, or press Enter."],
        )
        organisation = ui.ask(
            "Organisation, optional. Press Enter to leave it blank:",
            help_lines=["Type the name of your organisation, or press Enter."],
        )

        def show_roles() -> None:
            ui.say("Role. Your role decides which modules you take.")

        role = ui.choose(
            show_roles,
            [Option(f"{r}: {ROLE_DESCRIPTIONS[r]}.", r, (r,)) for r in ROLES],
            "Role number:",
        )
        learner = self.store.add_learner(name, role, organisation, external_id)
        ui.say(f"Added learner {learner.name}, role {learner.role}.")
        return learner

    # ---- dashboard
    def progress(self) -> CourseProgress:
        assert self.learner is not None
        return course_progress(self.store, self.course, self.learner)

    def show_dashboard(self, progress: CourseProgress) -> None:
        ui = self.ui
        learner = progress.learner
        ui.blank()
        ui.say(f"Dashboard for {learner.name}, role {learner.role}.")
        ui.say(f"Course: {sentence(self.course.title)}")
        required = [p for p in progress.modules if p.required]
        done = sum(1 for p in required if p.passed_attempt is not None)
        if progress.complete and progress.completed_on and progress.valid_until:
            if progress.expired():
                ui.say(
                    f"Course status: expired on {spoken_date(progress.valid_until)}. "
                    "Retake the required modules to recertify."
                )
            else:
                ui.say(
                    f"Course status: complete on {spoken_date(progress.completed_on)}, "
                    f"valid until {spoken_date(progress.valid_until)}."
                )
        else:
            ui.say(
                f"Course status: not complete. {done} of "
                f"{plural(len(required), 'required module')} passed."
            )
        ui.say(f"Modules, {len(progress.modules)}:")

    def module_line(self, n: int, p: ModuleProgress) -> str:
        need = "Required" if p.required else "Optional"
        status = STATUS_WORDS.get(p.status, p.status)
        if p.status == "in-progress" and p.last_attempt is not None:
            answered = len(self.store.answers(p.last_attempt.id))
            status += f", {plural(answered, 'question')} answered"
        if p.best_percent is not None:
            status += f", best score {p.best_percent} percent"
        return (
            f"{sentence(p.module.title)} {need}. About {p.module.estimated_minutes} minutes. "
            f"Status: {status}."
        )

    def dashboard(self) -> None:
        ui = self.ui
        brief: str | None = None
        while True:
            progress = self.progress()
            options = [
                Option(self.module_line(n, p), ("module", p), ())
                for n, p in enumerate(progress.modules, start=1)
            ]
            options += [
                Option("Attempt history.", ("history",), ("history",)),
                Option("Export a certificate.", ("certificate",), ("certificate",)),
                Option("Reporting resources.", ("resources",), ()),
                Option("Change learner.", ("learner",), ("learner",)),
                Option("Quit. Your progress is saved.", ("quit",), ()),
            ]
            choice = ui.choose(
                lambda pr=progress: self.show_dashboard(pr),  # type: ignore[misc]
                options,
                "Dashboard choice:",
                help_lines=[
                    "Choose a module to see its objectives and start or resume it.",
                    "You can also type history, certificate or learner.",
                ],
                brief=brief,
            )
            kind = choice[0]
            brief = (
                f"Back at the dashboard. Type a number from 1 to {len(options)}, "
                "or type repeat to hear the dashboard again."
            )
            if kind == "module":
                brief = None  # the module may have changed the status: read it out again
                try:
                    self.module_menu(choice[1])
                except BackToDashboard:
                    ui.say("Back to the dashboard. The module stays open where you left it.")
            elif kind == "history":
                self.history()
            elif kind == "certificate":
                self.certificate(progress)
            elif kind == "resources":
                ui.show_resources()
            elif kind == "learner":
                self.learner = self.choose_learner()
                brief = None
            else:
                raise Paused

    # ---- module
    def module_menu(self, p: ModuleProgress) -> None:
        ui = self.ui
        assert self.learner is not None
        module = p.module
        role: Role = self.learner.role  # type: ignore[assignment]
        while True:
            unfinished = open_attempt(self.store, self.course, module, self.learner)
            finished = [
                a
                for a in self.store.attempts(
                    learner_id=self.learner.id, course_id=self.course.id, module_id=module.id
                )
                if a.status in ("passed", "failed")
            ]
            options: list[Option] = []
            if unfinished is not None and unfinished.resumable:
                answered = unfinished.answered
                options.append(
                    Option(f"Resume the module at question {answered + 1}.", "resume", ("resume",))
                )
                options.append(
                    Option(
                        "Start again from the beginning. The unfinished attempt is closed.",
                        "retake",
                        ("retake", "restart"),
                    )
                )
            elif finished:
                options.append(Option("Retake the module.", "retake", ("retake", "start")))
            else:
                options.append(Option("Start the module.", "start", ("start",)))
            if finished:
                options.append(
                    Option("Results of your last finished attempt.", "results", ("results",))
                )
            options.append(Option("Back to the dashboard.", "back", ("back",)))

            def intro(unfinished: OpenAttempt | None = unfinished) -> None:
                show_module_intro(ui, module, role)
                if unfinished is not None and unfinished.answered and not unfinished.resumable:
                    ui.say(module_updated_note(unfinished.answered))

            action = ui.choose(intro, options, "Module choice:")
            if action == "back":
                return
            if action == "results":
                self.past_results(module, finished[-1])
                continue
            if action == "retake":
                session = Session.start_new(self.store, self.course, module, self.learner)
            else:
                session = Session.start_or_resume(self.store, self.course, module, self.learner)
            self.take(session)
            return

    def take(self, session: Session) -> None:
        ui = self.ui
        module = session.module
        if session.resumed:
            ui.say(
                f"Resuming {module.title}: {plural(len(session.attempt.answers), 'answer')} "
                "already saved."
            )
        else:
            ui.say(f"Starting {module.title}.")
        ui.say("Type help at any prompt for the commands, such as pause and repeat.")
        result = ModuleRunner(ui, session).run()
        show_result(ui, module, result, heading=f"Module finished: {sentence(module.title)}")
        ui.ask("Press Enter to go back to the dashboard.")

    def past_results(self, module: Module, row: AttemptRow) -> None:
        ui = self.ui
        heading = f"Results of your attempt started {spoken_time(row.started_at)}."
        result = past_result(self.store, module, row)
        if result is not None:
            show_result(ui, module, result, heading=heading)
            return
        ui.blank()
        ui.say(heading)
        ui.say(
            f"Score: {points_text(row.score or 0)} of {points_text(row.max_score or 0)} points, "
            f"{row.percent} percent. Result: {'passed' if row.passed else 'not passed'}."
        )
        ui.say("The module has changed since this attempt, so the details are not available.")

    # ---- history
    def history(self) -> None:
        ui = self.ui
        assert self.learner is not None
        rows = self.store.attempts(learner_id=self.learner.id, course_id=self.course.id)
        ui.blank()
        ui.say(f"Attempt history for {self.learner.name}: {plural(len(rows), 'attempt')}.")
        for n, row in enumerate(rows, start=1):
            try:
                title = self.course.module(row.module_id).title
            except KeyError:
                title = row.module_id
            if row.status in ("passed", "failed"):
                outcome = (
                    f"{'Passed' if row.passed else 'Not passed'} with {row.percent} percent, "
                    f"{points_text(row.score or 0)} of {points_text(row.max_score or 0)} points, "
                    f"finished {spoken_time(row.finished_at)}."
                )
            elif row.status == "in-progress":
                outcome = f"In progress, {plural(len(self.store.answers(row.id)), 'answer')} saved."
            else:
                outcome = "Closed without finishing."
            ui.say(
                f"Attempt {n}: {sentence(title)} Version {row.module_version}. "
                f"Started {spoken_time(row.started_at)}. {outcome}"
            )
        ui.say("End of attempt history.")

    # ---- certificate
    def certificate(self, progress: CourseProgress) -> None:
        ui = self.ui
        assert self.learner is not None
        try:
            from trainer.certificates.issue import CertificateRefused, issue_certificate
            from trainer.certificates.keys import default_issuer_key_path
        except ImportError:
            ui.say("Certificates are not available in this version of trainer.")
            return
        if not progress.complete:
            ui.say(
                "No certificate yet: pass every required module first. The dashboard lists "
                "which modules are still to pass."
            )
            return
        default = Path.cwd() / f"certificate-{_safe_name(self.learner.name)}.pdf"
        ui.say(f"The certificate will be saved as a PDF file. Suggested file: {default}")
        typed = ui.ask(
            "File name for the certificate. Press Enter to use the suggested file:",
            help_lines=["Type a file name or path ending in .pdf, or press Enter."],
        )
        out = Path(typed).expanduser() if typed else default
        if out.exists() and not ui.confirm(f"The file {out} already exists. Replace it?"):
            ui.say("No certificate was saved.")
            return
        data_dir = self.store.path.parent
        try:
            issued = issue_certificate(
                self.store,
                self.course,
                self.learner,
                out,
                issuer_key_path=default_issuer_key_path(data_dir),
            )
        except CertificateRefused as exc:
            ui.say(*[line.strip() for line in str(exc).splitlines() if line.strip()])
            return
        except OSError as exc:
            ui.say(f"The certificate could not be saved: {exc.strerror or exc}.")
            return
        except Exception as exc:  # e.g. an issuer key problem: say it, never a traceback
            ui.say(f"The certificate could not be issued: {exc}")
            return
        ui.say(f"Certificate saved: {issued.path}")
        ui.say(f"Certificate number: {issued.certificate_id}.")

    # ---- main loop
    def run(self, learner_name: str | None) -> int:
        ui = self.ui
        ui.say(f"Plain mode. Course: {sentence(self.course.title)}")
        ui.say("Type help at any prompt to hear the commands. Type pause to save and stop.")
        if learner_name:
            self.learner = self.store.find_learner(learner_name)
            if self.learner is None:
                ui.say(f"There is no learner named {' '.join(learner_name.split())} yet.")
                self.learner = self.add_learner(" ".join(learner_name.split()))
            else:
                ui.say(f"Learner: {self.learner.name}, role {self.learner.role}.")
        else:
            self.learner = self.choose_learner()
        self.dashboard()
        return 0


def _width(width: int | None) -> int | None:
    if width is not None:
        return width
    try:
        return int(os.environ.get(ENV_WIDTH, "") or 0) or None
    except ValueError:
        return None


def _prepare(stream: IO[str]) -> None:
    """Never crash on a character the output encoding lacks: write a replacement instead."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="replace")


def _finish_paused(ui: Console, hint: str | None) -> None:
    if hint:
        ui.say(hint)
    ui.say("Goodbye.")


def run_plain(
    course: Course,
    store: RecordsStore,
    learner_name: str | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    *,
    width: int | None = None,
) -> int:
    """Run the whole course in plain mode; return the exit status (0 after pause or quit).

    ``stdin``/``stdout`` default to the process's; ``width`` wraps long lines (default: not
    wrapped, or ``$TRAINER_PLAIN_WIDTH``).
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    _prepare(stdout)
    ui = Console(
        stdin,
        stdout,
        resources=course.resources.as_lines(),
        width=_width(width),
        menu_command=True,
    )
    app = PlainApp(course, store, ui)
    try:
        return app.run(learner_name)
    except Paused:
        _finish_paused(ui, ui.pause_hint or "Your progress is saved.")
        return 0
    except KeyboardInterrupt:
        ui.blank()
        _finish_paused(ui, "Stopped. Your answers so far are saved.")
        return 130
    except StoreError as exc:
        ui.say(f"The records could not be saved: {exc}")
        return 1
    except (AnswerError, ReplayError) as exc:  # pragma: no cover - defensive
        ui.say(f"Something went wrong with this module: {exc}")
        return 1


def run_plain_preview(
    module: Module,
    role: Role,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    start_step: str | None = None,
    *,
    resources: list[str] | None = None,
    width: int | None = None,
    seed: int = 0,
) -> int:
    """Preview one module in plain mode as a learner in ``role`` would take it; record nothing.

    For ``trainer preview FILE --plain``. Prints the banner "PREVIEW — nothing is recorded",
    the module's summary, content note and objectives, then every question with feedback and
    the result, using :meth:`Session.preview` (no records store). ``start_step`` jumps straight
    to a step: ``"scenario_id/step_id"``, a step id (the first scenario that has it), or a
    scenario id (its first step); an unknown name is an error (exit status 2). ``resources``
    are lines for the ``resources`` command (``course.resources.as_lines()``), if known.
    ``seed`` fixes the order of shuffled choices. Returns 0 when the preview ends, is
    paused, or input ends; 130 on Ctrl+C.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    _prepare(stdout)
    ui = Console(stdin, stdout, resources=resources, width=_width(width))
    try:
        session = Session.preview(module, role, seed=seed)
    except ValueError as exc:
        ui.say(f"Cannot preview: {exc}.")
        return 2
    ui.say("PREVIEW — nothing is recorded.")
    ui.say(f"Previewing as role {role}.")
    try:
        if start_step:
            error = _jump(session.attempt, start_step)
            if error:
                ui.say(error)
                return 2
        else:
            show_module_intro(ui, module, role)
            ui.ask("Press Enter to start the preview.")
        result = ModuleRunner(ui, session, preview=True).run()
        show_result(ui, module, result, heading=f"Preview finished: {sentence(module.title)}")
        ui.say("PREVIEW ended — nothing was recorded.")
        return 0
    except Paused:
        ui.say("PREVIEW stopped — nothing was recorded.")
        return 0
    except KeyboardInterrupt:
        ui.blank()
        ui.say("PREVIEW stopped — nothing was recorded.")
        return 130


def _jump(attempt: Attempt, target: str) -> str | None:
    """Move a fresh preview attempt to ``target``; return an error line, or None."""
    scenario_id, _, step_id = target.partition("/")
    for index, scenario in enumerate(attempt.scenarios):
        ids = {s.id for s in scenario.steps}
        if step_id:
            if scenario.id != scenario_id or step_id not in ids:
                continue
            found = step_id
        elif scenario.id == target:
            found = scenario.start
        elif target in ids:
            found = target
        else:
            continue
        attempt._scenario_index = index
        attempt._step_id = found
        attempt._step_number = 1 if found == scenario.start else 2
        return None
    return (
        f"There is no step {target} in this module for this role. Use scenario/step, "
        "a step id or a scenario id."
    )


__all__ = ["Console", "Paused", "run_plain", "run_plain_preview"]
