"""The quick route for a right module file (trainer.bank.quick) gives what the full route
gives: the same model, and for a file with anything wrong in it, no model from it at all (the
full route then reports the problems).

tests/test_validate_fast_paths.py compares the fast and exact routes on hundreds of mutated
files; here are the cases the quick route decides on its own (branching, pass marks, 'next'
written as null, keys the full route refuses where the schema alone would not), each loaded
with the quick route on and off.
"""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pytest

from benchmarks.genbank import write_course
from tests.fresh_python import ROOT
from trainer.bank import build, quick
from trainer.bank.files import read_yaml
from trainer.bank.loader import load_module, validate_paths
from trainer.bank.model import Choice, Module, Step
from trainer.bank.problems import Problem
from trainer.bank.safeyaml import YamlRefused, load_bytes, load_text
from trainer.scoring import best_path_points, correct_path_points

MODULE = """\
kind: module
format: 1
id: m
title: M
version: "1"
summary: About it.
objectives: [Learn.]
pass_mark: {pass_mark}
estimated_minutes: 5
sources:
  src: {{title: T, publisher: P}}
scenarios:
  - id: sc
    title: S
    narrative: N.
    tags: [t]
    start: s1
    steps:
      - id: s1
        type: single
        prompt: P1
        points: 2
        next: {s1_next}
        explanation: E.
        sources: [src]
        choices:
          - {{id: a, text: A, correct: true, feedback: F.{a_next}}}
          - {{id: b, text: B, correct: false, feedback: F.{b_next}}}
      - id: s2
        type: multi
        prompt: P2
        points: {s2_points}
{s2_extra}        explanation: E.
        sources: [src]
        choices:
          - {{id: a, text: A, correct: true, feedback: F.}}
          - {{id: b, text: B, correct: false, feedback: F.{multi_next}}}
      - id: s3
        type: truefalse
        prompt: P3
        points: 1
        explanation: E.
        sources: [src]
        choices:
          - {{id: fact, text: Fact, correct: true, feedback: F.}}
          - {{id: myth, text: Myth, correct: false, feedback: F.}}
"""

RIGHT = {
    "pass_mark": 50,
    "s1_next": "s2",
    "a_next": "",
    "b_next": ", next: s3",
    "s2_points": 3,
    "s2_extra": "",
    "multi_next": "",
}
# A right answer at s1 leads to s3 (3 points in all), a wrong one to s2 (5): the best path
# is not the right one, and a learner who answers right scores 60%.
DETOUR = {"a_next": ", next: s3", "b_next": ", next: s2", "s2_points": 5}


def module_text(**changes: str | int) -> str:
    return MODULE.format(**{**RIGHT, **changes})


def load_both_ways(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[Module | None, list[Problem]], tuple[Module | None, list[Problem]]]:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    quick_route = load_module(path)
    with monkeypatch.context() as mp:
        mp.setattr(build, "quick_module", lambda loaded: None)
        full_route = load_module(path)
    return quick_route, full_route


def test_the_right_module_is_built_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (module, problems), (full, full_problems) = load_both_ways(tmp_path, module_text(), monkeypatch)
    assert problems == full_problems == []
    assert module is not None and module == full
    step = module.scenarios[0].steps[1]
    assert (step.shuffle, step.scoring, step.next) == (True, "proportional", None)


