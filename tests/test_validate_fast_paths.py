"""Loading a bank has fast paths; they give exactly what the exact paths give.

- the quick walker (trainer.bank.yamlwalk._quick) builds values without positions and hands
  anything unusual to the exact walker, which finds positions when a problem asks for one;
- ``flawless`` (trainer.bank.checker) passes a right object in one pass, and only what it
  does not pass goes through the full check, which finds and words every problem.

Each test loads the same text both ways, the second with the fast paths switched off, and
compares everything: values and their types, every position, every problem (text, line,
column) and the built model. The corpus is the shipped course, a generated module, tricky
YAML, and a few hundred seeded mutations of valid modules (wrong types, typed scalars, tags,
anchors and aliases, duplicate and unknown keys, missing lines).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from benchmarks.genbank import write_course
from tests.fresh_python import ROOT
from trainer.bank import checker, yamlwalk
from trainer.bank.loader import load_module, validate_paths
from trainer.bank.safeyaml import YamlRefused, YMap, YSeq, load_text

TRICKY = [
    "true",
    "false",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "~",
    "null",
    "Null",
    "''",
    '""',
    "0",
    "-1",
    "+3",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:30",
    "-1:30:05",
    "3.5",
    "-.inf",
    ".NaN",
    "1e3",
    "6.8523015e+5",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    '"12"',
    "'true'",
    "! 12",
    '! "12"',
    "!!str 12",
    '!!int "12"',
    "!!float 1",
    "!!bool yes",
    "!!null ''",
    "!custom x",
    "!!python/object/apply:os.system [ls]",
    "<<",
    "=",
    "[]",
    "{}",
    "[a, a]",
    "[x, 1]",
    "[employee, employee]",
    "[employee, boss]",
    "{a: 1}",
    "{a: 1, a: 2}",
    "1" * 101,
    "1." + "0" * 100,
    '"  "',
    "multi",
    "single",
    "truefalse",
    "all-or-nothing",
    "s1",
    "a",
    "Bad Id",
    "[s1]",
    "[]",
    "0",
    "101",
    "1000",
    "-5",
    "text with: colon",
]


# --------------------------------------------------------------------------- the two routes


@contextmanager
def exact_route() -> Iterator[None]:
    """Switch the fast paths off: the exact walker for every document, the full check for
    every object."""
    with pytest.MonkeyPatch.context() as mp:

        def never(*args: object) -> Any:
            raise yamlwalk._Unusual

        mp.setattr(yamlwalk, "_quick", never)
        mp.setattr(checker, "flawless", lambda value, kind: False)
        yield


def same(a: Any, b: Any, where: str = "root") -> None:
    """Equal values of the same types, with the same positions everywhere."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, YMap):
        assert list(a) == list(b), where
        assert a.pos == b.pos, where
        for key in a:
            assert a.where(key) == b.where(key), f"{where}.{key}"
            assert a.where_key(key) == b.where_key(key), f"{where}.{key} (key)"
            same(a[key], b[key], f"{where}.{key}")
        assert a.where("no such key") == b.where("no such key") == a.pos
    elif isinstance(a, YSeq):
        assert len(a) == len(b), where
        assert a.pos == b.pos, where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert a.where(i) == b.where(i), f"{where}[{i}]"
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, where


def loaded_both_ways(text: str) -> tuple[Any, Any]:
    def load() -> Any:
        try:
            return load_text(text, "t.yaml")
        except YamlRefused as exc:
            return exc.problem

    fast = load()
    with exact_route():
        exact = load()
    return fast, exact


def module_both_ways(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    fast_module, fast_problems = load_module(path)
    with exact_route():
        exact_module, exact_problems = load_module(path)
    assert [str(p) for p in fast_problems] == [str(p) for p in exact_problems]
    assert fast_module == exact_module


def check_text(tmp_path: Path, text: str) -> None:
    fast, exact = loaded_both_ways(text)
    if isinstance(exact, tuple):
        assert isinstance(fast, tuple), f"fast route refused: {fast}"
        same(fast[0], exact[0])
        assert fast[1] == exact[1]
    else:
        assert fast == exact
    module_both_ways(tmp_path, text)


# --------------------------------------------------------------------------- corpus


def generated_module(tmp_path: Path, questions: int = 12) -> str:
    course = write_course(tmp_path / "gen", questions=questions, seed=3)
    return next((course.parent / "modules").glob("*.yaml")).read_text(encoding="utf-8")


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    i = rng.choice(keyed)
    line = lines[i]
    indent = line[: len(line) - len(line.lstrip(" -"))]
    key, _, _ = line.partition(":")
    what = rng.randrange(9)
    flows = [j for j, row in enumerate(lines) if ": [" in row and row.rstrip().endswith("]")]
    if what == 8 and flows:  # a list's first item twice, or only once
        j = rng.choice(flows)
        head, _, items = lines[j].partition("[")
        first = items.rstrip("]").split(",")[0].strip()
        lines[j] = f"{head}[{first}, {first}]" if rng.random() < 0.7 else f"{head}[{first}]"
    elif what <= 2:  # a tricky value
        lines[i] = f"{key}: {rng.choice(TRICKY)}"
    elif what == 3:
        del lines[i]
    elif what == 4:  # the line twice: a duplicate key, or one more item
        lines.insert(i, line)
    elif what == 5:
        lines.insert(i, f"{indent.replace('-', ' ')}{rng.choice(['extra', 'titel', 'nxt'])}: 1")
    elif what == 6:  # an anchor here and an alias further on
        j = rng.choice(keyed)
        lines[i] = f"{key}: &x {line.partition(':')[2].strip() or 'v'}"
        if j > i:
            lines[j] = f"{lines[j].partition(':')[0]}: *x"
    else:  # a tricky key
        lines[i] = f"{indent.replace('-', ' ')}{rng.choice(TRICKY)}: {line.partition(':')[2]}"
    return "\n".join(lines)


SNIPPETS = [
    "",
    "just text",
    "- a\n- b\n",
    "kind: module\n",
    "a: 1\na: 2\n",
    "a: &x {b: 1}\nc: *x\n",
    "a: &x [1, 2]\nb: [*x, *x]\n",
    "? [a, b]\n: c\n",
    "!!map {a: 1}\n",
    "!!seq [a]\n",
    "! {a: 1}\n",
    "a: !!str\n",
    "<<: {a: 1}\n",
    "'<<': 1\n",
    "1: one\n2.5: two\ntrue: three\n~: four\n2001-12-14: five\n",
    "a: |\n  literal\n  text\nb: >-\n  folded\n  text\n",
    "a: [" + ", ".join(TRICKY[:20]) + "]\n",
    "a: {x: [1, {y: [2, {z: 3}]}]}\n",
    "\ufeffa: 1\n",
]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("text", SNIPPETS + [f"a: {t}\n" for t in TRICKY])
def test_tricky_yaml_loads_the_same_both_ways(tmp_path: Path, text: str) -> None:
    check_text(tmp_path, text)


def test_shipped_and_generated_modules_load_the_same_both_ways(tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "question_banks").rglob("*.yaml")]
    texts.append(generated_module(tmp_path))
    for text in texts:
        check_text(tmp_path, text)


