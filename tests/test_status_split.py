"""``trainer status --format csv -o FILE`` over SQLite records of a large organisation is
written by two processes, each reading a part of the list: the same bytes and counts as one
process, whatever the filters; a worker that fails fails the command, leaving nothing."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.test_status import TODAY, Clock, populate
from trainer.bank.model import Course
from trainer.cli import main
from trainer.commands import status_split
from trainer.commands.status import CSV_LEARNER, write_status_csv
from trainer.compliance.status import CourseTerms, status_values
from trainer.records.errors import StoreError
from trainer.records.reports import RosterEntry
from trainer.records.store import RecordsStore


def _records(data: Path) -> RecordsStore:
    clock = Clock()
    store = RecordsStore.in_dir(data, now=clock)
    populate(store, clock)
    store.import_roster(
        [
            RosterEntry(100 + n, f"Learner {n:03d}", f"X{n}", ("Acme", "acme", "Beta")[n % 3],
                        ("employee", "contractor")[n % 2], "", "2026-12-10" if n % 4 else "")
            for n in range(60)
        ]
    )  # fmt: skip
    return store


def _one_process(store: RecordsStore, course: Any, options: dict[str, Any], state: Any) -> str:
    out = io.StringIO()
    found = (
        v
        for v in status_values(store, course, columns=CSV_LEARNER, **options)
        if state is None or v[1] == state
    )
    write_status_csv(found, out, CSV_LEARNER)
    return out.getvalue()


@pytest.mark.parametrize(
    ("filters", "state"),
    [
        ({}, None),
        ({"organisation": "ACME"}, None),
        ({"role": "contractor", "due_within": 30}, None),
        ({"due_within": 30}, "due"),
    ],
)
def test_two_processes_write_what_one_writes(
    tmp_path: Path, course: Course, filters: dict[str, Any], state: str | None
) -> None:
    terms = CourseTerms.of(course)
    options = {"today": TODAY, "organisation": None, "role": None, "due_within": None}
    options |= filters
    with _records(tmp_path / "data") as store:
        want = _one_process(store, terms, options, state)
        out = io.StringIO()
        counts: Counter[str] = Counter()
        written = status_split.write_split(
            store, store.path, terms, options, state, counts, out,
            str(tmp_path / "status.csv"), split_at=10,
        )  # fmt: skip
    assert written is not None, "split"
    assert out.getvalue() == want
    assert written == len(want.splitlines()) - 1
    assert sum(counts.values()) >= written and counts  # every learner counted once
    assert not list(tmp_path.glob(".trainer-status-*"))  # the worker's part is gone


def test_a_small_list_is_left_to_one_process(tmp_path: Path, course: Course) -> None:
    options = {"today": TODAY, "organisation": None, "role": None, "due_within": None}
    with _records(tmp_path / "data") as store:
        got = status_split.write_split(
            store, store.path, CourseTerms.of(course), options, None, Counter(),
            io.StringIO(), str(tmp_path / "o.csv"),
        )  # fmt: skip
    assert got is None  # under SPLIT_AT learners


def test_a_failing_worker_fails_the_command_and_leaves_nothing(
    tmp_path: Path, course: Course
) -> None:
    options = {"today": TODAY, "organisation": None, "role": None, "due_within": None}
    other = tmp_path / "other.sqlite3"
    other.write_text("not a database\n" * 100)  # the worker finds no records there
    with _records(tmp_path / "data") as store, pytest.raises(StoreError) as caught:
        status_split.write_split(
            store, other, CourseTerms.of(course),
            options, None, Counter(), io.StringIO(), str(tmp_path / "o.csv"), split_at=10,
        )  # fmt: skip
    assert "records" in str(caught.value) and "Traceback" not in str(caught.value)
    assert not list(tmp_path.glob(".trainer-status-*"))


def test_the_command_splits_and_writes_the_same_file(
    tmp_path: Path, course_file: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _records(tmp_path / "data").close()
    base = ["--data-dir", str(tmp_path / "data"), "--course", str(course_file), "status"]
    base += ["--as-of", TODAY.isoformat(), "--due-within", "30", "--format", "csv", "-o"]
    assert main([*base, str(tmp_path / "one.csv")]) == 0
    one = capsys.readouterr().err
    calls: list[object] = []
    real = status_split.write_split

    def counting(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        calls.append(got)
        return got

    monkeypatch.setattr(status_split, "SPLIT_AT", 10)
    monkeypatch.setattr(status_split, "write_split", counting)
    assert main([*base, str(tmp_path / "two.csv")]) == 0
    assert calls and calls[0] is not None  # it did split
    assert capsys.readouterr().err == one  # the same counts
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


@pytest.mark.parametrize(
    "job",
    [
        "",
        "not json",
        "[" * 50_000,
        "[]",
        '{"course": 1}',
        '{"records": "/nowhere", "course": ["c", 12, []], "today": "x"}',
        '{"records": "/nowhere", "course": ["c", 12, {}], "today": "2026-12-01",'
        ' "organisation": null, "role": null, "due_within": null, "state": null,'
        ' "since": ["a"], "out": "/nowhere/x"}',
    ],
)
def test_the_worker_refuses_a_job_it_did_not_get_from_trainer(job: str) -> None:
    """Run by hand with anything on its input, the worker says no in one line."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "trainer.commands.status_split"],
        input=job,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
