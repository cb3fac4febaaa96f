"""Roster import and export: hostile files, all-or-nothing, idempotent re-import, history."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.compliance import roster_csv
from trainer.compliance.roster_csv import RosterUnreadable, parse_roster
from trainer.records.reports import RosterEntry
from trainer.records.roster import RosterRefused
from trainer.records.store import RecordsStore

HEADER = "name,external_id,organisation,role,email,due_date\n"
ROWS = (
    "Ana Lopez,E1,Agency,employee,ana@example.org,2026-12-31\n"
    "Bo Li,E2,Agency,contractor,,\n"
    "Cy Diaz,E3,Agency,uniformed,,2027-01-15\n"
)


def write(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def entries(tmp_path: Path, text: str) -> list[RosterEntry]:
    parsed = parse_roster(write(tmp_path, text))
    assert parsed.ok, parsed.problems
    return parsed.entries


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "roster.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    parsed = parse_roster(path)
    assert not parsed.ok
    return parsed.problems


# ----------------------------------------------------------------------------- the file


def test_headers_any_case_spacing_and_spelling_with_bom(tmp_path: Path) -> None:
    text = "\ufeffName ,External ID,Organization,ROLE,E-mail,Due\r\nAna,E1,Agency,Employee,,\r\n"
    [entry] = entries(tmp_path, text)
    assert entry == RosterEntry(2, "Ana", "E1", "Agency", "employee", "", "")
    [entry] = entries(tmp_path, "id;name;org;role\nE9;Bo Li;Agency;Uniformed service member\n")
    assert (entry.external_id, entry.role, entry.email, entry.due_date) == (
        "E9",
        "uniformed",
        None,  # no email column: kept as recorded
        None,
    )


def test_every_bad_row_is_reported_with_its_line(tmp_path: Path) -> None:
    text = (
        HEADER
        + "\n"  # blank lines are skipped but counted
        + "Ana \x1b[31mLopez,E1,Agency,employee,,\n"
        + ",E2,Agency,employee,,\n"
        + "Bo Li,E3,Agency,manager,,\n"
        + "Cy,E4,Agency,employee,not-an-address,20261231\n"
        + "Di,E5,Agency,employee,,2026-02-30\n"
        + "Ed,E1,Agency,employee,,\n"
        + '"Fay\nSmith",E6,Agency,employee,,\n'
    )
    found = problems(tmp_path, text)
    where = str(tmp_path / "roster.csv")
    assert any(p.startswith(f"{where}:3: name:") and "U+001B" in p for p in found)
    assert all("\x1b" not in p for p in found)  # terminal-safe
    assert any(p.startswith(f"{where}:4: name: a learner needs a name") for p in found)
    assert f"{where}:5: role 'manager' is not one of employee, contractor, uniformed" in found
    assert any(p.startswith(f"{where}:6: email 'not-an-address'") for p in found)
    assert f"{where}:6: due date '20261231' is not a date as YYYY-MM-DD" in found
    assert f"{where}:7: due date '2026-02-30' is not a date as YYYY-MM-DD" in found
    assert f"{where}:8: external ID 'E1' in Agency is also on line 3; one row a person" not in (
        found
    )  # line 3 was invalid, so it is not a first occurrence
    assert any(p.startswith(f"{where}:9: name:") and "U+000A" in p for p in found)


def test_duplicates_in_the_file_are_errors(tmp_path: Path) -> None:
    text = HEADER + "Ana,E1,Agency,employee,,\nBo,E1,Agency,employee,,\nAna,E1,Other,employee,,\n"
    where = str(tmp_path / "roster.csv")
    assert problems(tmp_path, text) == [
        f"{where}:3: external ID 'E1' in Agency is also on line 2; one row a person"
    ]
    text = HEADER + "Ana Lopez,,Agency,employee,,\nana  LOPEZ,,Agency,employee,,\n"
    assert problems(tmp_path, text) == [
        f"{where}:3: name (no ID) 'ana LOPEZ' in Agency is also on line 2; one row a person"
    ]


def test_missing_and_doubled_columns(tmp_path: Path) -> None:
    where = str(tmp_path / "roster.csv")
    [p] = problems(tmp_path, "name,organisation\nAna,Agency\n")
    assert p.startswith(f"{where}:1: the header row has no external_id, role columns")
    [p] = problems(tmp_path, "name,id,external id,organisation,role\n")
    assert p == f"{where}:1: two columns mean 'external_id' (columns 2 and 3); keep one"
    [p] = problems(tmp_path, "")
    assert p.startswith(f"{where}:1: the file is empty")
    [p] = problems(tmp_path, HEADER)
    assert p == f"{where}: the file has a header but no learners"


def test_unknown_columns_are_ignored_with_a_note(tmp_path: Path) -> None:
    parsed = parse_roster(write(tmp_path, "name,id,organisation,role,Notes\nAna,E1,A,employee,x\n"))
    assert parsed.ok and parsed.notes == [f"{tmp_path / 'roster.csv'}:1: ignored columns: Notes"]


def test_not_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    data = (HEADER + "Ana,E1,Agency,employee,,\n").encode() + "José,E2,A,employee,,\n".encode(
        "latin-1"
    )
    [p] = problems(tmp_path, data)
    assert p == (
        f"{tmp_path / 'roster.csv'}:3: not UTF-8 text (byte 0xE9 at column 4); save the file "
        "as 'CSV UTF-8' and import it again"
    )


def test_bounds_size_rows_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_csv, "MAX_BYTES", 100)
    with pytest.raises(RosterUnreadable, match="at most 100 bytes"):
        parse_roster(write(tmp_path, HEADER + ROWS))
    monkeypatch.setattr(roster_csv, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(roster_csv, "MAX_ROWS", 2)
    [p] = problems(tmp_path, HEADER + ROWS)
    assert p.endswith(":4: more than 2 rows; split the file")
    monkeypatch.setattr(roster_csv, "MAX_ROWS", 10)
    [p] = problems(tmp_path, HEADER + "Ana,E1,Agency,employee," + "x" * 2000 + "@a.b,\n")
    assert p.endswith(":2: the email is 2,004 characters; at most 1000")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(roster_csv.MAX_BYTES + 1)  # sparse: refused by its size alone
    with pytest.raises(RosterUnreadable, match="a roster file may be at most 20,971,520 bytes"):
        parse_roster(huge)


def test_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(RosterUnreadable, match="is a folder"):
        parse_roster(tmp_path)
    with pytest.raises(RosterUnreadable, match="no such file"):
        parse_roster(tmp_path / "missing.csv")
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    with pytest.raises(RosterUnreadable, match="not a regular file"):
        parse_roster(fifo)  # returns at once: a FIFO is never read


def test_broken_csv_quoting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    [p] = problems(tmp_path, HEADER + 'Ana,"E1"x,Agency,employee,,\n')
    assert p.startswith(f"{tmp_path / 'roster.csv'}:2: cannot read this row as CSV")
    found = problems(tmp_path, HEADER + "Ana\x00,E1,Agency,employee,,\n")
    assert found and all("\x00" not in p for p in found)


# ----------------------------------------------------------------------------- the store


def test_import_adds_and_reimport_changes_nothing(store: RecordsStore, tmp_path: Path) -> None:
    rows = entries(tmp_path, HEADER + ROWS)
    report = store.import_roster(rows)
    assert [e.name for e in report.added] == ["Ana Lopez", "Bo Li", "Cy Diaz"]
    ana = store.find_by_external_id("Agency", "E1")
    assert ana is not None and ana.managed_by == "roster" and ana.due_date == "2026-12-31"
    assert ana.email == "ana@example.org" and len(ana.id) == 36
    history = store.learner_history()
    assert [h.change for h in history] == ["created"] * 3
    again = store.import_roster(rows)
    assert (again.added, again.changed, again.unchanged, again.not_in_file) == ([], [], 3, [])
    assert store.learner_history() == history


def test_changes_are_reported_and_kept_in_the_history(store: RecordsStore, tmp_path: Path) -> None:
    store.import_roster(entries(tmp_path, HEADER + ROWS))
    text = HEADER + (
        "Ana López,E1,Agency,contractor,ana@example.org,2027-03-01\n"
        "Bo Li,E2,Agency,contractor,bo@example.org,\n"
    )
    report = store.import_roster(entries(tmp_path, text))
    assert [(c.line, c.fields) for c in report.changed] == [
        (
            2,
            (
                ("name", "Ana Lopez", "Ana López"),
                ("role", "employee", "contractor"),
                ("due_date", "2026-12-31", "2027-03-01"),
            ),
        ),
        (3, (("email", "", "bo@example.org"),)),
    ]
    assert [lr.name for lr in report.not_in_file] == ["Cy Diaz"]  # reported, not deleted
    assert store.find_by_external_id("Agency", "E3") is not None
    ana = store.find_by_external_id("Agency", "E1")
    assert ana is not None and (ana.name, ana.role) == ("Ana López", "contractor")
    assert store.find_learner("ana lópez") == ana  # the name key follows the name
    changes = [(h.change, h.old_value, h.new_value) for h in store.learner_history(ana.id)]
    assert changes[1:] == [
        ("name", "Ana Lopez", "Ana López"),
        ("role", "employee", "contractor"),
        ("due_date", "2026-12-31", "2027-03-01"),
    ]
    cleared = store.import_roster(entries(tmp_path, HEADER + "Bo Li,E2,Agency,contractor,,\n"))
    assert cleared.changed[0].fields == (("email", "bo@example.org", ""),)


def test_absent_columns_keep_what_is_recorded(store: RecordsStore, tmp_path: Path) -> None:
    store.import_roster(entries(tmp_path, HEADER + ROWS))
    report = store.import_roster(
        entries(tmp_path, "name,id,organisation,role\nAna Lopez,E1,Agency,employee\n")
    )
    assert report.unchanged == 1 and not report.changed
    ana = store.find_by_external_id("Agency", "E1")
    assert ana is not None and ana.email == "ana@example.org" and ana.due_date == "2026-12-31"


def test_check_changes_nothing(tmp_path: Path) -> None:
    with RecordsStore.in_dir(tmp_path / "data") as store:
        report = store.import_roster(entries(tmp_path, HEADER + ROWS), dry_run=True)
        assert report.dry_run and len(report.added) == 3
        assert store.learner_count() == 0 and store.learner_history() == []


def test_app_learner_is_adopted_by_name(store: RecordsStore, tmp_path: Path) -> None:
    mine = store.add_learner("Ana Lopez", "employee", "Agency")
    other = store.add_learner("Ana Lopez", "employee", "Elsewhere", "X1")
    report = store.import_roster(entries(tmp_path, HEADER + ROWS))
    assert [c.learner.id for c in report.changed] == [mine.id]
    assert report.changed[0].fields == (
        ("external_id", "", "E1"),
        ("email", "", "ana@example.org"),
        ("due_date", "", "2026-12-31"),
        ("managed_by", "", "roster"),
    )
    assert [h.change for h in store.learner_history(mine.id)] == [
        "created",
        "external_id",
        "email",
        "due_date",
        "managed_by",
    ]
    assert store.get_learner(other.id) == other  # another organisation: untouched


def test_ambiguous_rows_refuse_the_whole_import(store: RecordsStore, tmp_path: Path) -> None:
    store.add_learner("Ana Lopez", "employee", "Agency", "E7")
    before = store.learners()
    text = HEADER + "New Person,N1,Agency,employee,,\nAna Lopez,,Agency,employee,,\n"
    with pytest.raises(RosterRefused) as caught:
        store.import_roster(entries(tmp_path, text))
    assert caught.value.problems == [
        (3, "Ana Lopez in Agency is recorded with the ID E7; put the ID in the file")
    ]
    assert store.learners() == before  # the valid first row was not imported either


# ----------------------------------------------------------------------------- the commands


def run(tmp_path: Path, *words: str) -> int:
    return main([*words, "--data-dir", str(tmp_path / "data")])


def test_cli_import_check_and_export_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + ROWS + '"=HYPERLINK(""http://x"",""y"")",E4,Agency,employee,,\n'
    path = write(tmp_path, text)
    assert run(tmp_path, "roster", "import", str(path), "--check") == 0
    out = capsys.readouterr().out
    assert f"would add: {path}:2: Ana Lopez (E1, Agency, employee)" in out
    assert "check only, nothing was changed. If imported: 4 added, 0 changed, 0 unchanged" in out
    assert not (tmp_path / "data" / "records.sqlite3").exists()  # read-only: not even created
    assert run(tmp_path, "roster", "import", str(path)) == 0
    assert "roster imported: 4 added, 0 changed, 0 unchanged, 0 not in file" in (
        capsys.readouterr().out
    )
    exported = tmp_path / "out.csv"
    assert run(tmp_path, "roster", "export", "-o", str(exported)) == 0
    data = exported.read_text(encoding="utf-8")
    assert data.splitlines()[0] == "name,external_id,organisation,role,email,due_date"
    assert '"\'=HYPERLINK(""http://x"",""y"")",E4,' in data  # neutralised
    capsys.readouterr()
    assert run(tmp_path, "roster", "import", str(exported)) == 0  # export -> import: no change
    assert "roster imported: 0 added, 0 changed, 4 unchanged, 0 not in file" in (
        capsys.readouterr().out
    )


def test_cli_invalid_rows_exit_1_and_import_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEADER + ROWS + "Bad,E9,Agency,boss,,\n")
    assert run(tmp_path, "roster", "import", str(path)) == 1
    out = capsys.readouterr()
    assert f"{path}:5: role 'boss' is not one of employee, contractor, uniformed" in out.out
    assert "1 problem in" in out.err and "nothing was imported" in out.err
    with RecordsStore.in_dir(tmp_path / "data", read_only=True) as store:
        assert store.learner_count() == 0


def test_cli_export_to_a_missing_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, "roster", "export", "-o", str(tmp_path / "no" / "such.csv")) == 2
    assert "cannot write" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_cli_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "roster", "import", str(tmp_path / "nope.csv")) == 2
    assert "no such file" in capsys.readouterr().err
    assert run(tmp_path, "roster", "import", str(tmp_path)) == 2


def test_import_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The same import, re-import and refusal on a PostgreSQL store (shared SQL)."""
    pytest.importorskip("psycopg")
    from trainer.records.pg_store import PgRecordsStore

    with PgRecordsStore(pg_url) as store:
        assert len(store.import_roster(entries(tmp_path, HEADER + ROWS)).added) == 3
        again = store.import_roster(entries(tmp_path, HEADER + ROWS))
        assert (again.added, again.changed, again.unchanged) == ([], [], 3)
        changed = store.import_roster(entries(tmp_path, HEADER + "Bo Li,E2,Agency,uniformed,,\n"))
        assert changed.changed[0].fields == (("role", "contractor", "uniformed"),)
        assert [lr.name for lr in changed.not_in_file] == ["Ana Lopez", "Cy Diaz"]
        bo = store.find_by_external_id("Agency", "E2")
        assert bo is not None and [h.change for h in store.learner_history(bo.id)] == [
            "created",
            "role",
        ]
        before = store.learners()
        with pytest.raises(RosterRefused):
            store.import_roster(
                entries(tmp_path, HEADER + "New,N1,Agency,employee,,\nBo Li,,Agency,employee,,\n")
            )
        assert store.learners() == before
        assert [lr.name for lr in store.roster()] == ["Ana Lopez", "Bo Li", "Cy Diaz"]
