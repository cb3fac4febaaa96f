"""Starter files for ``trainer new``: a commented module, course and resources file.

Each starter is valid as written (``trainer validate`` exits 0) and explains its keys in
comments. The example text rests on sources in /work/shared/content/facts.md; a trainer
replaces it with their own scenario. Placeholders: ``@SCHEMA@`` (path of the JSON Schema,
relative to the file), ``@ID@`` (the module or course id), ``@MODULE_FILE@``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from trainer.bank.schema import json_schema_text

SCHEMA_NAME = "trainer-bank.schema.json"

MODULE_TEMPLATE = """\
# yaml-language-server: $schema=@SCHEMA@
#
# A starter module. Every key is explained in a comment; the text is an example to replace.
#   check it:                          trainer validate @FILE@
#   take it as a learner (no records): trainer preview @FILE@
#   see every path and its score:      trainer paths @FILE@
# Full reference: docs/bank-format.md. Identifiers (ids, tags) are lowercase letters,
# digits, '-' and '_'. Never invent statistics, laws or phone numbers: cite a source.

kind: module            # always "module"
format: 1               # the bank format version (1)
id: @ID@                # unique in the course; the course file lists the module by this id
title: "Consent that isn't (starter)"   # shown to learners
version: "0.1.0"        # free text. Raise it when you change a question; the records also
                        # keep the file's SHA-256, so statistics never mix two versions.
summary: >-
  EXAMPLE. One paragraph on what the module covers: why a person who agreed at the start
  can still be held by debt or coercion.
objectives:             # one or more learning objectives
  - Explain why agreeing at the start does not rule out sex trafficking later.
  - Recognise a growing debt and someone else holding documents as signs of control.
roles: [employee, contractor, uniformed]   # who takes it (default: all three roles)
pass_mark: 75           # percent of the maximum score needed to pass (1-100); the validator
                        # checks that answering every step correctly reaches it
estimated_minutes: 5    # 1-240
content_note: >-        # optional: shown before the module starts
  This module mentions debt and sexual exploitation, without graphic detail.

sources:                # key -> source; every step cites at least one key
  K1:
    title: "22 U.S.C. § 7102, Definitions (Trafficking Victims Protection Act § 103)"
    publisher: "U.S. Code"
    url: "https://uscode.house.gov"
  K11:
    title: "Law Enforcement: indicators of human trafficking"
    publisher: "U.S. Department of Homeland Security"
    url: "http://www.dhs.gov/law-enforcement"

