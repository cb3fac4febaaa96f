"""Bank files on disk: find them, read them (bounded, safe YAML), say which kind each is.

A file read here carries its raw value, hash and problems so far; nothing is checked against
the schema yet (that is :mod:`trainer.bank.build`) and nothing is raised.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from trainer.bank.problems import Problem
from trainer.bank.safeyaml import YamlRefused, YMap, load_bytes, read_bounded

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class Loaded:
    """A file read from disk: its raw value, hash and problems so far."""

    path: Path
    display: str
    value: Any = None
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    # A module file already checked and built (validate_paths builds each module as it is
    # read, then lets its values go): the model, or None when it has problems.
    built: bool = False
    module: Any = None


def display_path(path: Path) -> str:
    """The path as the user will recognise it (relative to the working folder when inside)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> Loaded:
    """Read a file and load its YAML safely; problems are collected, never raised."""
    loaded = Loaded(path, display_path(path))
    try:
        data = read_bounded(path, loaded.display)
    except YamlRefused as exc:
        loaded.problems.append(exc.problem)
        return loaded
    loaded.sha256 = hashlib.sha256(data).hexdigest()
    try:
        loaded.value, loaded.problems = load_bytes(data, loaded.display)
    except YamlRefused as exc:
        loaded.problems.append(exc.problem)
    return loaded


def kind_of(loaded: Loaded) -> str | None:
    value = loaded.value
    if isinstance(value, YMap) and isinstance(value.get("kind"), str):
        return cast(str, value["kind"])
    return None


def find_bank_files(paths: list[Path]) -> list[Path]:
    """YAML files named by ``paths`` (folders are searched recursively), sorted, no repeats."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.rglob("*") if q.suffix in YAML_SUFFIXES and q.is_file())
        else:
            found.append(p)
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique
