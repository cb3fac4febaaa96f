"""The CLI's exit codes and output for validate, schema, banks and records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MODULE_YAML
from trainer.bank.model import Course
from trainer.cli import main
from trainer.records.store import RecordsStore
from trainer.session import Session


def test_validate_exit_codes(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(course_file.parent)]) == 0
    assert "ok: 3 files valid" in capsys.readouterr().err
    assert main(["validate", str(course_file)]) == 0
    assert "ok: 3 files valid" in capsys.readouterr().err  # its modules and resources too
    bad = tmp_path / "bad.yaml"
    bad.write_text(MODULE_YAML.replace("pass_mark: 70", "pass_mark: x"), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr()
    assert f"{bad}:9:12: 'pass_mark' in module must be a whole number" in out.out
    assert "1 problem in 1 file" in out.err
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2


def test_validate_usage_error_exits_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "trainer", "validate"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "usage:" in proc.stderr


def test_validate_stats(course_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--stats", str(course_file)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("demo "))
    # scenarios, steps, branching scenarios, min score, max score, tags
    assert row.split()[1:6] == ["2", "4", "1", "0", "7"]
    assert "debt, initial-consent, romantic-partner" in row


def test_schema_is_valid_json_describing_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["$defs"]) >= {"Course", "Module", "Scenario", "Step", "Choice", "Resources"}
    step = schema["$defs"]["Step"]
    assert step["properties"]["type"]["enum"] == ["single", "multi", "truefalse"]
    assert "explanation" in step["required"] and step["additionalProperties"] is False


def test_banks_lists_course_and_modules(
    course_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["banks", str(course_file.parent)]) == 0
    out = capsys.readouterr().out
    assert "demo-course  Demo course" in out
    assert "demo" in out and "2 scenarios, 4 decisions" in out


def test_records_formats_and_filters(
    course_file: Path, course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as store:
        for name, org, answers in (
            ("Ana", "Acme", (["b"], ["a", "b", "d"], ["report"])),
            ("Ben", "Bolt", (["a"], ["myth"], ["confront"])),
        ):
            learner = store.add_learner(name, "employee", org)
            session = Session.start_or_resume(store, course, course.module("demo"), learner)
            for ids in answers:
                session.answer(ids)
    base = ["records", "--data-dir", str(data), "--course", str(course_file)]
    assert main([*base, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(r["learner"], r["status"], r["percent"]) for r in doc["records"]] == [
        ("Ana", "passed", 100),
        ("Ben", "failed", 0),
    ]
    assert main([*base, "--format", "csv", "--status", "passed"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("attempt_id,learner,external_id,organisation")
    assert len(lines) == 2 and ",Ana," in lines[1]
    assert main([*base, "--organisation", "bolt"]) == 0
    table = capsys.readouterr().out
    assert "Ben" in table and "Ana" not in table


def test_records_on_damaged_database_exits_1_and_keeps_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "records.sqlite3").write_bytes(b"not a database at all")
    assert main(["records", "--data-dir", str(data)]) == 1
    assert "not an SQLite file" in capsys.readouterr().err
    assert (data / "records.sqlite3").read_bytes() == b"not a database at all"


def test_every_command_help_matches_its_module() -> None:
    """The one-line help listed without importing a command is the one it registers."""
    import argparse

    from trainer.cli import COMMANDS, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    registered = {a.dest: a.help for a in sub._choices_actions}
    assert registered == COMMANDS


def test_running_one_command_imports_no_other_command() -> None:
    code = (
        "import sys; from trainer.cli import main; main(['schema']); "
        "others = sorted(m for m in sys.modules if m.startswith('trainer.commands.') "
        "and m not in ('trainer.commands.schema', 'trainer.commands.common')); "
        "sys.stderr.write(repr(others)); sys.exit(1 if others else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_app_start_pauses_gc_only_until_the_app_runs(
    course_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up runs without garbage collection; plain mode and everything after it with."""
    import gc

    import trainer.plain

    seen: list[bool] = []

    def fake_run_plain(*args: object, **kwargs: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(trainer.plain, "run_plain", fake_run_plain)
    argv = ["--plain", "--data-dir", str(tmp_path / "d"), "--course", str(course_file)]
    assert main(argv) == 0
    assert seen == [True]
    assert gc.isenabled()


def test_the_trainer_command_freezes_what_it_built_then_exits_with_mains_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``trainer`` (the console script and ``python -m trainer``) is :func:`trainer.cli.entry`:
    main's exit status, after ``gc.freeze`` (the interpreter's last collection then skips
    what the command built)."""
    import gc

    from trainer import cli

    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    for argv, status in ((["trainer", "schema"], 0), (["trainer", "no-such-command"], 2)):
        frozen.clear()
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as exc:
            cli.entry()
        assert (exc.value.code, frozen) == (status, [True])
    assert '"$schema"' in capsys.readouterr().out
