"""Tests for trainer.safetext: terminal-safe text, name checks, CSV neutralising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.safetext import (
    confusable_warning,
    csv_safe,
    is_dangerous,
    name_problems,
    terminal_safe,
    terminal_safe_multiline,
)

BIDI = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E]
BIDI += [0x2066, 0x2067, 0x2068, 0x2069]
DANGEROUS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *BIDI]


@pytest.mark.parametrize("code", DANGEROUS)
def test_every_dangerous_code_point_is_escaped(code: int) -> None:
    out = terminal_safe(f"a{chr(code)}b")
    assert chr(code) not in out
    expected = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    assert out == f"a{expected}b"


def test_escape_sequence_becomes_visible_text() -> None:
    assert terminal_safe("\x1b[2J\x1b[HVerdict: VALID") == "\\x1b[2J\\x1b[HVerdict: VALID"
    assert terminal_safe("line1\r\nline2\t") == "line1\\x0d\\x0aline2\\x09"
    assert terminal_safe("\u202eevil") == "\\u202eevil"


def test_ordinary_text_and_backslashes_unchanged() -> None:
    for text in ["Ana María Núñez", "O'Brien-Smith", "C:\\path\\x1b", "李小龙", "", "½ €"]:
        assert terminal_safe(text) == text


def test_other_format_characters_are_kept() -> None:
    # Zero-width joiner (used in emoji and some scripts) is not in the dangerous set.
    assert terminal_safe("a\u200db") == "a\u200db"
    assert not is_dangerous("\u200d")


def test_multiline_keeps_newlines_only() -> None:
    assert terminal_safe_multiline("a\nb\x1b\r\n") == "a\nb\\x1b\\x0d\n"


@settings(max_examples=100)
@given(st.text())
def test_result_never_contains_dangerous_code_points(text: str) -> None:
    out = terminal_safe(text)
    assert not any(is_dangerous(c) for c in out)
    multi = terminal_safe_multiline(text)
    assert not any(is_dangerous(c) for c in multi if c != "\n")
    assert multi.count("\n") == text.count("\n")


@settings(max_examples=100)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc",))))
def test_text_without_controls_is_unchanged_except_bidi(text: str) -> None:
    expected = "".join(f"\\u{ord(c):04x}" if ord(c) in BIDI else c for c in text)
    assert terminal_safe(text) == expected


def test_name_problems_accepts_ordinary_names() -> None:
    assert name_problems("Ana María Núñez") == []
    assert name_problems("x" * 200) == []


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_name_problems_empty(name: str) -> None:
    problems = name_problems(name)
    assert len(problems) == 1
    assert "empty" in problems[0]


def test_name_problems_names_control_characters_by_code_point() -> None:
    problems = name_problems("Eve\x1b[31m\u202e")
    assert len(problems) == 1
    assert "U+001B" in problems[0]
    assert "U+202E" in problems[0]
    assert "\x1b" not in problems[0]


def test_name_problems_too_long() -> None:
    problems = name_problems("x" * 201)
    assert problems == ["The name is 201 characters long; the limit is 200 characters."]
    assert name_problems("x" * 11, max_length=10) != []
    assert name_problems("x" * 10, max_length=10) == []


def test_name_problems_reports_each_problem() -> None:
    assert len(name_problems("\n" * 300)) == 3


@pytest.mark.parametrize(
    "name",
    ["Jоhn Smith", "Smith Jоhn", "Alеxandra", "Ｊohn", "Mаrtin-Lоpez", "ΑΒC"],
)
def test_confusable_warning_flags_mixed_scripts(name: str) -> None:
    warning = confusable_warning(name)
    assert warning is not None
    assert "mixes" in warning


@pytest.mark.parametrize(
    "name", ["John Smith", "Иван Петров", "Иван Smith", "Ελένη", "李小龙", "O'Brien 3rd", ""]
)
def test_confusable_warning_accepts_single_script_words(name: str) -> None:
    assert confusable_warning(name) is None


def test_confusable_warning_is_terminal_safe() -> None:
    warning = confusable_warning("Jо\x1bhn")
    assert warning is not None
    assert "\x1b" not in warning


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_prefixes_formula_cells(cell: str) -> None:
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Ana", "1+1", " =x", "'=x", "a=b"])
def test_csv_safe_leaves_other_cells(cell: str) -> None:
    assert csv_safe(cell) == cell
