"""No silent loss: a closed attempt refuses answers; full, read-only and damaged are told apart."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from trainer.bank.model import Course
from trainer.records.errors import convert
from trainer.records.store import (
    APPLICATION_ID,
    DB_NAME,
    AttemptClosed,
    RecordsStore,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreReadOnly,
)
from trainer.session import Session

# The demo module (tests/conftest.py): s1 "a" (wrong) -> s2 "fact" ends scenario 1;
# scenario 2's q1 "report" ends the module.


def test_answer_into_an_attempt_closed_in_another_window_is_refused(
    course: Course, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    module = course.module("demo")
    with RecordsStore.in_dir(data) as window_a, RecordsStore.in_dir(data) as window_b:
        learner = window_a.add_learner("Ana", "employee")
        a = Session.start_or_resume(window_a, course, module, learner, seed=7)
        a.answer(["a"])
        a.answer(["fact"])
        b = Session.start_new(window_b, course, module, learner)  # "Start again" in window B
        before = a.current
        with pytest.raises(AttemptClosed, match="not saved") as caught:
            a.answer(["report"])  # would have been the last answer: "Module finished"
        assert caught.value.attempt_id == a.attempt_row.id if a.attempt_row else False
        # Window A stays where the records are: at the same question, nothing finished.
        assert not a.finished and a.current == before and len(a.attempt.answers) == 2
        first, second = window_a.attempts(learner_id=learner.id)
        assert first.status == "abandoned" and first.passed is None
        assert [x.step_id for x in window_a.answers(first.id)] == ["s1", "s2"]
        assert second.status == "in-progress" and b.attempt_row is not None
        assert second.id == b.attempt_row.id
        # Opening the module again in window A continues the newer attempt.
        again = Session.start_or_resume(window_a, course, module, learner)
        assert again.attempt_row is not None and again.attempt_row.id == second.id


def test_finishing_a_closed_attempt_is_refused(course: Course, store: RecordsStore) -> None:
    learner = store.add_learner("Ben", "employee")
    row = store.start_attempt(learner.id, course.id, "demo", "1", "x" * 64, "employee", 1)
    store.abandon_attempt(row.id)
    with pytest.raises(AttemptClosed):
        store.finish_attempt(row.id, 1.0, 2.0, 50, False)
    with pytest.raises(AttemptClosed):
        store.record_answer(row.id, 1, "debt", "s1", ("a",), 0.0, 2, "incorrect")
    assert store.answers(row.id) == []
    closed = store.get_attempt(row.id)
    assert closed is not None and closed.status == "abandoned"


def _fill_disk(store: RecordsStore) -> None:
    """Let the database grow no further, as a full disk would (SQLite answers SQLITE_FULL)."""
    db = store._db  # the limit is per connection
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def test_disk_full_mid_answer_keeps_what_was_saved_and_resume_works(
    course: Course, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    module = course.module("demo")
    with RecordsStore.in_dir(data) as store:
        learner = store.add_learner("Chi", "employee")
        session = Session.start_or_resume(store, course, module, learner, seed=3)
        session.answer(["a"])
        _fill_disk(store)
        other = store.add_learner("Filler", "employee")
        filler = store.start_attempt(other.id, course.id, "demo", "1", "f" * 64, "employee", 1)
        with pytest.raises(StoreFull, match="disk is full") as caught:
            for seq in range(1, 10_000):  # answers of the same size, until the disk is full
                store.record_answer(filler.id, seq, "debt", "s2", ("fact",), 1.0, 1, "correct")
        assert "move it aside" not in str(caught.value)
        with pytest.raises(StoreFull):
            session.answer(["fact"])
        assert len(session.attempt.answers) == 1  # the session did not run ahead
    with RecordsStore.in_dir(data) as store:  # space again: resume where the records end
        (row,) = store.attempts(learner_id=learner.id)
        assert [a.step_id for a in store.answers(row.id)] == ["s1"]
        resumed = Session.start_or_resume(store, course, module, learner)
        assert resumed.resumed and resumed.current is not None
        assert resumed.current.step.id == "s2"
        resumed.answer(["fact"])
        resumed.answer(["report"])
        assert resumed.finished


def test_locked_database_is_a_store_error(store: RecordsStore) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        store._db.execute("PRAGMA busy_timeout = 0")  # do not wait 15 s
        with pytest.raises(StoreBusy, match="locked by another program"):
            store.add_learner("Dee", "employee")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_read_only_open_creates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "none"
    with RecordsStore.in_dir(data, read_only=True) as store:
        assert store.learners() == [] and store.attempts() == []
        with pytest.raises(StoreReadOnly, match="read-only"):
            store.add_learner("Eve", "employee")
    assert not data.exists()


def test_read_only_open_never_turns_a_symlinked_empty_file_into_a_database(
    tmp_path: Path,
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(b"")
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).symlink_to(target)
    with RecordsStore.in_dir(data, read_only=True) as store:
        assert store.learners() == []
    assert target.read_bytes() == b""
    assert sorted(p.name for p in data.iterdir()) == [DB_NAME]


def test_read_only_open_reads_an_older_schema_without_writing(tmp_path: Path) -> None:
    from trainer.records.migrations import MIGRATIONS

    data = tmp_path / "data"
    data.mkdir()
    path = data / DB_NAME
    db = sqlite3.connect(path)  # a database as version 2 of the schema left it
    for migration in MIGRATIONS[:2]:
        db.executescript(migration)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 2")
    db.execute(
        "INSERT INTO learners (name, role, created_at) "
        "VALUES ('Fay', 'contractor', '2025-01-01T00:00:00Z')"
    )
    db.commit()
    db.close()
    before = path.read_bytes()
    with RecordsStore.in_dir(data, read_only=True) as store:
        assert [lr.name for lr in store.learners()] == ["Fay"]
        (created,) = store.learner_history()
        assert (created.change, created.new_value) == ("created", "Fay")
    assert path.read_bytes() == before
    with RecordsStore.in_dir(data) as store:
        assert store.schema_version > 2


def test_real_sqlite_failures_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    ro = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as readonly:
        ro.execute("INSERT INTO t VALUES (1)")
    ro.close()
    error = convert(readonly.value, path, "saving")
    assert isinstance(error, StoreReadOnly)
    assert "no permission" in str(error) and "move it aside" not in str(error)
    db = sqlite3.connect(path)
    db.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.Error) as full:
        db.execute("INSERT INTO t VALUES (?)", ("y" * 100_000,))
    db.close()
    error = convert(full.value, path, "saving")
    assert isinstance(error, StoreFull) and "move it aside" not in str(error)
    data = bytearray(path.read_bytes())
    data[4096:8192] = bytes(4096)  # zero the table's page
    path.write_bytes(bytes(data))
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.Error) as damaged:
        db.execute("SELECT * FROM t").fetchall()
    db.close()
    assert isinstance(convert(damaged.value, path, "reading"), StoreDamaged)


def test_unwritable_data_folder_is_a_permission_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, where chmod stops nothing: the OS's answer is simulated instead.
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(StoreReadOnly, match="not writable") as caught:
        RecordsStore.in_dir(tmp_path)
    assert "move it aside" not in str(caught.value)


def _damage(path: Path, sql: str) -> None:
    """Damage the file as a hand-edit would: past the append-only triggers, dropped first."""
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS answers_no_update")
    db.execute(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE answers SET choice_ids = '{not json'",
        "UPDATE answers SET choice_ids = '[1, 2]'",
        "UPDATE attempts SET started_at = CAST(x'ff fe 41' AS TEXT)",
    ],
    ids=["bad-json", "not-strings", "bad-utf8"],
)
def test_damaged_rows_are_store_errors(course: Course, tmp_path: Path, sql: str) -> None:
    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as store:
        learner = store.add_learner("Gus", "employee")
        Session.start_or_resume(store, course, course.module("demo"), learner).answer(["a"])
    _damage(data / DB_NAME, sql.replace("x'ff fe 41'", "x'fffe41'"))
    with RecordsStore.in_dir(data, read_only=True) as store, pytest.raises(StoreError):
        for row in store.attempts():
            store.answers(row.id)


@pytest.mark.parametrize(
    "argv",
    [
        ["records"],
        ["records", "--format", "xapi"],
        ["certificate", "--learner", "Hal", "-o", "{tmp}/c.pdf"],
    ],
    ids=["records", "xapi", "certificate"],
)
def test_commands_report_a_damaged_database_without_a_traceback(
    course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    from trainer.cli import main

    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as store:
        learner = store.add_learner("Hal", "employee")
        Session.start_or_resume(store, course, course.module("demo"), learner).answer(["a"])
    _damage(data / DB_NAME, "UPDATE answers SET choice_ids = '{not json'")
    _damage(data / DB_NAME, "UPDATE attempts SET started_at = CAST(x'1b5b324aff' AS TEXT)")
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main([*args, "--data-dir", str(data), "--course", str(course.path)]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and "\x1b" not in err


def test_read_only_open_falls_back_to_immutable_when_sqlite_cannot_coordinate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a folder nobody may write, SQLite cannot create its -shm file for mode=ro; the
    records are then read as immutable (nobody can be writing there either)."""
    from trainer.records import base

    with RecordsStore.in_dir(tmp_path) as store:
        store.add_learner("Ivy", "employee")
    tried: list[str] = []
    real_open = base._open_read_only

    def open_read_only(uri: str) -> sqlite3.Connection:
        tried.append(uri.rsplit("?", 1)[1])
        if uri.endswith("mode=ro"):
            error = sqlite3.OperationalError("unable to open database file")
            error.sqlite_errorcode = 14  # SQLITE_CANTOPEN, as in a read-only folder
            raise error
        return real_open(uri)

    monkeypatch.setattr(base, "_open_read_only", open_read_only)
    with RecordsStore.in_dir(tmp_path, read_only=True) as store:
        assert [lr.name for lr in store.learners()] == ["Ivy"]
    assert tried == ["mode=ro", "immutable=1"]


