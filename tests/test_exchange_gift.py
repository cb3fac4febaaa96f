"""GIFT import: every construct of the syntax the bank can hold, skips and hostile input."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.exchange import gift
from trainer.exchange.convert import import_bytes
from trainer.exchange.items import ImportRefused, ReadResult
from trainer.exchange.tobank import build


def read(text: str) -> ReadResult:
    return gift.read(textwrap.dedent(text).encode("utf-8"), "q.gift")


def test_single_choice_with_feedback_title_and_general_feedback() -> None:
    r = read("::Debt:: Who sets the debt? {=The manager#Yes ~She does#No ####Debt is control.}")
    (q,) = r.questions
    assert (q.kind, q.name, q.text, q.single) == ("multichoice", "Debt", "Who sets the debt?", True)
    assert [(a.text, a.percent, a.feedback) for a in q.answers] == [
        ("The manager", 100.0, "Yes"),
        ("She does", 0.0, "No"),
    ]
    assert q.general_feedback == "Debt is control."


@pytest.mark.parametrize(
    ("word", "value"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_words_and_their_feedback(word: str, value: bool) -> None:
    (q,) = read(f"Paid means free.{{{word}#wrong answer#right answer}}").questions
    true, false = q.answers
    assert q.kind == "truefalse"
    assert (true.percent, false.percent) == ((100.0, 0.0) if value else (0.0, 100.0))
    # The first feedback is for the wrong answer, the second for the right one.
    right, wrong = (true, false) if value else (false, true)
    assert (right.feedback, wrong.feedback) == ("right answer", "wrong answer")


def test_weighted_multiple_answers_and_negative_weights() -> None:
    (q,) = read("Pick signs {~%50%debt#y ~%50%passport ~%-100%red coat#n}").questions
    assert q.single is False
    assert [a.percent for a in q.answers] == [50.0, 50.0, -100.0]
    assert q.answers[0].feedback == "y" and q.answers[2].feedback == "n"


def test_escapes_decode_to_the_characters() -> None:
    text = r"Is 2\+2 \= 4\: \{yes\} \~ \# a\\b?{=a \= b#c \# d ~x}"
    (q,) = read(text).questions
    assert q.text == r"Is 2\+2 = 4: {yes} ~ # a\b?"
    assert q.answers[0].text == "a = b" and q.answers[0].feedback == "c # d"


def test_comments_categories_and_multi_line_questions() -> None:
    r = read(
        """\
        // a comment line
        $CATEGORY: $course$/top/Module/Hotel lobby

        // [tag:debt] [tag:initial-consent]
        ::Q1::A woman in the lobby
        says she owes a growing debt.
        // a comment inside the question
        What matters?{
          =Who controls the debt
          ~Her clothes
        }
        """
    )
    (q,) = r.questions
    assert q.category == "$course$/top/Module/Hotel lobby"
    assert "$course$/top/Module/Hotel lobby" in r.categories
    assert q.text.startswith("A woman in the lobby\nsays she owes a growing debt.")
    assert "a comment" not in q.text
    assert q.tags == ["debt", "initial-consent"]
    assert [a.text for a in q.answers] == ["Who controls the debt", "Her clothes"]


@pytest.mark.parametrize(
    ("prefix", "body", "expected"),
    [
        ("[markdown]", "A **bold** _claim_ with [a link](https://x.org)", "A bold claim with a link (https://x.org)"),
        ("[html]", "<p>One &amp; two</p><p>Three<br>four</p>", "One & two\n\nThree\nfour"),
        ("[plain]", "Keep <b> as typed", "Keep <b> as typed"),
        ("", "Auto <i>format</i>", "Auto format"),
    ],
)  # fmt: skip
def test_text_formats_become_plain_text(prefix: str, body: str, expected: str) -> None:
    (q,) = read(f"{prefix}{body}{{=a ~b}}").questions
    assert q.text == expected


def test_missing_word_format_marks_the_gap() -> None:
    (q,) = read("Debt is {=a means ~never} of control.").questions
    assert q.text == "Debt is _____ of control."


def test_unsupported_types_are_skipped_one_line_each() -> None:
    r = read(
        """\
        ::E:: Describe it. {}

        ::N:: Year? {#1822:5}

        ::S:: Who? {=no one =nobody}

        ::M:: Match {=a -> b =c -> d =e -> f}

        ::D:: Just information.

        ::OK:: Fine? {T}
        """
    )
    assert [q.name for q in r.questions] == ["OK"]
    assert r.skipped == [
        "q.gift:1: question 'E': essay is not supported; skipped",
        "q.gift:3: question 'N': numerical is not supported; skipped",
        "q.gift:5: question 'S': short answer is not supported; skipped",
        "q.gift:7: question 'M': matching is not supported; skipped",
        "q.gift:9: question 'D': description is not supported; skipped",
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Q1 {=a ~b}\n\nQ2 {=a\n~b\n\nQ3 {T}", 3, "never closed"),
        ("Q1 {=a ~b}}", 1, "without an opening"),
        ("Q1\n{=a {~b}", 2, "inside an answer block"),
        ("Q1 {=a ~b} more {=c ~d}", 1, "second answer block"),
    ],
)
def test_unbalanced_braces_are_refused_with_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        gift.read(text.encode(), "bad.gift")
    assert caught.value.line == line and words in caught.value.message
    assert str(caught.value).startswith(f"bad.gift:{line}: ")


def test_control_and_bidi_characters_never_reach_the_bank() -> None:
    r = gift.read(
        "$CATEGORY: A\u202eB\n\n::N\x1b[2J::Q\x07 text\u2066{=right\x85 ~wrong#fb\x1b}".encode(),
        "c.gift",
    )
    (q,) = r.questions
    fields = [q.category, q.name, q.text, *(a.text + a.feedback for a in q.answers)]
    assert fields == ["AB", "N[2J", "Q text", "right", "wrongfb"]


def test_a_category_line_must_stand_alone() -> None:
    with pytest.raises(ImportRefused) as caught:
        gift.read(b"// c\n$CATEGORY: A\n::Q:: Text {T}\n", "cat.gift")
    assert (caught.value.line, "blank line after it" in caught.value.message) == (3, True)


def test_routes_that_do_not_fit_fall_back_to_file_order_with_a_note() -> None:
    r = read(
        """\
        // trainer-route step=a next=b 1=zzz
        First? {=x ~y}

        // trainer-route step=b next=end
        Second? {=x ~y}
        """
    )
    built = build(r, path="q.gift", label="GIFT", module_id="m")
    (scenario,) = built.data["scenarios"]
    assert [s["id"] for s in scenario["steps"]] == ["a", "b"]
    assert scenario["steps"][0]["next"] == "b"
    assert all("next" not in c for s in scenario["steps"] for c in s["choices"])
    assert any("q.gift:2:" in n and "'zzz'" in n and "file order" in n for n in built.notes)


def test_huge_and_binary_input_is_refused() -> None:
    with pytest.raises(ImportRefused, match="byte limit"):
        gift.read(b"Q {T}\n\n" * (9 * 1024 * 1024 // 7), "big.gift")
    with pytest.raises(ImportRefused, match="UTF-8"):
        gift.read(b"Q \xff {T}", "bin.gift")


def test_mapping_weights_to_engine_scoring_reports_what_is_inexact() -> None:
    r = read(
        """\
        Exact {~%50%a ~%50%b ~%-50%c}

        Uneven {~%70%a ~%30%b ~%-50%c}

        Harsh {~%50%a ~%50%b ~%-100%c}

        Free {~%50%a ~%50%b ~c}

        Partial {=a ~%50%b ~c}
        """
    )
    built = build(r, path="q.gift", label="GIFT", module_id="m")
    steps = built.data["scenarios"][0]["steps"]
    assert [s.get("scoring") for s in steps] == [
        "proportional", "proportional", "all-or-nothing", "proportional", None,
    ]  # fmt: skip
    notes = "\n".join(n for n in built.notes if "general feedback" not in n)
    assert "q.gift:1:" not in notes  # the exact one needs no note
    assert "q.gift:3: question 'Uneven" in notes and "70%/30%" in notes
    assert "q.gift:5:" in notes and "all-or-nothing" in notes
    assert "q.gift:7:" in notes and "cancels one right pick" in notes
    assert "q.gift:9:" in notes and "50%" in notes
    assert [c["correct"] for c in steps[4]["choices"]] == [True, False, False]


GIFT_BITS = st.sampled_from(
    ["{", "}", "=", "~", "#", "####", "%50%", "%-100%", "::", "T", "FALSE", "->", "\\", "\\{",
     "[html]", "[markdown]", "$CATEGORY: a/b", "// trainer-route step=a next=b 1=c", "//",
     "\n", "\n\n", " ", "text", "<b>x</b>", "_____", "é", "\x1b"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(GIFT_BITS, max_size=40).map("".join))
def test_any_gift_text_imports_or_is_refused_never_crashes(text: str) -> None:
    try:
        result = gift.read(text.encode("utf-8"), "fuzz.gift")
        import_bytes(text.encode("utf-8"), Path("fuzz.gift"), Path("m.yaml"), "gift", "m")
    except ImportRefused as exc:
        # A refusal names the input file and a line; the checked module never fails.
        assert str(exc).startswith(f"fuzz.gift:{exc.line}: ") and exc.line >= 1
        return
    assert isinstance(result, ReadResult)
