"""Citations in the shipped course rest on the fact sheet: no scored decision cites a source
key that the fact sheet supports only with facts it tags [UNVERIFIED], and every cited key is
in the fact sheet's source register.

The fact sheet lives outside the repository: beside the clone, at ../shared/content/facts.md
(CI copies it there). Without it these tests skip, except on CI, where they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.bank import Course, load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "question_banks" / "course.yaml"
FACTS = ROOT.parent / "shared" / "content" / "facts.md"

TAG_RE = re.compile(r"\[(V2|V|UNVERIFIED)\b[^\]]*\]")
KEY_RE = re.compile(r"\bK\d+[a-z]?\b")
REGISTER_ROW_RE = re.compile(r"^\|\s*(K\d+[a-z]?)\s*\|", re.MULTILINE)


# ----------------------------------------------------------------------------- helpers


def unverified_only_keys(facts: str) -> set[str]:
    """Source keys that appear only in fact lines tagged [UNVERIFIED].

    A fact line is a line carrying at least one confidence tag. A key on a line that also
    carries a [V] or [V2] tag counts as supported there; a key that is never on a tagged line
    is not judged here (the register alone says nothing about confidence).
    """
    supported: set[str] = set()
    unverified: set[str] = set()
    for line in facts.splitlines():
        tags = {m.group(1) for m in TAG_RE.finditer(line)}
        if not tags:
            continue
        keys = set(KEY_RE.findall(line))
        if tags & {"V", "V2"}:
            supported |= keys
        else:
            unverified |= keys
    return unverified - supported


def register_keys(facts: str) -> set[str]:
    """Keys listed in the fact sheet's source register (table rows starting ``| K…|``)."""
    return set(REGISTER_ROW_RE.findall(facts))


def scored_citations(course: Course) -> Iterator[tuple[str, str]]:
    """(module/scenario/step, key) for every source key cited by a step that earns points."""
    for module in course.module_map.values():
        for scenario in module.scenarios:
            for step in scenario.steps:
                if step.points <= 0:
                    continue
                for key in step.sources:
                    yield f"{module.id}/{scenario.id}/{step.id}", key


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def facts() -> str:
    if not FACTS.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"fact sheet missing on CI: {FACTS}")
        pytest.skip(f"fact sheet not found at {FACTS}")
    return FACTS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def course() -> Course:
    load = load_course(COURSE)
    assert load.problems == [], "\n".join(str(p) for p in load.problems)
    assert load.course is not None
    return load.course


# ----------------------------------------------------------------------------- the helpers can fail

SAMPLE = """\
| K1 | Statute | https://example.gov |
| K9 | A blog | https://example.org |
- A fact from the statute. **[V]** [K1]
- A figure quoted by a blog. **[UNVERIFIED: secondary only]** [K9]
- A claim with two sources. **[V2]** [K1, K5]
- Another figure. **[UNVERIFIED]** [K5]
- A number the form shows **[V]**; an older number **[UNVERIFIED]** [K7]
"""


def test_a_key_with_only_unverified_facts_is_flagged() -> None:
    assert unverified_only_keys(SAMPLE) == {"K9"}


def test_a_key_also_on_a_verified_line_is_not_flagged() -> None:
    flagged = unverified_only_keys(SAMPLE)
    assert "K5" not in flagged
    assert "K7" not in flagged


def test_register_keys_come_from_the_table() -> None:
    assert register_keys(SAMPLE) == {"K1", "K9"}


# ----------------------------------------------------------------------------- the course


def test_fact_sheet_marks_some_keys_unverified_only(facts: str) -> None:
    # Guards the parser against a format change that would make the next test vacuous.
    assert unverified_only_keys(facts), "no [UNVERIFIED]-only key found: has the format changed?"


def test_no_scored_step_cites_an_unverified_only_key(facts: str, course: Course) -> None:
    banned = unverified_only_keys(facts)
    offenders = [f"{where}: {key}" for where, key in scored_citations(course) if key in banned]
    assert offenders == [], "cites a key the fact sheet supports only as [UNVERIFIED]"


def test_every_cited_key_is_in_the_fact_sheet_register(facts: str, course: Course) -> None:
    known = register_keys(facts)
    unknown = sorted({key for _, key in scored_citations(course) if key not in known})
    assert unknown == [], "cited keys missing from the fact sheet's register (§0)"
