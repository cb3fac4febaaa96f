"""Both stores satisfy the records contract (trainer.records.contract.Records), and code
outside trainer/records uses the store only through it: no private member of a store."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from trainer.records.contract import Records
from trainer.records.store import RecordsStore

ROOT = Path(__file__).resolve().parents[1] / "trainer"


def test_the_sqlite_store_satisfies_the_protocol(tmp_path: Path) -> None:
    with RecordsStore.in_dir(tmp_path) as store:
        assert isinstance(store, Records)
        typed: Records = store  # mypy checks the structure here
        assert typed.learner_count() == 0


def test_the_postgresql_store_class_has_every_member() -> None:
    from trainer.records.pg_store import PgRecordsStore

    wanted = {n for n in dir(Records) if not n.startswith("_")} | {"__enter__", "__exit__"}
    missing = {n for n in wanted if not hasattr(PgRecordsStore, n)}
    assert missing == set()
    assert inspect.signature(PgRecordsStore.record_answer) == inspect.signature(
        RecordsStore.record_answer
    )


def test_no_code_outside_the_records_uses_a_private_member_of_a_store() -> None:
    """``store._rows``, ``store._now``, ``store._write`` ...: SQL and the backend's
    internals stay in trainer/records/, behind the protocol."""
    found = []
    for path in ROOT.rglob("*.py"):
        if path.parent.name == "records":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in {"store", "records", "target", "source"}
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert found == []
