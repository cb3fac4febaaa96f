"""The course introduction (course.yaml `summary`) greets a learner who has not begun."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.tui_fixtures import screen_text
from trainer.bank import load_course
from trainer.bank.model import Course
from trainer.plain import run_plain
from trainer.records.store import RecordsStore
from trainer.tui.app import TrainerApp

SHIPPED = Path(__file__).parents[1] / "question_banks" / "course.yaml"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(SHIPPED)
    assert loaded.course is not None, loaded.problems
    return loaded.course


def test_the_shipped_introduction_frames_labor_trafficking(course: Course) -> None:
    assert "labor trafficking" in course.summary  # facts.md K40: one framing sentence


async def test_the_dashboard_shows_the_introduction_until_the_learner_begins(
    course: Course, tmp_path: Path
) -> None:
    with RecordsStore.in_dir(tmp_path) as store:
        learner = store.add_learner("Ana Smith", "uniformed")
        app = TrainerApp(course=course, store=store, learner_name="Ana Smith")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "severe forms of" in " ".join(screen_text(app).split())
        module = course.modules[0]
        store.start_attempt(learner.id, course.id, module.id, "2.0.0", "h", "uniformed", 1)
        app = TrainerApp(course=course, store=store, learner_name="Ana Smith")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not app.screen.query_one("#course-summary").display


def test_plain_mode_reads_the_introduction_until_the_learner_begins(
    course: Course, tmp_path: Path
) -> None:
    with RecordsStore.in_dir(tmp_path) as store:
        learner = store.add_learner("Ana Smith", "employee")
        out = io.StringIO()
        run_plain(course, store, "Ana Smith", io.StringIO("q\n"), out)
        assert course.summary in out.getvalue()
        module = course.modules[0]
        store.start_attempt(learner.id, course.id, module.id, "2.0.0", "h", "employee", 1)
        out = io.StringIO()
        run_plain(course, store, "Ana Smith", io.StringIO("q\n"), out)
        assert course.summary not in out.getvalue()
