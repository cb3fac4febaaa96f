"""trainer.records.ondisk reads an SQLite file's schema version without writing it, and
trainer.xapi.ids asks it only for a store that has a file (not PostgreSQL's)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

from trainer.records.ondisk import sqlite_schema_version
from trainer.records.store import RecordsStore
from trainer.xapi.ids import DATABASE_ID_SCHEMA, on_disk_before_ids


def old_database(path: Path, version: int) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()
    return path


def test_the_version_is_read_and_nothing_is_written(tmp_path: Path) -> None:
    path = old_database(tmp_path / "old.sqlite3", 3)
    before = path.read_bytes()
    assert sqlite_schema_version(path) == 3
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite3"]  # no journal left


def test_no_database_yet_or_not_one_is_none(tmp_path: Path) -> None:
    assert sqlite_schema_version(tmp_path / "missing.sqlite3") is None
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert sqlite_schema_version(empty) is None
    text = tmp_path / "text.sqlite3"
    text.write_text("not a database at all, but long enough to have a header" * 10)
    assert sqlite_schema_version(text) is None
    assert sqlite_schema_version(tmp_path) is None  # a folder
    assert not (tmp_path / "missing.sqlite3").exists()


def test_only_a_store_with_an_older_file_has_unstable_ids(tmp_path: Path) -> None:
    old = old_database(tmp_path / "old.sqlite3", DATABASE_ID_SCHEMA - 1)
    assert on_disk_before_ids(SimpleNamespace(path=old))  # type: ignore[arg-type]
    with RecordsStore.in_dir(tmp_path / "data") as current:
        assert not on_disk_before_ids(current)
    server = SimpleNamespace(location="postgresql://trainer@db.example/training")
    assert not on_disk_before_ids(server)  # type: ignore[arg-type]
