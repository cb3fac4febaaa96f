r"""GIFT writing: questions as Moodle's plain-text format (read by :mod:`trainer.exchange.gift`).

Text is written as ``[plain]`` with GIFT's escapes (``\~ \= \# \{ \} \: \\``, newlines as
``\n``), so what a learner reads is exactly the bank's text. Tags go in a ``// [tag:…]``
comment line, which Moodle reads; trainer's route goes in a ``// trainer-route`` line.
"""

from __future__ import annotations

from trainer.exchange.items import Question, format_percent


def escape(text: str) -> str:
    r"""Text for GIFT: special characters escaped, newlines as ``\n``. Text that starts
    with ``[`` gets an explicit ``[plain]`` so it is never taken for a format name."""
    out = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    out = out.replace("\n", "\\n")
    return "[plain]" + out if out.startswith("[") else out


def escape_title(text: str) -> str:
    """A question name for ``::name::`` (no format prefix applies there)."""
    return escape(text).removeprefix("[plain]") if text.startswith("[") else escape(text)


def _category_path(path: str) -> str:
    return path.replace("\n", " ")


def write(questions: list[Question]) -> str:
    """GIFT for ``questions``: a ``$CATEGORY:`` block before each change of category."""
    out: list[str] = []
    category: str | None = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: {_category_path(category)}\n\n")
        lines = []
        if q.comment:
            lines.append("// " + q.comment.replace("\n", " "))
        marks = ([f"[id:{q.idnumber}]"] if q.idnumber else []) + [_tag(t) for t in q.tags]
        if marks:  # Moodle reads [id:…] and [tag:…] from a question's comment
            lines.append("// " + " ".join(marks))
        lines.append(f"::{escape_title(q.name)}::[plain]{escape(q.text)}{{")
        if q.kind == "truefalse":
            lines[-1] += _truefalse_body(q) + "}"
        else:
            for a in q.answers:
                lines.append("\t" + _mark(q, a.percent) + escape(a.text)
                             + (f"#{escape(a.feedback)}" if a.feedback else ""))  # fmt: skip
            if q.general_feedback:
                lines.append(f"\t####{escape(q.general_feedback)}")
            lines.append("}")
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def _tag(tag: str) -> str:
    escaped = tag.replace("]", "\\]")
    return f"[tag:{escaped}]"


def _mark(q: Question, percent: float) -> str:
    if q.single and percent >= 100.0:
        return "="
    if percent == 0:
        return "~"
    return f"~%{format_percent(percent)}%"


def _truefalse_body(q: Question) -> str:
    true, false = q.answers[0], q.answers[1]
    right, wrong = (true, false) if true.percent >= 100.0 else (false, true)
    word = "TRUE" if right is true else "FALSE"
    body = f"{word}#{escape(wrong.feedback)}#{escape(right.feedback)}"
    if q.general_feedback:
        body += f"####{escape(q.general_feedback)}"
    return body
