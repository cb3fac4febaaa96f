"""The JSON Schema shipped in schema/ (used by editors via yaml-language-server) is current."""

from __future__ import annotations

from pathlib import Path

from trainer.bank.schema import json_schema_text

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_matches_generated() -> None:
    committed = (ROOT / "schema" / "trainer-bank.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), (
        "schema/trainer-bank.schema.json is stale: run "
        "'trainer schema -o schema/trainer-bank.schema.json'"
    )


def test_shipped_banks_point_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "question_banks").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (ROOT / "schema" / "trainer-bank.schema.json"), path


def test_shipped_banks_satisfy_the_json_schema() -> None:
    import jsonschema
    import yaml

    from trainer.bank.schema import json_schema

    validator = jsonschema.Draft202012Validator(json_schema())
    for path in sorted((ROOT / "question_banks").rglob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == [], f"{path}: {errors[:3]}"


def test_json_schema_rejects_what_the_validator_rejects() -> None:
    import jsonschema
    import yaml

    from tests.conftest import MODULE_YAML
    from trainer.bank.schema import json_schema

    validator = jsonschema.Draft202012Validator(json_schema())
    good = yaml.safe_load(MODULE_YAML)
    assert list(validator.iter_errors(good)) == []
    for broken in (
        MODULE_YAML.replace("pass_mark: 70", "pass_mark: 700"),
        MODULE_YAML.replace("type: multi", "type: many"),
        MODULE_YAML.replace("explanation: Do not", "explanaton: Do not"),
        MODULE_YAML.replace("tags: [romantic-partner]", "tags: [Romantic Partner]"),
    ):
        assert list(validator.iter_errors(yaml.safe_load(broken))), broken[:0] + "accepted"
