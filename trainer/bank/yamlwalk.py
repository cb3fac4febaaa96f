"""Composed YAML nodes → plain Python values that remember where they came from.

:mod:`trainer.bank.safeyaml` composes a file's text into nodes with libyaml; the walkers here
turn the nodes into ``str``, ``int``, ``float``, ``bool``, ``None`` and :class:`YMap` /
:class:`YSeq`, which can say where they, their keys, values and items are, so a problem can
name its line and column. A position is worked out only when asked for, which is when a
problem is reported.

The composer leaves every implicit tag unresolved (``safeyaml._BankLoader`` stores the
arguments of ``resolve`` as a ``slice``; see :func:`scalar_tag`), so PyYAML's implicit-type
rules run here, in the walk, and not in a Python call from C for every node.

Two walkers build the same values:

* :func:`_quick` handles what bank files are made of (no aliases, no explicit tags, no
  duplicate keys, well inside the limits) in one tight pass, and gives up
  (:class:`_Unusual`) at anything else;
* :class:`_Walker`, the exact walker, then walks again node by node, enforcing each limit at
  the node that breaks it and collecting duplicate keys as problems.

So every refusal and every problem comes from the exact walker, worded and placed as always;
the quick one only ever returns values the exact one would have returned.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import yaml

from trainer.bank.problems import Problem

try:  # the loader safeyaml composes with (its implicit-type table is the one used here)
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Pos = tuple[int, int]

MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_NUMBER_CHARS = 100  # a bank's numbers are points, minutes, marks: never this long

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _BOOL, _NULL, _FLOAT = (_TAG + t for t in ("str", "int", "bool", "null", "float"))
_TIMESTAMP, _SEQ, _MAP = _TAG + "timestamp", _TAG + "seq", _TAG + "map"
_MERGE = _TAG + "merge"
_ScalarNode, _SequenceNode, _MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_BOOL_TRUE = frozenset({"yes", "true", "on", "y"})
# PyYAML's implicit-type table (first character → [(tag, regexp)]), shared by its safe loaders.
_IMPLICIT: dict[str | None, list[tuple[str, Any]]] = _Loader.yaml_implicit_resolvers
# First characters of a plain scalar that may make it something other than a string.
_TYPED_FIRST = frozenset(k for k in _IMPLICIT if k is not None)
_TYPED_ANY = None in _IMPLICIT  # a resolver for any first character (none by default)


class YamlRefused(Exception):
    """The text cannot be loaded; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _at(mark: Any) -> Pos:
    return (mark.line + 1, mark.column + 1)


class _Document:
    """The text of a document the quick walker loaded, to find its positions when a problem
    needs one: composed again and walked by the exact walker, whose containers (in the same
    order as the quick walker made them) carry the marks."""

    __slots__ = ("compose", "max_nodes", "path", "twins")

    def __init__(self, compose: Callable[[], yaml.Node], path: str, max_nodes: int) -> None:
        self.compose = compose
        self.path = path
        self.max_nodes = max_nodes
        self.twins: list[Any] | None = None

    def twin(self, index: int) -> Any:
        if self.twins is None:
            twins: list[Any] = []
            _Walker(self.path, self.max_nodes, containers=twins).walk(self.compose(), 0)
            self.twins = twins
        return self.twins[index]


class YMap(dict[str, Any]):
    """A mapping that remembers the position of itself, its keys and its values."""

    __slots__ = ("_doc", "_index", "_key_marks", "_pos", "_value_marks")
    _doc: _Document | None
    _index: int

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self._doc = None
        self._pos = pos
        self._key_marks: dict[str, Any] = {}
        self._value_marks: dict[str, Any] = {}

    def _marked(self) -> YMap:
        return self if self._doc is None else self._doc.twin(self._index)

    @property
    def pos(self) -> Pos:
        """Position of the mapping itself."""
        return self._marked()._pos

    def where(self, key: str) -> Pos:
        """Position of the value at ``key`` (or of the mapping when the key is absent)."""
        marked = self._marked()
        mark = marked._value_marks.get(key)
        return marked._pos if mark is None else _at(mark)

    def where_key(self, key: str) -> Pos:
        """Position of ``key`` itself (or of the mapping when the key is absent)."""
        marked = self._marked()
        mark = marked._key_marks.get(key)
        return marked._pos if mark is None else _at(mark)


