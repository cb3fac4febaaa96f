"""Moodle XML: every supported construct, text formats, skips, hostile XML, export structure."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.bank.loader import load_course
from trainer.exchange import moodle_xml
from trainer.exchange.convert import export_modules, import_bytes
from trainer.exchange.items import ImportRefused, ReadResult
from trainer.exchange.tobank import build

COURSE = Path(__file__).resolve().parents[1] / "question_banks" / "course.yaml"


def quiz(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def read(body: str) -> ReadResult:
    return moodle_xml.read(quiz(body), "q.xml")


MULTI = """
  <question type="category"><category><text>$course$/top/Mod/Lobby</text></category></question>
  <question type="multichoice">
    <name><text>Signs</text></name>
    <questiontext format="html"><text><![CDATA[<p>Pick <b>every</b> sign &amp; clue.</p>
      <p><img src="@@PLUGINFILE@@/a.png" alt="lobby"></p>]]></text>
      <file name="a.png" encoding="base64">AAAA</file></questiontext>
    <generalfeedback format="markdown"><text>Debt is **control**.</text></generalfeedback>
    <defaultgrade>3.0000000</defaultgrade>
    <single>false</single>
    <shuffleanswers>0</shuffleanswers>
    <answer fraction="50" format="html"><text>Debt</text>
      <feedback format="plain_text"><text>Yes &lt;indeed&gt;</text></feedback></answer>
    <answer fraction="50" format="html"><text>Passport held</text>
      <feedback><text></text></feedback></answer>
    <answer fraction="-50" format="moodle_auto_format"><text>Red coat</text>
      <feedback format="html"><text>No</text></feedback></answer>
    <tags><tag><text>debt</text></tag><tag><text>Initial Consent</text></tag></tags>
  </question>
"""


def test_multichoice_multiple_answers_fractions_feedback_tags_and_category() -> None:
    r = read(MULTI)
    (q,) = r.questions
    assert (q.kind, q.name, q.single, q.shuffle, q.points) == (
        "multichoice", "Signs", False, False, 3.0,
    )  # fmt: skip
    assert q.text == "Pick every sign & clue.\n\n[image: lobby]"
    assert q.general_feedback == "Debt is control."
    assert [(a.text, a.percent, a.feedback) for a in q.answers] == [
        ("Debt", 50.0, "Yes <indeed>"),
        ("Passport held", 50.0, ""),
        ("Red coat", -50.0, "No"),
    ]
    assert q.tags == ["debt", "Initial Consent"]
    assert q.category == "$course$/top/Mod/Lobby"
    # Images and embedded files are reported as not carried over, with the line.
    (note,) = r.notes
    assert note.startswith("q.xml:5: question 'Signs': not carried over")
    assert "image" in note and "file 'a.png'" in note


def test_single_answer_and_truefalse() -> None:
    r = read(
        """
  <question type="multichoice"><name><text>One</text></name>
    <questiontext format="plain_text"><text>Who decides?</text></questiontext>
    <single>true</single><shuffleanswers>true</shuffleanswers>
    <answer fraction="100"><text>Law enforcement</text>
      <feedback><text>Right</text></feedback></answer>
    <answer fraction="0"><text>You</text><feedback><text>No</text></feedback></answer>
  </question>
  <question type="truefalse"><name><text>TF</text></name>
    <questiontext format="html"><text>Paid means free.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text>
      <feedback format="html"><text>Myth.</text></feedback></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text>
      <feedback format="html"><text>Right, a myth.</text></feedback></answer>
  </question>"""
    )
    one, tf = r.questions
    assert one.single and one.shuffle and [a.percent for a in one.answers] == [100.0, 0.0]
    assert tf.kind == "truefalse"
    assert [(a.text, a.percent, a.feedback) for a in tf.answers] == [
        ("True", 0.0, "Myth."),
        ("False", 100.0, "Right, a myth."),
    ]


def test_truefalse_answers_in_either_order_and_malformed_ones() -> None:
    tf = """
  <question type="truefalse"><name><text>{name}</text></name>
    <questiontext><text>Paid means free.</text></questiontext>
    <answer fraction="100"><text>{first}</text></answer>
    <answer fraction="0"><text>{second}</text></answer>
  </question>"""
    r = read(
        tf.format(name="A", first="false", second="true")
        + tf.format(name="B", first="true", second="true")
    )
    built = build(r, path="q.xml", label="Moodle XML", module_id="m")
    (scenario,) = built.data["scenarios"]
    (step,) = scenario["steps"]
    assert [(c["id"], c["text"], c["correct"]) for c in step["choices"]] == [
        ("false", "False", True),
        ("true", "True", False),
    ]
    assert any("question 'B': a true/false question needs one" in s for s in built.skipped)


@pytest.mark.parametrize(
    "qtype", ["essay", "numerical", "shortanswer", "matching", "multianswer", "description"]
)
def test_unsupported_types_are_skipped_with_one_line(qtype: str) -> None:
    r = read(f'  <question type="{qtype}"><name><text>X</text></name></question>')
    assert r.questions == []
    (line,) = r.skipped
    assert line.startswith("q.xml:3: question 'X': ") and line.endswith("is not supported; skipped")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<quiz><question type="essay"><name><text>&lol3;</text></name></question></quiz>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>"""


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL, "DTD"),
        (b"<quiz>" + b"<a>" * 100 + b"</a>" * 100 + b"</quiz>", "nesting is too deep"),
        (b"<quiz><question>\n</quiz>", "not well-formed"),
        (b"<html></html>", "not Moodle XML"),
        (b"   ", "empty"),
        (b"<quiz>" + b" " * (9 * 1024 * 1024) + b"</quiz>", "byte limit"),
    ],
)
def test_hostile_xml_is_refused_with_file_and_line(data: bytes, words: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        moodle_xml.read(data, "bad.xml")
    assert words in caught.value.message
    assert str(caught.value).startswith(f"bad.xml:{caught.value.line}: ")


def test_too_many_elements_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moodle_xml, "MAX_ELEMENTS", 50)
    with pytest.raises(ImportRefused, match="more than 50 XML elements"):
        moodle_xml.read(b"<quiz>" + b"<x/>" * 60 + b"</quiz>", "many.xml")


