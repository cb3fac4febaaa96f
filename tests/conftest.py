"""Shared fixtures: small valid banks written to tmp_path, and a throwaway records store."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.backends import any_store, records_at  # noqa: F401 (fixtures)
from tests.pg_fixtures import pg_admin_url, pg_own_server, pg_url  # noqa: F401 (fixtures)
from trainer.bank.loader import load_course, load_module
from trainer.bank.model import Course, Module
from trainer.records.store import RecordsStore

MODULE_YAML = textwrap.dedent(
    """\
    kind: module
    format: 1
    id: demo
    title: Demo module
    version: "1.0"
    summary: A small module for tests.
    objectives:
      - Tell consent from coercion.
    pass_mark: 70
    estimated_minutes: 5
    content_note: This module mentions exploitation.
    sources:
      K1:
        title: 22 U.S.C. 7102
        publisher: U.S. Code
        year: 2024
        url: https://uscode.house.gov
    scenarios:
      - id: debt
        title: The growing debt
        tags: [initial-consent, debt]
        narrative: She agreed at first; now she owes more every week.
        start: s1
        steps:
          - id: s1
            type: single
            prompt: Does her first agreement settle it?
            points: 2
            explanation: Initial consent does not rule out trafficking.
            sources: [K1]
            choices:
              - id: a
                text: Yes, she agreed.
                correct: false
                feedback: Agreement at the start does not matter.
                next: s2
              - id: b
                text: No, what matters is what keeps her there now.
                correct: true
                feedback: Right.
                next: s3
          - id: s2
            type: truefalse
            prompt: "Myth or fact: a debt that keeps growing can be a means of control."
            points: 1
            explanation: Open-ended debt is debt bondage.
            sources: [K1]
            choices:
              - {id: fact, text: Fact, correct: true, feedback: Yes.}
              - {id: myth, text: Myth, correct: false, feedback: It is a recognised means.}
          - id: s3
            type: multi
            prompt: Select every sign of control.
            points: 3
            explanation: Held documents and a growing debt are control indicators.
            sources: [K1]
            choices:
              - {id: a, text: Someone else holds her passport, correct: true, feedback: Indicator.}
              - {id: b, text: Her debt keeps growing, correct: true, feedback: Indicator.}
              - {id: c, text: She wears a red coat, correct: false, feedback: Not an indicator.}
              - {id: d, text: She owes rent to a manager, correct: true, feedback: Indicator.}
      - id: boyfriend
        title: The boyfriend
        tags: [romantic-partner]
        narrative: He answers every question for her.
        start: q1
        steps:
          - id: q1
            type: single
            shuffle: false
            prompt: What do you do?
            points: 2
            explanation: Do not confront; report.
            sources: [K1]
            choices:
              - {id: confront, text: Confront him, correct: false, feedback: Unsafe.}
              - {id: report, text: Note details and report, correct: true, feedback: Good.}
              - {id: ignore, text: Ignore it, correct: false, feedback: Report instead.}
    """
)

RESOURCES_YAML = textwrap.dedent(
    """\
    kind: resources
    format: 1
    title: Reporting and help
    contacts:
      - name: Example line
        phone: "000"
        note: Test only.
    sections:
      - heading: If someone is in danger
        lines: [Call emergency services.]
    """
)

COURSE_YAML = textwrap.dedent(
    """\
    kind: course
    format: 1
    id: demo-course
    title: Demo course
    version: "1.0"
    certificate_title: Demo certificate
    issuer: Test Office
    validity_months: 12
    resources: resources.yaml
    modules:
      - file: demo.yaml
        id: demo
    """
)


def write_bank(
    folder: Path,
    module: str = MODULE_YAML,
    course: str = COURSE_YAML,
    resources: str = RESOURCES_YAML,
) -> Path:
    """Write a course folder and return the course file path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demo.yaml").write_text(module, encoding="utf-8")
    (folder / "resources.yaml").write_text(resources, encoding="utf-8")
    (folder / "course.yaml").write_text(course, encoding="utf-8")
    return folder / "course.yaml"


@pytest.fixture
def course_file(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


@pytest.fixture
def course(course_file: Path) -> Course:
    result = load_course(course_file)
    assert result.course is not None, result.problems
    return result.course


@pytest.fixture
def module(tmp_path: Path) -> Module:
    path = tmp_path / "demo.yaml"
    path.write_text(MODULE_YAML, encoding="utf-8")
    loaded, problems = load_module(path)
    assert loaded is not None, problems
    return loaded


@pytest.fixture
def store(tmp_path: Path) -> RecordsStore:
    with RecordsStore.in_dir(tmp_path / "data") as s:
        yield s
