"""The item report's module versions (trainer.records.stream.item_groups) from one grouping
pass and index seeks give what the two window functions over every finished attempt gave
(kept here as the reference), on both backends: counts, distinct learners, the first
attempt, the latest version and the order, with ties in start times broken by id (#20)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.genrecords import SHIPPED, generate, generate_pg
from trainer.records import open_store
from trainer.records.stream import _where, item_groups, iter_item_answers

_REFERENCE = (  # item_groups' query before #20's rework
    "WITH f AS (SELECT id, uid, learner_id, module_id, module_sha256, module_version,"
    " started_at,"
    " ROW_NUMBER() OVER (PARTITION BY module_id, module_sha256 ORDER BY started_at, id)"
    " AS up, ROW_NUMBER() OVER (PARTITION BY module_id, module_sha256"
    " ORDER BY started_at DESC, id DESC) AS down FROM attempts {where}) "
    "SELECT module_id, module_sha256, MAX(CASE WHEN up = 1 THEN uid END),"
    " MAX(CASE WHEN down = 1 THEN module_version END), COUNT(*), COUNT(DISTINCT learner_id)"
    " FROM f GROUP BY module_id, module_sha256"
    " ORDER BY module_id, MAX(CASE WHEN up = 1 THEN id END)"
)

# Rows made harder than the generator's: a second version of a module recorded first by a
# later row key, versions that differ inside one file version (only the latest-started
# counts), every start of one module at the same moment (ties: by id), an unfinished one.
_EDITS = (
    "UPDATE attempts SET module_sha256 = 'f' || substr(module_sha256, 2) WHERE id % 5 = 0",
    "UPDATE attempts SET started_at = '2024-12-31T23:00:00Z' WHERE id = 45",
    "UPDATE attempts SET module_version = 'v' || id WHERE id % 3 = 0",
    "UPDATE attempts SET started_at = '2025-02-02T02:02:02Z'"
    " WHERE module_id = (SELECT module_id FROM attempts WHERE id = 2)",
    "UPDATE attempts SET finished_at = NULL WHERE id = 7",
)


@pytest.fixture
def records(records_at: str | Path) -> str | Path:
    if isinstance(records_at, Path):
        generate(records_at.parent, 12, attempts=8, answers=4)
        db = sqlite3.connect(records_at, isolation_level=None)
        for sql in _EDITS:
            db.execute(sql)
        db.close()
    else:
        import psycopg

        generate_pg(records_at, 12, attempts=8, answers=4)
        with psycopg.connect(records_at, autocommit=True) as pg:
            for sql in _EDITS:
                pg.execute(sql)
    return records_at


_WINDOWS: list[dict[str, Any]] = [
    {},
    {"since": datetime(2025, 3, 1, tzinfo=UTC), "until": datetime(2025, 9, 1, tzinfo=UTC)},
    {"module_id": "consent-and-control"},
    {"module_id": "no-such-module"},
]


@pytest.mark.parametrize("window", _WINDOWS)
def test_versions_are_those_of_the_window_functions(
    records: str | Path, window: dict[str, Any]
) -> None:
    with open_store(records, read_only=True) as store:
        where, args = _where(None, window.get("module_id"), window.get("since"),
                             window.get("until"))  # fmt: skip
        finished = "finished_at IS NOT NULL AND passed IS NOT NULL"
        where = f"{where} AND {finished}" if where else f"WHERE {finished}"
        want = [tuple(r) for r in store._stream(_REFERENCE.format(where=where), args)]
        got = [tuple(r) for r in item_groups(store, **window)]
    assert got == want
    if window.get("module_id") != "no-such-module":
        assert len(got) >= 2 and any(str(r[1]).startswith("f") for r in got)
        assert any(str(r[3]).startswith("v") for r in got)  # a latest-started version picked


@pytest.mark.parametrize("policy", ["latest", "first", "all"])
def test_answers_carry_no_learner_and_the_fields_in_order(records: str | Path, policy: str) -> None:
    """The answers the report reads: the columns of ITEM_FIELDS only (no learner join)."""
    from trainer.records.stream import ITEM_FIELDS

    with open_store(records, read_only=True) as store:
        rows = list(iter_item_answers(store, policy))
        ids = {a.id for lr in store.learners() for a in store.attempts(learner_id=lr.id)}
    assert rows and all(len(r) == len(ITEM_FIELDS) for r in rows)
    assert "learner_id" not in ITEM_FIELDS
    at = ITEM_FIELDS.index("attempt_id")
    assert {r[at] for r in rows} <= ids  # attempt ids are the attempts' UUIDs


@pytest.mark.parametrize("cap", [1, 1024])
def test_choice_counts_are_the_reference_ones_counted_by_set_or_by_choice(
    records: str | Path, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold counts each decision's answers per set of choices (one dict update an
    answer), and per choice past a bound of distinct sets: the picks are the old report's
    either way."""
    from tests import items_reference
    from trainer.authoring import items, items_stats
    from trainer.bank.loader import load_course

    course = load_course(SHIPPED).course
    assert course is not None
    modules = [
        m for r in ("employee", "contractor", "uniformed") for _e, m in course.modules_for(r)
    ]
    monkeypatch.setattr(items_stats, "_PICKED_MAX", cap)
    with open_store(records, read_only=True) as store:
        new = items.item_report(store, modules=modules)
        old = items_reference.item_report(store, modules=modules)
    picks = [[(c.choice_id, c.picked) for c in i.choices] for g in new.groups for i in g.items]
    assert picks == [
        [(c.choice_id, c.picked) for c in i.choices] for g in old.groups for i in g.items
    ]
    assert any(len(p) > 1 and sum(k for _c, k in p) > 0 for p in picks)
