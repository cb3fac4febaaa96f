"""Imported questions → a bank-format module that ``trainer validate`` accepts.

* Each category becomes a scenario; its questions become steps, in file order. Paragraphs
  that open every question of a category become the scenario's narrative (so a file
  exported by trainer, whose questions start with the story so far, reads back the same).
* Moodle fractions map to the engine's scoring as closely as it can express (see
  :func:`_multi`); every place it cannot is reported as a note.
* Every step cites :data:`~trainer.exchange.items.IMPORT_KEY`, a source entry saying where
  the item came from; ``trainer validate`` warns until a real citation replaces it. Citations
  that trainer wrote into the general feedback (``Sources:``) are read back as sources.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.bank.schema import ID_RE
from trainer.exchange.frombank import SOURCES_HEADING
from trainer.exchange.items import (
    IMPORT_KEY,
    PLACEHOLDER_NARRATIVE,
    Category,
    Question,
    ReadResult,
)
from trainer.exchange.routes import END, check_routes
from trainer.exchange.text import normalise, paragraphs, slug, unique

_PREFIX = re.compile(r"^\$(course|system|module|cat|coursecategory)\$/(top/)?")
_SEGMENTS = re.compile(r"(?<!/)/(?!/)")
_CITATION = re.compile(
    r"^\[(?P<key>[A-Za-z0-9][A-Za-z0-9_-]*)\] (?P<title>.+) — (?P<pub>.+?)"
    r"(?:, (?P<year>\d{4}))?(?: <(?P<url>[^<>\s]+)>)?$"
)
RIGHT, WRONG = "Correct.", "Not correct."
NO_EXPLANATION = "No explanation came with this imported question."


@dataclass(slots=True)
class Built:
    """The module as plain data (ready for YAML), and what the import summary reports."""

    data: dict[str, Any]
    steps: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_category(path: str) -> list[str]:
    """A Moodle category path as its names: ``$course$/top/A/B//C`` → ``['A', 'B/C']``."""
    rest = _PREFIX.sub("", path.strip())
    return [s.replace("//", "/").strip() for s in _SEGMENTS.split(rest) if s.strip()]


def _titles(groups: dict[str, list[Question]]) -> tuple[str | None, dict[str, str]]:
    """The module title (the first category name shared by every group, if there are two
    levels) and each group's scenario title."""
    names = {cat: split_category(cat) for cat in groups}
    firsts = {tuple(n[:1]) for n in names.values()}
    shared = len(firsts) == 1 and all(len(n) >= 2 for n in names.values())
    module_title = next(iter(firsts))[0] if shared else None
    titles = {}
    for cat, parts in names.items():
        rest = parts[1:] if shared else parts
        titles[cat] = " / ".join(rest) or "Imported questions"
    return module_title, titles


def build(result: ReadResult, *, path: str, label: str, module_id: str) -> Built:
    """The module for what a reader found in ``path`` (a ``label`` file)."""
    built = Built({}, skipped=list(result.skipped), notes=list(result.notes))
    sources: dict[str, dict[str, Any]] = {
        IMPORT_KEY: {
            "title": f"Imported from {Path(path).name} ({label}); replace with the real source",
            "publisher": "Unverified import: not yet cited",
        }
    }
    groups: dict[str, list[Question]] = {}
    for q in result.questions:
        groups.setdefault(q.category, []).append(q)
    module_title, titles = _titles(groups)
    scenarios = []
    taken: set[str] = set()
    for cat, questions in groups.items():
        scenario = _scenario(questions, titles[cat], result.categories.get(cat), path, sources,
                             built)  # fmt: skip
        if scenario is not None:
            scenario["id"] = unique(slug(scenario["title"], "scenario"), taken)
            scenarios.append(scenario)
    built.data = {
        "kind": "module",
        "format": 1,
        "id": module_id,
        "title": module_title or f"Imported from {Path(path).name}",
        "version": "1.0.0",
        "summary": f"Imported from {Path(path).name} ({label}) with trainer import. Review every "
        "question, its feedback and its citation before learners see it.",
        "objectives": ["Review the imported questions and write this module's objectives."],
        "pass_mark": 1,  # set once the scenarios are known (convert.import_bytes)
        "estimated_minutes": max(1, min(240, built.steps)),
        "sources": sources,
        "scenarios": [{k: s[k] for k in _SCENARIO_KEYS} for s in scenarios],
    }
    return built


_SCENARIO_KEYS = ("id", "title", "tags", "narrative", "start", "steps")


def _common_lead(texts: list[list[str]]) -> list[str]:
    """Paragraphs that open every text, leaving each at least one of its own."""
    limit = min(len(t) for t in texts) - 1
    lead: list[str] = []
    for i in range(max(0, limit)):
        if all(t[i] == texts[0][i] for t in texts):
            lead.append(texts[0][i])
        else:
            break
    return lead


