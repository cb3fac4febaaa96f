"""Text between formats: Moodle's HTML, Markdown, auto-format and plain text ↔ bank text.

Bank text is plain: paragraphs separated by one blank line, lines by a newline, no control
characters. :func:`normalise` gives the one canonical form both directions use, so an export
read back in gives the same text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from trainer.bank.schema import ID_RE

_BLOCK = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
     "table", "tr", "section", "article"}
)  # fmt: skip
_SKIP = frozenset({"script", "style", "head", "title"})
_EMBEDS = {"img": "image", "audio": "audio", "video": "video", "object": "embedded object",
           "embed": "embedded object", "iframe": "embedded frame", "svg": "drawing"}  # fmt: skip
_PARAS = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0]+")


_BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
# Control characters (C0 but newline, DEL, C1) and bidi controls are dropped; a tab is a space.
_DROP: dict[int, str | None] = {
    **dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *_BIDI]),
    ord("\n"): "\n",
    ord("\t"): " ",
}


def clean(text: str) -> str:
    """Drop control and bidi characters (keeping newlines; tabs become spaces)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP)


def normalise(text: str) -> str:
    """The canonical bank text: clean, each line's spaces collapsed and trimmed, paragraphs
    separated by exactly one blank line, no leading or trailing blank lines."""
    paras = []
    for para in _PARAS.split(clean(text)):
        lines = [_SPACES.sub(" ", line).strip() for line in para.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paras.append(joined)
    return "\n\n".join(paras)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of normalised text."""
    norm = normalise(text)
    return norm.split("\n\n") if norm else []


class _ToText(HTMLParser):
    """HTML → plain text: blocks become paragraphs, <br> a newline, embeds are counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.dropped: list[str] = []
        self.href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _EMBEDS:
            alt = dict(attrs).get("alt") or ""
            self.dropped.append(_EMBEDS[tag])
            if alt.strip():
                self.parts.append(f"[{_EMBEDS[tag]}: {alt.strip()}]")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href and href.startswith(("http://", "https://", "mailto:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(_SPACES.sub(" ", data.replace("\n", " ")))


def html_to_text(source: str) -> tuple[str, list[str]]:
    """Plain text of an HTML fragment, and what was not carried over (images, audio…)."""
    parser = _ToText()
    parser.feed(source)
    parser.close()
    return normalise("".join(parser.parts)), parser.dropped


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


def markdown_to_text(source: str) -> tuple[str, list[str]]:
    """Plain text of Markdown: emphasis marks removed, links as 'text (url)', images dropped.

    Markdown may hold HTML too; it goes through :func:`html_to_text` afterwards.
    """
    dropped = ["image" for _ in _MD_IMAGE.finditer(source)]
    text = _MD_IMAGE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "", source)
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _MD_HEADING.sub("", text)
    for _ in range(3):  # nested emphasis, a few levels
        text = _MD_EMPHASIS.sub(r"\2", text)
    if "<" in text:
        # Keep the Markdown's own line structure: newlines become <br>, blank lines <p>.
        as_html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in _PARAS.split(text))
        text, more = html_to_text(as_html)
        dropped += more
    return normalise(text), dropped


def auto_to_text(source: str) -> tuple[str, list[str]]:
    """Plain text of Moodle auto-format: text with line breaks, where HTML is also allowed."""
    if "<" not in source and "&" not in source:
        return normalise(source), []
    as_html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in _PARAS.split(source))
    return html_to_text(as_html)


def to_text(source: str, fmt: str) -> tuple[str, list[str]]:
    """Bank text of ``source`` written in Moodle format ``fmt`` (html, markdown,
    moodle_auto_format / moodle, plain_text / plain)."""
    fmt = fmt.lower()
    if fmt in ("plain_text", "plain"):
        return normalise(source), []
    if fmt == "markdown":
        return markdown_to_text(source)
    if fmt in ("moodle_auto_format", "moodle", ""):
        return auto_to_text(source)
    return html_to_text(source)


def text_to_html(text: str) -> str:
    """Bank text as HTML: one <p> per paragraph, <br> between lines, everything escaped."""
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in para.split("\n")) + "</p>"
        for para in paragraphs(text)
    )


_NOT_ID = re.compile(r"[^a-z0-9_-]+")


def slug(text: str, fallback: str) -> str:
    """An identifier (``^[a-z0-9][a-z0-9_-]*$``) made from ``text``, at most 48 characters."""
    ident = _NOT_ID.sub("-", text.lower()).strip("-_")[:48].strip("-_")
    return ident if ident and ID_RE.match(ident) else fallback


def unique(ident: str, taken: set[str]) -> str:
    """``ident``, or ``ident-2``, ``ident-3``… whichever is not in ``taken`` (which is updated)."""
    candidate, n = ident, 2
    while candidate in taken:
        candidate = f"{ident}-{n}"
        n += 1
    taken.add(candidate)
    return candidate
