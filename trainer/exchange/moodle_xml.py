"""Moodle XML (``<quiz>``): read untrusted files safely, and write Moodle's documented structure.

Reading uses :mod:`defusedxml`: no DTD (so no entity expansion, billion laughs included), no
external entities or references. The tree builder counts elements and nesting as it goes
and stops at :data:`~trainer.exchange.items.MAX_ELEMENTS` / ``MAX_DEPTH``; every element
remembers its line so each message is ``file:line: …``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from trainer.exchange.items import (
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_INPUT_BYTES,
    MAX_QUESTIONS,
    Answer,
    Category,
    ImportRefused,
    Question,
    ReadResult,
    format_percent,
    skip_line,
)
from trainer.exchange.routes import parse_route
from trainer.exchange.text import normalise, text_to_html, to_text


class _Builder(ET.TreeBuilder):
    """A tree builder that records each element's line and enforces depth and count limits."""

    def __init__(self, path: str) -> None:
        super().__init__(insert_comments=True)
        self.path = path
        self.parser: Any = None
        self.depth = 0
        self.count = 0
        self.lines: dict[int, int] = {}

    def _line(self) -> int:
        return int(self.parser.parser.CurrentLineNumber) if self.parser is not None else 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.depth += 1
        self.count += 1
        if self.depth > MAX_DEPTH:
            raise ImportRefused(
                self.path, self._line(), f"nesting is too deep (more than {MAX_DEPTH} levels)"
            )
        if self.count > MAX_ELEMENTS:
            raise ImportRefused(
                self.path, self._line(), f"more than {MAX_ELEMENTS:,} XML elements; split the file"
            )
        elem = super().start(tag, attrs)
        self.lines[id(elem)] = self._line()
        return elem

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        return super().end(tag)

    def comment(self, text: str | None) -> ET.Element:
        elem = super().comment(text)
        self.lines[id(elem)] = self._line()
        return elem


def _parse(data: bytes, path: str) -> tuple[ET.Element, dict[int, int]]:
    if len(data) > MAX_INPUT_BYTES:
        raise ImportRefused(
            path, 1, f"file is {len(data):,} bytes, over the {MAX_INPUT_BYTES:,}-byte limit"
        )
    if not data.strip():
        raise ImportRefused(path, 1, "file is empty")
    builder = _Builder(path)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise ImportRefused(path, line, f"not well-formed XML: {reason}") from None
    except DefusedXmlException as exc:
        line = builder._line() or 1
        what = type(exc).__name__
        reason = {
            "DTDForbidden": "a DTD (<!DOCTYPE …>) is not allowed",
            "EntitiesForbidden": "entity declarations are not allowed",
            "ExternalReferenceForbidden": "external entities and references are not allowed",
            "NotSupportedError": "this XML feature is not supported",
        }.get(what, "forbidden XML construct")
        raise ImportRefused(path, line, f"{reason}; nothing was imported") from None
    except RecursionError:
        raise ImportRefused(path, 1, "nesting is too deep") from None
    if root.tag != "quiz":
        raise ImportRefused(
            path, builder.lines.get(id(root), 1), f"not Moodle XML: the root is <{root.tag}>, "
            "not <quiz>"
        )  # fmt: skip
    return root, builder.lines


def _rich(elem: ET.Element | None, default_fmt: str = "html") -> tuple[str, list[str]]:
    """Bank text of a Moodle text container (``<x format="…"><text>…</text></x>``)."""
    if elem is None:
        return "", []
    raw = elem.findtext("text") or ""
    text, dropped = to_text(raw, elem.get("format", default_fmt))
    dropped += [f"file '{f.get('name', '?')}'" for f in elem.findall("file")]
    return text, dropped


def _flag(elem: ET.Element, name: str) -> bool | None:
    value = (elem.findtext(name) or "").strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    return None


def _percent(value: str | None) -> float:
    try:
        number = float(value or "0")
    except ValueError:
        return 0.0
    return number if -100.0 <= number <= 100.0 else max(-100.0, min(100.0, number))


def read(data: bytes, path: str) -> ReadResult:
    """Questions, categories, skips and notes from a Moodle XML file."""
    root, lines = _parse(data, path)
    result = ReadResult()
    category = ""
    comment = ""
    for elem in root:
        if elem.tag is ET.Comment:  # type: ignore[comparison-overlap]
            comment = elem.text or ""
            continue
        if elem.tag != "question":
            continue
        line = lines.get(id(elem), 0)
        if len(result.questions) + len(result.categories) >= MAX_QUESTIONS:
            raise ImportRefused(path, line, f"more than {MAX_QUESTIONS:,} questions; split it")
        qtype = elem.get("type", "")
        if qtype == "category":
            category = normalise(elem.findtext("category/text") or "").replace("\n", " ")
            info, _ = _rich(elem.find("info"), "moodle_auto_format")
            result.categories.setdefault(category, Category(category, info, line))
            comment = ""
            continue
        name = normalise(elem.findtext("name/text") or "") or f"question at line {line}"
        if qtype not in ("multichoice", "truefalse"):
            result.skipped.append(skip_line(path, line, name, qtype or "untyped"))
            comment = ""
            continue
        question, dropped = _question(elem, qtype, name, line)
        question.category = category
        question.routing = parse_route(comment)
        question.comment = comment
        comment = ""
        if dropped:
            listed = ", ".join(sorted(set(dropped)))
            result.notes.append(
                f"{path}:{line}: question '{name}': not carried over (the bank holds text "
                f"only): {listed}"
            )
        result.questions.append(question)
    return result


