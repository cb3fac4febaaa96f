"""Untrusted YAML → plain Python values that remember where they came from.

Only libyaml's (or PyYAML's) *composer* runs on the text; nothing is constructed by PyYAML,
so no tag can execute code. We walk the composed node graph ourselves, which lets us

* keep a 1-based ``(line, col)`` for every mapping key, value and list item,
* reject duplicate keys, non-standard tags and non-string keys,
* bound nesting depth, alias use and the number of nodes after alias expansion.

Before composing we refuse files that are too large, not UTF-8, or nested so deeply in the
text that libyaml's recursive composer could exhaust the C stack (it crashes, it does not
raise, somewhere past 10,000 levels).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from trainer.bank.problems import Problem

try:  # libyaml's C loader is ~8x faster; fall back to the pure one when it is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_IMPLICIT = _Loader.yaml_implicit_resolvers  # first character → [(tag, regexp)], as PyYAML's


class _BankLoader(_Loader):
    """The C composer with PyYAML's own implicit-type rules, minus per-node overhead.

    PyYAML's resolver also supports path resolvers (none are registered for the safe loader),
    which costs two Python calls per node; here only the implicit-type table is consulted,
    exactly as :meth:`yaml.resolver.BaseResolver.resolve` does without path resolvers.
    Explicit tags never reach this method: the walker vets them.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
                for tag, regexp in _IMPLICIT.get(None, ()):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_NODES = 1_000_000
MAX_NUMBER_CHARS = 100  # a bank's numbers are points, minutes, marks: never this long
# Text-level guards that keep the C composer's recursion far from the stack limit.
_MAX_FLOW_DEPTH = 256
_MAX_BLOCK_PREFIX = 512