# Moodle's grade list (question_bank::fraction_options_full, in percent; negatives too):
# p/q for q <= 6, p/10, 1/q for q <= 10, and 1/20 (what its question editor offers).
MOODLE_GRADES = (0, 100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                 16.66667, 14.28571, 12.5, 11.11111, 10, 5)  # fmt: skip


def test_shipped_course_exports_as_moodle_structure() -> None:
    """The export is well-formed and follows Moodle's documented XML format: a <quiz> of
    <question> elements; categories carry <category><text>; multichoice questions have
    name, questiontext, generalfeedback, defaultgrade, single, shuffleanswers and answers
    with a numeric fraction in [-100, 100] and feedback; truefalse answers are 'true'/'false'."""
    course = load_course(COURSE).course
    assert course is not None
    modules = list(course.module_map.values())
    out = export_modules(modules, "moodle-xml")
    root = ET.fromstring(out.text.encode())
    assert root.tag == "quiz"
    questions = [q for q in root if q.get("type") != "category"]
    categories = [q for q in root if q.get("type") == "category"]
    steps = sum(m.step_count for m in modules)
    assert len(questions) == steps == out.questions
    assert len(categories) == sum(len(m.scenarios) for m in modules)
    for cat in categories:
        assert (cat.findtext("category/text") or "").startswith("$course$/top/")
    for q in questions:
        assert q.get("type") in ("multichoice", "truefalse")
        for tag in ("name/text", "questiontext/text", "generalfeedback/text", "defaultgrade"):
            assert (q.findtext(tag) or "").strip(), tag
        assert q.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        fractions = [float(a.get("fraction", "x")) for a in q.findall("answer")]
        assert all(-100 <= f <= 100 for f in fractions)
        assert all(any(abs(abs(f) - g) < 1e-4 for g in MOODLE_GRADES) for f in fractions), fractions
        assert all(a.find("feedback/text") is not None for a in q.findall("answer"))
        if q.get("type") == "truefalse":
            assert [a.findtext("text") for a in q.findall("answer")] == ["true", "false"]
            assert sorted(fractions) == [0, 100]
        else:
            assert q.findtext("single") in ("true", "false")
            assert q.findtext("shuffleanswers") in ("true", "false")
            if q.findtext("single") == "false":
                # Ticking every answer never earns full marks when there is a wrong one.
                assert sum(fractions) < 100 or min(fractions) >= 0
                assert abs(sum(f for f in fractions if f > 0) - 100) < 0.01
            else:
                assert fractions.count(100) == 1


XML_BITS = st.sampled_from(
    ['<question type="multichoice">', '<question type="truefalse">', '<question type="category">',
     "</question>", "<name><text>n</text></name>", "<questiontext><text>", "</text></questiontext>",
     '<answer fraction="100"><text>true</text></answer>', '<answer fraction="-50">',
     '<answer fraction="x"><text>a</text>', "</answer>", "<single>false</single>",
     "<category><text>$course$/top/A</text></category>", "<defaultgrade>0</defaultgrade>",
     "<!-- trainer-route step=a next=b 1=c -->", "&amp;", "&lt;p&gt;", "<![CDATA[<p>x</p>]]>",
     "text", "<file name='f'>AA</file>", "<tags><tag><text>T</text></tag></tags>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(XML_BITS, max_size=30).map("".join))
def test_any_moodle_xml_imports_or_is_refused_never_crashes(body: str) -> None:
    data = quiz(body)
    try:
        moodle_xml.read(data, "fuzz.xml")
        import_bytes(data, Path("fuzz.xml"), Path("m.yaml"), "moodle-xml", "m")
    except ImportRefused as exc:
        assert str(exc).startswith(f"fuzz.xml:{exc.line}: ") and exc.line >= 1
