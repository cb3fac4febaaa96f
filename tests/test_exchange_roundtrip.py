"""Export → import → export gives the same file; the shipped course loses no item."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.bank.loader import load_course, load_module
from trainer.bank.model import Module, Step
from trainer.exchange.convert import Format, check_module, dump, export_modules, import_bytes
from trainer.exchange.frombank import step_order
from trainer.exchange.items import IMPORT_KEY
from trainer.exchange.text import normalise

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "question_banks" / "course.yaml"
MODULES = sorted((ROOT / "question_banks" / "modules").glob("*.yaml"))
SUFFIX = {"moodle-xml": ".xml", "gift": ".gift"}

# Letters, digits, spaces and newlines, plus every character GIFT or HTML treats specially.
ALPHABET = "abcXYZ019 é中\n~=#{}:\\<>&\"'/*_`[]->!?."
words = st.text(ALPHABET, min_size=1, max_size=30).filter(
    lambda t: bool(normalise(t)) and not normalise(t).startswith("%")
)


def roundtrip(module: Module, fmt: Format) -> tuple[str, Module, str]:
    """(first export, the module imported from it, second export)."""
    first = export_modules([module], fmt).text
    imported = import_bytes(first.encode(), Path("e1" + SUFFIX[fmt]), Path("m.yaml"), fmt, "m")
    second = export_modules([imported.module], fmt).text
    return first, imported.module, second


@st.composite
def modules(draw: st.DrawFn) -> Module:
    """A small valid module: 1-2 scenarios of 1-4 steps of every type, some branching."""
    scenarios = []
    for n in range(draw(st.integers(1, 2))):
        count = draw(st.integers(1, 4))
        steps = []
        for i in range(count):
            kind = draw(st.sampled_from(["single", "multi", "truefalse"]))
            later = [f"s{j}" for j in range(i + 2, count)]
            if kind == "truefalse":
                texts = draw(
                    st.sampled_from([("Fact", "Myth"), ("True", "False"), ("Yes", "Maybe")])
                )
                good = draw(st.integers(0, 1))
                flags = [j == good for j in range(2)]
            else:
                size = draw(st.integers(2, 4))
                texts = tuple(draw(words) for _ in range(size))
                if kind == "single":
                    good = draw(st.integers(0, size - 1))
                    flags = [j == good for j in range(size)]
                else:
                    flags = draw(st.lists(st.booleans(), min_size=size, max_size=size))
                    flags[draw(st.integers(0, size - 1))] = True
            choices: list[dict[str, Any]] = [
                {"id": f"c{j}", "text": t, "correct": ok, "feedback": draw(words)}
                for j, (t, ok) in enumerate(zip(texts, flags, strict=True))
            ]
            if kind != "multi" and later and draw(st.booleans()):
                choices[0]["next"] = draw(st.sampled_from(later))  # a branch forward
            step: dict[str, Any] = {
                "id": f"s{i}", "type": kind, "prompt": draw(words),
                "points": draw(st.integers(1, 5)), "explanation": draw(words),
                "sources": draw(st.sampled_from([["K1"], ["K1", "K2"], [IMPORT_KEY]])),
                "shuffle": draw(st.booleans()), "choices": choices,
            }  # fmt: skip
            if kind == "multi":
                step["scoring"] = draw(st.sampled_from(["proportional", "all-or-nothing"]))
            if i + 1 < count:
                step["next"] = f"s{i + 1}"
            steps.append(step)
        scenarios.append(
            {"id": f"sc{n}", "title": draw(words).replace("\n", " "), "tags": ["debt"],
             "narrative": draw(words), "start": "s0", "steps": steps}
        )  # fmt: skip
    data = {
        "kind": "module", "format": 1, "id": "gen", "title": "Generated", "version": "1",
        "summary": "Generated.", "objectives": ["Test."], "pass_mark": 1,
        "estimated_minutes": 5,
        "sources": {
            "K1": {"title": "A — title: with {braces}", "publisher": "P", "year": 2020,
                   "url": "https://example.org/a?b=c"},
            "K2": {"title": "Second", "publisher": "Q"},
            IMPORT_KEY: {"title": "Imported", "publisher": "Nobody"},
        },
        "scenarios": scenarios,
    }  # fmt: skip
    return check_module(dump(data), Path("gen.yaml"))


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(module=modules())
def test_generated_modules_round_trip_byte_for_byte(fmt: Format, module: Module) -> None:
    first, imported, second = roundtrip(module, fmt)
    assert second == first
    # What the engine scores survives too: per step, its type, key and scoring.
    assert imported.step_count == module.step_count
    for sc_old, sc_new in zip(module.scenarios, imported.scenarios, strict=True):
        for old in sc_old.steps:
            new = sc_new.step(old.id)
            assert (new.next, new.type == "multi") == (old.next, old.type == "multi")
            assert sorted(c.correct for c in new.choices) == sorted(c.correct for c in old.choices)
            if old.type == "multi" and 1 < len(old.correct_ids) < len(old.choices):
                assert new.scoring == old.scoring  # (with no wrong choice, Moodle cannot tell)
            if fmt == "moodle-xml":
                assert new.points == old.points


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_shipped_modules_round_trip(path: Path, fmt: Format) -> None:
    module, problems = load_module(path)
    assert module is not None, problems
    first, imported, second = roundtrip(module, fmt)
    assert second == first
    # Branches come back: every choice leads where it led before.
    for old_sc, new_sc in zip(module.scenarios, imported.scenarios, strict=True):
        assert {s.id for s in old_sc.steps} == {s.id for s in new_sc.steps}
        for old in old_sc.steps:
            new = new_sc.step(old.id)
            assert _routes(new) == _routes(old)


def _routes(step: Step) -> list[tuple[bool, str]]:
    """Where each right and wrong choice leads (choice ids may change on the way)."""
    pairs = []
    for c in step.choices:
        target = step.next if step.type == "multi" else step.next_after(frozenset({c.id}))
        pairs.append((c.correct, target or ""))
    return sorted(pairs)


def test_shipped_course_exports_and_reimports_with_no_item_lost() -> None:
    course = load_course(COURSE).course
    assert course is not None
    modules = list(course.module_map.values())
    steps = sum(m.step_count for m in modules)
    for fmt in ("moodle-xml", "gift"):
        text = export_modules(modules, fmt).text  # type: ignore[arg-type]
        result = import_bytes(text.encode(), Path("course" + SUFFIX[fmt]), Path("c.yaml"), fmt, "c")  # type: ignore[arg-type]
        assert result.imported == steps and result.skipped == []
        assert result.module.step_count == steps
        assert len(result.module.scenarios) == sum(len(m.scenarios) for m in modules)
        prompts = {normalise(st.prompt) for m in modules for s in m.scenarios for st in s.steps}
        again = {st.prompt for s in result.module.scenarios for st in s.steps}
        assert prompts == again


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
def test_step_ids_survive_a_trip_through_moodle_which_drops_comments(fmt: Format) -> None:
    """Moodle keeps a question's ID number (XML <idnumber>, GIFT [id:…]) but not comments:
    the step ids come back, the branches do not (the steps follow in file order)."""
    module, _ = load_module(MODULES[1])
    assert module is not None
    text = export_modules([module], fmt).text
    if fmt == "gift":
        stripped = "\n".join(
            re.sub(r"trainer-route[^\n]*", "", line) for line in text.split("\n")
        )  # keep the [id:…] [tag:…] comment line, as Moodle's own export would
    else:
        stripped = re.sub(r"<!--.*?-->\n", "", text)
    assert "trainer-route" not in stripped
    result = import_bytes(stripped.encode(), Path("m" + SUFFIX[fmt]), Path("m.yaml"), fmt, "m")
    for old_sc, new_sc in zip(module.scenarios, result.module.scenarios, strict=True):
        assert [s.id for s in new_sc.steps] == [s.id for s in step_order(old_sc)]
