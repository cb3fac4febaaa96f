"""``trainer records`` and ``trainer learners``: no injection, read-only, the learner history."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.cli import main
from trainer.export import to_csv
from trainer.records.learners import InvalidName, name_warnings
from trainer.records.migrations import MIGRATIONS
from trainer.records.store import APPLICATION_ID, DB_NAME, RecordsStore, StoreError
from trainer.records.times import stamp

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def _stored_raw(data: Path, names: list[str]) -> None:
    """Learners (with an attempt each) written past the name check, as an older version did."""
    RecordsStore.in_dir(data).close()
    db = sqlite3.connect(data / DB_NAME)
    for i, name in enumerate(names, 1):
        db.execute(
            "INSERT INTO learners (id, name, organisation, role, created_at, uid) "
            "VALUES (?, ?, ?, 'employee', '2026-01-01T00:00:00Z', ?)",
            (i, name, "\tOrg" if i == 1 else "Org", str(uuid.uuid4())),
        )
        db.execute(
            "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
            "module_sha256, role, seed, started_at, uid) VALUES (?, 'c', 'm', '1', 'h', "
            "'employee', 1, '2026-01-02T00:00:00Z', ?)",
            (i, str(uuid.uuid4())),
        )
    db.commit()
    db.close()


def _records(data: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["records", "--data-dir", str(data), *extra]) == 0
    return capsys.readouterr().out


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stored_raw(tmp_path, HOSTILE)
    out = _records(tmp_path, "--format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["learner"] for r in rows) == sorted("'" + n for n in HOSTILE)
    assert {r["organisation"] for r in rows} == {"'\tOrg", "Org"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    # JSON keeps every value exact.
    data = json.loads(_records(tmp_path, "--format", "json", capsys=capsys))
    assert sorted(r["learner"] for r in data["records"]) == sorted(HOSTILE)


def test_numbers_stay_numbers_in_csv() -> None:
    out = to_csv(
        [{"attempt_id": 1, "learner": "-x", "score": -2.5}], ("attempt_id", "learner", "score")
    )
    assert out.splitlines()[1] == "1,'-x,-2.5"


def test_escape_sequences_in_stored_names_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stored_raw(tmp_path, ["Eve\x1b]0;owned\x07\x1b[2J", "Bidi\u202etxt.exe"])
    out = _records(tmp_path, capsys=capsys)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Eve\\x1b]0;owned\\x07\\x1b[2J" in out
    assert main(["learners", "--data-dir", str(tmp_path), "list"]) == 0
    listed = capsys.readouterr().out
    assert "\x1b" not in listed and "Eve\\x1b" in listed


@pytest.mark.parametrize("name", ["Eve\x1b]0;x\x07", "A\u202eB", "Tab\there", "x" * 201], ids=repr)
def test_names_with_control_characters_or_too_long_are_refused(
    store: RecordsStore, name: str
) -> None:
    with pytest.raises(InvalidName):
        store.add_learner(name, "employee")
    ok = store.add_learner("Ok Name", "employee")
    with pytest.raises(InvalidName):
        store.rename_learner(ok.id, name)
    assert [lr.name for lr in store.learners()] == ["Ok Name"]


def test_name_warnings_find_look_alikes_and_unprintable_characters() -> None:
    assert name_warnings("Ana Smith") == []
    assert any("mixes" in w for w in name_warnings("Jоhn"))  # Cyrillic о
    assert any("cannot print" in w for w in name_warnings("王小明"))


def test_history_records_creation_rename_and_every_detail_change(store: RecordsStore) -> None:
    ana = store.add_learner("Ana Smyth", "contractor", "Acme", "C-1")
    store.rename_learner(ana.id, "Ana Smith")
    store.update_learner(ana.id, organisation="Acme", external_id="E-9", role="employee")
    store.update_learner(ana.id, organisation="Acme", external_id="E-9", role="employee")
    changes = [(h.change, h.old_value, h.new_value) for h in store.learner_history(ana.id)]
    assert changes == [
        ("created", None, "Ana Smyth"),
        ("name", "Ana Smyth", "Ana Smith"),
        ("external_id", "C-1", "E-9"),
        ("role", "contractor", "employee"),
    ]
    assert store.find_learner("ana smith") is not None and store.find_learner("Ana Smyth") is None
    other = store.add_learner("Ben", "employee")
    with pytest.raises(StoreError, match="already exists"):
        store.rename_learner(other.id, "ana smith")


@pytest.mark.parametrize("start", range(1, 3))  # versions before the history (3)
def test_history_migration_gives_existing_learners_their_created_entry(
    tmp_path: Path, start: int
) -> None:
    path = tmp_path / DB_NAME
    db = sqlite3.connect(path)
    for i in range(start):
        db.executescript(MIGRATIONS[i])
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {start}")
    db.execute(
        "INSERT INTO learners (name, role, created_at) "
        "VALUES ('Old', 'uniformed', '2024-05-06T07:08:09Z')"
    )
    db.commit()
    db.close()
    with RecordsStore(path) as store:
        (learner,) = store.learners()
        (entry,) = store.learner_history(learner.id)
        assert (stamp(entry.at), entry.change, entry.new_value) == (
            "2024-05-06T07:08:09Z",
            "created",
            "Old",
        )


def test_rename_command_and_history_in_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with RecordsStore.in_dir(tmp_path) as store:
        ana = store.add_learner("Ana Smyth", "contractor")
        store.start_attempt(ana.id, "c", "m", "1", "h", "contractor", 1)
    assert main(["learners", "--data-dir", str(tmp_path), "rename", "ana smyth", "Ana Smith"]) == 0
    assert "renamed 'Ana Smyth' to 'Ana Smith'" in capsys.readouterr().out
    assert main(["learners", "--data-dir", str(tmp_path), "rename", "Nobody", "X"]) == 1
    assert "no learner named" in capsys.readouterr().err
    assert main(["records", "--data-dir", str(tmp_path), "--learner", "ANA SMYTH"]) == 0
    said = capsys.readouterr()
    assert "no records match" in said.out
    assert "'Ana Smyth' was renamed to 'Ana Smith'" in said.err
    table = _records(tmp_path, capsys=capsys)
    assert "Learner changes:" in table and "renamed from 'Ana Smyth' to 'Ana Smith'" in table
    data = json.loads(_records(tmp_path, "--format", "json", capsys=capsys))
    assert [h["change"] for h in data["learner_history"]] == ["created", "name"]
    out = _records(tmp_path, "--history", "--format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["change"], r["old_value"], r["new_value"]) for r in rows] == [
        ("created", "", "Ana Smyth"),
        ("name", "Ana Smyth", "Ana Smith"),
    ]


def _tree(folder: Path) -> dict[str, bytes]:
    """The records database and its write-ahead log (SQLite's read coordination file -shm
    and the course cache in cache/ are not records)."""
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and p.name != f"{DB_NAME}-shm" and p.read_bytes()
    }


def test_reading_commands_never_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as store:
        store.add_learner("Ana", "employee")
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{data / DB_NAME}{suffix}").exists()  # closed cleanly
    before = _tree(data)
    for argv in (
        ["records"],
        ["records", "--format", "json"],
        ["records", "--history"],
        ["learners", "list"],
        ["report", "items"],
    ):
        main([*argv, "--data-dir", str(data)])
        assert _tree(data) == before, argv
    capsys.readouterr()
    empty = tmp_path / "empty"
    assert main(["records", "--data-dir", str(empty)]) == 0
    assert not empty.exists()


def test_records_never_turns_a_symlinked_empty_file_into_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(b"")
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).symlink_to(target)
    assert "no records match" in _records(data, capsys=capsys)
    assert target.read_bytes() == b""
    assert [p.name for p in data.iterdir() if p.name != "cache"] == [DB_NAME]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_every_csv_text_cell_reads_back_as_text_a_spreadsheet_will_not_run(name: str) -> None:
    out = to_csv([{"attempt_id": 1, "learner": name}], ("attempt_id", "learner"))
    (row,) = list(csv.DictReader(io.StringIO(out, newline="")))
    assert row["learner"] == (
        ("'" + name) if name[:1] in ("=", "+", "-", "@", "\t", "\r") else name
    )
    assert not row["learner"].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_organisation_and_id_with_control_characters_are_refused(store: RecordsStore) -> None:
    with pytest.raises(InvalidName, match="organisation"):
        store.add_learner("Ana", "employee", organisation="Acme\x1b[2J")
    with pytest.raises(InvalidName, match="ID"):
        store.add_learner("Ana", "employee", external_id="E-1\x07")
    ana = store.add_learner("Ana", "employee")
    with pytest.raises(InvalidName):
        store.update_learner(ana.id, organisation="\x9bx", external_id="", role="employee")
    assert store.learner_history(ana.id)[-1].change == "created"


def test_csv_for_a_terminal_shows_control_characters_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    _stored_raw(tmp_path, ["Eve\x1b]0;owned\x07"])
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    out = _records(tmp_path, "--format", "csv", capsys=capsys)
    assert "\x1b" not in out and "Eve\\x1b]0;owned\\x07" in out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)  # a pipe or file: exact but safe
    out = _records(tmp_path, "--format", "csv", capsys=capsys)
    assert "Eve\x1b]0;owned\x07" in out


@pytest.mark.parametrize("target", ["device", "fifo", "link", "folder"])
def test_an_export_never_replaces_what_is_not_a_regular_file(tmp_path: Path, target: str) -> None:
    """A roster or records export to /dev/zero once replaced the device with a file."""
    from trainer.export import write_atomically

    path = tmp_path / "out.csv"
    if target == "device":  # a device node of its own (never the machine's /dev/null)
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except PermissionError:
            path = Path("/dev/null")  # not root: the real one, which the check must leave
    elif target == "fifo":
        os.mkfifo(path)
    elif target == "link":
        (tmp_path / "real.csv").write_text("keep", encoding="utf-8")
        path.symlink_to(tmp_path / "real.csv")
    else:
        path.mkdir()
    before = path.lstat()
    with pytest.raises(OSError, match="not a regular file"):
        write_atomically(str(path), lambda fh: fh.write("x"))
    after = path.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not list(tmp_path.glob(".trainer-export-*"))
