"""A bank module as Moodle questions: one question per scenario step.

* The question text is the scenario's story so far: its narrative, then the step's prompt.
* Choices carry Moodle fractions: a single-answer step gives its key 100%; a multi-select
  step shares 100% among its correct choices and gives each wrong one minus one share
  (Moodle's sum, floored at 0, is then exactly trainer's proportional score), or -100% for
  ``all-or-nothing`` steps (Moodle has no all-or-nothing multiple choice; see the notes).
* The explanation and its citations become the general feedback; the scenario's tags become
  question tags; each module and scenario becomes a category.
* Branching cannot be expressed in Moodle: every question carries its route in a comment
  (see :mod:`trainer.exchange.routes`) and the summary says which scenarios branch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trainer.bank.model import Module, Scenario, Source, Step
from trainer.exchange.items import IMPORT_KEY, PLACEHOLDER_RE, Answer, Question
from trainer.exchange.routes import route_comment
from trainer.exchange.text import normalise
from trainer.scoring import scenario_branches

TRUE_WORDS = frozenset({"true", "fact", "yes", "t"})
FALSE_WORDS = frozenset({"false", "myth", "no", "f"})
SOURCES_HEADING = "Sources:"


@dataclass(slots=True)
class Exported:
    """Questions to write and what the summary must say about them."""

    questions: list[Question] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    branching: list[str] = field(default_factory=list)


def category_segment(name: str) -> str:
    """A category name as one segment of a Moodle category path ('/' is written '//')."""
    segment = normalise(name).replace("\n", " ").replace("/", "//")
    # A name that starts or ends with '/' would run into the separator: pad it (names are
    # trimmed when read back).
    return f" {segment} " if segment.startswith("/") or segment.endswith("/") else segment


def citation_line(source: Source) -> str:
    """``[K1] title — publisher, year <url>``: one line, read back by the importer."""
    line = f"[{source.key}] {source.title} — {source.publisher}"
    if source.year:
        line += f", {source.year}"
    if source.url:
        line += f" <{source.url}>"
    return normalise(line).replace("\n", " ")


def general_feedback(module: Module, step: Step) -> str:
    """The explanation, then the step's citations (not the placeholder of an import)."""
    lines = [citation_line(module.sources[k]) for k in step.sources if k != IMPORT_KEY]
    text = normalise(step.explanation)
    if lines:
        text += "\n\n" + SOURCES_HEADING + "\n" + "\n".join(lines)
    return text


def step_order(scenario: Scenario) -> list[Step]:
    """The start step first, then the others in file order (an importer starts at the top)."""
    start = scenario.step(scenario.start)
    return [start, *(s for s in scenario.steps if s.id != scenario.start)]


def export_module(module: Module) -> Exported:
    """Every step of every scenario of ``module`` as a question."""
    out = Exported()
    titles: set[str] = set()
    module_segment = category_segment(module.title)
    for scenario in module.scenarios:
        title = normalise(scenario.title).replace("\n", " ")
        base, n = title, 2
        while title in titles:  # scenarios with one title would merge into one category
            title, n = f"{base} ({n})", n + 1
        titles.add(title)
        category = f"$course$/top/{module_segment}/{category_segment(title)}"
        branches = scenario_branches(scenario)
        if branches:
            out.branching.append(f"{module.id}/{scenario.id}")
        narrative = normalise(scenario.narrative)
        story = "" if PLACEHOLDER_RE.match(narrative) else narrative + "\n\n"
        for step in step_order(scenario):
            question, nexts = _question(module, scenario, step, out.notes)
            question.name = f"{title} ({step.id})"
            question.idnumber = step.id  # unique in its category, as Moodle requires
            question.category = category
            question.text = story + normalise(step.prompt)
            question.comment = route_comment(step.id, step.next, nexts, branches)
            out.questions.append(question)
    return out


def _truefalse_pair(step: Step) -> tuple[int, int] | None:
    """Indexes of the 'true' and 'false' choices of a true/false step, if its words say so."""
    words = [re.sub(r"[^a-z]", "", c.text.lower()) for c in step.choices]
    trues = [i for i, w in enumerate(words) if w in TRUE_WORDS]
    falses = [i for i, w in enumerate(words) if w in FALSE_WORDS]
    if len(step.choices) == 2 and len(trues) == 1 and len(falses) == 1:
        return trues[0], falses[0]
    return None


def _question(
    module: Module, scenario: Scenario, step: Step, notes: list[str]
) -> tuple[Question, list[str | None]]:
    where = f"{module.id}/{scenario.id}/{step.id}"
    common = {
        "name": "",
        "text": "",
        "general_feedback": general_feedback(module, step),
        "points": float(step.points),
        "shuffle": step.shuffle,
        "tags": list(scenario.tags),
    }
    pair = _truefalse_pair(step) if step.type == "truefalse" else None
    if pair is not None:
        chosen = [step.choices[pair[0]], step.choices[pair[1]]]
        answers = [
            Answer("True", 100.0 if chosen[0].correct else 0.0, normalise(chosen[0].feedback)),
            Answer("False", 100.0 if chosen[1].correct else 0.0, normalise(chosen[1].feedback)),
        ]
        words = f"'{normalise(chosen[0].text)}' / '{normalise(chosen[1].text)}'"
        if words != "'True' / 'False'":
            notes.append(f"true/false choices {words} are written as Moodle's True / False")
        return Question("truefalse", answers=answers, **common), [c.next for c in chosen]  # type: ignore[arg-type]
    nexts = [c.next for c in step.choices]
    if step.type != "multi":
        answers = [
            Answer(normalise(c.text), 100.0 if c.correct else 0.0, normalise(c.feedback))
            for c in step.choices
        ]
        if step.type == "truefalse":
            notes.append(f"{where}: true/false step with other words, exported as multiple choice")
        return Question("multichoice", answers=answers, single=True, **common), nexts  # type: ignore[arg-type]
    k = len(step.correct_ids)
    share = 100.0 / k
    wrong = -share if step.scoring == "proportional" else -100.0
    if step.scoring == "all-or-nothing" and k > 1:
        notes.append(
            f"{where}: all-or-nothing scoring has no Moodle equivalent; wrong answers are "
            "-100% (any wrong pick scores 0), but Moodle gives part marks for an incomplete pick"
        )
    if k > 10:
        notes.append(
            f"{where}: {k} correct answers: a {share:.5f}% share is not one of Moodle's "
            "standard grades"
        )
    answers = [
        Answer(normalise(c.text), share if c.correct else wrong, normalise(c.feedback))
        for c in step.choices
    ]
    return Question("multichoice", answers=answers, single=False, **common), nexts  # type: ignore[arg-type]
