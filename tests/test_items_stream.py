"""The item report in one streamed pass gives exactly what the old report (one query per
attempt, every answer held; kept in tests/items_reference.py) gave, on generated records."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from benchmarks.genrecords import SHIPPED, generate
from tests import items_reference
from trainer.authoring import items
from trainer.bank.loader import load_course
from trainer.bank.model import Module
from trainer.records.errors import StoreDamaged
from trainer.records.store import RecordsStore


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 learners × 6 attempts × up to 8 answers; then a few rows made harder: a second
    version of one module (unknown file), a multi-choice answer, a partly correct one."""
    data = tmp_path_factory.mktemp("items-records")
    generate(data, 40, attempts=6, answers=8)
    db = sqlite3.connect(data / "records.sqlite3", isolation_level=None)
    db.execute("DROP TRIGGER answers_no_update")  # answers are append-only: a fixture's edit
    db.execute(
        "UPDATE attempts SET module_sha256 = 'f' || substr(module_sha256, 2) WHERE id % 7 = 0"
    )
    db.execute(
        "UPDATE answers SET choice_ids = '[\"a\", \"b\"]', outcome = 'partial', points = 0.5 "
        "WHERE (attempt_id + seq) % 11 = 0"
    )
    db.close()
    return data


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    course = load_course(SHIPPED).course
    assert course is not None
    return [
        m for role in ("employee", "contractor", "uniformed") for _e, m in course.modules_for(role)
    ]


@pytest.mark.parametrize("policy", ["latest", "first", "all"])
@pytest.mark.parametrize(
    "window",
    [{}, {"since": "2025-03-01", "until": "2025-08-31"}, {"module_id": "consent-and-control"}],
)
def test_streamed_report_equals_the_reference(
    records: Path, modules: list[Module], policy: str, window: dict[str, str]
) -> None:
    with RecordsStore.in_dir(records, read_only=True) as store:
        new = items.item_report(store, policy=policy, modules=modules, **window)
        old = items_reference.item_report(store, policy=policy, modules=modules, **window)
        assert new.groups, "the generated records must give something to compare"
        assert items.to_dict(new) == items.to_dict(old)
        assert items.format_table(new) == items.format_table(old)
        # Without the module files: choice ids only, no tags, a note per version.
        bare_new = items.item_report(store, policy=policy, **window)
        bare_old = items_reference.item_report(store, policy=policy, **window)
        assert items.to_dict(bare_new) == items.to_dict(bare_old)
        assert bare_new.notes


def test_report_counts_unknown_version_apart(records: Path, modules: list[Module]) -> None:
    with RecordsStore.in_dir(records, read_only=True) as store:
        report = items.item_report(store, modules=modules)
    known = [g for g in report.groups if g.module_known]
    unknown = [g for g in report.groups if not g.module_known]
    assert known and unknown
    assert all(g.module_sha256.startswith("f") for g in unknown)
    assert any(g.tags for g in known)


def test_damaged_choices_are_reported_not_raised_raw(tmp_path: Path) -> None:
    generate(tmp_path, 3, attempts=2, answers=3)
    db = sqlite3.connect(tmp_path / "records.sqlite3", isolation_level=None)
    db.execute("DROP TRIGGER answers_no_update")  # a hand-edit past the append-only trigger
    db.execute("UPDATE answers SET choice_ids = 'not json' WHERE attempt_id = 1 AND seq = 1")
    db.execute("UPDATE attempts SET finished_at = started_at, passed = 1 WHERE id = 1")
    db.close()
    with RecordsStore.in_dir(tmp_path, read_only=True) as store, pytest.raises(StoreDamaged):
        items.item_report(store, policy="all")


def test_report_runs_one_query_not_one_per_attempt(records: Path) -> None:
    """The old report asked for each attempt's answers apart (20,000 queries at 1,000
    learners); the streamed one runs a fixed number whatever the size."""
    with RecordsStore.in_dir(records, read_only=True) as store:
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)
        items.item_report(store, policy="all")
        store._db.set_trace_callback(None)
        attempts = store._db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert attempts > 100
    assert 1 <= len(statements) <= 4, statements
    assert not any("WHERE attempt_id = ?" in s for s in statements)


def test_generated_choices_are_json_lists(records: Path) -> None:
    db = sqlite3.connect(records / "records.sqlite3")
    texts = [r[0] for r in db.execute("SELECT choice_ids FROM answers LIMIT 50")]
    db.close()
    assert all(isinstance(json.loads(t), list) for t in texts)
