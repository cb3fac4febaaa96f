"""Coverage of the shipped course: it validates, is big enough, branches, cites its sources,
covers every misconception tag, keeps phone numbers in resources.yaml only, and gives the
role-specific modules to the right roles."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from trainer.bank import Choice, Course, Module, Scenario, Step, load_course

COURSE = Path(__file__).resolve().parents[1] / "question_banks" / "course.yaml"

PHONE_RE = re.compile(r"\d{3}-\d{3}-\d{4}")

REQUIRED_TAGS = (
    "initial-consent",
    "romantic-partner",
    "not-self-identifying",
    "free-to-leave",
    "minor",
    "payment",
    "debt",
    "fear-of-police",
    "scripted-answers",
    "trauma-bond",
    "zero-tolerance",
    "buyer-liability",
    "demand",
    "reporting",
)
MIN_STEPS_PER_TAG = 3
MIN_MODULES = 6
MIN_SCENARIOS_PER_MODULE = 4
MIN_STEPS_PER_MODULE = 10
MIN_STEPS_TOTAL = 60


# ----------------------------------------------------------------------------- helpers


def is_branching(scenario: Scenario) -> bool:
    """True when, in some step, the next step depends on which choice the learner picks."""
    for step in scenario.steps:
        if step.type == "multi":
            continue
        targets = {step.next_after(frozenset({c.id})) for c in step.choices}
        if len(targets) > 1:
            return True
    return False


def steps_per_tag(course: Course) -> Counter[str]:
    """Tag -> number of steps in the scenarios that carry the tag, over the whole course."""
    counts: Counter[str] = Counter()
    for module in course.module_map.values():
        for scenario in module.scenarios:
            for tag in scenario.tags:
                counts[tag] += len(scenario.steps)
    return counts


def unresolved_sources(module: Module) -> list[str]:
    """'scenario/step: KEY' for every cited key missing from the module's registry."""
    return [
        f"{sc.id}/{st.id}: {key}"
        for sc in module.scenarios
        for st in sc.steps
        for key in st.sources
        if key not in module.sources
    ]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def course() -> Course:
    load = load_course(COURSE)
    assert load.problems == [], "\n".join(str(p) for p in load.problems)
    assert load.course is not None
    return load.course


# ----------------------------------------------------------------------------- the helpers can fail


def _step(sid: str, choices: tuple[Choice, ...], nxt: str | None = None) -> Step:
    return Step(
        id=sid,
        type="single",
        prompt="p",
        points=1,
        choices=choices,
        explanation="e",
        sources=("K1",),
        next=nxt,
    )


def _scenario(*steps: Step) -> Scenario:
    return Scenario(
        id="x",
        title="t",
        narrative="n",
        tags=("debt",),
        start=steps[0].id,
        steps=steps,
        roles=("employee",),
    )


def test_branching_detector_rejects_a_linear_scenario() -> None:
    linear = _scenario(
        _step("s1", (Choice("a", "A", True, "f"), Choice("b", "B", False, "f")), nxt="s2"),
        _step("s2", (Choice("a", "A", True, "f"), Choice("b", "B", False, "f"))),
    )
    assert not is_branching(linear)


def test_branching_detector_accepts_a_choice_that_changes_the_path() -> None:
    branching = _scenario(
        _step(
            "s1", (Choice("a", "A", True, "f", next="s2"), Choice("b", "B", False, "f", next="s3"))
        ),
        _step("s2", (Choice("a", "A", True, "f"), Choice("b", "B", False, "f"))),
        _step("s3", (Choice("a", "A", True, "f"), Choice("b", "B", False, "f"))),
    )
    assert is_branching(branching)


def test_phone_pattern_catches_a_number_and_ignores_prose() -> None:
    assert PHONE_RE.search("call 1-888-373-7888 now")
    assert not PHONE_RE.search("see the Resources screen for numbers; call 911")


# ----------------------------------------------------------------------------- the course


def test_course_validates_without_problems(course: Course) -> None:
    assert course.id == "consent-isnt-consent"
    assert len(course.modules) == len(course.module_map)


def test_course_has_enough_modules(course: Course) -> None:
    assert len(course.modules) >= MIN_MODULES


def test_each_module_has_enough_scenarios_and_steps(course: Course) -> None:
    small = {
        m.id: (len(m.scenarios), m.step_count)
        for m in course.module_map.values()
        if len(m.scenarios) < MIN_SCENARIOS_PER_MODULE or m.step_count < MIN_STEPS_PER_MODULE
    }
    limits = f"{MIN_SCENARIOS_PER_MODULE}/{MIN_STEPS_PER_MODULE}"
    assert small == {}, f"(scenarios, steps) below {limits}"


def test_course_has_enough_steps_in_all(course: Course) -> None:
    total = sum(m.step_count for m in course.module_map.values())
    assert total >= MIN_STEPS_TOTAL


def test_each_module_has_a_branching_scenario(course: Course) -> None:
    linear_only = [
        m.id for m in course.module_map.values() if not any(is_branching(s) for s in m.scenarios)
    ]
    assert linear_only == []


@pytest.mark.parametrize("tag", REQUIRED_TAGS)
def test_each_misconception_tag_is_covered(course: Course, tag: str) -> None:
    assert steps_per_tag(course)[tag] >= MIN_STEPS_PER_TAG, f"tag '{tag}' is under-covered"


def test_every_step_cites_a_source_in_its_module(course: Course) -> None:
    uncited = [
        f"{m.id}/{sc.id}/{st.id}"
        for m in course.module_map.values()
        for sc in m.scenarios
        for st in sc.steps
        if not st.sources
    ]
    unresolved = {m.id: unresolved_sources(m) for m in course.module_map.values()}
    assert uncited == []
    assert {k: v for k, v in unresolved.items() if v} == {}


def test_module_files_hold_no_phone_numbers(course: Course) -> None:
    offenders = [
        str(m.path)
        for m in course.module_map.values()
        if PHONE_RE.search(m.path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "phone numbers belong in resources.yaml only"


def test_resources_hold_the_reporting_numbers(course: Course) -> None:
    text = "\n".join(course.resources.as_lines())
    for needle in (
        "911",
        "1-877-4-HSI-TIP",  # the number the current official HSI tip form shows (facts.md 6)
        "dhs.gov/hsi/tipline",
        "1-888-373-7888",
        "233733",
        "tips.fbi.gov",
        "humantraffickinghotline.org",
    ):
        assert needle in text, needle


def test_every_reporting_number_says_when_it_was_last_checked(course: Course) -> None:
    """Numbers change (the hotline's operator did in 2025): each one but 911 carries a date."""
    undated = [
        c.name
        for c in course.resources.contacts
        if (c.phone or c.text)
        and c.phone != "911"
        and not re.search(r"status \d{1,2} \w+ \d{4}", c.note or "")
    ]
    assert undated == []


def test_role_specific_modules_go_only_to_their_role(course: Course) -> None:
    entries = {cm.id: cm for cm in course.modules}
    assert entries["contractor-duties"].roles == ("contractor",)
    assert course.module("contractor-duties").roles == ("contractor",)
    assert entries["uniformed-rules"].roles == ("uniformed",)
    assert course.module("uniformed-rules").roles == ("uniformed",)
    assert "contractor-duties" not in {m.id for m in course.required_for("uniformed")}
    assert "uniformed-rules" not in {m.id for m in course.required_for("contractor")}
    assert {m.id for m in course.required_for("employee")}.isdisjoint(
        {"contractor-duties", "uniformed-rules"}
    )