CASES = {
    # right, and decided by the quick route's own branching and scoring
    "a choice leads past a step": {"a_next": ", next: s3"},
    "pass mark reached exactly": {**DETOUR, "pass_mark": 60},
    "pass mark of 100 on the right path": {"pass_mark": 100},
    "every path ends at once": {"s1_next": "s3"},
    # wrong: the quick route must give no model, the full route reports it
    "pass mark out of reach": {**DETOUR, "pass_mark": 61},
    "next that names no step": {"s1_next": "s9"},
    "a step that loops back": {"s1_next": "s1"},
    "next written as null": {"s1_next": "null"},
    "a choice's next written as null": {"a_next": ", next: null"},
    "next on a multi-select choice": {"multi_next": ", next: s3"},
    "null next on a multi-select choice": {"multi_next": ", next: null"},
    "scoring on a multi-select step": {"s2_extra": "        scoring: all-or-nothing\n"},
    "shuffle written out": {"s2_extra": "        shuffle: false\n"},
    "shuffle as text": {"s2_extra": "        shuffle: 'no'\n"},
    "an unknown key": {"s2_extra": "        hint: H\n"},
    "a key written twice": {"s2_extra": "        points: 3\n"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_gives_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    (module, problems), (full, full_problems) = load_both_ways(
        tmp_path, module_text(**CASES[case]), monkeypatch
    )
    assert [str(p) for p in problems] == [str(p) for p in full_problems]
    assert module == full
    # A right module is the quick route's own (it does not leave it to the full route).
    quick_built = quick.quick_module(read_yaml(tmp_path / "m.yaml"))
    assert (quick_built is None) == (full is None)


def test_the_cases_include_right_and_wrong_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cases above are not all one kind (else they would not test the refusals)."""
    outcomes = set()
    for case in CASES.values():
        (module, _), _ = load_both_ways(tmp_path, module_text(**case), monkeypatch)
        outcomes.add(module is None)
    assert outcomes == {True, False}


def test_a_right_bank_is_built_by_the_quick_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generated bank and the shipped course never reach the full route's step checks."""

    def full_route(*args: object) -> None:
        raise AssertionError("the full route ran on a right module")

    monkeypatch.setattr(build, "_check_step", full_route)
    monkeypatch.setattr(build, "_check_graph", full_route)
    course = write_course(tmp_path / "gen", questions=60, seed=11)
    for bank in (course.parent, ROOT / "question_banks"):
        result = validate_paths([bank])
        assert result.problems == [] and result.modules


def test_scores_are_the_scoring_module_s(tmp_path: Path) -> None:
    """The quick route's whole-number scores equal trainer.scoring's, scenario by scenario."""
    course = write_course(tmp_path / "gen", questions=120, seed=13)
    result = validate_paths([course.parent, ROOT / "question_banks"])
    scenarios = [s for m in result.modules for s in m.scenarios]
    assert len(scenarios) > 40
    for scenario in scenarios:
        points = quick._points(scenario.steps, scenario.start)
        assert points == (best_path_points(scenario), correct_path_points(scenario))


def test_quick_route_objects_are_the_model_s_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Steps and choices made by the quick route are model objects like any other: same
    class, fields, hash, pickling, and no field can be set."""
    (module, _), (full, _) = load_both_ways(tmp_path, module_text(), monkeypatch)
    assert module is not None and full is not None
    for quick_step, full_step in zip(
        module.scenarios[0].steps, full.scenarios[0].steps, strict=True
    ):
        assert type(quick_step) is Step and type(quick_step.choices[0]) is Choice
        assert quick_step.correct_ids == full_step.correct_ids
        assert hash(quick_step) == hash(full_step) and repr(quick_step) == repr(full_step)
        assert pickle.loads(pickle.dumps(quick_step)) == full_step
        with pytest.raises(AttributeError):
            quick_step.points = 9  # type: ignore[misc]
        with pytest.raises(AttributeError):
            quick_step.choices[0].correct = False  # type: ignore[misc]


def test_loading_leaves_no_garbage_cycles() -> None:
    """Loading pauses the collector, so a reference cycle made while loading (the quick
    walker's closure once kept every document's text this way) lives until the collector
    runs again; loading a module makes none."""
    text = module_text()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        value, problems = load_text(text, "m.yaml")
        assert value["id"] == "m" and problems == []
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_bytes_and_text_are_guarded_alike(bom: bytes) -> None:
    """load_bytes counts brackets in the bytes it read (sparing an encode of the text);
    with a BOM and non-ASCII text it refuses exactly what load_text refuses, at the same
    place, and lets through what it lets through."""
    deep = "title: “café” [x]\nz: " + "[" * 300 + "]" * 300 + "\n"
    shallow = "title: “café”\nz: " + "[" * 60 + "1" + "]" * 60 + "\n"
    with pytest.raises(YamlRefused) as from_bytes:
        load_bytes(bom + deep.encode("utf-8"), "m.yaml")
    with pytest.raises(YamlRefused) as from_text:
        load_text(deep, "m.yaml")
    assert from_bytes.value.problem == from_text.value.problem
    assert "nesting is too deep" in from_bytes.value.problem.message
    assert load_bytes(bom + shallow.encode("utf-8"), "m.yaml") == load_text(shallow, "m.yaml")
