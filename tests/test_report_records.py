"""``trainer records``: every filter and format over records written by the engine.

(The lead's tests/test_cli_core.py covers json, csv, --status passed and --organisation;
these cover the other filters and statuses, and that the columns match docs/records.md.)
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fixtures.authoring.play import Clock, play

from trainer.bank.loader import load_course
from trainer.cli import main
from trainer.export import COLUMNS
from trainer.records.store import RecordsStore
from trainer.session import Session

COURSE = Path(__file__).parent / "fixtures" / "authoring" / "stats" / "course.yaml"
RIGHT = [["a"], ["myth"], ["a", "b"]]
WRONG = [["b"], ["fact"], ["c"]]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    course = load_course(COURSE).course
    assert course is not None
    module = course.module("stats")
    clock = Clock("2024-01-10T09:00:00")
    folder = tmp_path / "data"
    with RecordsStore.in_dir(folder, now=clock) as store:
        old = store.add_learner("Olga", "employee", "Acme", "E-1")
        play(store, course, module, old, RIGHT)  # passed in 2024: expired by now
        clock.set("2026-03-02T09:00:00")
        ana = store.add_learner("Ana", "contractor", "Acme", "E-2")
        play(store, course, module, ana, RIGHT)  # passed
        clock.set("2026-03-05T09:00:00")
        ben = store.add_learner("Ben", "uniformed", "Bolt", "E-3")
        play(store, course, module, ben, WRONG)  # failed
        clock.set("2026-03-07T09:00:00")
        cy = store.add_learner("Cy", "employee", "Bolt")
        play(store, course, module, cy, [["a"]])  # will be abandoned by the retake
        Session.start_new(store, course, module, cy, seed=1)  # in progress
    return folder


def _rows(data: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    assert (
        main(
            ["records", "--data-dir", str(data), "--course", str(COURSE), "--format", "csv", *extra]
        )
        == 0
    )
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_every_status(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows(data, capsys=capsys)
    assert [(r["learner"], r["status"]) for r in rows] == [
        ("Olga", "expired"),
        ("Ana", "passed"),
        ("Ben", "failed"),
        ("Cy", "abandoned"),
        ("Cy", "in-progress"),
    ]
    for status, who in (
        ("expired", ["Olga"]),
        ("passed", ["Ana"]),
        ("failed", ["Ben"]),
        ("abandoned", ["Cy"]),
        ("in-progress", ["Cy"]),
    ):
        assert [r["learner"] for r in _rows(data, "--status", status, capsys=capsys)] == who


def test_learner_course_module_and_date_filters(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert {r["learner"] for r in _rows(data, "--learner", "ben", capsys=capsys)} == {"Ben"}
    assert _rows(data, "--learner", "Nobody", capsys=capsys) == []
    assert len(_rows(data, "--course-id", "stats-course", capsys=capsys)) == 5
    assert _rows(data, "--course-id", "other", capsys=capsys) == []
    assert len(_rows(data, "--module", "stats", capsys=capsys)) == 5
    assert _rows(data, "--module", "other", capsys=capsys) == []
    since = _rows(data, "--since", "2026-03-05", capsys=capsys)
    assert [r["learner"] for r in since] == ["Ben", "Cy", "Cy"]
    until = _rows(data, "--until", "2026-03-05", capsys=capsys)  # inclusive
    assert [r["learner"] for r in until] == ["Olga", "Ana", "Ben"]
    both = _rows(data, "--since", "2026-03-01", "--until", "2026-03-02", capsys=capsys)
    assert [r["learner"] for r in both] == ["Ana"]


def test_columns_and_values(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows(data, "--learner", "Ana", capsys=capsys)
    assert list(rows[0]) == list(COLUMNS)
    ana = rows[0]
    assert (ana["external_id"], ana["organisation"], ana["role"]) == ("E-2", "Acme", "contractor")
    assert (ana["score"], ana["max_score"], ana["percent"], ana["passed"]) == (
        "4.0",
        "4.0",
        "100",
        "True",
    )
    assert ana["expires_on"] == "2027-03-02"
    assert re.fullmatch(r"[0-9a-f]{64}", ana["module_sha256"])
    assert (
        main(
            [
                "records",
                "--data-dir",
                str(data),
                "--format",
                "json",
                "--course",
                str(COURSE),
                "--status",
                "in-progress",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["columns"] == list(COLUMNS)
    (cy,) = doc["records"]
    assert cy["finished_at"] is None and cy["score"] is None and cy["passed"] is None


def test_columns_are_all_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "records.md").read_text()
    for column in COLUMNS:
        assert f"`{column}`" in doc, column
