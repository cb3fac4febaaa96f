r"""GIFT, Moodle's plain-text question format, read with a Lark grammar (writing: gift_write).

A GIFT file is a sequence of blocks separated by blank lines; lines starting with ``//`` are
comments (Moodle reads ``[tag:…]`` from them, trainer its ``trainer-route``). Each block is a
``$CATEGORY:`` line or one question, parsed by :data:`GRAMMAR` (LALR, contextual lexer)::

    ::title::[html]Question text {=right#feedback ~wrong ~%50%half ####general feedback}

Escapes ``\~ \= \# \{ \} \: \\`` stand for the character itself and ``\n`` for a newline.
"""

from __future__ import annotations

import re

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from trainer.exchange.items import (
    MAX_INPUT_BYTES,
    MAX_QUESTIONS,
    Answer,
    Category,
    ImportRefused,
    Question,
    ReadResult,
    skip_line,
)
from trainer.exchange.routes import parse_route
from trainer.exchange.text import normalise, paragraphs, to_text

GRAMMAR = r"""
start: CATEGORY                                  -> category
     | TITLE? FORMAT? TEXT? answers TEXT?        -> question
     | TITLE? FORMAT? TEXT                       -> description

answers: LBRACE body? GENERAL? RBRACE
body: TF feedback? feedback?                     -> truefalse
    | choice+                                    -> choices
    | HASH (ATEXT | MARK | WEIGHT | HASH)*       -> numerical
    | ATEXT feedback? choice*                    -> bare
choice: MARK WEIGHT? ATEXT? feedback?
feedback: HASH ATEXT?

CATEGORY.5: /\$CATEGORY:[^\n]*/
TITLE.4: /::(?:[^:\\]|\\[\s\S]|:(?!:))*::/
FORMAT.4: /\[(?:html|markdown|plain|moodle)\]/
GENERAL.4: /####(?:[^{}\\]|\\[\s\S])*/
TF.3: /(?:TRUE|FALSE|T|F)(?=\s*(?:#|\}))/
WEIGHT.2: /%-?\d+(?:\.\d+)?%/
TEXT: /(?:[^{}\\\s]|\\[\s\S])(?:[^{}\\]|\\[\s\S])*/
ATEXT: /(?:[^~=#{}\\\s]|\\[\s\S])(?:[^~=#{}\\]|\\[\s\S])*/
MARK: /[=~]/
HASH: "#"
LBRACE: "{"
RBRACE: "}"
%ignore /\s+/
"""

_PARSER: Lark | None = None


def parser() -> Lark:
    """The GIFT block parser (built once)."""
    global _PARSER
    if _PARSER is None:
        _PARSER = Lark(GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=False)
    return _PARSER


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_SPECIAL = {"~", "=", "#", "{", "}", ":", "\\"}
_FORMAT_PREFIX = re.compile(r"^\[(html|markdown|plain|moodle)\]")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]\x00-\x1f])+)\]")


def unescape(raw: str) -> str:
    r"""GIFT text with its escapes decoded (``\n`` → newline, ``\~`` → ``~``, …)."""

    def one(m: re.Match[str]) -> str:
        ch = m.group(1)
        if ch == "n":
            return "\n"
        return ch if ch in _SPECIAL else m.group(0)

    return _ESCAPE.sub(one, raw)


def _text(raw: str, default_fmt: str) -> tuple[str, list[str]]:
    raw = raw.strip()
    fmt = default_fmt
    match = _FORMAT_PREFIX.match(raw)
    if match:
        fmt, raw = match.group(1), raw[match.end() :]
    return to_text(unescape(raw), fmt)


def _blocks(text: str, path: str) -> list[tuple[int, str, list[str]]]:
    """(first line, block text, comment lines) for each blank-line-separated block.

    Comment lines are blanked (kept as empty lines so line numbers stay right); comments in a
    block of comments only are carried to the next block, as a question's leading comment.
    """
    blocks: list[tuple[int, str, list[str]]] = []
    current: list[str] = []
    comments: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            if any(x.strip() for x in current):
                blocks.append((start, "\n".join(current), comments))
                comments = []
            current = []
            continue
        if not current:
            start = number
        if line.lstrip().startswith("//"):
            comments.append(line.lstrip()[2:].strip())
            current.append("")
        else:
            current.append(line)
    if any(x.strip() for x in current):
        blocks.append((start, "\n".join(current), comments))
    return blocks