class YSeq(list[Any]):
    """A list that remembers the position of itself and of each item."""

    __slots__ = ("_doc", "_index", "_item_marks", "_pos")
    _doc: _Document | None
    _index: int

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self._doc = None
        self._pos = pos
        self._item_marks: list[Any] = []

    def _marked(self) -> YSeq:
        return self if self._doc is None else self._doc.twin(self._index)

    @property
    def pos(self) -> Pos:
        """Position of the list itself."""
        return self._marked()._pos

    def where(self, index: int) -> Pos:
        """Position of item ``index``."""
        return _at(self._marked()._item_marks[index])


def implicit_tag(value: str, plain: bool) -> str:
    """The tag of an untagged scalar, as PyYAML's resolver gives it (without path resolvers,
    of which the safe loader has none)."""
    if plain:
        for tag, regexp in _IMPLICIT.get(value[:1], ()):
            if regexp.match(value):
                return tag
        for tag, regexp in _IMPLICIT.get(None, ()):
            if regexp.match(value):
                return tag
    return _STR


def scalar_tag(node: yaml.Node) -> str:
    """A scalar node's tag: explicit, or resolved from ``slice(kind, value, implicit)``."""
    tag: Any = node.tag
    if tag.__class__ is slice:
        return implicit_tag(node.value, tag.step[0])
    return tag  # type: ignore[no-any-return]


def _container_tag(node: yaml.Node) -> str:
    tag: Any = node.tag
    if tag.__class__ is slice:
        return _SEQ if node.__class__ is _SequenceNode else _MAP
    return tag  # type: ignore[no-any-return]


def to_values(
    node: yaml.Node,
    path: str,
    max_nodes: int,
    compose: Callable[[], yaml.Node],
    anchors: bool = True,
) -> tuple[Any, list[Problem]]:
    """The values of a composed document, and its non-fatal problems (duplicate keys).

    ``compose`` composes the same document again (the quick walker's values find their
    positions with it, if they are ever asked for one); ``anchors`` is False only when the
    text has no '&' (so no node has an anchor). Raises :class:`YamlRefused` for what stops
    loading (a tag, a limit, a key that is not a word).
    """
    if node.__class__ is not _ScalarNode:
        try:
            return _quick(node, _Document(compose, path, max_nodes), anchors), []
        except _Unusual:
            pass
    walker = _Walker(path, max_nodes)
    value = walker.walk(node, 0)
    return value, walker.problems


# --------------------------------------------------------------------------- quick walker


_ABSENT = object()


class _Unusual(Exception):
    """Something the quick walker leaves to the exact one."""


def _typed(value: str) -> Any:
    """A plain scalar that may not be a string (its first character is in _TYPED_FIRST)."""
    tag = implicit_tag(value, True)
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag == _BOOL:
        return value.lower() in _BOOL_TRUE
    if tag == _NULL:
        return None
    if len(value) <= MAX_NUMBER_CHARS:
        if tag == _INT:
            return _to_int(value)
        if tag == _FLOAT:
            return _to_float(value)
    raise _Unusual


