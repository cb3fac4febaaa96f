"""The exchange model: questions as Moodle sees them, between a file and a bank module.

Both readers produce, and both writers consume, :class:`Question`. Text here is always the
bank's plain text (see :mod:`trainer.exchange.text`); the writers turn it into HTML or GIFT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from trainer.bank.safeyaml import MAX_BYTES

QuestionKind = Literal["multichoice", "truefalse"]

MAX_INPUT_BYTES = MAX_BYTES  # 8 MiB, as for YAML banks
MAX_DEPTH = 64  # XML element nesting, as for YAML banks
MAX_ELEMENTS = 1_000_000  # XML elements, as YAML nodes after alias expansion
MAX_QUESTIONS = 10_000  # questions (and categories) in one file

# The source key every imported step cites until a trainer gives it a real citation;
# `trainer validate` warns about modules that still cite it.
IMPORT_KEY = "IMPORTED"

# The narrative an import gives a scenario whose questions share no opening paragraph. It is
# not part of the story, so an export leaves it out of the question text.
PLACEHOLDER_NARRATIVE = "Questions imported from the category '{title}'."
PLACEHOLDER_RE = re.compile(r"^Questions imported from the category '.*'\.$", re.DOTALL)

# Unsupported question types, as the skip message names them.
TYPE_WORDS = {
    "essay": "essay",
    "numerical": "numerical",
    "shortanswer": "short answer",
    "match": "matching",
    "matching": "matching",
    "multianswer": "cloze (embedded answers)",
    "cloze": "cloze (embedded answers)",
    "description": "description",
    "ddwtos": "drag and drop into text",
    "gapselect": "select missing words",
    "calculated": "calculated",
    "randomsamatch": "random short-answer matching",
    "ordering": "ordering",
}


class ImportRefused(Exception):
    """The file cannot be imported at all: ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(slots=True)
class Answer:
    """One answer: its text, Moodle fraction (-1..1, as a percentage -100..100) and feedback."""

    text: str
    percent: float
    feedback: str = ""


@dataclass(slots=True)
class Question:
    """A question in the exchange model (multichoice or truefalse; others are skipped).

    ``routing`` is trainer's branching, carried in a comment so a trainer-exported file
    re-imports with its branches: ``{"next": step-or-None, "choices": {n: step}}`` (choices
    numbered from 1, ``None`` for "the scenario ends").
    """

    kind: QuestionKind
    name: str
    text: str
    answers: list[Answer]
    line: int = 0
    category: str = ""
    general_feedback: str = ""
    single: bool = True
    shuffle: bool | None = None
    points: float | None = None
    tags: list[str] = field(default_factory=list)
    routing: dict[str, object] | None = None
    comment: str = ""
    idnumber: str = ""  # Moodle's question ID number: trainer writes the step id there


@dataclass(slots=True)
class Category:
    """A Moodle category: its path (``$course$/top/A/B``) and description, where it starts."""

    path: str
    info: str = ""
    line: int = 0


@dataclass(slots=True)
class ReadResult:
    """What a reader found: questions in file order, categories, skips and notes."""

    questions: list[Question] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "file:line: question 'x': ..."
    notes: list[str] = field(default_factory=list)  # "file:line: question 'x': ..."


def skip_line(path: str, line: int, name: str, qtype: str) -> str:
    """The one line reporting a question the bank format cannot hold."""
    words = TYPE_WORDS.get(qtype, qtype)
    return f"{path}:{line}: question '{name}': {words} is not supported; skipped"


def format_percent(value: float) -> str:
    """A Moodle fraction as Moodle writes it: at most 5 decimals, no trailing zeros."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