_BRACE = re.compile(r"\\[\s\S]|[{}]")


def _check_braces(block: str, path: str, first: int) -> None:
    """Refuse unbalanced or nested answer braces with a message that names the line."""

    def line(at: int) -> int:
        return first + block.count("\n", 0, at)

    opened = -1
    for m in _BRACE.finditer(block):
        ch = m.group()
        if ch == "{":
            if opened >= 0:
                raise ImportRefused(
                    path,
                    line(m.start()),
                    "'{' inside an answer block; write \\{ for a literal brace",
                )
            opened = m.start()
        elif ch == "}":
            if opened < 0:
                raise ImportRefused(
                    path,
                    line(m.start()),
                    "'}' without an opening '{'; write \\} for a literal brace",
                )
            opened = -1
    if opened >= 0:
        raise ImportRefused(
            path,
            line(opened),
            "'{' is never closed: a question's answers end with '}' before the next blank line",
        )


def read(data: bytes, path: str) -> ReadResult:
    """Questions, categories, skips and notes from a GIFT file."""
    if len(data) > MAX_INPUT_BYTES:
        raise ImportRefused(
            path, 1, f"file is {len(data):,} bytes, over the {MAX_INPUT_BYTES:,}-byte limit"
        )
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportRefused(path, line, "not UTF-8 text; save the file as UTF-8") from None
    if "\x00" in text:
        raise ImportRefused(path, text.count("\n", 0, text.index("\x00")) + 1, "NUL byte: binary")
    result = ReadResult()
    category = ""
    pending: list[str] = []
    blocks = _blocks(text.replace("\r\n", "\n").replace("\r", "\n"), path)
    for first, block, comments in blocks:
        comments = pending + comments
        if not block.strip():
            pending = comments
            continue
        pending = []
        if len(result.questions) + len(result.categories) >= MAX_QUESTIONS:
            raise ImportRefused(path, first, f"more than {MAX_QUESTIONS:,} questions; split it")
        if block.lstrip().startswith("$CATEGORY:"):  # a category name is taken as it is
            lines = block.strip().split("\n")
            extra = next((n for n, row in enumerate(lines[1:], 1) if row.strip()), None)
            if extra is not None:
                where = first + block[: len(block) - len(block.lstrip())].count("\n") + extra
                raise ImportRefused(
                    path, where, "a $CATEGORY: line stands alone; put a blank line after it"
                )
        else:
            _check_braces(block, path, first)
        tree = _parse(block, path, first)
        if tree.data == "category":
            category = normalise(str(tree.children[0])[len("$CATEGORY:") :])
            result.categories.setdefault(category, Category(category, "", first))
            continue
        rows = block.split("\n")  # a question's line is its first line that is not a comment
        line = first + next(n for n, row in enumerate(rows) if row.strip())
        _question(tree, line, comments, category, path, result)
    return result


def _parse(block: str, path: str, first: int) -> Tree[Token]:
    try:
        return parser().parse(block)
    except UnexpectedInput as exc:
        line = first + max(0, (getattr(exc, "line", 1) or 1) - 1)
        raise ImportRefused(path, line, _why(exc)) from None


def _why(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedEOF):
        return "the question ends before its answers do"
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "LBRACE":
            return "a second answer block '{…}' in one question; separate questions by a blank line"
        if tok.type == "$END":
            return "the question ends before its answers do"
        return (
            f"unexpected {str(tok)[:20]!r} here; check the GIFT syntax "
            "(escape ~ = # { } : with \\)"
        )
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected {exc.char!r}; escape GIFT's special characters ~ = # {{ }} : with \\"
    return "not valid GIFT"


def _tokens(tree: Tree[Token], kind: str) -> list[Token]:
    return [t for t in tree.children if isinstance(t, Token) and t.type == kind]


