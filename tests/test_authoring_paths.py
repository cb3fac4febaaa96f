"""``trainer paths``: every path, its score, min/max and whether the pass mark is reachable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.authoring.paths import explore
from trainer.bank.loader import load_module
from trainer.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "authoring"
BRANCHING = FIXTURES / "branching.yaml"


def _module():  # type: ignore[no-untyped-def]
    module, problems = load_module(BRANCHING)
    assert module is not None, problems
    return module


def test_explorer_lists_every_path_with_choices_and_points() -> None:
    report = explore(_module())
    fork = report.scenarios[0]
    routes = [(tuple((d.step_id, d.choice_ids) for d in p.decisions), p.points) for p in fork.paths]
    assert routes == [
        ((("s1", ("a",)), ("s2", ("x", "y"))), 3.0),
        ((("s1", ("b",)), ("s3", ("myth",))), 1.0),
        ((("s1", ("b",)), ("s3", ("fact",))), 0.0),
        ((("s1", ("c",)),), 0.0),
    ]
    assert (fork.best, fork.worst, fork.correct) == (3.0, 0.0, 3.0)
    multi = fork.paths[0].decisions[1]
    assert multi.step_type == "multi" and multi.partial_credit == "proportional"


def test_role_summary_and_paths_that_rule_out_a_pass() -> None:
    report = explore(_module())
    roles = {r.role: r for r in report.roles}
    assert (roles["employee"].max_points, roles["employee"].pass_points) == (3.0, 1.8)
    assert (roles["contractor"].max_points, roles["contractor"].pass_points) == (5.0, 3.0)
    assert all(r.reachable for r in report.roles)
    # b -> myth earns 1: an employee (needs 1.8 of 3) cannot pass any more; a contractor
    # still can with the 2 points of the contractor-only scenario (1 + 2 = 3).
    assert report.scenarios[0].paths[1].dead_end_roles == ("employee", "uniformed")
    assert roles["employee"].dead_ends == 3 and roles["contractor"].dead_ends == 2


def test_paths_command_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paths", str(BRANCHING)]) == 0
    out = capsys.readouterr().out
    assert "4 paths; path scores 0 to 3 of 3" in out
    assert "s2  x + y: correct, 2 of 2  [multi-select: full-credit selection shown" in out
    assert "employee: 1 scenario; score 0 to 3; pass needs 1.8 (60%)" in out
    assert "pass mark reachable" in out
    assert main(["paths", str(BRANCHING), "--role", "contractor", "--format", "json"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    assert [r["role"] for r in doc["roles"]] == ["contractor"]
    assert [s["scenario"] for s in doc["scenarios"]] == ["fork", "extra"]


def test_paths_on_a_broken_file_reports_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BRANCHING.read_text().replace("next: s3", "next: s9"))
    assert main(["paths", str(bad)]) == 1
    assert "names no step" in capsys.readouterr().err


def test_paths_of_the_starter_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.yaml"
    assert main(["new", "module", str(path)]) == 0
    capsys.readouterr()
    assert main(["paths", str(path)]) == 0
    assert "3 paths; path scores 3 to 5 of 5" in capsys.readouterr().out