scenarios:              # one or more; learners take them in this order
  - id: growing-debt
    title: "The debt that keeps growing"
    tags: [initial-consent, debt]   # misconception tags tested here; the item report shows
                                    # the share of learners who hold each one
    # roles: [employee]             # optional: narrows the module's roles for this scenario
    narrative: >-
      EXAMPLE. A woman says she agreed to escort work months ago. Now she owes her
      "manager" for rent, clothes and travel, and the debt grows every week.
    start: first-yes                # id of the first step
    steps:
      # --- 1. A single-choice step that BRANCHES --------------------------------------
      # Each choice may name the step it leads to with `next`. Here a wrong answer leads
      # to a remedial myth-or-fact step and the right answer skips ahead.
      - id: first-yes
        type: single                # exactly one correct choice
        prompt: "She agreed to the work at the start. Does that settle whether she is free?"
        points: 2                   # points for a correct answer (1-100)
        shuffle: true               # shuffle the choices per learner (default: true)
        explanation: >-
          Agreeing at the start does not rule out trafficking. What matters is whether force,
          fraud or coercion, such as a debt that is never fairly credited, keeps her there now.
        sources: [K1]               # keys from `sources` above
        choices:
          - id: agreed
            text: "Yes. She agreed, so it is her choice."
            correct: false
            feedback: "Initial consent does not rule out trafficking later."
            next: myth-check        # wrong answer -> the remedial step
          - id: now
            text: "No. What matters is whether the debt or threats keep her working now."
            correct: true
            feedback: "Right. That is the question the law asks."
            next: signs             # right answer -> straight on
      # --- 2. A TRUE/FALSE ("myth or fact") step ----------------------------------------
      # Exactly two choices, one correct. Not shuffled unless you say `shuffle: true`.
      - id: myth-check
        type: truefalse
        prompt: "Myth or fact: a person who agreed at first cannot be a trafficking victim."
        points: 1
        explanation: >-
          Myth. Debt bondage is one of the means the law lists; a person who agreed at first
          can be held by a debt that is never fairly credited.
        sources: [K1]
        next: signs                 # step-level `next`: where both choices continue
        choices:
          - id: myth
            text: "Myth"
            correct: true
            feedback: "Yes, it is a myth."
          - id: fact
            text: "Fact"
            correct: false
            feedback: "No: initial consent does not settle it."
      # --- 3. A MULTI-SELECT step -------------------------------------------------------
      # One or more correct choices; the learner selects every one that applies.
      # Choices may not have `next`; only the step's own `next` applies (none here, so the
      # scenario ends after this step).
      - id: signs
        type: multi
        prompt: "Select every sign of control in this situation."
        points: 3
        scoring: proportional       # points x (right picked - wrong picked) / right, never
                                    # below 0; or `all-or-nothing`: only the exact set scores
        explanation: >-
          Pay docked for alleged debts and someone else holding her identity documents are
          both indicators DHS lists. An indicator is not proof; the decision belongs to law
          enforcement.
        sources: [K11]
        choices:
          - id: debt
            text: "Her 'debt' to the manager grows every week."
            correct: true
            feedback: "Yes: pay docked for alleged debts is an indicator."
          - id: passport
            text: "The manager keeps her passport."
            correct: true
            feedback: "Yes: someone else holding her documents is an indicator."
          - id: coat
            text: "She is wearing a red coat."
            correct: false
            feedback: "Clothing is not an indicator."
"""

RESOURCES_TEMPLATE = """\
# yaml-language-server: $schema=@SCHEMA@
#
# Reporting numbers and what to do, shown on the resources screen. Keep every number in
# this one file so it can be updated in one place, and re-check each one against its
# official source before a release (see docs/bank-format.md).
kind: resources
format: 1
title: "Reporting and help"
contacts:               # each needs a phone, text or url
  - name: "Emergency services"
    phone: "911"
    note: >-
      If someone is in immediate danger. Abroad: local emergency services and your post's
      or command's protocol.
  - name: "DHS / ICE Homeland Security Investigations Tip Line"
    phone: "1-866-347-2423"
    url: "https://www.ice.gov/tips"
    note: "24 hours a day. From outside the US and Canada: 1-802-872-6199."
  - name: "National Human Trafficking Hotline"
    phone: "1-888-373-7888"
    text: "233733"
    url: "https://humantraffickinghotline.org"
    note: >-
      24 hours a day, many languages. Check the number on humantraffickinghotline.org
      before publishing.
sections:               # what to do, one instruction per line
  - heading: "What to do"
    lines:
      - "Do not confront the suspected trafficker, and do not tell the person what you suspect."
      - "If someone is in immediate danger, call 911."
      - >-
        Otherwise report to the HSI Tip Line or the National Human Trafficking Hotline, and
        follow your organisation's reporting protocol.
    sources: [K12, K19, K20]
sources:
  K12:
    title: "Blue Campaign: Educate Yourself"
    publisher: "U.S. Department of Homeland Security"
    url: "http://www.dhs.gov/blue-campaign/educate-yourself"
  K19:
    title: "Homeland Security Investigations Tip Line"
    publisher: "U.S. Immigration and Customs Enforcement"
    url: "https://www.ice.gov/tips"
  K20:
    title: "National Human Trafficking Hotline: What We Do"
    publisher: "National Human Trafficking Hotline"
    url: "https://humantraffickinghotline.org/about-us/what-we-do"
