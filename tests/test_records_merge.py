"""Bringing another machine's records in (trainer.records.merge, ``trainer records import``)
and the files that carry them (trainer.records.exchange, ``trainer records export-file``).

The store brought into is parametrised over both backends (``records_at``); the file brought
in is always SQLite, as a machine's records are.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.records import CertificateRow, RecordsStore, StoreError, open_store
from trainer.records.base import APPLICATION_ID
from trainer.records.exchange import Selection, export_file, open_source
from trainer.records.merge import UnusableSource
from trainer.records.migrations import MIGRATIONS
from trainer.records.reports import MergeReport
from trainer.records.store import Finish
from trainer.records.times import moment

HASH = "h" * 64


def _machine(path: Path, *, now: str = "2026-11-30T09:00:00Z") -> Path:
    """A laptop's records: Ann (with an ID) passed module m1 and is half-way through m2;
    Bob (no ID) failed m1; Ann has a certificate."""
    with RecordsStore(path, now=lambda: now) as s:
        ann = s.add_learner("Ann Smith", "employee", "Acme", "E1")
        bob = s.add_learner("Bob Jones", "contractor")
        a1 = s.start_attempt(ann.id, "course", "m1", "1.0", HASH, "employee", 11)
        s.record_answer(a1.id, 1, "sc", "s1", ("a",), 1.0, 1, "correct")
        s.record_answer(
            a1.id, 2, "sc", "s2", ("b", "c"), 1.0, 1, "correct", finish=Finish(2, 2, 100, True)
        )
        a2 = s.start_attempt(ann.id, "course", "m2", "1.0", HASH, "employee", 12)
        s.record_answer(a2.id, 1, "sc", "s1", ("x",), 0.5, 1, "partial")
        b1 = s.start_attempt(bob.id, "course", "m1", "1.0", HASH, "contractor", 13)
        s.record_answer(b1.id, 1, "sc", "s1", ("z",), 0.0, 1, "incorrect")
        s.finish_attempt(b1.id, 0, 2, 0, False)
        s.record_certificate(
            CertificateRow("C-1", ann.id, "course", "1.0", moment(now), "2027-11-30", HASH, "tok")
        )
    return path


def _counts(store: RecordsStore) -> tuple[int, ...]:
    return tuple(
        int(store._one(f"SELECT count(*) FROM {t}")[0])  # type: ignore[index]
        for t in ("learners", "learner_history", "attempts", "answers", "certificates")
    )


def _merge(target: RecordsStore, path: Path, **kw: bool) -> MergeReport:
    with open_source(path) as source:
        return target.merge_from(source, **kw)


def test_import_brings_everything_in_once_and_a_second_import_adds_nothing(
    records_at: str | Path, tmp_path: Path
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        first = _merge(central, laptop, add_unmatched=True)
        assert first.written and not first.conflicts and not first.unmatched
        assert (first.learners_added, first.attempts_added, first.answers_added) == (2, 3, 4)
        assert first.certificates_added == 1 and first.history_added == 2
        after = _counts(central)
        assert after == (2, 2, 3, 4, 1)
        second = _merge(central, laptop)  # Bob is now matched by his uid
        assert second.written and (second.learners_matched, second.learners_added) == (2, 0)
        assert (second.attempts_added, second.answers_added, second.certificates_added) == (
            0,
            0,
            0,
        )
        assert second.attempts_present == 3 and second.certificates_present == 1
        assert _counts(central) == after
        ann = central.find_by_external_id("Acme", "E1")
        assert ann is not None
        by_module = {a.module_id: a for a in central.attempts(learner_id=ann.id)}
        assert by_module["m1"].passed is True and by_module["m2"].finished_at is None
        assert [a.choice_ids for a in central.answers(by_module["m1"].id)] == [("a",), ("b", "c")]
        assert central.certificates(learner_id=ann.id)[0].id == "C-1"


def test_a_learner_with_an_id_is_matched_to_the_roster_learner_here(
    records_at: str | Path, tmp_path: Path
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        here = central.add_learner("Ann SMITH-Jones", "employee", "Acme", "E1")
        report = _merge(central, laptop, add_unmatched=True)
        assert report.learners_matched == 1 and report.learners_added == 1
        assert any("kept" in n for n in report.notes)  # a different name here: kept
        assert central.get_learner(here.id).name == "Ann SMITH-Jones"  # type: ignore[union-attr]
        assert len(central.attempts(learner_id=here.id)) == 2
        assert [h.change for h in central.learner_history(here.id)] == ["created"]


def test_an_unmatched_learner_is_listed_and_nothing_is_written(
    records_at: str | Path, tmp_path: Path
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        report = _merge(central, laptop)
        assert report.unmatched == ["Bob Jones (no ID)"] and not report.written
        assert report.learners_added == 1  # Ann would have been added
        assert _counts(central) == (0, 0, 0, 0, 0)
        central.add_learner("bob  jones", "employee")  # someone of that name here, no ID
        taken = _merge(central, laptop, add_unmatched=True)
        assert not taken.written and "cannot be added" in taken.conflicts[0]
        assert _counts(central)[0] == 1


def test_check_writes_nothing(records_at: str | Path, tmp_path: Path) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        report = _merge(central, laptop, add_unmatched=True, check=True)
        assert report.attempts_added == 3 and not report.written
        assert _counts(central) == (0, 0, 0, 0, 0)


def _edit(path: Path, sql: str, args: tuple[object, ...] = ()) -> None:
    """Change a records file behind trainer's back (answers' triggers dropped first)."""
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS answers_no_update")
    db.execute(sql, args)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("UPDATE attempts SET seed = 99 WHERE module_id = 'm1' AND role = 'employee'",
         "different details"),
        ("UPDATE attempts SET percent = 90 WHERE module_id = 'm1' AND role = 'employee'",
         "different result"),
        ("UPDATE answers SET choice_ids = '[\"q\"]' WHERE seq = 2", "recorded here differently"),
        ("UPDATE certificates SET token = 'other'", "certificate C-1"),
    ],
)  # fmt: skip
def test_a_conflict_is_listed_and_nothing_is_written(
    records_at: str | Path, tmp_path: Path, sql: str, said: str
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        assert _merge(central, laptop, add_unmatched=True).written
        before = _counts(central)
        changed = tmp_path / "changed.sqlite3"
        changed.write_bytes(laptop.read_bytes())
        _edit(changed, sql)
        with RecordsStore(changed) as s:  # and something new that would otherwise come in
            s.add_learner("Cleo New", "employee", "Acme", "E9")
        report = _merge(changed_store := central, changed)
        assert not report.written and len(report.conflicts) == 1
        assert said in report.conflicts[0]
        assert report.learners_added == 1
        assert _counts(changed_store) == before


def test_a_second_open_attempt_at_a_module_is_a_conflict(
    records_at: str | Path, tmp_path: Path
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        ann = central.add_learner("Ann Smith", "employee", "Acme", "E1")
        central.start_attempt(ann.id, "course", "m2", "1.0", HASH, "employee", 1)
        report = _merge(central, laptop, add_unmatched=True)
        assert not report.written
        assert report.conflicts and "another unfinished attempt" in report.conflicts[0]
        assert _counts(central) == (1, 1, 1, 0, 0)


def test_an_attempt_finished_on_the_machine_since_the_last_import_is_finished_here(
    records_at: str | Path, tmp_path: Path
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with open_store(records_at) as central:
        _merge(central, laptop, add_unmatched=True)
        with RecordsStore(laptop) as s:
            ann = s.find_by_external_id("Acme", "E1")
            assert ann is not None
            m2 = s.open_attempt(ann.id, "course", "m2")
            assert m2 is not None
            s.record_answer(m2.id, 2, "sc", "s2", ("y",), 1, 1, "correct",
                            finish=Finish(1.5, 2, 75, True))  # fmt: skip
        report = _merge(central, laptop)
        assert report.written and report.attempts_finished == 1 and report.answers_added == 1
        here = central.find_by_external_id("Acme", "E1")
        assert here is not None
        done = [a for a in central.attempts(learner_id=here.id) if a.module_id == "m2"]
        assert done[0].passed is True and done[0].percent == 75
        assert _merge(central, laptop).attempts_present == 3  # and again: nothing


def test_an_older_schema_file_is_upgraded_in_memory_and_never_written(
    records_at: str | Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.sqlite3"
    db = sqlite3.connect(old)
    for script in MIGRATIONS[:4]:
        assert isinstance(script, str)
        db.executescript(script)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 4")
    db.execute(
        "INSERT INTO learners (name, external_id, organisation, role, created_at) "
        "VALUES ('Old Timer', 'E7', 'Acme', 'uniformed', '2025-01-01T00:00:00Z')"
    )
    db.execute(
        "INSERT INTO attempts (learner_id, course_id, module_id, module_version, module_sha256, "
        "role, seed, started_at, finished_at, score, max_score, percent, passed) VALUES "
        "(1, 'course', 'm1', '1.0', ?, 'uniformed', 3, '2025-01-02T00:00:00Z', "
        "'2025-01-02T00:10:00Z', 2, 2, 100, 1)",
        (HASH,),
    )
    db.commit()
    db.close()
    before = old.read_bytes()
    with open_store(records_at) as central:
        first = _merge(central, old)
        assert first.written and (first.learners_added, first.attempts_added) == (1, 1)
        again = _merge(central, old)  # the uids made in memory are the same each time
        assert again.attempts_present == 1 and again.attempts_added == 0
    assert old.read_bytes() == before


def test_a_file_older_than_database_ids_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "v3.sqlite3"
    db = sqlite3.connect(old)
    for script in MIGRATIONS[:3]:
        assert isinstance(script, str)
        db.executescript(script)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    before = old.read_bytes()
    with pytest.raises(UnusableSource, match="no database id yet"):
        open_source(old)  # its uids would be new each time: a re-import would duplicate
    assert old.read_bytes() == before


# ---------------------------------------------------------------------- hostile files
def _another_apps_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()


def test_files_that_are_not_records_are_refused_unread(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    other = tmp_path / "other.sqlite3"
    _another_apps_db(other)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    for path, said in (
        (text, "not an SQLite file"),
        (other, "another application"),
        (fifo, "not a regular file"),
        (tmp_path, "not a regular file"),
        (tmp_path / "missing", "cannot read"),
        (Path("/dev/zero"), "not a regular file"),
    ):
        with pytest.raises(UnusableSource, match=said):
            open_source(path)
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with pytest.raises(UnusableSource, match="at most 1,000 bytes"):
        open_source(laptop, limit=1000)


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE VIEW learners AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
        "FROM n) SELECT x AS id, 'A' AS name FROM n",  # rows without end
        "CREATE TABLE learners (id INTEGER PRIMARY KEY, name TEXT, "
        "big BLOB GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL)",
    ],
    ids=["endless-view", "computed-column"],
)
def test_tables_that_are_not_trainer_tables_are_refused_before_reading(
    tmp_path: Path, sql: str
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    db = sqlite3.connect(laptop)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")
    db.execute("ALTER TABLE learners RENAME TO learners_old")
    db.execute(sql)
    db.commit()
    db.close()
    with pytest.raises(UnusableSource, match="not trainer records as trainer writes them"):
        open_source(laptop)


def test_a_damaged_file_is_refused(tmp_path: Path) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    with RecordsStore(laptop):
        pass  # checkpointed: everything is in the main file
    data = bytearray(laptop.read_bytes())
    page = 4096
    data[3 * page + 8 : 4 * page] = b"\xa5" * (page - 8)  # a table page scribbled over
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))
    with (
        pytest.raises(UnusableSource),
        open_source(damaged) as source,
        RecordsStore(tmp_path / "c.sqlite3") as c,
    ):
        c.merge_from(source)


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("UPDATE learners SET name = 'Evil' || char(27) || '[2J' WHERE external_id = 'E1'",
         "control characters"),
        ("UPDATE learners SET role = 'admin' WHERE external_id = 'E1'", "role"),
        ("UPDATE learners SET name = x'00ff' WHERE external_id = 'E1'", "trainer writes"),
        ("UPDATE attempts SET uid = 'not-a-uuid' WHERE module_id = 'm2'", "trainer writes"),
        ("UPDATE attempts SET started_at = 'yesterday' WHERE module_id = 'm2'", "trainer writes"),
        ("UPDATE answers SET choice_ids = '{' WHERE seq = 2", "choices"),
    ],
)  # fmt: skip
def test_rows_trainer_never_writes_make_the_file_unusable(
    records_at: str | Path, tmp_path: Path, sql: str, said: str
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    db = sqlite3.connect(laptop)
    db.execute("PRAGMA ignore_check_constraints = ON")
    db.execute("DROP TRIGGER answers_no_update")
    db.execute(sql)
    db.commit()
    db.close()
    with open_store(records_at) as central:
        with pytest.raises(UnusableSource, match=said):
            _merge(central, laptop, add_unmatched=True)
        assert _counts(central) == (0, 0, 0, 0, 0)


# ---------------------------------------------------------------------- export-file
def test_export_file_round_trip_whole_and_filtered(records_at: str | Path, tmp_path: Path) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    whole = tmp_path / "usb" / "whole.sqlite3"
    whole.parent.mkdir()
    with RecordsStore(laptop, read_only=True) as store:
        done = export_file(store, whole, Selection())
        assert (done.learners, done.attempts, done.answers, done.certificates) == (2, 3, 4, 1)
        acme = export_file(store, tmp_path / "acme.sqlite3", Selection(organisation="ACME"))
        assert (acme.learners, acme.attempts, acme.certificates) == (1, 2, 1)
        none = export_file(store, tmp_path / "late.sqlite3", Selection(since="2030-01-01"))
        assert none.learners == 0
    assert whole.stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(whole.parent)) == ["whole.sqlite3"]  # no journal, no temporary
    with RecordsStore(whole, read_only=True) as copy, RecordsStore(laptop) as orig:
        assert _counts(copy) == _counts(orig)
        assert copy._one("SELECT value FROM meta WHERE key = 'database_id'") == orig._one(
            "SELECT value FROM meta WHERE key = 'database_id'"
        )
    with open_store(records_at) as central:
        assert _merge(central, tmp_path / "acme.sqlite3").learners_added == 1
        report = _merge(central, whole, add_unmatched=True)
        assert report.written and report.attempts_present == 2 and report.attempts_added == 1
        # and from this store (PostgreSQL too) into a file, and back in: nothing new
        back = tmp_path / "back.sqlite3"
        assert export_file(central, back, Selection()).attempts == 3
        again = _merge(central, back)
        assert again.written and again.attempts_present == 3 and again.answers_added == 0


def test_export_file_never_overwrites_or_writes_through_a_link(tmp_path: Path) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    out = tmp_path / "out.sqlite3"
    out.write_text("precious")
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "link.sqlite3"
    link.symlink_to(target)
    with RecordsStore(laptop, read_only=True) as store:
        for path in (out, link):
            with pytest.raises(FileExistsError):
                export_file(store, path, Selection())
        assert out.read_text() == "precious" and target.read_text() == "keep me"
        export_file(store, link, Selection(), force=True)  # the link is replaced, not followed
        assert target.read_text() == "keep me" and not link.is_symlink()
        with pytest.raises(StoreError, match="not a regular file"):
            export_file(store, tmp_path, Selection(), force=True)
        with pytest.raises(StoreError, match="records database itself"):
            export_file(store, laptop, Selection(), force=True)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_file_on_a_stick_without_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")

    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on FAT and exFAT

    monkeypatch.setattr(os, "link", no_links)
    out = tmp_path / "stick.sqlite3"
    with RecordsStore(laptop, read_only=True) as store:
        assert export_file(store, out, Selection()).attempts == 3
        with pytest.raises(FileExistsError):
            export_file(store, out, Selection())
    with RecordsStore(out, read_only=True) as copy:
        assert _counts(copy) == (2, 2, 3, 4, 1)
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".", "stick"))] == [
        "stick.sqlite3"
    ]  # no temporary left, no journal beside the copy


# ---------------------------------------------------------------------- the commands
def test_the_commands_and_their_exit_statuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = _machine(tmp_path / "laptop.sqlite3")
    central = ["--data-dir", str(tmp_path / "central")]
    usb = tmp_path / "usb.sqlite3"
    assert main(["records", "export-file", str(usb), "--data-dir", str(tmp_path / "x"),
                 "--records", f"sqlite:///{laptop}"]) == 0  # fmt: skip
    assert "2 learners, 3 attempts, 4 answers, 1 certificates" in capsys.readouterr().out
    assert main(["records", "import", str(usb), *central]) == 1
    out = capsys.readouterr().out
    assert "unmatched: Bob Jones (no ID)" in out and "nothing was written" in out
    assert main(["records", "import", str(usb), "--check", "--add-unmatched", *central]) == 0
    assert "--check: nothing was written" in capsys.readouterr().out
    assert main(["records", "import", str(usb), "--add-unmatched", *central]) == 0
    assert "attempts: 3 added" in capsys.readouterr().out
    assert main(["records", "import", str(usb), *central]) == 0
    assert "nothing new" in capsys.readouterr().out
    (tmp_path / "junk").write_bytes(b"\x00" * 100)
    assert main(["records", "import", str(tmp_path / "junk"), *central]) == 2
    assert main(["records", "import", *central]) == 2
    assert main(["records", "import", str(usb), "--organisation", "A", *central]) == 2
    assert main(["records", "export-file", str(usb), *central]) == 1
    assert "already exists" in capsys.readouterr().err
