"""``trainer validate`` checks a file's type and size before reading it, and refuses numbers
too long to convert, each with a message (never a traceback, never a hang)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.bank import safeyaml
from trainer.cli import main


def validate(capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, str]:
    status = main(["validate", *paths])
    out, err = capsys.readouterr()
    return status, out + err


def test_huge_sparse_file_is_refused_without_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # 2 GB, sparse: costs no disk

    def no_reading(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(safeyaml.os, "read", no_reading)
    status, out = validate(capsys, str(big))
    assert status == 1
    assert "file is 2,147,483,648 bytes, over the 8,388,608-byte limit" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_device_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "trainer", "validate", str(fifo), "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,  # before the fix: a hang on the FIFO, then /dev/zero until memory ran out
    )
    assert proc.returncode == 1, proc.stderr
    assert "pipe.yaml:1:1: not a bank file: it is a named pipe (FIFO)" in proc.stdout
    assert "/dev/zero:1:1: not a bank file: it is a character device" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_folder_given_as_a_module_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(safeyaml.YamlRefused, match="it is a folder"):
        safeyaml.read_bounded(folder, "dir.yaml")


@pytest.mark.parametrize("number", ["9" * 4400, "0x" + "f" * 4000, "1" + "_0" * 4400])
def test_very_long_yaml_number_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(f"kind: module\nformat: 1\npass_mark: {number}\n", encoding="utf-8")
    status, out = validate(capsys, str(path))
    assert status == 1
    assert f"m.yaml:3:12: number with {len(number):,} characters is too long" in out
