"""``trainer new``: starter files that validate as written and never overwrite by accident."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.bank.loader import load_course, load_module
from trainer.cli import main
from trainer.scoring import scenario_branches


def test_new_module_validates_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "modules" / "07-my-topic.yaml"
    assert main(["new", "module", str(path)]) == 0
    assert main(["validate", str(path)]) == 0
    module, problems = load_module(path)
    assert problems == [] and module is not None
    assert module.id == "my-topic"
    types = {s.type for sc in module.scenarios for s in sc.steps}
    assert types == {"single", "multi", "truefalse"}
    assert any(scenario_branches(sc) for sc in module.scenarios)


def test_new_module_points_at_a_schema_file_that_exists(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    assert main(["new", "module", str(path)]) == 0
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=trainer-bank.schema.json"
    schema = json.loads((tmp_path / "trainer-bank.schema.json").read_text())
    assert "Module" in schema["$defs"]


def test_new_module_uses_an_existing_schema_folder_above(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    assert main(["schema", "-o", str(tmp_path / "schema" / "trainer-bank.schema.json")]) == 0
    path = tmp_path / "banks" / "modules" / "m.yaml"
    assert main(["new", "module", str(path)]) == 0
    assert path.read_text().startswith(
        "# yaml-language-server: $schema=../../schema/trainer-bank.schema.json\n"
    )
    assert not (path.parent / "trainer-bank.schema.json").exists()


def test_new_course_writes_course_resources_and_module_that_validate(tmp_path: Path) -> None:
    course = tmp_path / "mycourse" / "course.yaml"
    assert main(["new", "course", str(course), "--id", "my-course"]) == 0
    assert (tmp_path / "mycourse" / "resources.yaml").is_file()
    assert (tmp_path / "mycourse" / "modules" / "01-starter.yaml").is_file()
    assert main(["validate", str(course.parent)]) == 0
    loaded = load_course(course)
    assert loaded.problems == [] and loaded.course is not None
    assert loaded.course.id == "my-course"
    assert [m.id for m in loaded.course.modules] == ["starter"]


def test_new_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("kind: module\n# my work\n")
    assert main(["new", "module", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text() == "kind: module\n# my work\n"
    assert main(["new", "module", str(path), "--force"]) == 0
    assert "kind: module" in path.read_text() and "# my work" not in path.read_text()


def test_new_course_refuses_when_any_of_its_files_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "resources.yaml").write_text("mine")
    assert main(["new", "course", str(tmp_path / "course.yaml")]) == 1
    assert "resources.yaml already exists" in capsys.readouterr().err
    assert not (tmp_path / "course.yaml").exists()
    assert (tmp_path / "resources.yaml").read_text() == "mine"


def test_new_wants_a_yaml_file_name(tmp_path: Path) -> None:
    assert main(["new", "module", str(tmp_path / "m.txt")]) == 2