def _question(elem: ET.Element, qtype: str, name: str, line: int) -> tuple[Question, list[str]]:
    text, dropped = _rich(elem.find("questiontext"))
    general, more = _rich(elem.find("generalfeedback"))
    dropped += more
    answers: list[Answer] = []
    for a in elem.findall("answer"):
        answer_text, more = _rich(a, "html")
        feedback, more2 = _rich(a.find("feedback"))
        dropped += more + more2
        if qtype == "truefalse":
            answer_text = "True" if answer_text.strip().lower() == "true" else "False"
        answers.append(Answer(answer_text, _percent(a.get("fraction")), feedback))
    tags = [normalise(t.findtext("text") or "") for t in elem.findall("tags/tag")]
    try:
        points: float | None = float(elem.findtext("defaultgrade") or "1")
    except ValueError:
        points = None
    single = _flag(elem, "single")
    question = Question(
        kind="multichoice" if qtype == "multichoice" else "truefalse",
        name=name,
        text=text,
        answers=answers,
        line=line,
        general_feedback=general,
        single=True if single is None else single,
        shuffle=_flag(elem, "shuffleanswers"),
        points=points,
        tags=[t for t in tags if t],
        idnumber=normalise(elem.findtext("idnumber") or "").replace("\n", " "),
    )
    return question, dropped


# --------------------------------------------------------------------------- writing


def _container(tag: str, text: str, indent: str) -> str:
    return (
        f'{indent}<{tag} format="html">\n'
        f"{indent}  <text><![CDATA[{text_to_html(text)}]]></text>\n"
        f"{indent}</{tag}>\n"
    )


def _comment(text: str) -> str:
    safe = text.replace("--", "- -").rstrip("-")
    return f"<!-- {safe} -->\n"


def write(questions: list[Question]) -> str:
    """Moodle XML for ``questions``, a category element before each change of category."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category: str | None = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(
                '  <question type="category">\n'
                f"    <category>\n      <text>{escape(category)}</text>\n    </category>\n"
                '    <info format="html">\n      <text></text>\n    </info>\n'
                "  </question>\n"
            )
        if q.comment:
            out.append("  " + _comment(q.comment))
        out.append(_question_xml(q))
    out.append("</quiz>\n")
    return "".join(out)


def _question_xml(q: Question) -> str:
    points = q.points if q.points is not None else 1.0
    parts = [
        f'  <question type="{q.kind}">\n',
        f"    <name>\n      <text>{escape(q.name)}</text>\n    </name>\n",
        _container("questiontext", q.text, "    "),
        _container("generalfeedback", q.general_feedback, "    "),
        f"    <defaultgrade>{points:.7f}</defaultgrade>\n",
        f"    <penalty>{'1.0000000' if q.kind == 'truefalse' else '0.3333333'}</penalty>\n",
        "    <hidden>0</hidden>\n",
        f"    <idnumber>{escape(q.idnumber)}</idnumber>\n",
    ]
    if q.kind == "multichoice":
        parts += [
            f"    <single>{'true' if q.single else 'false'}</single>\n",
            f"    <shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>\n",
            "    <answernumbering>abc</answernumbering>\n",
            "    <showstandardinstruction>0</showstandardinstruction>\n",
            _container("correctfeedback", "Your answer is correct.", "    "),
            _container("partiallycorrectfeedback", "Your answer is partially correct.", "    "),
            _container("incorrectfeedback", "Your answer is incorrect.", "    "),
            "    <shownumcorrect/>\n",
        ]
    for a in q.answers:
        if q.kind == "truefalse":
            head = (
                f'    <answer fraction="{format_percent(a.percent)}" format="moodle_auto_format">\n'
            )
            body = f"      <text>{a.text.lower()}</text>\n"
        else:
            head = f'    <answer fraction="{format_percent(a.percent)}" format="html">\n'
            body = f"      <text><![CDATA[{text_to_html(a.text)}]]></text>\n"
        parts += [head, body, _container("feedback", a.feedback, "      "), "    </answer>\n"]
    if q.tags:
        parts.append("    <tags>\n")
        parts += [f"      <tag><text>{escape(t)}</text></tag>\n" for t in q.tags]
        parts.append("    </tags>\n")
    parts.append("  </question>\n")
    return "".join(parts)
