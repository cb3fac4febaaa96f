"""Plain-mode defects found by QA, each pinned by a test that failed before the fix."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.plain import run_plain
from trainer.records.store import RecordsStore

COURSE = Path(__file__).resolve().parent / "fixtures" / "plain_course" / "course.yaml"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.mark.parametrize("typed", ["", "\n\n", "Ana\n\n\n"], ids=["none", "blanks", "no-role"])
def test_input_ending_before_a_learner_is_added_does_not_claim_progress_saved(
    course: Course, tmp_path: Path, typed: str
) -> None:
    """Input ended at the first learner's form: plain mode said 'Your progress is saved.'
    though nothing was; now it says no learner was chosen and nothing was saved."""
    out = io.StringIO()
    with RecordsStore.in_dir(tmp_path) as store:
        assert run_plain(course, store, None, io.StringIO(typed), out) == 0
        assert store.learners() == []
    text = out.getvalue()
    assert "No learner was chosen, so nothing was saved." in text
    assert "Your progress is saved." not in text
    assert text.rstrip().endswith("Goodbye.")


def test_input_ending_after_a_learner_is_chosen_still_says_progress_is_saved(
    course: Course, tmp_path: Path
) -> None:
    out = io.StringIO()
    with RecordsStore.in_dir(tmp_path) as store:
        store.add_learner("Ana", "employee")
        assert run_plain(course, store, "Ana", io.StringIO(""), out) == 0
    assert "Your progress is saved." in out.getvalue()
