"""Defects found by using every command as a trainer or compliance user would (QA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["preview", "{input}", "--plain"],
        ["import", "{input}", "-o", "{tmp}/out.yaml"],
        ["export", "{input}", "--format", "gift", "-o", "{tmp}/out.gift"],
    ],
    ids=["preview", "import", "export"],
)
@pytest.mark.parametrize("kind", ["device", "folder", "missing"])
def test_an_input_that_is_not_a_file_is_said_as_such(
    argv: list[str], kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'/dev/zero' or a folder was reported as 'no such file'; now each is named for what it
    is, still exit 2 and nothing written."""
    given = {"device": "/dev/zero", "folder": str(tmp_path), "missing": f"{tmp_path}/none"}[kind]
    args = [a.format(input=given, tmp=tmp_path) for a in argv]
    assert main(["--data-dir", str(tmp_path / "data"), *args]) == 2
    err = capsys.readouterr().err
    expected = {
        "device": "/dev/zero is a device, FIFO or socket, not a regular file",
        "folder": f"{tmp_path} is a folder, not a regular file",
        "missing": f"no such file: {tmp_path}/none",
    }[kind]
    assert expected in err
    assert not list(tmp_path.glob("out.*"))


@pytest.mark.parametrize(
    ("command", "said"),
    [("validate", "trainer validate: no bank files found in"), ("paths", "no modules found")],
)
def test_a_folder_without_banks_is_not_reported_valid(
    command: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'trainer validate EMPTY-FOLDER' said 'ok: 0 files valid' and exited 0 (a CI step
    pointed at the wrong folder passed); 'paths' printed nothing. Both now exit 1, as
    'report cues' does."""
    (tmp_path / "notes.txt").write_text("not a bank\n")
    assert main([command, str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert said in err
    assert "ok:" not in err
