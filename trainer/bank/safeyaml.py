"""Untrusted YAML → plain Python values that remember where they came from.

Only libyaml's (or PyYAML's) *composer* runs on the text; nothing is constructed by PyYAML,
so no tag can execute code. The walkers of :mod:`trainer.bank.yamlwalk` turn the composed
nodes into values, which lets us

* know a 1-based ``(line, col)`` for every mapping key, value and list item,
* reject duplicate keys, non-standard tags and non-string keys,
* bound nesting depth, alias use and the number of nodes after alias expansion.

Before composing we refuse files that are too large, not UTF-8, or nested so deeply in the
text that libyaml's recursive composer could exhaust the C stack (it crashes, it does not
raise, somewhere past 10,000 levels).
"""

from __future__ import annotations

import operator
import os
import re
import stat
import sys
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from trainer.bank.problems import Problem
from trainer.bank.yamlwalk import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    Pos,
    YamlRefused,
    YMap,
    YSeq,
    to_values,
)

__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_NUMBER_CHARS",
    "Pos",
    "YMap",
    "YSeq",
    "YamlRefused",
    "compose",
    "decode_text",
    "load_bytes",
    "load_text",
    "read_bounded",
]

try:  # libyaml's C loader is ~8x faster; fall back to the pure one when it is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _BankLoader(_Loader):
    """The C composer with no Python call per node.

    The composer calls three hooks for every node: ``descend_resolver(parent, index)`` and
    ``ascend_resolver()`` (PyYAML's path resolvers, of which the safe loader has none) and
    ``resolve(kind, value, implicit)`` for every node without an explicit tag. Here each is a
    C builtin, which costs no Python frame: the first two ignore their arguments and build
    nothing, and ``resolve`` keeps its arguments as the node's tag, ``slice(kind, value,
    implicit)``, which the walkers resolve with PyYAML's own implicit-type table
    (:func:`trainer.bank.yamlwalk.scalar_tag`). Python methods here cost about a third of
    composing. Explicit tags stay strings; the walkers vet them.
    """

    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]
    ascend_resolver = staticmethod(sys.is_finalizing)  # type: ignore[assignment]
    resolve = staticmethod(slice)


MAX_BYTES = 8 * 1024 * 1024
MAX_NODES = 1_000_000
# Text-level guards that keep the C composer's recursion far from the stack limit.
_MAX_FLOW_DEPTH = 256
_MAX_BLOCK_PREFIX = 512

_DEEP_BLOCK = re.compile(rf"\n[ \t?:-]{{{_MAX_BLOCK_PREFIX}}}")
_BRACKETS = re.compile(r"[\[\]{}]")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_OPENERS = frozenset(b"[{")


def _flow_depth(brackets: bytes) -> int:
    """The deepest flow nesting in a run of brackets (a closer never goes below 0)."""
    depth = deepest = 0
    for c in brackets:
        if c in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


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


def _guard_text_depth(text: str, path: str, raw: bytes | None = None) -> None:
    """Refuse a text nested too deeply for the C composer. ``raw``: the UTF-8 bytes it was
    decoded from, if at hand (its brackets are the text's: a BOM has none)."""
    # A line that starts with 512 indentation or block-indicator characters: the first line,
    # then a newline followed by 512 of them (the search skips from newline to newline).
    found = None
    if len(text) >= _MAX_BLOCK_PREFIX and not text[:_MAX_BLOCK_PREFIX].lstrip(" \t?:-"):
        found = 1
    elif m := _DEEP_BLOCK.search(text):
        found = text.count("\n", 0, m.start()) + 2
    if found is not None:
        raise YamlRefused(
            Problem(path, found, 1, f"nesting is too deep (more than {MAX_DEPTH} levels allowed)")
        )
    # Flow nesting: the depth of brackets, counted over the brackets alone (bytes.translate
    # drops everything else in one C pass); only a text that goes too deep is scanned again,
    # for the line to name.
    if raw is None:
        raw = text.encode("utf-8", "surrogatepass")
    brackets = raw.translate(None, _NOT_BRACKETS)
    if len(brackets) <= _MAX_FLOW_DEPTH or _flow_depth(brackets) <= _MAX_FLOW_DEPTH:
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


def compose(text: str, path: str, raw: bytes | None = None) -> yaml.Node | None:
    """Compose one YAML document into nodes, turning YAML errors into a Problem. ``raw``:
    the bytes the text was decoded from, if at hand (spares encoding it again)."""
    _guard_text_depth(text, path, raw)
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


def _recompose(text: str, path: str) -> yaml.Node:
    """The nodes of a text that composed before (to find positions in it again)."""
    node = compose(text, path)
    assert node is not None
    return node


def load_text(text: str, path: str, raw: bytes | None = None) -> tuple[Any, list[Problem]]:
    """Load untrusted YAML text. Returns the value and non-fatal problems (duplicate keys).

    Raises :class:`YamlRefused` for anything that stops loading altogether.
    """
    node = compose(text, path, raw)
    if node is None:
        return None, []
    return to_values(node, path, MAX_NODES, partial(_recompose, text, path), "&" in text)


def load_bytes(data: bytes, path: str) -> tuple[Any, list[Problem]]:
    """Decode and load untrusted YAML bytes (see :func:`load_text`)."""
    return load_text(decode_text(data, path), path, data)