def test_read_only_reads_a_current_database_in_place_and_an_old_one_from_a_copy(
    tmp_path: Path,
) -> None:
    """A current file is read where it is (memory stays flat at organisation scale); an older
    schema is upgraded in a private copy; neither is written."""
    from trainer.records.migrations import SCHEMA_VERSION

    with RecordsStore.in_dir(tmp_path) as store:
        store.add_learner("Ivy", "employee")
    before = (tmp_path / DB_NAME).read_bytes()
    with RecordsStore.in_dir(tmp_path, read_only=True) as store:
        files = [row[2] for row in store._db.execute("PRAGMA database_list")]
        assert files == [str((tmp_path / DB_NAME).resolve())]  # the file itself, not :memory:
        assert [lr.name for lr in store.learners()] == ["Ivy"]
    from trainer.records.migrations import MIGRATIONS

    old_dir = tmp_path / "old"  # as written by the trainer before the newest schema
    old_dir.mkdir()
    db = sqlite3.connect(old_dir / DB_NAME)
    for script in MIGRATIONS[: SCHEMA_VERSION - 1]:
        if callable(script):  # a step that needs Python (5)
            script(db)
        else:
            db.executescript(script)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    db.execute(
        "INSERT INTO learners (name, role, created_at, uid) "
        "VALUES ('Ivy', 'employee', '2025-01-01T00:00:00Z', '3e0c1c52-8a47-4f7e-9d43-1f6b0c2a7d15')"
    )
    db.commit()
    db.close()
    older = (old_dir / DB_NAME).read_bytes()
    with RecordsStore.in_dir(old_dir, read_only=True) as store:
        assert {row[2] for row in store._db.execute("PRAGMA database_list")} == {""}  # memory
        assert store.schema_version == SCHEMA_VERSION
        assert [lr.name for lr in store.learners()] == ["Ivy"]
    assert (old_dir / DB_NAME).read_bytes() == older != before


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_a_fifo_in_place_of_the_database_is_refused_at_once(
    tmp_path: Path, read_only: bool
) -> None:
    os.mkfifo(tmp_path / DB_NAME)  # reading it would wait forever for a writer
    with pytest.raises(StoreError, match="not a regular file"):
        RecordsStore.in_dir(tmp_path, read_only=read_only)


