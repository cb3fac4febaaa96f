"""The records store keeps every answer, refuses files that are not its own, and migrates."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from trainer.records.migrations import MIGRATIONS, SCHEMA_VERSION
from trainer.records.store import APPLICATION_ID, DB_NAME, RecordsStore, StoreError


def test_new_database_and_folder_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with RecordsStore.in_dir(tmp_path / "data"):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / DB_NAME).stat().st_mode) == 0o600


def test_schema_is_current_after_open(store: RecordsStore) -> None:
    assert store.schema_version == SCHEMA_VERSION


def _migrate_to(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    for i in range(version):
        step = MIGRATIONS[i]
        if callable(step):  # a step that needs Python (5: the name keys and uids)
            step(db)
        else:
            db.executescript(step)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
def test_migrates_from_every_earlier_version_keeping_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / DB_NAME
    _migrate_to(path, start)
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO learners (name, role, created_at) "
        "VALUES ('Ana', 'employee', '2025-01-01T00:00:00Z')"
    )
    if start >= 5:  # learners have a UUID from schema 5 on (the app always gives one)
        db.execute("UPDATE learners SET uid = ?", (str(uuid.uuid4()),))
    db.commit()
    db.close()
    with RecordsStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert [lr.name for lr in s.learners()] == ["Ana"]
        # the newest table exists:
        assert s.certificates() == []


def test_migration_result_matches_fresh_schema(tmp_path: Path) -> None:
    _migrate_to(tmp_path / "old.sqlite3", 1)
    with RecordsStore(tmp_path / "old.sqlite3"):
        pass
    with RecordsStore(tmp_path / "new.sqlite3"):
        pass

    def schema(p: Path) -> list[tuple[str, str]]:
        db = sqlite3.connect(p)
        rows = db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        db.close()
        return rows

    assert schema(tmp_path / "old.sqlite3") == schema(tmp_path / "new.sqlite3")


def test_not_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    path.write_bytes(b"my important notes\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not an SQLite file"):
        RecordsStore(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (id INTEGER)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another application"):
        RecordsStore(path)
    assert path.read_bytes() == before


def test_damaged_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    with RecordsStore(path) as s:
        s.add_learner("Ana", "employee")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with pytest.raises(StoreError, match=r"damaged or unreadable|another application"):
        RecordsStore(path)
    assert path.read_bytes() == bytes(data)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    with RecordsStore(path):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer trainer"):
        RecordsStore(path)


def test_learner_names_are_unique_and_normalised(store: RecordsStore) -> None:
    ana = store.add_learner("  Ana   María ", "contractor", "Acme", "C-1")
    assert ana.name == "Ana María"
    assert store.find_learner("ana maría") == ana
    with pytest.raises(StoreError, match="already exists"):
        store.add_learner("Ana María", "employee")
    with pytest.raises(StoreError, match="needs a name"):
        store.add_learner("   ", "employee")


def test_repeated_answer_seq_is_refused(store: RecordsStore) -> None:
    learner = store.add_learner("Ana", "employee")
    attempt = store.start_attempt(learner.id, "c", "m", "1", "h", "employee", 1)
    store.record_answer(attempt.id, 1, "sc", "s1", ("a",), 1.0, 1, "correct")
    with pytest.raises(StoreError, match="already recorded"):
        store.record_answer(attempt.id, 1, "sc", "s1", ("b",), 0.0, 1, "incorrect")
    assert [a.choice_ids for a in store.answers(attempt.id)] == [("a",)]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from trainer.records.store import RecordsStore
    path, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with RecordsStore(path) as s:
        learner = s.find_learner(name) or s.add_learner(name, "employee")
        attempt = s.start_attempt(learner.id, "c", "m", "1", "h", "employee", 1)
        for i in range(1, n + 1):
            s.record_answer(attempt.id, i, "sc", f"s{i}", ("a",), 1.0, 1, "correct")
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    with RecordsStore(path):
        pass
    n = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(n)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("Ana", "Ben", "Chi")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with RecordsStore(path) as s:
        attempts = s.attempts()
        assert len(attempts) == 3
        assert sorted(len(s.answers(a.id)) for a in attempts) == [n, n, n]
