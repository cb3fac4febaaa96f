"""xAPI export: well-formed 1.0.3 statements, one per answer and one per result, stable ids."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from trainer.bank.model import Course
from trainer.cli import main
from trainer.records.store import RecordsStore
from trainer.session import Session


@pytest.fixture
def data(course: Course, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with RecordsStore.in_dir(folder) as store:
        ana = store.add_learner("Ana", "employee", "Acme", "E-7")
        session = Session.start_or_resume(store, course, course.module("demo"), ana, seed=1)
        for ids in (["b"], ["a", "b"], ["report"]):
            session.answer(ids)
        ben = store.add_learner("Ben", "contractor")
        Session.start_or_resume(store, course, course.module("demo"), ben).answer(["a"])
    return folder


def export(data: Path, course_file: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list:
    assert (
        main(
            [
                "records",
                "--data-dir",
                str(data),
                "--course",
                str(course_file),
                "--format",
                "xapi",
                *extra,
            ]
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


def test_xapi_statements_for_answers_and_results(
    data: Path, course_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statements = export(data, course_file, capsys)
    verbs = [s["verb"]["display"]["en-US"] for s in statements]
    # Ana: 3 answers + passed (2 + 2 + 2 = 6 of 7 -> 85%); Ben: 1 answer, still in progress.
    assert verbs == ["answered", "answered", "answered", "passed", "answered"]
    result = statements[3]
    assert result["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert result["result"]["score"] == {"scaled": 0.85, "raw": 6.0, "min": 0, "max": 7.0}
    assert result["result"]["success"] is True
    assert result["actor"]["account"] == {
        "homePage": "urn:trainer:organisation/Acme",
        "name": "E-7",
    }
    assert result["object"]["id"] == "urn:trainer:course/demo-course/module/demo"
    partial = statements[1]
    assert partial["result"] == {
        "response": "a[,]b",
        "success": False,
        "score": {"raw": 2.0, "min": 0, "max": 3},
    }
    assert partial["object"]["id"].endswith("/module/demo/scenario/debt/step/s3")
    for s in statements:
        uuid.UUID(s["id"])
        assert s["version"] == "1.0.3"
        assert s["timestamp"].endswith("Z")
        assert {"actor", "verb", "object"} <= s.keys()


def test_xapi_export_is_idempotent_and_takes_a_base(
    data: Path, course_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export(data, course_file, capsys)
    again = export(data, course_file, capsys)
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == len(first)
    based = export(data, course_file, capsys, "--xapi-base", "https://lrs.example.org/trainer")
    assert (
        based[3]["object"]["id"] == "https://lrs.example.org/trainer/course/demo-course/module/demo"
    )
