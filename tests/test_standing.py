"""What the records mean now: role changes' effect on required modules; passes that expired."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trainer.bank.cache import load_course_cached
from trainer.bank.model import Course
from trainer.paths import shipped_course
from trainer.records.store import RecordsStore
from trainer.standing import expired_modules, learner_role_changes


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Course:
    loaded = load_course_cached(shipped_course(), tmp_path_factory.mktemp("cache"))
    assert loaded.course is not None, loaded.problems
    return loaded.course


def test_a_role_change_says_which_required_modules_it_left_out(
    shipped: Course, tmp_path: Path
) -> None:
    with RecordsStore.in_dir(tmp_path) as store:
        ana = store.add_learner("Ana", "contractor")
        assert learner_role_changes(store, shipped, ana) == []
        ana = store.update_learner(ana.id, organisation="", external_id="", role="employee")
        (change,) = learner_role_changes(store, shipped, ana)
    duties = shipped.module("contractor-duties").title
    assert [m.id for m in change.dropped] == ["contractor-duties"] and change.added == ()
    assert change.text() == (
        f"Role changed from Contractor to Employee on {date.today().isoformat()}. "
        f"Required for Contractor but not for Employee: {duties}."
    )


def test_expired_passes_are_listed_to_retake(shipped: Course, tmp_path: Path) -> None:
    with RecordsStore.in_dir(tmp_path, now=lambda: "2024-01-10T09:00:00Z") as store:
        ben = store.add_learner("Ben", "employee")
        for module_id in ("consent-and-control", "minors"):
            row = store.start_attempt(ben.id, shipped.id, module_id, "1", "h", "employee", 1)
            store.finish_attempt(row.id, 1.0, 1.0, 100, True)
        attempts = store.attempts(learner_id=ben.id)
    months = shipped.validity_months
    assert expired_modules(shipped, ben, attempts, today=date(2024, 1, 11)) == []
    late = date(2024 + months // 12 + 1, 1, 11)
    found = expired_modules(shipped, ben, attempts, today=late)
    assert [(e.module.id, e.passed_on, e.required) for e in found] == [
        ("consent-and-control", date(2024, 1, 10), True),
        ("minors", date(2024, 1, 10), True),
    ]
