"""Load and validate bank files: YAML → checked values → the frozen domain model.

Every problem found is reported as ``path:line:col: message``; a file with problems yields
no model. Loading never executes anything from the file (see :mod:`trainer.bank.safeyaml`).

This module follows a course into its resources and module files and validates folders;
reading a file is :mod:`trainer.bank.files`, checking and building one module or resources
file is :mod:`trainer.bank.build` (their public names are re-exported here).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.bank.build import build_module, build_resources, require_kind
from trainer.bank.checker import Checker, suggest
from trainer.bank.files import (
    YAML_SUFFIXES,
    Loaded,
    display_path,
    find_bank_files,
    kind_of,
    read_yaml,
)
from trainer.bank.model import ROLES, Course, CourseModule, Module, Resources
from trainer.bank.problems import CourseLoad, Problem
from trainer.bank.quick import role_tuple
from trainer.bank.safeyaml import YMap, YSeq
from trainer.bank.schema import KIND_OBJECT

__all__ = [
    "YAML_SUFFIXES",
    "Loaded",
    "Validation",
    "build_module",
    "build_resources",
    "display_path",
    "find_bank_files",
    "kind_of",
    "load_course",
    "load_module",
    "read_yaml",
    "validate_paths",
]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bank loads.

    A load allocates hundreds of thousands of small containers and frees none of them as
    cycles; with the collector running, each generation-2 pass walks the whole growing node
    graph again (it cost validation ~40% of its time). Memory stays bounded by the size and
    node limits of :mod:`trainer.bank.safeyaml`; the collector resumes (and reclaims any
    cycles, e.g. from a recursive alias) as soon as the outermost load returns.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --------------------------------------------------------------------------- courses


def load_module(path: Path) -> tuple[Module | None, list[Problem]]:
    """Load and validate one module file."""
    with _gc_paused():
        return _load_module(path)


def _load_module(path: Path) -> tuple[Module | None, list[Problem]]:
    loaded = read_yaml(path)
    module = build_module(loaded) if not _fatal(loaded) else None
    return module, sorted(loaded.problems)


def _fatal(loaded: Loaded) -> bool:
    return loaded.value is None and bool(loaded.problems)


def _module_of(loaded: Loaded) -> Module | None:
    """The module of a module file: built already, or built now."""
    if loaded.built:
        return loaded.module  # type: ignore[no-any-return]
    return build_module(loaded) if not _fatal(loaded) else None


def _read_and_build(path: Path) -> Loaded:
    """Read a bank file; a module file is checked and built at once and its values let go,
    so a folder of modules never holds more than one file's values (a module's values take
    several times the memory of its model)."""
    loaded = read_yaml(path)
    if kind_of(loaded) == "module":
        loaded.module = build_module(loaded)
        loaded.built = True
        loaded.value = None
    return loaded


def load_course(path: Path, preloaded: dict[Path, Loaded] | None = None) -> CourseLoad:
    """Load a course file with its modules and resources, validating all of them.

    ``preloaded`` maps resolved paths to files already read, so nothing is parsed twice.
    """
    with _gc_paused():
        return _load_course(path, preloaded)


def _load_course(path: Path, preloaded: dict[Path, Loaded] | None) -> CourseLoad:
    cache = preloaded or {}

    def read(p: Path) -> Loaded:
        return cache.pop(p.resolve(), None) or read_yaml(p)

    loaded = read(path)
    problems = list(loaded.problems)
    files = [path]
    chk = Checker(loaded.display)
    raw = require_kind(loaded, "course", chk) if not _fatal(loaded) else None
    checked = chk.check_object(raw, "Course", (1, 1), "course") if raw is not None else None
    # A course with a wrong field is still followed into its resources and module files
    # wherever those references are sound, so one run reports every problem, not the first.
    course = checked if checked is not None else raw
    modules: dict[str, Module] = {}
    entries: list[CourseModule] = []
    resources: Resources | None = None
    if course is not None:
        base = path.parent
        res_name = course.get("resources")
        if isinstance(res_name, str) and res_name.strip():
            res_path = base / res_name
            files.append(res_path)
            if not res_path.is_file():
                chk.add(course.where("resources"), f"resources file '{res_name}' not found")
            else:
                res_loaded = read(res_path)
                resources = build_resources(res_loaded) if not _fatal(res_loaded) else None
                problems += res_loaded.problems
        seen_ids: set[str] = set()
        for entry in _sound_entries(course.get("modules")):
            mid = entry["id"]
            if mid in seen_ids:
                chk.add(entry.where("id"), f"module '{mid}' is listed twice in the course")
                continue
            seen_ids.add(mid)
            mpath = base / entry["file"]
            files.append(mpath)
            if not mpath.is_file():
                chk.add(entry.where("file"), f"module file '{entry['file']}' not found")
                continue
            mloaded = read(mpath)
            module = _module_of(mloaded)
            problems += mloaded.problems
            given = entry.get("roles")
            roles = tuple(
                r for r in role_tuple(given if isinstance(given, YSeq) else None) if r in ROLES
            )
            if module is None:
                continue
            if module.id != mid:
                chk.add(
                    entry.where("id"),
                    f"course lists id '{mid}' but {entry['file']} "
                    f"has id '{module.id}'; make them the same",
                )
                continue
            for role in roles:
                if role not in module.roles:
                    chk.add(
                        entry.where("roles"),
                        f"course gives module '{mid}' to role "
                        f"'{role}', but the module is only for {', '.join(module.roles)}",
                    )
            modules[mid] = module
            entries.append(
                CourseModule(mid, str(entry["file"]), entry.get("required", True) is True, roles)
            )
        for role in ROLES:
            if not any(role in e.roles and e.required for e in entries) and not chk.problems:
                chk.add(course.where("modules"), f"no required module for role '{role}'")
    problems += chk.problems
    if problems or course is None or resources is None:
        return CourseLoad(None, sorted(set(problems)), files)
    digest = hashlib.sha256(loaded.sha256.encode())
    for m in modules.values():
        digest.update(m.sha256.encode())
    model = Course(
        id=course["id"],
        title=str(course["title"]),
        version=str(course["version"]),
        certificate_title=str(course["certificate_title"]),
        issuer=str(course["issuer"]),
        validity_months=course["validity_months"],
        modules=tuple(entries),
        module_map=modules,
        resources=resources,
        path=path,
        sha256=digest.hexdigest(),
        summary=str(course.get("summary") or "").strip(),
    )
    return CourseLoad(model, [], files)


def _sound_entries(value: Any) -> list[YMap]:
    """The course's module entries whose 'id' and 'file' can be followed (the checker has
    already reported the others)."""
    if not isinstance(value, YSeq):
        return []
    return [
        e
        for e in value
        if isinstance(e, YMap)
        and isinstance(e.get("id"), str)
        and isinstance(e.get("file"), str)
        and e["file"].strip()
    ]


@dataclass(slots=True)
class Validation:
    problems: list[Problem]
    courses: list[Course]
    modules: list[Module]
    files: int


def validate_paths(paths: list[Path]) -> Validation:
    """Validate files and folders: each course with its modules, and every other bank file."""
    with _gc_paused():
        return _validate_paths(paths)


def _validate_paths(paths: list[Path]) -> Validation:
    files = find_bank_files(paths)
    problems: list[Problem] = []
    courses: list[Course] = []
    modules: list[Module] = []
    covered: set[Path] = set()
    resolved = {f: f.resolve() for f in files}  # each file's key, worked out once
    everything = {resolved[f]: _read_and_build(f) for f in files}
    for f in files:
        if resolved[f] in covered or kind_of(everything[resolved[f]]) != "course":
            continue
        result = load_course(f, everything)
        problems += result.problems
        covered.update(p.resolve() for p in result.files)
        if result.course:
            courses.append(result.course)
            modules += result.course.module_map.values()
    for key, loaded in everything.items():
        if key in covered:
            continue
        kind = "module" if loaded.built else kind_of(loaded)
        if kind == "module":
            module = _module_of(loaded)
            if module:
                modules.append(module)
        elif kind == "resources":
            build_resources(loaded)
        elif not loaded.problems:
            value = loaded.value
            pos = value.where("kind") if isinstance(value, YMap) else (1, 1)
            got = value.get("kind") if isinstance(value, YMap) else None
            hint = suggest(str(got), list(KIND_OBJECT)) if got else ""
            loaded.problems.append(
                Problem(
                    loaded.display,
                    *pos,
                    f"not a bank file: 'kind' must be course, module or resources{hint}",
                )
            )
        problems += loaded.problems
    checked = covered | set(resolved.values())
    return Validation(sorted(set(problems)), courses, modules, len(checked))