def _scenario(
    questions: list[Question], title: str, category: Category | None, path: str,
    sources: dict[str, dict[str, Any]], built: Built,
) -> dict[str, Any] | None:  # fmt: skip
    steps: list[tuple[Question, dict[str, Any]]] = []
    for q in questions:
        step = _step(q, path, sources, built)
        if step is not None:
            steps.append((q, step))
    if not steps:
        return None
    texts = [paragraphs(q.text) for q, _ in steps]
    lead = _common_lead(texts)
    for (_, step), text in zip(steps, texts, strict=True):
        step["prompt"] = "\n\n".join(text[len(lead) :])
    narrative = "\n\n".join(lead) or (category.info if category else "")
    narrative = narrative or PLACEHOLDER_NARRATIVE.format(title=title.replace("\n", " "))
    ids: set[str] = set()
    for n, (q, step) in enumerate(steps, 1):
        if q.routing:
            wanted = str(q.routing["step"])
        elif ID_RE.match(q.idnumber):  # a trainer step id that came back through Moodle
            wanted = q.idnumber
        else:
            wanted = slug(q.name, f"q{n}")
        step["id"] = unique(wanted, ids)
    _route(steps, path, built)
    tags: list[str] = []
    for q, _ in steps:
        for tag in q.tags:
            ident = slug(tag, "")
            if ident and ident not in tags:
                tags.append(ident)
    built.steps += len(steps)
    return {
        "title": title.replace("\n", " "),
        "tags": tags or ["imported"],
        "narrative": narrative,
        "start": steps[0][1]["id"],
        "steps": [s for _, s in steps],
    }


def _route(steps: list[tuple[Question, dict[str, Any]]], path: str, built: Built) -> None:
    """Restore trainer's branching from route comments, or chain the steps in file order."""
    order = [s["id"] for _, s in steps]
    routes = {s["id"]: q.routing for q, s in steps if q.routing is not None}
    problem = "not every question has a route" if len(routes) != len(order) else None
    if problem is None and routes:
        problem = check_routes(order, routes)
    if problem is None and routes:
        for _, step in steps:
            route = routes[step["id"]]
            assert route is not None
            if route["next"] not in (None, END):
                step["next"] = route["next"]
            for n, target in dict(route["choices"]).items():  # type: ignore[call-overload]
                if 1 <= n <= len(step["choices"]) and step["type"] != "multi":
                    step["choices"][n - 1]["next"] = None if target == END else target
        for _, step in steps:
            for choice in step["choices"]:
                if "next" in choice and choice["next"] is None:
                    del choice["next"]
        return
    if routes:
        first = steps[0][0]
        built.notes.append(
            f"{path}:{first.line}: trainer routes in this category were not restored "
            f"({problem}); its questions follow one another in file order"
        )
    for (_, step), nxt in zip(steps, [*order[1:], None], strict=True):
        if nxt is not None:
            step["next"] = nxt


def _explanation(
    q: Question, where: str, sources: dict[str, dict[str, Any]], built: Built
) -> tuple[str, list[str]]:
    """The explanation, and source keys read back from a trainer 'Sources:' paragraph."""
    paras = paragraphs(q.general_feedback)
    keys: list[str] = []
    if paras and paras[-1].startswith(SOURCES_HEADING + "\n"):
        lines = paras[-1].split("\n")[1:]
        found = [_CITATION.match(line) for line in lines]
        if all(found):
            paras = paras[:-1]
            for m in found:
                assert m is not None
                key = m["key"]
                entry: dict[str, Any] = {"title": m["title"], "publisher": m["pub"]}
                if m["year"] and 1800 <= int(m["year"]) <= 2100:
                    entry["year"] = int(m["year"])
                elif m["year"]:
                    entry["publisher"] += f", {m['year']}"
                if m["url"]:
                    entry["url"] = m["url"]
                if key != IMPORT_KEY:
                    sources.setdefault(key, entry)
                    keys.append(key)
    text = "\n\n".join(paras)
    if not text:
        text = NO_EXPLANATION
        built.notes.append(f"{where}: no general feedback; the explanation says so")
    return text, keys


def _points(q: Question, where: str, built: Built) -> int:
    if q.points is None:
        return 1
    points = max(1, min(100, round(q.points)))
    if not math.isclose(points, q.points):
        built.notes.append(f"{where}: mark {q.points:g} becomes {points} points")
    return points