def _question(
    tree: Tree[Token], first: int, comments: list[str], category: str, path: str,
    result: ReadResult,
) -> None:  # fmt: skip
    titles = _tokens(tree, "TITLE")
    formats = _tokens(tree, "FORMAT")
    texts = _tokens(tree, "TEXT")
    fmt = str(formats[0])[1:-1] if formats else "moodle"
    name = normalise(unescape(str(titles[0])[2:-2])) if titles else ""
    answers = next((c for c in tree.children if isinstance(c, Tree)), None)
    body_text, dropped = _text(_question_text(texts, answers), fmt)
    if not name:
        name = (paragraphs(body_text) or ["(no text)"])[0].replace("\n", " ")[:40]
    if answers is None:
        result.skipped.append(skip_line(path, first, name, "description"))
        return
    body = next((c for c in answers.children if isinstance(c, Tree)), None)
    general = "".join(str(t)[4:] for t in _tokens(answers, "GENERAL"))
    general_text, more = _text(general, fmt)
    dropped += more
    kind = _kind(body)
    if kind not in ("choices", "truefalse"):
        result.skipped.append(skip_line(path, first, name, kind))
        return
    assert body is not None
    if kind == "truefalse":
        q = _truefalse(body, fmt, name, body_text, dropped)
    else:
        q = _multichoice(body, fmt, name, body_text, dropped)
    q.line, q.category, q.general_feedback = first, category, general_text
    joined = "\n".join(comments)
    q.routing, q.comment = parse_route(joined), joined
    q.tags = [normalise(t.replace("\\]", "]")) for t in _TAG.findall(joined)]
    ident = _ID.search(joined)
    q.idnumber = normalise(ident.group(1).replace("\\]", "]")) if ident else ""
    if dropped:
        result.notes.append(
            f"{path}:{first}: question '{name}': not carried over (the bank holds text only): "
            + ", ".join(sorted(set(dropped)))
        )
    result.questions.append(q)


def _question_text(texts: list[Token], answers: Tree[Token] | None) -> str:
    """The question text; answers inside the text (missing-word format) become '_____'."""
    if answers is None or not texts:
        return str(texts[0]) if texts else ""
    if len(texts) == 2:
        return f"{texts[0]} _____ {texts[1]}"
    brace = _tokens(answers, "LBRACE")[0].start_pos or 0
    if (texts[0].start_pos or 0) > brace:
        return f"_____ {texts[0]}"
    return str(texts[0])


def _kind(body: Tree[Token] | None) -> str:
    """Moodle's question type for an answer block: an empty one is an essay; answers marked
    only with '=' are short answers, or matching when they hold '->'."""
    if body is None:
        return "essay"
    if body.data != "choices":
        return "shortanswer" if body.data == "bare" else str(body.data)
    marks = {str(t) for c in body.children if isinstance(c, Tree) for t in _tokens(c, "MARK")}
    if "~" in marks:
        return "choices"
    arrow = any("->" in str(t) for t in body.scan_values(lambda v: isinstance(v, Token)))
    return "match" if arrow else "shortanswer"


def _feedback(node: Tree[Token] | None, fmt: str, dropped: list[str]) -> str:
    if node is None:
        return ""
    raw = "".join(str(t) for t in _tokens(node, "ATEXT"))
    text, more = _text(raw, fmt)
    dropped += more
    return text


def _truefalse(body: Tree[Token], fmt: str, name: str, text: str, dropped: list[str]) -> Question:
    value = str(_tokens(body, "TF")[0]) in ("T", "TRUE")
    fbs = [c for c in body.children if isinstance(c, Tree)]
    wrong = _feedback(fbs[0] if fbs else None, fmt, dropped)
    right = _feedback(fbs[1] if len(fbs) > 1 else None, fmt, dropped)
    true_fb, false_fb = (right, wrong) if value else (wrong, right)
    answers = [Answer("True", 100.0 if value else 0.0, true_fb),
               Answer("False", 0.0 if value else 100.0, false_fb)]  # fmt: skip
    return Question("truefalse", name, text, answers, single=True)


def _multichoice(body: Tree[Token], fmt: str, name: str, text: str, dropped: list[str]) -> Question:
    answers: list[Answer] = []
    single = False
    for choice in (c for c in body.children if isinstance(c, Tree)):
        mark = str(_tokens(choice, "MARK")[0])
        weights = _tokens(choice, "WEIGHT")
        if mark == "=":
            single, percent = True, 100.0
        else:
            percent = float(str(weights[0])[1:-1]) if weights else 0.0
        raw = "".join(str(t) for t in _tokens(choice, "ATEXT"))
        answer_text, more = _text(raw, fmt)
        dropped += more
        fb_node = next((c for c in choice.children if isinstance(c, Tree)), None)
        answers.append(Answer(answer_text, max(-100.0, min(100.0, percent)),
                              _feedback(fb_node, fmt, dropped)))  # fmt: skip
    return Question("multichoice", name, text, answers, single=single)
