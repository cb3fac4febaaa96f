"""`trainer import` and `trainer export`: exit statuses, summaries, safe writing, validation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.cli import main

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "question_banks" / "modules" / "01-consent-and-control.yaml"

GIFT = """\
$CATEGORY: $course$/top/Awareness/Hotel lobby

::Debt:: She owes more every week. Who sets the debt?{
  =The manager#Yes: he sets it.
  ~She does#No.
  ####A debt someone else controls is a sign of coercion.
}

::Myth:: Being paid means she is free.{F#Being paid does not show freedom.#Right.}

::Essay:: Describe what you would do. {}
"""


def run(*argv: str) -> int:
    return main(list(argv))


def test_import_writes_a_module_that_validates_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "bank.gift", tmp_path / "imported.yaml"
    src.write_text(GIFT, encoding="utf-8")
    assert run("import", str(src), "-o", str(out)) == 0
    captured = capsys.readouterr()
    assert "question 'Essay': essay is not supported; skipped" in captured.out
    assert "imported 2 questions" in captured.err and "skipped 1" in captured.err
    text = out.read_text(encoding="utf-8")
    assert "IMPORTED" in text and "kind: module" in text and "\npass_mark: 80\n" in text
    assert run("validate", str(out)) == 0
    captured = capsys.readouterr()
    assert "warning: 2 imported steps of module 'imported' still cite" in captured.out


def test_import_never_overwrites_without_force_and_never_follows_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "bank.gift", tmp_path / "m.yaml"
    src.write_text(GIFT, encoding="utf-8")
    out.write_text("precious", encoding="utf-8")
    assert run("import", str(src), "-o", str(out)) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "precious"
    assert run("import", str(src), "-o", str(out), "--force") == 0
    assert out.read_text(encoding="utf-8").startswith("# Imported from bank.gift")
    target, link = tmp_path / "target.yaml", tmp_path / "link.yaml"
    target.write_text("keep", encoding="utf-8")
    os.symlink(target, link)
    assert run("import", str(src), "-o", str(link), "--force") == 1
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("laughs.xml", '<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY a "aaaa">]>\n<quiz/>', ":2: "),
        ("deep.xml", "<quiz>\n" + "<a>" * 80 + "</a>" * 80 + "</quiz>", ":2: "),
        ("open.gift", "Q1 {=a ~b}\n\nQ2 {=a\n~b\n", ":3: "),
        ("none.gift", "Only an essay {}\n", ":1: "),
    ],
)
def test_bad_input_is_one_line_exit_1_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, where: str
) -> None:
    src, out = tmp_path / name, tmp_path / "m.yaml"
    src.write_text(content, encoding="utf-8")
    assert run("import", str(src), "-o", str(out)) == 1
    captured = capsys.readouterr()
    line = captured.out.strip()
    assert line.startswith(str(src)) and where in line and "\n" not in line
    assert "Traceback" not in captured.out + captured.err
    assert not out.exists()


def test_output_folder_is_created(tmp_path: Path) -> None:
    src = tmp_path / "b.gift"
    src.write_text(GIFT, encoding="utf-8")
    out = tmp_path / "new" / "modules" / "m.yaml"
    assert run("import", str(src), "-o", str(out)) == 0
    assert out.read_text(encoding="utf-8").startswith("# Imported from b.gift")
    assert [p.name for p in out.parent.iterdir()] == ["m.yaml"]  # no temporary file left


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("import", str(tmp_path / "missing.xml"), "-o", str(tmp_path / "m.yaml")) == 2
    src = tmp_path / "b.gift"
    src.write_text(GIFT, encoding="utf-8")
    assert run("import", str(src), "-o", str(tmp_path / "m.txt")) == 2
    assert run("export", str(tmp_path / "missing.yaml"), "--format", "gift", "-o", "x") == 2


def test_unreadable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "locked.gift"
    src.write_text(GIFT, encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert run("import", str(src), "-o", str(tmp_path / "m.yaml")) == 2
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "m.yaml").exists()


def test_exchange_commands_do_not_import_textual() -> None:
    code = (
        "import sys, trainer.commands.import_bank as i, trainer.commands.export_bank as e, "
        "trainer.exchange.convert, trainer.exchange.citations; "
        "sys.exit(3 if any(m.split('.')[0] == 'textual' for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_format_is_guessed_from_content_or_given(tmp_path: Path) -> None:
    src = tmp_path / "questions.dat"
    src.write_text(GIFT, encoding="utf-8")
    assert run("import", str(src), "-o", str(tmp_path / "a.yaml")) == 0
    assert run("import", str(src), "--format", "moodle-xml", "-o", str(tmp_path / "b.yaml")) == 1
    assert not (tmp_path / "b.yaml").exists()


def test_export_reports_branching_and_comments_each_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.gift"
    assert run("export", str(MODULE), "--format", "gift", "-o", str(out)) == 0
    captured = capsys.readouterr()
    assert "branching cannot be expressed in Moodle" in captured.out
    assert "exported 14 questions from 1 module" in captured.err
    text = out.read_text(encoding="utf-8")
    questions = text.count("\n::")
    assert text.count("// trainer-route ") == questions == 14
    assert "Moodle cannot branch" in text
    assert run("export", str(MODULE), "--format", "gift", "-o", str(out)) == 1  # exists
    assert run("export", str(MODULE), "--format", "moodle-xml", "-o", "-") == 0
    assert capsys.readouterr().out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')


def test_export_refuses_an_invalid_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: module\nformat: 1\nid: x\n", encoding="utf-8")
    assert run("export", str(bad), "--format", "gift", "-o", str(tmp_path / "o.gift")) == 1
    captured = capsys.readouterr()
    assert "bad.yaml:" in captured.out and "nothing was written" in captured.err
    assert not (tmp_path / "o.gift").exists()
