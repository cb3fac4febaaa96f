"""Every records command works the same on both backends: the real CLI with ``--records``
pointing at an SQLite file or a PostgreSQL database (``records_at``), and plain mode on a
store of each. One learner passes the fixture course; the outputs name the same things."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from trainer.bank.model import Course
from trainer.cli import main
from trainer.plain import run_plain
from trainer.records import open_store
from trainer.session import Session

ROSTER = (
    "name,external id,organisation,role,due date\n"
    "Ana Roster,E1,Agency,employee,2027-01-31\n"
    "Ben Roster,E2,Agency,contractor,\n"
)


def _url(records_at: str | Path) -> str:
    return f"sqlite://{records_at}" if isinstance(records_at, Path) else records_at


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def test_every_records_command_on_each_backend(
    records_at: str | Path,
    course: Course,
    course_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    common = ["--records", _url(records_at), "--course", str(course_file)]
    common += ["--data-dir", str(tmp_path / "data")]
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    status, out, _ = _run(capsys, "roster", "import", str(roster), *common)
    assert status == 0 and "2 added" in out, out

    # Ana takes the course (the engine, as both front ends drive it); plain mode then shows
    # her dashboard from a store of this backend.
    with open_store(records_at) as store:
        ana = store.find_learner("Ana Roster")
        assert ana is not None
        session = Session.start_or_resume(store, course, course.module("demo"), ana)
        while (question := session.current) is not None:
            session.answer(question.step.correct_ids)
        said = io.StringIO()
        assert run_plain(course, store, "Ana Roster", io.StringIO("q\n"), said) == 0
        assert "Course status: complete on" in said.getvalue(), said.getvalue()

    status, out, _ = _run(capsys, "learners", "list", *common)
    assert status == 0 and "Ana Roster" in out and "Ben Roster" in out
    status, out, _ = _run(capsys, "status", "--format", "json", *common)
    states = {r["learner"]: r["state"] for r in json.loads(out)["learners"]}
    assert states == {"Ana Roster": "complete", "Ben Roster": "not-started"}, out
    status, out, _ = _run(capsys, "records", "--format", "csv", *common)
    assert status == 0 and out.count("\n") == 2 and "Ana Roster" in out
    status, out, _ = _run(capsys, "records", "--format", "xapi", *common)
    assert status == 0 and len(json.loads(out)) >= 4
    status, out, _ = _run(capsys, "report", "items", *common)
    assert status == 0 and "s1" in out
    pdf = tmp_path / "ana.pdf"
    status, out, err = _run(
        capsys, "certificate", "--learner", "ana roster", "-o", str(pdf), *common
    )
    assert status == 0 and pdf.exists(), err
    status, out, _ = _run(capsys, "certificates", "list", "--format", "json", *common)
    (cert,) = json.loads(out)["certificates"]
    assert status == 0 and cert["learner"] == "Ana Roster" and cert["status"] == "valid", cert
    status, out, _ = _run(capsys, "verify", str(pdf), *common)
    assert status == 0 and out.strip().splitlines()[-1].startswith("Verdict: VALID")
    status, out, _ = _run(capsys, "doctor", *common)
    assert "records:" in out and ("SQLite" in out or "PostgreSQL" in out)
