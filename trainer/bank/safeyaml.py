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

import re
from typing import Any

import yaml

from trainer.bank.problems import Problem

try:  # libyaml's C loader is ~8x faster; fall back to the pure one when it is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_NODES = 1_000_000
# Text-level guards that keep the C composer's recursion far from the stack limit.
_MAX_FLOW_DEPTH = 256
_MAX_BLOCK_PREFIX = 512

Pos = tuple[int, int]

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _BOOL, _NULL, _FLOAT = (_TAG + t for t in ("str", "int", "bool", "null", "float"))
_TIMESTAMP, _SEQ, _MAP = _TAG + "timestamp", _TAG + "seq", _TAG + "map"
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


def decode_text(data: bytes, path: str) -> str:
    """Check size and encoding of raw bytes and return the text."""
    if len(data) > MAX_BYTES:
        raise YamlRefused(
            Problem(
                path,
                1,
                1,
                f"file is {len(data):,} bytes, over the {MAX_BYTES:,}-byte limit for a bank; "
                "split it into several module files",
            )
        )
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
    match = _DEEP_BLOCK.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise YamlRefused(
            Problem(path, line, 1, f"nesting is too deep (more than {MAX_DEPTH} levels allowed)")
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
    loader = _Loader(text)
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
            return _to_int(value)
        if tag == _BOOL:
            return value.lower() in _BOOL_TRUE
        if tag == _NULL:
            return None
        if tag == _FLOAT:
            return _to_float(value)
        raise self.refuse(
            node,
            f"tag {tag!r} is not allowed in a bank; only plain YAML values are accepted "
            "(remove the tag)",
        )

    def walk(self, node: yaml.Node, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(
                node, f"document expands to more than {MAX_NODES:,} nodes; remove alias chains"
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
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
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.refuse(node, f"tag {node.tag!r} is not allowed in a bank")
            seq = YSeq(_pos(node))
            for item in node.value:
                seq.item_pos.append(_pos(item))
                seq.append(self.walk(item, depth + 1))
            return seq
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise self.refuse(node, f"tag {node.tag!r} is not allowed in a bank")
            mapping = YMap(_pos(node))
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.refuse(key_node, "a key must be a plain word, not a list or mapping")
                if key_node.tag == _TAG + "merge":
                    raise self.refuse(
                        key_node, "merge keys ('<<') are not supported; write the keys out"
                    )
                name = self.scalar(key_node)
                if not isinstance(name, str):
                    name = key_node.value
                if name in mapping:
                    first = mapping.key_pos[name]
                    self.problems.append(
                        Problem(
                            self.path,
                            *_pos(key_node),
                            f"duplicate key '{name}' (first defined at line {first[0]}); "
                            "remove one of them",
                        )
                    )
                    continue
                mapping.key_pos[name] = _pos(key_node)
                mapping.val_pos[name] = _pos(value_node)
                mapping[name] = self.walk(value_node, depth + 1)
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