_AS_NOBODY = """
import sys
from trainer.records.store import RecordsStore, StoreError
try:
    RecordsStore.in_dir(sys.argv[1])
except StoreError as exc:
    print(type(exc).__name__, exc)
with RecordsStore.in_dir(sys.argv[1], read_only=True) as store:
    print("read:", [lr.name for lr in store.learners()])
"""


def _nobody_python() -> list[str] | None:
    """A command running a Python >= 3.11 as the unprivileged user 'nobody', if possible."""
    import shutil
    import subprocess

    runuser = shutil.which("runuser")
    # The system's python3, not this virtual environment's (often in a folder only root reads).
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and runuser and python):
        return None
    command = [runuser, "-u", "nobody", "--", python]
    probe = "import sys; sys.exit(sys.version_info < (3, 11))"
    try:
        ok = subprocess.run([*command, "-c", probe], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return command if ok.returncode == 0 else None


def test_a_really_read_only_folder_is_a_permission_message_and_still_readable() -> None:
    """chmod stops nothing for root, so the check runs as the user 'nobody'."""
    import shutil
    import subprocess
    import tempfile

    command = _nobody_python()
    if command is None:
        pytest.skip("needs root, runuser and a python3 >= 3.11 that 'nobody' may run")
    top = Path(tempfile.mkdtemp(prefix="trainer-ro-"))  # pytest's tmp_path is root-only
    try:
        data = top / "data"
        with RecordsStore.in_dir(data) as store:
            store.add_learner("Ana", "employee")
        for path, mode in ((top, 0o755), (data, 0o755), (data / DB_NAME, 0o644)):
            os.chmod(path, mode)
        before = sorted(p.name for p in data.iterdir()), (data / DB_NAME).read_bytes()
        proc = subprocess.run(
            [*command, "-c", _AS_NOBODY, str(data)],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
                "PYTHONDONTWRITEBYTECODE": "1",
                "PATH": "/usr/bin:/bin",
            },
            cwd="/",
        )
        if proc.returncode != 0 and "ModuleNotFoundError" in proc.stderr:
            pytest.skip("'nobody' cannot import the sources here")
        assert proc.returncode == 0, proc.stderr
        first, second = proc.stdout.splitlines()
        assert first.startswith("StoreReadOnly") and "no permission" in first
        assert "move it aside" not in first
        assert second == "read: ['Ana']"
        assert (sorted(p.name for p in data.iterdir()), (data / DB_NAME).read_bytes()) == before
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_read_only_open_of_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is not a folder"):
        RecordsStore.in_dir(tmp_path / "file", read_only=True)
