"""Words for states, roles and misconception tags, shared by every front end.

Every state is shown in words (and, where a front end can, with a symbol): never by colour
alone. Plain mode reads the words aloud; the TUI adds the symbols.
"""

from __future__ import annotations

STATUS_WORDS: dict[str, tuple[str, str]] = {
    # status -> (symbol, words)
    "not-started": ("○", "Not started"),
    "in-progress": ("◐", "In progress"),
    "passed": ("✔", "Passed"),
    "failed": ("✘", "Not passed yet"),
    "abandoned": ("–", "Closed (module changed)"),
}

OUTCOME_WORDS: dict[str, tuple[str, str]] = {
    "correct": ("✔", "Correct"),
    "partial": ("◐", "Partly correct"),
    "incorrect": ("✘", "Incorrect"),
}

ROLE_WORDS: dict[str, str] = {
    "employee": "Employee",
    "contractor": "Contractor",
    "uniformed": "Uniformed service member",
}

# Misconception tags as readable words, with the myth each one tests (facts.md section 7).
TAG_WORDS: dict[str, tuple[str, str | None]] = {
    "initial-consent": ("Initial consent", "“She agreed at the start, so it isn't trafficking.”"),
    "romantic-partner": ("Boyfriend or partner", "“She loves him; he's her boyfriend.”"),
    "not-self-identifying": ("Not asking for help", "“A real victim would ask for help.”"),
    "free-to-leave": ("Free to leave", "“She wasn't locked up; she could have left.”"),
    "payment": ("Payment", "“She was paid / she has nice things.”"),
    "minor": ("Minors", "“She told me she was 18.”"),
    "zero-tolerance": ("Zero tolerance", "“It's legal in this country, so it's allowed.”"),
    "fear-of-police": ("Fear of police", "“Fear of police means she's hiding her own crime.”"),
    "buyer-liability": (
        "Buyers' liability",
        "“Buyers are just customers; only the pimp is a trafficker.”",
    ),
    "trauma-bond": ("Going back to him", "“If she went back to him, she wanted it.”"),
    "not-all-trafficking": ("Telling the difference", "“All commercial sex is trafficking.”"),
    "debt": ("Debt bondage", None),
    "demand": ("Demand", None),
    "reporting": ("What to do and where to report", None),
    "scripted-answers": ("Scripted answers", None),
}


def tag_name(tag: str) -> str:
    """A tag as readable words: ``free-to-leave`` → ``Free to leave``."""
    if tag in TAG_WORDS:
        return TAG_WORDS[tag][0]
    words = tag.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def tag_myth(tag: str) -> str | None:
    return TAG_WORDS.get(tag, ("", None))[1]


def plural(n: float, one: str, many: str | None = None) -> str:
    """'1 answer', '2 answers', '1.5 points', '0 points': the number and the right form."""
    shown = f"{round(n, 2):g}" if isinstance(n, float) else str(n)
    return f"{shown} {one if n == 1 else (many or one + 's')}"


def module_updated_note(answered: int) -> str:
    """Said before opening a module whose unfinished attempt began on an earlier version of
    it (see trainer.session.OpenAttempt) and has answers: the learner starts again, and
    should know why."""
    kept = "answer from then stays" if answered == 1 else f"{answered} answers from then stay"
    return (
        f"This module has been updated since you began it. Your {kept} in your records, but "
        "the updated module starts again from the beginning."
    )
