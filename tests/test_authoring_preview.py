"""``trainer preview``: a module as a learner takes it, nothing recorded, jump and reload."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from trainer.authoring.preview import JumpError, resolve_step, run_preview, session_at
from trainer.bank.loader import load_module
from trainer.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "authoring"


class Script(io.StringIO):
    """Input that may run an action (such as editing the file) before a line is read."""

    def __init__(self, items: list[str | Callable[[], None]]) -> None:
        super().__init__()
        self.items = list(items)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        while self.items:
            item = self.items.pop(0)
            if callable(item):
                item()
                continue
            return item + "\n"
        return ""

    def isatty(self) -> bool:
        return False


def _branching():  # type: ignore[no-untyped-def]
    module, _ = load_module(FIXTURES / "branching.yaml")
    assert module is not None
    return module


def test_jump_by_scenario_and_step_answers_the_route_before_it() -> None:
    jump = session_at(_branching(), "employee", "fork/s3")
    question = jump.session.current
    assert question is not None and (question.scenario.id, question.step.id) == ("fork", "s3")
    assert jump.answered == 1 and jump.session.attempt.answers[0].choice_ids == ("b",)
    assert jump.session.store is None  # a preview session records nothing


def test_jump_by_step_id_or_scenario_id() -> None:
    module = _branching()
    assert resolve_step(module, "employee", "s2")[1].id == "s2"
    jump = session_at(module, "contractor", "extra")
    question = jump.session.current
    assert question is not None and question.step.id == "e1"
    # the earlier scenario was answered along its all-correct path
    assert [a.outcome for a in jump.session.attempt.answers] == ["correct", "correct"]


def test_jump_errors_name_the_problem() -> None:
    module = _branching()
    with pytest.raises(JumpError, match="not for role 'employee'"):
        resolve_step(module, "employee", "extra/e1")
    with pytest.raises(JumpError, match="no step 'nope' in scenario 'fork'"):
        resolve_step(module, "employee", "fork/nope")
    with pytest.raises(JumpError, match="no step or scenario 'zzz'"):
        resolve_step(module, "employee", "zzz")


def test_plain_preview_shows_banner_and_takes_the_module(tmp_path: Path) -> None:
    session = session_at(_branching(), "employee", None, seed=0).session
    q1 = session.current
    assert q1 is not None
    right = q1.number_of("a")
    session.answer(["a"])
    q2 = session.current
    assert q2 is not None
    signs = f"{q2.number_of('x')},{q2.number_of('y')}"
    out = io.StringIO()
    stdin = Script(["", str(right), "", signs, "", "quit"])
    code = run_preview(FIXTURES / "branching.yaml", "employee", stdin, out, seed=0)
    text = out.getvalue()
    assert code == 0
    assert text.startswith("PREVIEW — nothing is recorded.")
    assert "Score: 3 of 3 points, 100 percent." in text
    assert "Preview finished" in text and "PREVIEW ended — nothing was recorded." in text


def test_reload_picks_up_an_edit_and_restarts_at_the_same_step(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    shutil.copy(FIXTURES / "branching.yaml", path)

    def edit() -> None:
        path.write_text(
            path.read_text().replace(
                "Myth or fact: a second chance.", "Myth or fact: an edited second chance."
            )
        )

    def break_it() -> None:
        path.write_text(path.read_text().replace("start: s1", "start: s0"))

    out = io.StringIO()
    stdin = Script([edit, "reload", break_it, "reload", "quit"])
    assert run_preview(path, "employee", stdin, out, "fork/s3") == 0
    text = out.getvalue()
    assert "Jumped to fork/s3" in text
    after_reload = text.split("Reloaded", 1)[1]
    assert "Myth or fact: an edited second chance." in after_reload
    assert "The edited file has 1 problem; still previewing the previous version" in text
    assert "start step 's0' of scenario 'fork' does not exist" in text


def test_reload_when_the_step_is_gone_starts_over(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    shutil.copy(FIXTURES / "branching.yaml", path)
    source = path.read_text()

    def rename() -> None:
        path.write_text(source.replace("id: s3", "id: s4").replace("next: s3", "next: s4"))

    out = io.StringIO()
    assert run_preview(path, "employee", Script([rename, "reload", "quit"]), out, "s3") == 0
    assert "no step 's3' in scenario 'fork'" in out.getvalue()
    assert "starting at the beginning of the module" in out.getvalue()


def test_preview_command_records_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", Script(["1", "", "1,2", "", "quit"]))
    assert (
        main(["preview", str(FIXTURES / "branching.yaml"), "--plain", "--data-dir", str(data)]) == 0
    )
    assert "PREVIEW — nothing is recorded" in capsys.readouterr().out
    assert not data.exists()


def test_preview_without_plain_falls_back_until_the_tui_preview_exists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("trainer.commands.preview._want_plain", lambda args: False)
    monkeypatch.setattr("trainer.commands.preview._tui_preview", lambda: None)
    monkeypatch.setattr("sys.stdin", Script(["quit"]))
    assert (
        main(
            [
                "preview",
                str(FIXTURES / "branching.yaml"),
                "--role",
                "contractor",
                "--step",
                "extra/e1",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "TUI preview is coming" in captured.err
    assert "Jumped to extra/e1" in captured.out


def test_preview_of_a_broken_file_or_unknown_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: module\n")
    out = io.StringIO()
    assert run_preview(bad, None, Script([]), out) == 1
    assert "problem" in out.getvalue()
    assert run_preview(FIXTURES / "branching.yaml", None, Script([]), io.StringIO(), "nowhere") == 2