@pytest.mark.parametrize("seed", range(6))
def test_mutated_modules_load_the_same_both_ways(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    bases = [generated_module(tmp_path)]
    bases += [p.read_text(encoding="utf-8") for p in (ROOT / "question_banks/modules").glob("*")]
    for _ in range(60):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 3)):
            text = mutate(text, rng)
        check_text(tmp_path, text)


def test_a_right_bank_takes_only_the_fast_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped course and a generated bank are loaded without the exact walker and
    without the full check (else validation is as slow as before, silently)."""
    course = write_course(tmp_path / "gen", questions=60, seed=5)

    def exact_walker(*args: object, **kwargs: object) -> None:
        raise AssertionError("the exact walker ran on a right bank")

    def full_check(*args: object, **kwargs: object) -> None:
        raise AssertionError("the full check ran on a right bank")

    monkeypatch.setattr(yamlwalk, "_Walker", exact_walker)
    monkeypatch.setattr(checker.Checker, "check_field", full_check)
    for bank in (course.parent, ROOT / "question_banks"):
        result = validate_paths([bank])
        assert result.problems == [] and result.modules


def test_a_problem_in_a_quickly_loaded_file_has_its_position(tmp_path: Path) -> None:
    """The quick walker keeps no positions; a problem found later still names its line and
    column (the document is walked again, exactly, to find them)."""
    text = generated_module(tmp_path).replace("points: 2", "points: 200", 1)
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "points: 200" in row)
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    module, problems = load_module(path)
    assert module is None
    (problem,) = problems
    assert (problem.line, problem.col) == (line, text.split("\n")[line - 1].index("200") + 1)
    assert "must be between 1 and 100, not 200" in problem.message


def test_a_folder_validates_the_same_both_ways(tmp_path: Path) -> None:
    """validate_paths builds each module as it reads it: a course with a broken module, a
    module no course lists (broken, and right) and a stray file give the same problems and
    modules as the exact route."""
    course = write_course(tmp_path / "bank", questions=30, seed=7)
    modules = sorted((course.parent / "modules").glob("*.yaml"))
    text = modules[0].read_text(encoding="utf-8")
    modules[0].write_text(text.replace("points: 2", "points: two", 1), encoding="utf-8")
    (course.parent / "extra-right.yaml").write_text(text.replace("id: bench-01", "id: extra-01", 1))
    (course.parent / "extra-broken.yaml").write_text(text.replace("type: multi", "type: many"))
    (course.parent / "notes.yaml").write_text("kind: moduel\n", encoding="utf-8")
    fast = validate_paths([course.parent])
    with exact_route():
        exact = validate_paths([course.parent])
    assert [str(p) for p in fast.problems] == [str(p) for p in exact.problems]
    assert len(fast.problems) >= 3
    assert fast.modules == exact.modules and fast.courses == exact.courses
    assert fast.files == exact.files


@pytest.mark.parametrize("kind", ["[module]", "{a: 1}"])
def test_a_kind_that_is_a_list_or_mapping_is_a_problem_not_a_crash(
    tmp_path: Path, kind: str
) -> None:
    """Found while comparing the routes: 'kind: [module]' raised TypeError (unhashable)."""
    path = tmp_path / "m.yaml"
    path.write_text(f"kind: {kind}\nid: x\n", encoding="utf-8")
    module, problems = load_module(path)
    assert module is None
    assert any(
        (p.line, p.col) == (1, 7) and "'kind' in module must be one of module, not a" in p.message
        for p in problems
    ), problems
    check_text(tmp_path, path.read_text(encoding="utf-8"))