def _step(
    q: Question, path: str, sources: dict[str, dict[str, Any]], built: Built
) -> dict[str, Any] | None:
    """The step for one question, or None (and a skip line) when the bank cannot hold it."""
    where = f"{path}:{q.line}: question '{q.name}'"
    if not paragraphs(q.text):
        built.skipped.append(f"{where}: has no question text; skipped")
        return None
    if len(q.answers) < 2 or any(not a.text for a in q.answers):
        built.skipped.append(f"{where}: needs at least two answers, each with text; skipped")
        return None
    if q.kind == "truefalse" and sorted(a.text for a in q.answers) != ["False", "True"]:
        built.skipped.append(f"{where}: a true/false question needs one 'true' and one 'false' "
                             "answer; skipped")  # fmt: skip
        return None
    correct: set[int] | None
    if q.kind == "truefalse":
        kind, correct, scoring = "truefalse", _tf_correct(q), None
    elif q.single:
        kind, scoring = "single", None
        correct = _single(q, where, built)
    else:
        kind = "multi"
        correct, scoring = _multi(q, where, built)
    if correct is None:
        return None
    if not correct:
        built.skipped.append(f"{where}: no answer is marked correct; skipped")
        return None
    explanation, keys = _explanation(q, where, sources, built)
    ids = [
        a.text.lower() if kind == "truefalse" else _choice_id(i) for i, a in enumerate(q.answers)
    ]
    choices = []
    for i, (ident, a) in enumerate(zip(ids, q.answers, strict=True)):
        ok = i in correct
        choices.append({"id": ident, "text": a.text, "correct": ok,
                        "feedback": normalise(a.feedback) or (RIGHT if ok else WRONG)})  # fmt: skip
    step: dict[str, Any] = {
        "id": "",
        "type": kind,
        "prompt": "",
        "points": _points(q, where, built),
    }
    shuffle = q.shuffle if q.shuffle is not None else kind != "truefalse"
    step["shuffle"] = shuffle
    if scoring:
        step["scoring"] = scoring
    step.update(explanation=explanation, sources=[IMPORT_KEY, *keys], choices=choices)
    return step


def _choice_id(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i] if i < 26 else f"a{i}"


def _tf_correct(q: Question) -> set[int]:
    best = max(range(len(q.answers)), key=lambda i: q.answers[i].percent)
    return {best} if q.answers[best].percent > 0 else set()


def _single(q: Question, where: str, built: Built) -> set[int] | None:
    """The one correct answer of a one-answer question; partial credit is reported."""
    full = [i for i, a in enumerate(q.answers) if a.percent >= 99.99]
    if len(full) > 1:
        built.skipped.append(
            f"{where}: {len(full)} answers are worth 100% in a one-answer question; the bank's "
            "one-answer steps have exactly one key; skipped"
        )
        return None
    best = max(range(len(q.answers)), key=lambda i: q.answers[i].percent)
    if not full and q.answers[best].percent > 0:
        built.notes.append(
            f"{where}: no answer is worth 100%; the best one "
            f"({q.answers[best].percent:g}%) becomes the correct answer"
        )
    for i, a in enumerate(q.answers):
        if i != best and a.percent != 0:
            built.notes.append(
                f"{where}: answer {i + 1} is worth {a.percent:g}% in Moodle; here only the "
                "correct answer scores"
            )
    return {best} if q.answers[best].percent > 0 else set()


def _multi(q: Question, where: str, built: Built) -> tuple[set[int], str]:
    """Correct answers and scoring of a multiple-answer question.

    Engine (proportional): points × max(0, (right picked − wrong picked) / right). That is
    Moodle's sum exactly when each right answer is worth 100/k % and each wrong one −100/k %.
    Wrong answers at −100% (any wrong pick scores 0) map to all-or-nothing.
    """
    correct = {i for i, a in enumerate(q.answers) if a.percent > 0}
    if not correct:
        return correct, "proportional"
    share = 100.0 / len(correct)
    rights = [q.answers[i].percent for i in sorted(correct)]
    wrongs = [a.percent for i, a in enumerate(q.answers) if i not in correct]
    if any(abs(p - share) > 0.01 for p in rights):
        built.notes.append(
            f"{where}: right answers worth {'/'.join(f'{p:g}%' for p in rights)} in Moodle "
            f"each count as an equal share here"
        )
    if all(abs(w + share) <= 0.01 for w in wrongs):
        return correct, "proportional"
    if len(correct) > 1 and all(w <= -99.99 for w in wrongs):
        built.notes.append(
            f"{where}: wrong answers at -100% make it all-or-nothing here (Moodle would give "
            "part marks for an incomplete pick)"
        )
        return correct, "all-or-nothing"
    built.notes.append(
        f"{where}: wrong answers worth {'/'.join(f'{w:g}%' for w in wrongs)} in Moodle; here "
        "each wrong pick cancels one right pick"
    )
    return correct, "proportional"
