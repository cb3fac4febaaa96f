"""Each validator check, on a bank with one mistake, reports the right line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import COURSE_YAML, MODULE_YAML, write_bank
from trainer.bank.loader import load_course, load_module, validate_paths


def pos_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column where ``needle`` starts (its nth occurrence)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    module, problems = load_module(path)
    assert module is None
    return [f"{p.line}:{p.col}: {p.message}" for p in problems]


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_module_has_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MODULE_YAML, encoding="utf-8")
    module, problems = load_module(path)
    assert problems == []
    assert module is not None and module.step_count == 4


def test_validate_reports_yaml_syntax_error_position(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("title: Demo module", "title: [Demo module")
    msg = only(problems_for(tmp_path, text))
    assert "YAML syntax error" in msg
    assert msg.startswith(f"{pos_of(text, 'version')[0]}:")


def test_validate_rejects_duplicate_key_at_second_occurrence(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("pass_mark: 70\n", "pass_mark: 70\npass_mark: 80\n")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "pass_mark: 80")
    assert msg.startswith(f"{line}:{col}: duplicate key 'pass_mark'")
    assert f"first defined at line {line - 1}" in msg


def test_validate_suggests_close_match_for_unknown_key(tmp_path: Path) -> None:
    text = MODULE_YAML.replace(
        "explanation: Do not confront; report.", "explanaton: Do not confront; report."
    )
    msgs = problems_for(tmp_path, text)
    line, col = pos_of(text, "explanaton")
    assert any(
        m.startswith(f"{line}:{col}: unknown key 'explanaton'")
        and "did you mean 'explanation'?" in m
        for m in msgs
    ), msgs
    assert any("missing required key 'explanation'" in m for m in msgs)


def test_validate_reports_wrong_type_at_value(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("pass_mark: 70", "pass_mark: seventy")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "seventy")
    assert (
        msg == f"{line}:{col}: 'pass_mark' in module must be a whole number, not the text 'seventy'"
    )


def test_validate_reports_out_of_range_number(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("pass_mark: 70", "pass_mark: 170")
    msg = only(problems_for(tmp_path, text))
    assert msg.startswith(f"{pos_of(text, '170')[0]}:{pos_of(text, '170')[1]}: ")
    assert "between 1 and 100" in msg


def test_validate_reports_missing_required_field_at_its_mapping(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("        prompt: What do you do?\n", "")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "id: q1")
    assert msg.startswith(
        f"{line}:{col}: step 'q1' of scenario 'boyfriend' is missing required key 'prompt'"
    )


def test_validate_reports_unknown_next_with_suggestion(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("next: s3", "next: s4")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "s4")
    assert msg.startswith(f"{line}:{col}: 'next: s4' in scenario 'debt' names no step")
    assert "steps: s1, s2, s3" in msg


def test_validate_reports_unknown_source_key(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("report.\n        sources: [K1]", "report.\n        sources: [K2]")
    assert "[K2]" in text
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "K2")
    assert msg.startswith(f"{line}:{col}: source key 'K2' in step 'q1'")


def test_validate_reports_unreachable_step(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("next: s2", "next: s3")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "s2", nth=0)
    line, col = pos_of(text, "id: s2")
    assert msg == (
        f"{line}:{col + 4}: step 's2' of scenario 'debt' cannot be reached from start "
        "step 's1'; point a 'next' at it or remove it"
    )


def test_validate_reports_cycle_at_closing_next(tmp_path: Path) -> None:
    text = MODULE_YAML.replace(
        "- {id: fact, text: Fact, correct: true, feedback: Yes.}",
        "- {id: fact, text: Fact, correct: true, feedback: Yes., next: s1}",
    )
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "s1}")
    assert msg.startswith(f"{line}:{col}: 'next: s1' in scenario 'debt' loops back")


def test_validate_reports_missing_start_step(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("start: q1", "start: q0")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "q0")
    assert msg.startswith(f"{line}:{col}: start step 'q0'")


def test_validate_single_choice_needs_exactly_one_correct(tmp_path: Path) -> None:
    text = MODULE_YAML.replace(
        "{id: ignore, text: Ignore it, correct: false",
        "{id: ignore, text: Ignore it, correct: true",
    )
    msg = only(problems_for(tmp_path, text))
    line, _ = pos_of(text, "{id: confront")
    assert msg.startswith(f"{line}:")
    assert "exactly one correct choice, has 2" in msg


def test_validate_multi_needs_a_correct_choice(tmp_path: Path) -> None:
    text = (
        MODULE_YAML.replace("passport, correct: true", "passport, correct: false")
        .replace("growing, correct: true", "growing, correct: false")
        .replace("manager, correct: true", "manager, correct: false")
    )
    msgs = problems_for(tmp_path, text)
    assert any("multi-select step 's3'" in m and "at least one correct" in m for m in msgs), msgs


def test_validate_truefalse_needs_two_choices(tmp_path: Path) -> None:
    text = MODULE_YAML.replace(
        "          - {id: myth, text: Myth, correct: false, feedback: It is a recognised means.}\n",
        "",
    )
    msg = only(problems_for(tmp_path, text))
    assert "true/false step 's2'" in msg and "exactly two choices" in msg


def test_validate_duplicate_ids(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("id: boyfriend", "id: debt")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "id: debt", nth=1)
    assert msg == f"{line}:{col + 4}: scenario id 'debt' is used twice in this module"


def test_validate_pass_mark_must_be_reachable_by_correct_path(tmp_path: Path) -> None:
    # The wrong first answer leads to a step worth many points: the correct path falls short.
    text = MODULE_YAML.replace("points: 1\n", "points: 100\n").replace(
        "pass_mark: 70", "pass_mark: 90"
    )
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "90")
    assert msg.startswith(f"{line}:{col}: pass mark 90% cannot be reached")


def test_validate_rejects_unknown_role_with_suggestion(tmp_path: Path) -> None:
    text = MODULE_YAML.replace("pass_mark: 70", "roles: [employe]\npass_mark: 70")
    msg = only(problems_for(tmp_path, text))
    line, col = pos_of(text, "employe]")
    assert msg.startswith(f"{line}:{col}: unknown role 'employe'")
    assert "did you mean 'employee'?" in msg


def test_validate_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    data = MODULE_YAML.encode().replace(b"Demo module", b"Demo \xe9module")
    path.write_bytes(data)
    _, problems = load_module(path)
    (p,) = problems
    assert (p.line, p.col) == (4, 13)
    assert "not valid UTF-8" in p.message


def test_validate_course_reports_module_id_mismatch(tmp_path: Path) -> None:
    course_file = write_bank(tmp_path, course=COURSE_YAML.replace("id: demo\n", "id: other\n"))
    result = load_course(course_file)
    assert result.course is None
    (p,) = result.problems
    assert p.path.endswith("course.yaml")
    assert "has id 'demo'" in p.message


def test_validate_course_reports_missing_module_file(tmp_path: Path) -> None:
    course_file = write_bank(
        tmp_path, course=COURSE_YAML.replace("file: demo.yaml", "file: nope.yaml")
    )
    result = load_course(course_file)
    (p,) = result.problems
    text = course_file.read_text()
    assert (p.line, p.col) == pos_of(text, "nope.yaml")
    assert "module file 'nope.yaml' not found" in p.message


def test_validate_reports_all_problems_in_a_file(tmp_path: Path) -> None:
    text = (
        MODULE_YAML.replace("pass_mark: 70", "pass_mark: x")
        .replace("estimated_minutes: 5", "estimated_minutes: y")
        .replace("title: The boyfriend", "titel: The boyfriend")
    )
    msgs = problems_for(tmp_path, text)
    assert len(msgs) >= 3


def test_validate_paths_handles_folders_and_stray_files(tmp_path: Path) -> None:
    write_bank(tmp_path / "bank")
    (tmp_path / "bank" / "notes.yaml").write_text("kind: modul\n", encoding="utf-8")
    result = validate_paths([tmp_path / "bank"])
    (p,) = result.problems
    assert p.path.endswith("notes.yaml") and (p.line, p.col) == (1, 7)
    assert "did you mean 'module'?" in p.message
    assert [c.id for c in result.courses] == ["demo-course"]


@pytest.mark.parametrize("bad", ["kind: module\n", "- a\n- b\n", ""])
def test_validate_never_crashes_on_odd_documents(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(bad, encoding="utf-8")
    module, problems = load_module(path)
    assert module is None and problems