def _quick(root: yaml.Node, doc: _Document, anchors: bool) -> Any:
    """Values of a document that has nothing unusual (see the module's docstring), with no
    positions: each container has its place in the order of containers instead, which
    ``doc`` finds again in the exact walker's values when a position is asked for.

    ``anchors`` says whether the text may define an anchor (it has an '&'); without one no
    node can be reached twice, so nothing is tracked for aliases.
    """
    seen: set[int] = set()
    # Plain scalars that may be typed (true, 3, null, ...), with their values: a bank repeats
    # the same few ('true', 'false', points), and keys ('type', 'text', 'next', ...).
    typed: dict[str, Any] = {}
    typed_first = frozenset() if _TYPED_ANY else _TYPED_FIRST
    typed_any = _TYPED_ANY
    intern = sys.intern
    count = 1
    made = 0  # containers so far
    max_nodes = doc.max_nodes
    new_map = dict.__new__
    new_seq = list.__new__

    def walk(node: Any, depth: int) -> Any:
        nonlocal count, made
        tag: Any  # a slice (implicit: see the module's docstring) or an explicit tag
        if depth >= MAX_DEPTH or node.tag.__class__ is not slice:
            raise _Unusual
        if anchors:
            key = id(node)
            if key in seen:
                raise _Unusual
            seen.add(key)
        items = node.value
        count += len(items)
        if count > max_nodes:
            raise _Unusual
        depth += 1
        if node.__class__ is _SequenceNode:
            seq = new_seq(YSeq)
            seq._doc = doc
            seq._index = made
            made += 1
            append = seq.append
            for item in items:
                if item.__class__ is not _ScalarNode:
                    append(walk(item, depth))
                    continue
                tag = item.tag
                if tag.__class__ is not slice:
                    raise _Unusual
                value = item.value
                if tag.step[0] and (value[:1] in typed_first or typed_any):
                    found = typed.get(value, _ABSENT)
                    if found is _ABSENT:
                        found = typed[value] = _typed(value)
                    value = found
                append(value)
            return seq
        mapping = new_map(YMap)
        mapping._doc = doc
        mapping._index = made
        made += 1
        for key, item in items:
            if key.__class__ is not _ScalarNode:
                raise _Unusual
            name = intern(key.value)  # one object per key name: less memory, quicker lookups
            tag = key.tag
            if tag.__class__ is not slice:
                raise _Unusual
            if tag.step[0] and (name[:1] in typed_first or typed_any) and name not in typed:
                typed[name] = _typed(name)  # raises for a key the exact walker refuses
            if item.__class__ is not _ScalarNode:
                mapping[name] = walk(item, depth)
                continue
            tag = item.tag
            if tag.__class__ is not slice:
                raise _Unusual
            value = item.value
            if tag.step[0] and (value[:1] in typed_first or typed_any):
                found = typed.get(value, _ABSENT)
                if found is _ABSENT:
                    found = typed[value] = _typed(value)
                value = found
            mapping[name] = value
        if len(mapping) != len(items):  # a duplicate key: the exact walker reports it
            raise _Unusual
        return mapping

    try:
        return walk(root, 0)
    finally:
        # walk refers to itself through its cell: a cycle that would keep the document (and
        # its text) until the collector runs, which it does not while a bank loads.
        walk = None  # type: ignore[assignment]


# --------------------------------------------------------------------------- exact walker


class _Walker:
    def __init__(self, path: str, max_nodes: int, containers: list[Any] | None = None) -> None:
        self.path = path
        self.containers = containers  # when given, every container made, in order
        self.max_nodes = max_nodes
        self.nodes = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.problems: list[Problem] = []

    def refuse(self, node: yaml.Node, message: str) -> YamlRefused:
        line, col = _at(node.start_mark)
        return YamlRefused(Problem(self.path, line, col, message))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = scalar_tag(node), node.value
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
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self.refuse(
                node, f"document expands to more than {self.max_nodes:,} nodes; remove alias chains"
            )
        cls = node.__class__
        if cls is _ScalarNode:
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
        tag = _container_tag(node)
        depth += 1
        if cls is _SequenceNode:
            if tag != _SEQ:
                raise self.refuse(node, f"tag {tag!r} is not allowed in a bank")
            seq = YSeq(_at(node.start_mark))
            if self.containers is not None:
                self.containers.append(seq)
            for item in node.value:
                seq._item_marks.append(item.start_mark)
                seq.append(self.walk(item, depth))
            return seq
        if cls is _MappingNode:
            if tag != _MAP:
                raise self.refuse(node, f"tag {tag!r} is not allowed in a bank")
            mapping = YMap(_at(node.start_mark))
            if self.containers is not None:
                self.containers.append(mapping)
            for key_node, value_node in node.value:
                if key_node.__class__ is not _ScalarNode:
                    raise self.refuse(key_node, "a key must be a plain word, not a list or mapping")
                if scalar_tag(key_node) == _MERGE:
                    raise self.refuse(
                        key_node, "merge keys ('<<') are not supported; write the keys out"
                    )
                name = self.scalar(key_node)
                if not isinstance(name, str):
                    name = key_node.value
                if name in mapping:
                    first = mapping.where_key(name)
                    self.problems.append(
                        Problem(
                            self.path,
                            *_at(key_node.start_mark),
                            f"duplicate key '{name}' (first defined at line {first[0]}); "
                            "remove one of them",
                        )
                    )
                    continue
                mapping._key_marks[name] = key_node.start_mark
                mapping._value_marks[name] = value_node.start_mark
                mapping[name] = self.walk(value_node, depth)
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