Pos = tuple[int, int]

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _BOOL, _NULL, _FLOAT = (_TAG + t for t in ("str", "int", "bool", "null", "float"))
_TIMESTAMP, _SEQ, _MAP = _TAG + "timestamp", _TAG + "seq", _TAG + "map"
_MERGE = _TAG + "merge"
_ScalarNode, _SequenceNode, _MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_BOOL_TRUE = frozenset({"yes", "true", "on", "y"})
_DEEP_BLOCK = re.compile(rf"^[ \t?:-]{{{_MAX_BLOCK_PREFIX}}}", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")


class YMap(dict[str, Any]):
    """A mapping that remembers the position of itself, its keys and its values."""

    __slots__ = ("key_pos", "pos", "val_pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.val_pos: dict[str, Pos] = {}

    def where(self, key: str) -> Pos:
        """Position of the value at ``key`` (or of the mapping when the key is absent)."""
        return self.val_pos.get(key, self.pos)

    def where_key(self, key: str) -> Pos:
        """Position of ``key`` itself (or of the mapping when the key is absent)."""
        return self.key_pos.get(key, self.pos)


class YSeq(list[Any]):
    """A list that remembers the position of itself and of each item."""

    __slots__ = ("item_pos", "pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []


class YamlRefused(Exception):
    """The text cannot be loaded; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _pos(node: yaml.Node) -> Pos:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _too_large(size: int, path: str) -> YamlRefused:
    return YamlRefused(
        Problem(
            path,
            1,
            1,
            f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for a bank; "
            "split it into several module files",
        )
    )


def read_bounded(file: Path, path: str) -> bytes:
    """The bytes of a bank file, checked before reading: a regular file of at most
    :data:`MAX_BYTES`. A FIFO, a device (``/dev/zero``) or a folder is refused at once, and
    a 2 GB file without reading it; at most ``MAX_BYTES + 1`` bytes are ever read.

    The file is opened non-blocking, so opening a FIFO with no writer cannot hang, and the
    checks use the opened file's own ``fstat``, so the file cannot be swapped in between.
    Raises :class:`YamlRefused` (also for ``OSError``: the problem says why).
    """
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise YamlRefused(Problem(path, 1, 1, f"cannot read file: {exc.strerror or exc}")) from None
    try:
        info = os.fstat(fd)
        for test, kind in _FILE_KINDS:
            if test(info.st_mode):
                raise YamlRefused(
                    Problem(path, 1, 1, f"not a bank file: it is {kind}, not a regular file")
                )
        if info.st_size > MAX_BYTES:
            raise _too_large(info.st_size, path)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise YamlRefused(Problem(path, 1, 1, f"cannot read file: {exc.strerror or exc}")) from None
    finally:
        os.close(fd)


def decode_text(data: bytes, path: str) -> str:
    """Check size and encoding of raw bytes and return the text."""
    if len(data) > MAX_BYTES:
        raise _too_large(len(data), path)
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        raise YamlRefused(
            Problem(path, line, 1, "file contains NUL bytes: it looks binary, not a YAML text file")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlRefused(
            Problem(
                path,
                line,
                col,
                f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            )
        ) from None
    return text.removeprefix("\ufeff")


def _guard_text_depth(text: str, path: str) -> None:
    # Same test as _DEEP_BLOCK.search(text) (a line that starts with 512 indentation or
    # block-indicator characters), about 4x faster: only long lines can match.
    for number, row in enumerate(text.split("\n"), 1):
        if len(row) >= _MAX_BLOCK_PREFIX and not row[:_MAX_BLOCK_PREFIX].lstrip(" \t?:-"):
            raise YamlRefused(
                Problem(
                    path, number, 1, f"nesting is too deep (more than {MAX_DEPTH} levels allowed)"
                )
            )
    if text.count("[") + text.count("{") <= _MAX_FLOW_DEPTH:
        return
    depth = 0
    for m in _BRACKETS.finditer(text):
        depth = depth + 1 if m.group() in "[{" else max(0, depth - 1)
        if depth > _MAX_FLOW_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            raise YamlRefused(
                Problem(
                    path, line, 1, f"nesting is too deep (more than {MAX_DEPTH} levels allowed)"
                )
            )


def compose(text: str, path: str) -> yaml.Node | None:
    """Compose one YAML document into nodes, turning YAML errors into a Problem."""
    _guard_text_depth(text, path)
    loader = _BankLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        hint = "; check indentation, quoting and that ':' is followed by a space"
        if "expected a single document" in what:
            hint = "; a bank file holds one document: remove the extra '---'"
        raise YamlRefused(Problem(path, line, col, f"YAML syntax error: {what}{hint}")) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(Problem(path, 1, 1, f"YAML error: {exc}")) from None
    finally:
        loader.dispose()


class _Walker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.nodes = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.problems: list[Problem] = []

    def refuse(self, node: yaml.Node, message: str) -> YamlRefused:
        line, col = _pos(node)
        return YamlRefused(Problem(self.path, line, col, message))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag in (_STR, _TIMESTAMP):
            return value
        if tag == _INT:
            if len(value) > MAX_NUMBER_CHARS:
                raise self.refuse(
                    node,
                    f"number with {len(value):,} characters is too long; numbers in a bank "
                    f"have at most {MAX_NUMBER_CHARS} (quote it if it is meant as text)",
                )
            return _to_int(value)
        if tag == _BOOL:
            return value.lower() in _BOOL_TRUE
        if tag == _NULL:
            return None
        if tag == _FLOAT:
            if len(value) > MAX_NUMBER_CHARS:
                raise self.refuse(
                    node,
                    f"number with {len(value):,} characters is too long; numbers in a bank "
                    f"have at most {MAX_NUMBER_CHARS} (quote it if it is meant as text)",
                )
            return _to_float(value)
        raise self.refuse(
            node,
            f"tag {tag!r} is not allowed in a bank; only plain YAML values are accepted "
            "(remove the tag)",
        )

    def walk(self, node: yaml.Node, depth: int) -> Any:
        # The hot loop of every load: one call per node, positions read straight from the
        # marks, plain strings (most scalars) returned without a further call.
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(
                node, f"document expands to more than {MAX_NODES:,} nodes; remove alias chains"
            )
        cls = node.__class__
        if cls is _ScalarNode:
            if node.tag == _STR:
                return node.value
            return self.scalar(node)  # type: ignore[arg-type]
        if depth >= MAX_DEPTH:
            raise self.refuse(node, f"nesting is too deep (more than {MAX_DEPTH} levels allowed)")
        key = id(node)
        if key in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self.refuse(
                    node, f"more than {MAX_ALIASES} aliases used; write the values out instead"
                )
        else:
            self.seen.add(key)
        mark = node.start_mark
        depth += 1
        walk = self.walk
        if cls is _SequenceNode:
            if node.tag != _SEQ:
                raise self.refuse(node, f"tag {node.tag!r} is not allowed in a bank")
            seq = YSeq((mark.line + 1, mark.column + 1))
            positions = seq.item_pos
            for item in node.value:
                m = item.start_mark
                positions.append((m.line + 1, m.column + 1))
                seq.append(walk(item, depth))
            return seq
        if cls is _MappingNode:
            if node.tag != _MAP:
                raise self.refuse(node, f"tag {node.tag!r} is not allowed in a bank")
            mapping = YMap((mark.line + 1, mark.column + 1))
            key_pos, val_pos = mapping.key_pos, mapping.val_pos
            for key_node, value_node in node.value:
                if key_node.__class__ is not _ScalarNode:
                    raise self.refuse(key_node, "a key must be a plain word, not a list or mapping")
                if key_node.tag == _STR:
                    name = key_node.value
                else:
                    if key_node.tag == _MERGE:
                        raise self.refuse(
                            key_node, "merge keys ('<<') are not supported; write the keys out"
                        )
                    name = self.scalar(key_node)
                    if not isinstance(name, str):
                        name = key_node.value
                m = key_node.start_mark
                where = (m.line + 1, m.column + 1)
                if name in mapping:
                    first = key_pos[name]
                    self.problems.append(
                        Problem(
                            self.path,
                            *where,
                            f"duplicate key '{name}' (first defined at line {first[0]}); "
                            "remove one of them",
                        )
                    )
                    continue
                key_pos[name] = where
                m = value_node.start_mark
                val_pos[name] = (m.line + 1, m.column + 1)
                mapping[name] = walk(value_node, depth)
            return mapping
        raise self.refuse(node, "unsupported YAML node")  # pragma: no cover


def _to_int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if text.startswith("0x"):
        return sign * int(text[2:], 16)
    if text.startswith("0o"):
        return sign * int(text[2:], 8)
    if text.startswith("0b"):
        return sign * int(text[2:], 2)
    if ":" in text:  # YAML 1.1 sexagesimal
        result = 0
        for part in text.split(":"):
            result = result * 60 + int(part)
        return sign * result
    if len(text) > 1 and text.startswith("0"):
        return sign * int(text, 8)
    return sign * int(text)


def _to_float(value: str) -> float:
    text = value.replace("_", "").lower()
    if text in (".inf", "+.inf"):
        return float("inf")
    if text == "-.inf":
        return float("-inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def load_text(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Load untrusted YAML text. Returns the value and non-fatal problems (duplicate keys).

    Raises :class:`YamlRefused` for anything that stops loading altogether.
    """
    node = compose(text, path)
    if node is None:
        return None, []
    walker = _Walker(path)
    value = walker.walk(node, 0)
    return value, walker.problems


def load_bytes(data: bytes, path: str) -> tuple[Any, list[Problem]]:
    """Decode and load untrusted YAML bytes (see :func:`load_text`)."""
    return load_text(decode_text(data, path), path)
