"""``trainer validate`` reports every problem of a course at once, in plain words: what a
value is ("unknown role 'contractr'"), which item (by id, not position), and exact ranges."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer.cli import main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "plain_course"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "bank")
    return tmp_path / "bank"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def validate(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[str]]:
    status = main(["validate", str(path)])
    out, _ = capsys.readouterr()
    return status, out.splitlines()


def test_course_with_three_problems_reports_all_three(
    bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = bank / "course.yaml"
    edit(course, "validity_months: 12", "validity_months: 0")
    edit(course, "resources: resources.yaml", "resources: resourcez.yaml")
    edit(course, "file: modules/extra.yaml", "file: modules/extraz.yaml")
    status, lines = validate(capsys, course)
    assert status == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "'validity_months' in course must be between 1 and 120, not 0",
        "resources file 'resourcez.yaml' not found",
        "module file 'modules/extraz.yaml' not found",
    ]


def test_unknown_role_named_as_a_role_in_a_module_entry(
    bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = bank / "course.yaml"
    edit(course, "    id: extra\n", "    id: extra\n    roles: [contractr]\n")
    status, lines = validate(capsys, course)
    assert status == 1
    assert any(
        line.endswith(
            "unknown role 'contractr' in 'roles' in module entry 'extra'; did you mean "
            "'contractor'? (roles: employee, contractor, uniformed)"
        )
        for line in lines
    ), lines
    assert not any("coursemodule" in line or "the text" in line for line in lines)


def test_a_single_allowed_value_is_said_plainly(
    bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bank / "modules" / "basics.yaml"
    edit(module, "format: 1", "format: 2")
    status, lines = validate(capsys, module)
    assert status == 1
    assert lines[0].endswith("'format' in module must be 1, not 2"), lines


def test_steps_and_choices_are_named_by_id(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = bank / "modules" / "basics.yaml"
    edit(
        module,
        '        points: 1\n        explanation: "Debt bondage',
        '        points: many\n        explanation: "Debt bondage',
    )
    edit(
        module,
        '            correct: true\n            feedback: "Yes. That',
        '            correct: maybe\n            feedback: "Yes. That',
    )
    status, lines = validate(capsys, module)
    assert status == 1
    assert any(
        line.endswith(
            "'points' in step 's1b' of scenario 'market' must be a whole number, "
            "not the text 'many'"
        )
        for line in lines
    ), lines
    assert any(
        "'correct' in choice 'b' of step 's1' of scenario 'market' must be true or false" in line
        for line in lines
    ), lines


def test_problems_quoting_the_file_or_its_name_are_terminal_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil\x1b]0;owned\x07.yaml"
    path.write_text('kind: module\n"\\e]0;retitled\\a\\e[2J": 1\n', encoding="utf-8")
    status = main(["validate", str(path), str(tmp_path / "gone\x1b[2J.yaml")])
    out, err = capsys.readouterr()
    assert status == 2  # the missing file is named first, safely
    assert "gone\\x1b[2J.yaml" in err and "\x1b" not in err
    status = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert status == 1
    assert "unknown key '\\x1b]0;retitled\\x07\\x1b[2J'" in out
    assert "evil\\x1b]0;owned\\x07.yaml" in out
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_module_with_three_problems_reports_all_three(
    bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bank / "modules" / "basics.yaml"
    edit(module, "pass_mark: 80", "pass_mark: 0")
    edit(module, "            next: s1b\n", "            next: s9\n")
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("        sources: [T1]\n", "        sources: [T7]\n", 1))
    status, lines = validate(capsys, module)
    assert status == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "'pass_mark' in module must be between 1 and 100, not 0",
        "source key 'T7' in step 's1' of scenario 'market' is not in the module's sources; "
        "add it under 'sources:'",
        "'next: s9' in scenario 'market' names no step (steps: s1, s1b, s2)",
    ]