"""

COURSE_TEMPLATE = """\
# yaml-language-server: $schema=@SCHEMA@
#
# A starter course. It lists its modules and names its resources file; paths are relative
# to this file. Check the whole course (with its modules) with:
#   trainer validate @FILE@
# and use it with:  trainer --course @FILE@
kind: course            # always "course"
format: 1               # the bank format version (1)
id: @ID@                # course identifier; records and certificates carry it
title: "Starter course (replace this title)"
version: "0.1.0"        # printed on certificates
certificate_title: "Recognising Sex-Trafficking Victims Who Appear to Consent"
issuer: "Your Agency Training Office"   # printed on certificates: put your organisation here
validity_months: 12     # months until a learner must recertify (1-120)
resources: resources.yaml               # the reporting numbers and what-to-do file
modules:                # in the order learners take them
  - file: @MODULE_FILE@                 # path of the module file
    id: @MODULE_ID@                     # must equal the `id` inside that file
    required: true                      # needed for the certificate (default: true)
    roles: [employee, contractor, uniformed]   # who takes it (default: all roles)
  # Add more modules here. Every role needs at least one required module.
"""


class StarterExists(Exception):
    """A file that ``trainer new`` would write already exists (and --force was not given)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(", ".join(str(p) for p in paths))


@dataclass(frozen=True, slots=True)
class Planned:
    path: Path
    text: str


_ID_CLEAN = re.compile(r"[^a-z0-9_-]+")


def id_from_path(path: Path) -> str:
    """A valid identifier from a file name: ``02 Love & Loyalty.yaml`` → ``love-loyalty``."""
    stem = path.stem.lower()
    stem = re.sub(r"^[0-9]+[-_ ]*", "", stem) or stem
    ident = _ID_CLEAN.sub("-", stem).strip("-_")
    return ident or "starter"


def _relative(target: Path, from_dir: Path) -> str:
    return Path(os.path.relpath(target.resolve(), from_dir.resolve())).as_posix()


def find_schema(start: Path) -> Path | None:
    """An existing ``schema/trainer-bank.schema.json`` in ``start`` or a folder above it."""
    folder = start.resolve()
    for candidate_dir in (folder, *folder.parents):
        for candidate in (candidate_dir / "schema" / SCHEMA_NAME, candidate_dir / SCHEMA_NAME):
            if candidate.is_file():
                return candidate
    return None


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    return template


def plan_module(path: Path, *, schema: Path, module_id: str | None = None) -> list[Planned]:
    """The files ``trainer new module PATH`` writes (the module, and the schema if missing)."""
    text = _fill(
        MODULE_TEMPLATE,
        SCHEMA=_relative(schema, path.parent),
        ID=module_id or id_from_path(path),
        FILE=path.as_posix(),
    )
    return [Planned(path, text)]


def plan_course(path: Path, *, schema: Path, course_id: str | None = None) -> list[Planned]:
    """The files ``trainer new course PATH`` writes: the course, resources.yaml beside it and
    ``modules/01-starter.yaml``."""
    base = path.parent
    module_path = base / "modules" / "01-starter.yaml"
    resources_path = base / "resources.yaml"
    course_text = _fill(
        COURSE_TEMPLATE,
        SCHEMA=_relative(schema, base),
        ID=course_id or id_from_path(path),
        FILE=path.as_posix(),
        MODULE_FILE="modules/01-starter.yaml",
        MODULE_ID="starter",
    )
    resources_text = _fill(RESOURCES_TEMPLATE, SCHEMA=_relative(schema, base))
    return [
        Planned(path, course_text),
        Planned(resources_path, resources_text),
        *plan_module(module_path, schema=schema, module_id="starter"),
    ]


def write_planned(planned: list[Planned], *, schema: Path, force: bool = False) -> list[Path]:
    """Write the planned files (and the schema file when it does not exist yet).

    Refuses, writing nothing, when any planned file exists and ``force`` is false. The schema
    file is never overwritten (it is generated, not authored), except with ``force``.
    """
    existing = [p.path for p in planned if p.path.exists()]
    if existing and not force:
        raise StarterExists(existing)
    written: list[Path] = []
    if force or not schema.exists():
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(json_schema_text(), encoding="utf-8")
        written.append(schema)
    for item in planned:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        item.path.write_text(item.text, encoding="utf-8")
        written.append(item.path)
    return written
