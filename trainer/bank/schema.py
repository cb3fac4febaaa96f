"""The bank format as data: one description drives the validator and the JSON Schema.

Each object kind lists its fields. A field's ``type`` is one of:
``str`` (a non-empty line), ``text`` (non-empty prose), ``id``, ``key`` (a source key),
``int``, ``bool``, ``ids`` / ``keys`` / ``strs`` (non-empty lists), ``roles``,
``enum:a|b``, ``const:x``, ``obj:Kind``, ``list:Kind`` or ``map:Kind`` (key → object).
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
FORMAT_VERSION = 1


class F(NamedTuple):  # not a dataclass: an export checks the course file with it (see problems)
    name: str
    type: str
    required: bool = False
    doc: str = ""
    min: int | None = None
    max: int | None = None


OBJECTS: dict[str, tuple[F, ...]] = {
    "Course": (
        F("kind", "const:course", True, "Always 'course'."),
        F("format", "int", True, "Bank format version (1).", 1, 1),
        F("id", "id", True, "Course identifier."),
        F("title", "str", True, "Course title shown to learners."),
        F("version", "str", True, "Course version, printed on certificates."),
        F("summary", "text", False, "One paragraph introducing the course (optional)."),
        F("certificate_title", "str", True, "Title printed on the certificate."),
        F("issuer", "str", True, "Organisation issuing certificates."),
        F("validity_months", "int", True, "Months until recertification is due.", 1, 120),
        F("resources", "str", True, "Path of the resources file, relative to this file."),
        F("modules", "list:CourseModule", True, "Modules in the order learners take them."),
    ),
    "CourseModule": (
        F("file", "str", True, "Path of the module file, relative to the course file."),
        F("id", "id", True, "The id inside that module file."),
        F("required", "bool", False, "Whether the certificate needs it (default true)."),
        F("roles", "roles", False, "Roles that take it (default: all)."),
    ),
    "Module": (
        F("kind", "const:module", True, "Always 'module'."),
        F("format", "int", True, "Bank format version (1).", 1, 1),
        F("id", "id", True, "Module identifier, unique in the course."),
        F("title", "str", True, "Module title."),
        F("version", "str", True, "Module version."),
        F("summary", "text", True, "One paragraph about the module."),
        F("objectives", "strs", True, "Learning objectives."),
        F("roles", "roles", False, "Roles the module is for (default: all)."),
        F("pass_mark", "int", True, "Percent of the maximum score needed to pass.", 1, 100),
        F("estimated_minutes", "int", True, "Estimated time to complete.", 1, 240),
        F("content_note", "text", False, "Shown before the module starts."),
        F("sources", "map:Source", True, "Source registry: key → source."),
        F("scenarios", "list:Scenario", True, "The module's scenarios, in order."),
    ),
    "Source": (
        F("title", "str", True, "Title of the source."),
        F("publisher", "str", True, "Publisher or author."),
        F("year", "int", False, "Year of publication.", 1800, 2100),
        F("url", "str", False, "Where to read it."),
    ),
    "Scenario": (
        F("id", "id", True, "Scenario identifier, unique in the module."),
        F("title", "str", True, "Scenario title."),
        F("narrative", "text", True, "The situation the learner is in."),
        F("tags", "ids", True, "Misconception tags this scenario tests."),
        F("roles", "roles", False, "Narrows the module's roles for this scenario."),
        F("start", "id", True, "Id of the first step."),
        F("steps", "list:Step", True, "The decisions of the scenario."),
    ),
    "Step": (
        F("id", "id", True, "Step identifier, unique in the scenario."),
        F("type", "enum:single|multi|truefalse", True, "Kind of decision."),
        F("prompt", "text", True, "The question."),
        F("points", "int", True, "Points for a fully correct answer.", 1, 100),
        F("shuffle", "bool", False, "Shuffle choices (default true; truefalse false)."),
        F("scoring", "enum:proportional|all-or-nothing", False, "Partial credit (multi only)."),
        F("explanation", "text", True, "Why: shown after any answer."),
        F("sources", "keys", True, "Source keys this decision rests on."),
        F("next", "id", False, "Step after this one (choices may override)."),
        F("choices", "list:Choice", True, "The choices."),
    ),
    "Choice": (
        F("id", "id", True, "Choice identifier, unique in the step."),
        F("text", "text", True, "What the learner reads."),
        F("correct", "bool", True, "Whether this choice is correct."),
        F("feedback", "text", True, "Feedback when this choice is picked."),
        F("next", "id", False, "Step this choice leads to (single/truefalse only)."),
    ),
    "Resources": (
        F("kind", "const:resources", True, "Always 'resources'."),
        F("format", "int", True, "Bank format version (1).", 1, 1),
        F("title", "str", True, "Heading of the resources screen."),
        F("contacts", "list:Contact", True, "Numbers and addresses to report or get help."),
        F("sections", "list:Section", True, "What to do and not do."),
        F("sources", "map:Source", False, "Source registry for the sections."),
    ),
    "Contact": (
        F("name", "str", True, "Who this is."),
        F("phone", "str", False, "Phone number."),
        F("text", "str", False, "Text-message number or code."),
        F("url", "str", False, "Web address."),
        F("note", "text", False, "Hours, languages, when to use it."),
    ),
    "Section": (
        F("heading", "str", True, "Section heading."),
        F("lines", "strs", True, "One instruction per line."),
        F("sources", "keys", False, "Source keys."),
    ),
}

KIND_OBJECT = {"course": "Course", "module": "Module", "resources": "Resources"}


def _field_schema(f: F) -> dict[str, Any]:
    t = f.type
    out: dict[str, Any]
    if t in ("str", "text"):
        out = {"type": "string", "minLength": 1}
    elif t == "id":
        out = {"type": "string", "pattern": ID_RE.pattern}
    elif t == "key":
        out = {"type": "string", "pattern": KEY_RE.pattern}
    elif t == "int":
        out = {"type": "integer"}
        if f.min is not None:
            out["minimum"] = f.min
        if f.max is not None:
            out["maximum"] = f.max
    elif t == "bool":
        out = {"type": "boolean"}
    elif t in ("ids", "keys", "strs"):
        item = {
            "ids": {"type": "string", "pattern": ID_RE.pattern},
            "keys": {"type": "string", "pattern": KEY_RE.pattern},
            "strs": {"type": "string", "minLength": 1},
        }[t]
        out = {"type": "array", "items": item, "minItems": 1}
    elif t == "roles":
        out = {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"enum": ["employee", "contractor", "uniformed"]},
        }
    elif t.startswith("enum:"):
        out = {"enum": t[5:].split("|")}
    elif t.startswith("const:"):
        out = {"const": t[6:]}
    elif t.startswith("obj:"):
        out = {"$ref": f"#/$defs/{t[4:]}"}
    elif t.startswith("list:"):
        out = {"type": "array", "minItems": 1, "items": {"$ref": f"#/$defs/{t[5:]}"}}
    elif t.startswith("map:"):
        out = {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": KEY_RE.pattern},
            "additionalProperties": {"$ref": f"#/$defs/{t[4:]}"},
        }
    else:  # pragma: no cover - guarded by tests
        raise ValueError(t)
    if f.doc:
        out["description"] = f.doc
    return out


def _object_schema(kind: str) -> dict[str, Any]:
    fields = OBJECTS[kind]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: _field_schema(f) for f in fields},
    }


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for course, module and resources files."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://trainer.invalid/schema/bank-v1.json",
        "title": "trainer question bank (format 1)",
        "description": "A course, module or resources file for trainer.",
        "oneOf": [{"$ref": f"#/$defs/{kind}"} for kind in ("Course", "Module", "Resources")],
        "$defs": {kind: _object_schema(kind) for kind in OBJECTS},
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
