"""Terminal-safe text, learner-name checks and CSV cell neutralising.

Text that comes from users, question banks, tokens, PDFs or records files may carry code points
that a terminal obeys rather than shows: escape sequences that move the cursor or repaint the
screen, carriage returns that overwrite a line, bidirectional overrides that reorder what a
reader sees. This module is the one place that decides which code points are dangerous and how
they are shown. It depends only on the standard library.

The dangerous set (:func:`is_dangerous`):

- C0 controls U+0000–U+001F (including tab, line feed and carriage return),
- DEL U+007F,
- C1 controls U+0080–U+009F,
- the bidi controls U+061C, U+200E, U+200F, U+202A–U+202E and U+2066–U+2069.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "confusable_warning",
    "csv_safe",
    "escape_code_point",
    "is_dangerous",
    "name_problems",
    "terminal_safe",
    "terminal_safe_multiline",
]

BIDI_CONTROLS = frozenset(
    {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)},
)
"""Bidirectional formatting controls: marks, embeddings, overrides and isolates."""

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection)."""

DEFAULT_MAX_NAME_LENGTH = 200
"""Longest learner name (in characters) that fits the certificate page and its QR code."""


def is_dangerous(char: str) -> bool:
    """Return True if the single character ``char`` is a control a terminal could obey.

    That is any C0 control, DEL, any C1 control or a bidi formatting control (see the module
    docstring for the exact code points).
    """
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or code in BIDI_CONTROLS


def escape_code_point(char: str) -> str:
    r"""Return the visible escape for one character: ``\xNN`` below U+0100, else ``\uNNNN``."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    r"""Return ``text`` with every dangerous code point replaced by a visible escape.

    The rule: each C0 control (U+0000–U+001F, *including* ``\t``, ``\n`` and ``\r``, because a
    field value is one line), DEL (U+007F) and each C1 control (U+0080–U+009F) becomes the four
    characters ``\xNN`` (e.g. ESC becomes ``\x1b``); each bidi control (U+061C, U+200E, U+200F,
    U+202A–U+202E, U+2066–U+2069) becomes the six characters ``\uNNNN`` (e.g. ``\u202e``).
    Everything else, backslashes included, is unchanged, so the result never contains a
    dangerous code point. (An escape is therefore not distinguishable from the same literal
    characters typed by a user; it is meant for eyes, not for round-tripping.)
    """
    if text.isprintable() and not any(ord(c) in BIDI_CONTROLS for c in text):
        return text
    return "".join(escape_code_point(c) if is_dangerous(c) else c for c in text)


def terminal_safe_multiline(text: str) -> str:
    r"""Like :func:`terminal_safe` but keeps line feeds (``\n``); ``\r`` is still escaped."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def _describe(char: str) -> str:
    """Name a character for a user: ``U+001B`` plus its Unicode name when it has one."""
    code = ord(char)
    label = unicodedata.name(char, "")
    if not label and code < 0x20:
        label = {0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE"}.get(
            code, "control character"
        )
    elif not label:
        label = "control character"
    return f"U+{code:04X} ({label})"


def name_problems(name: str, *, max_length: int = DEFAULT_MAX_NAME_LENGTH) -> list[str]:
    """Return every reason ``name`` cannot be used as a learner name (empty list: it can).

    A name is refused when it is empty or only whitespace, when it holds a dangerous code
    point (C0/C1 controls, DEL, bidi controls — each distinct one named by code point), or when
    it is longer than ``max_length`` characters. Each problem is one short sentence.
    """
    problems: list[str] = []
    if not name.strip():
        problems.append("The name is empty; type the learner's name.")
    bad: list[str] = []
    for char in name:
        if is_dangerous(char) and char not in bad:
            bad.append(char)
    if bad:
        listed = ", ".join(_describe(c) for c in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        problems.append(f"The name contains control characters: {listed}{more}.")
    if len(name) > max_length:
        problems.append(
            f"The name is {len(name)} characters long; the limit is {max_length} characters."
        )
    return problems


_SCRIPTS = (
    "LATIN",
    "CYRILLIC",
    "GREEK",
    "ARMENIAN",
    "GEORGIAN",
    "CHEROKEE",
    "COPTIC",
    "HEBREW",
    "ARABIC",
    "FULLWIDTH LATIN",
    "MATHEMATICAL",
)


def _script(char: str) -> str | None:
    """Return a coarse script for a letter from its Unicode name prefix, else None.

    Only letters are classified; digits, punctuation and spaces belong to no script. Letters
    whose name starts with none of the known prefixes (CJK, Devanagari, …) are "OTHER".
    """
    if not unicodedata.category(char).startswith("L"):
        return None
    label = unicodedata.name(char, "")
    for prefix in sorted(_SCRIPTS, key=len, reverse=True):
        if label.startswith(prefix + " "):
            return prefix
    return "OTHER"


def confusable_warning(name: str) -> str | None:
    """Return a warning if a word in ``name`` mixes scripts (a likely look-alike), else None.

    The rule is deliberately simple: the name is split on whitespace, hyphens and apostrophes;
    in each word every letter is given a script from the prefix of its Unicode character name
    (LATIN, CYRILLIC, GREEK, …). A word whose letters come from more than one script (e.g.
    ``"Jоhn"`` with a Cyrillic ``о``) can look exactly like another name, so it is reported with
    the first letter that differs from the word's first script. Fullwidth and mathematical
    letters count as their own scripts, so ``"Ｊohn"`` is flagged too. A name written entirely in
    one script per word (``"Иван Smith"``) is not flagged.
    """
    for word in name.replace("-", " ").replace("'", " ").replace("’", " ").split():
        scripts = [(c, s) for c in word if (s := _script(c)) is not None]
        if not scripts:
            continue
        first = scripts[0][1]
        for char, script in scripts[1:]:
            if script != first:
                return (
                    f'The word "{terminal_safe(word)}" mixes {first.title()} and '
                    f"{script.title()} letters ({_describe(char)}); it may look like another "
                    "name. Check the spelling."
                )
    return None


def csv_safe(cell: str) -> str:
    r"""Return ``cell`` neutralised for spreadsheets (OWASP CSV-injection rule).

    A cell whose first character is ``=``, ``+``, ``-``, ``@``, tab (``\t``) or carriage return
    (``\r``) gets a leading apostrophe (``'``), so a spreadsheet shows it as text instead of
    running it as a formula. Every other cell is returned unchanged. (A negative number such
    as ``-3`` is therefore written ``'-3``; write numbers as numbers, not through this function.)
    """
    if cell.startswith(CSV_TRIGGERS):
        return "'" + cell
    return cell
