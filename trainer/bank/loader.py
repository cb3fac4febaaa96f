"""Load and validate bank files: YAML → checked values → the frozen domain model.

Every problem found is reported as ``path:line:col: message``; a file with problems yields
no model. Loading never executes anything from the file (see :mod:`trainer.bank.safeyaml`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from trainer.bank.checker import Checker, suggest
from trainer.bank.model import (
    ROLES,
    Choice,
    Contact,
    Course,
    CourseModule,
    Module,
    Resources,
    ResourceSection,
    Role,
    Scenario,
    Source,
    Step,
)
from trainer.bank.problems import CourseLoad, Problem
from trainer.bank.safeyaml import YamlRefused, YMap, YSeq, load_bytes, read_bounded
from trainer.bank.schema import KIND_OBJECT
from trainer.scoring import best_path_points, correct_path_points

YAML_SUFFIXES = (".yaml", ".yml")


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


@dataclass(slots=True)
class Loaded:
    """A file read from disk: its raw value, hash and problems so far."""

    path: Path
    display: str
    value: Any = None
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)


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


def _require_kind(loaded: Loaded, expected: str, chk: Checker) -> YMap | None:
    value = loaded.value
    if value is None and not loaded.problems:
        chk.add((1, 1), f"file is empty; a {expected} file starts with 'kind: {expected}'")
        return None
    if not isinstance(value, YMap):
        if not loaded.problems:
            chk.add(
                (1, 1), f"a {expected} file must be a mapping with 'kind: {expected}' at the top"
            )
        return None
    kind = value.get("kind")
    if kind != expected and kind in KIND_OBJECT:
        chk.add(value.where("kind"), f"expected a {expected} file here but this is a {kind} file")
        return None
    return value


def _roles(value: Any, default: tuple[Role, ...] = ROLES) -> tuple[Role, ...]:
    return tuple(cast(Role, r) for r in value) if value else default


def _sources(raw: YMap | None) -> dict[str, Source]:
    if not raw:
        return {}
    return {
        key: Source(key, str(s["title"]), str(s["publisher"]), s.get("year"), s.get("url"))
        for key, s in raw.items()
    }


# --------------------------------------------------------------------------- modules


def _check_step(
    step: YMap, scenario_id: str, sources: dict[str, Source] | None, chk: Checker
) -> None:
    kind = step["type"]
    where = f"step '{step['id']}' of scenario '{scenario_id}'"
    choices: YSeq = step["choices"]
    ids: set[str] = set()
    for i, choice in enumerate(choices):
        if choice["id"] in ids:
            chk.add(choice.where("id"), f"choice id '{choice['id']}' is used twice in {where}")
        ids.add(choice["id"])
        if kind == "multi" and "next" in choice:
            chk.add(
                choice.where_key("next"),
                f"choice {i + 1} of multi-select {where} has 'next'; a multi-select step "
                "branches only through the step's own 'next'",
            )
    n_correct = sum(1 for c in choices if c["correct"])
    if kind == "single" and n_correct != 1:
        chk.add(
            step.where("choices"),
            f"single-choice {where} needs exactly one correct choice, has {n_correct}; "
            "use type: multi for several correct answers",
        )
    if kind == "truefalse" and (len(choices) != 2 or n_correct != 1):
        chk.add(
            step.where("choices"),
            f"true/false {where} needs exactly two choices with one correct "
            f"(has {len(choices)} choices, {n_correct} correct)",
        )
    if kind == "multi" and n_correct < 1:
        chk.add(step.where("choices"), f"multi-select {where} needs at least one correct choice")
    if kind == "multi" and len(choices) < 2:
        chk.add(step.where("choices"), f"multi-select {where} needs at least two choices")
    if kind != "multi" and "scoring" in step:
        chk.add(
            step.where_key("scoring"), f"'scoring' applies only to multi-select steps ({where})"
        )
    if kind != "single" and len(choices) < 2:
        pass
    if kind == "single" and len(choices) < 2:
        chk.add(step.where("choices"), f"single-choice {where} needs at least two choices")
    keys: YSeq = step["sources"]
    for i, key in enumerate(keys):
        if sources is not None and key not in sources:
            chk.add(
                keys.item_pos[i],
                f"source key '{key}' in {where} is not in the module's sources"
                f"{suggest(key, list(sources))}; add it under 'sources:'",
            )


def _check_graph(scenario: YMap, chk: Checker) -> bool:
    """Check next/start references, reachability and cycles. Returns True if the graph is sound."""
    sid = scenario["id"]
    steps: dict[str, YMap] = {}
    ok = True
    for step in scenario["steps"]:
        if step["id"] in steps:
            chk.add(step.where("id"), f"step id '{step['id']}' is used twice in scenario '{sid}'")
            ok = False
        steps.setdefault(step["id"], step)
    names = list(steps)
    if scenario["start"] not in steps:
        chk.add(
            scenario.where("start"),
            f"start step '{scenario['start']}' of scenario '{sid}' does not exist"
            f"{suggest(scenario['start'], names)}",
        )
        return False
    edges: dict[str, list[tuple[str, YMap, str]]] = {}
    for step_id, step in steps.items():
        out: list[tuple[str, YMap, str]] = []
        for owner in (step, *step["choices"]):
            target = owner.get("next")
            if target is None:
                continue
            if target not in steps:
                chk.add(
                    owner.where("next"),
                    f"'next: {target}' in scenario '{sid}' names no step{suggest(target, names)}"
                    f" (steps: {', '.join(names)})",
                )
                ok = False
            else:
                out.append((target, owner, "next"))
        edges[step_id] = out
    if not ok:
        return False
    # Cycles: iterative DFS with colours; report the edge that closes the loop.
    state: dict[str, int] = {}
    stack: list[tuple[str, int]] = [(scenario["start"], 0)]
    reported = False
    while stack:
        node, idx = stack.pop()
        if idx == 0:
            state[node] = 1
        if idx < len(edges[node]):
            stack.append((node, idx + 1))
            target, owner, key = edges[node][idx]
            if state.get(target) == 1 and not reported:
                chk.add(
                    owner.where(key),
                    f"'next: {target}' in scenario '{sid}' loops back to an earlier step; "
                    "scenarios may not have cycles, every path must end",
                )
                reported = True
                ok = False
            elif target not in state:
                stack.append((target, 0))
        else:
            state[node] = 2
    for step_id, step in steps.items():
        if step_id not in state:
            chk.add(
                step.where("id"),
                f"step '{step_id}' of scenario '{sid}' cannot be reached from start step "
                f"'{scenario['start']}'; point a 'next' at it or remove it",
            )
            ok = False
    return ok


def _build_step(step: YMap) -> Step:
    kind = step["type"]
    return Step(
        id=step["id"],
        type=kind,
        prompt=str(step["prompt"]).strip(),
        points=step["points"],
        choices=tuple(
            Choice(
                c["id"],
                str(c["text"]).strip(),
                c["correct"],
                str(c["feedback"]).strip(),
                c.get("next"),
            )
            for c in step["choices"]
        ),
        explanation=str(step["explanation"]).strip(),
        sources=tuple(step["sources"]),
        shuffle=step.get("shuffle", kind != "truefalse"),
        scoring=step.get("scoring", "proportional"),
        next=step.get("next"),
    )


def build_module(loaded: Loaded) -> Module | None:
    """Check a loaded module file and build the model; problems go to ``loaded.problems``."""
    chk = Checker(loaded.display)
    raw = _require_kind(loaded, "module", chk)
    mod = chk.check_object(raw, "Module", (1, 1), "module") if raw is not None else None
    if mod is None:
        if raw is not None:
            _check_sound_scenarios(raw, chk)
        loaded.problems += chk.problems
        return None
    sources = _sources(mod["sources"])
    roles = _roles(mod.get("roles"))
    scenarios: list[Scenario] = []
    scenario_ids: set[str] = set()
    for sc in mod["scenarios"]:
        sid = sc["id"]
        if sid in scenario_ids:
            chk.add(sc.where("id"), f"scenario id '{sid}' is used twice in this module")
        scenario_ids.add(sid)
        sc_roles = _roles(sc.get("roles"), roles)
        for i, role in enumerate(sc_roles):
            if role not in roles:
                chk.add(
                    sc["roles"].item_pos[i],
                    f"scenario '{sid}' is for role '{role}', which the module's roles "
                    f"({', '.join(roles)}) do not include",
                )
        for step in sc["steps"]:
            _check_step(step, sid, sources, chk)
        if _check_graph(sc, chk):
            scenarios.append(
                Scenario(
                    id=sid,
                    title=str(sc["title"]).strip(),
                    narrative=str(sc["narrative"]).strip(),
                    tags=tuple(sc["tags"]),
                    start=sc["start"],
                    steps=tuple(_build_step(s) for s in sc["steps"]),
                    roles=sc_roles,
                )
            )
    if not chk.problems:
        _check_pass_mark(mod, roles, scenarios, chk)
    loaded.problems += chk.problems
    if loaded.problems:
        return None
    return Module(
        id=mod["id"],
        title=str(mod["title"]).strip(),
        version=str(mod["version"]),
        summary=str(mod["summary"]).strip(),
        objectives=tuple(str(o).strip() for o in mod["objectives"]),
        roles=roles,
        pass_mark=mod["pass_mark"],
        estimated_minutes=mod["estimated_minutes"],
        sources=sources,
        scenarios=tuple(scenarios),
        content_note=str(mod["content_note"]).strip() if mod.get("content_note") else None,
        path=loaded.path,
        sha256=loaded.sha256,
    )


def _sound(kind: str, value: Any) -> bool:
    """Whether ``value`` is a well-formed ``kind`` (its problems, if any, are reported by the
    main check already; this one only decides whether it can be looked into)."""
    return Checker("").check_object(value, kind, (1, 1), kind) is not None


def _check_sound_scenarios(raw: YMap, chk: Checker) -> None:
    """A module with a wrong field elsewhere: still check the steps and branching of every
    well-formed scenario, so one run reports every problem, not the first few."""
    given = raw.get("sources")
    sound_sources = isinstance(given, YMap) and all(_sound("Source", s) for s in given.values())
    sources = _sources(given) if sound_sources else None
    scenarios = raw.get("scenarios")
    for sc in scenarios if isinstance(scenarios, YSeq) else []:
        if not _sound("Scenario", sc):
            continue
        for step in sc["steps"]:
            _check_step(step, sc["id"], sources, chk)
        _check_graph(sc, chk)


def _check_pass_mark(
    mod: YMap, roles: tuple[Role, ...], scenarios: list[Scenario], chk: Checker
) -> None:
    shortfalls: dict[tuple[float, float], list[str]] = {}
    scores = {s.id: (best_path_points(s), correct_path_points(s)) for s in scenarios}
    for role in roles:
        mine = [s for s in scenarios if role in s.roles]
        if not mine:
            chk.add(mod.where("roles"), f"no scenario in this module is for role '{role}'")
            continue
        best = sum(scores[s.id][0] for s in mine)
        right = sum(scores[s.id][1] for s in mine)
        if best <= 0 or right * 100 < mod["pass_mark"] * best:
            shortfalls.setdefault((right, best), []).append(role)
    for (right, best), who in shortfalls.items():
        share = int(right * 100 // best) if best else 0
        chk.add(
            mod.where("pass_mark"),
            f"pass mark {mod['pass_mark']}% cannot be reached by a learner ({', '.join(who)}) "
            f"who answers every step correctly ({right:g} of {best:g} points = {share}%); "
            "lower the pass mark or rebalance the points",
        )


# --------------------------------------------------------------------------- resources


def build_resources(loaded: Loaded) -> Resources | None:
    chk = Checker(loaded.display)
    raw = _require_kind(loaded, "resources", chk)
    res = chk.check_object(raw, "Resources", (1, 1), "resources") if raw is not None else None
    if res is not None:
        sources = _sources(res.get("sources"))
        for section in res["sections"]:
            keys = section.get("sources") or YSeq((0, 0))
            for i, key in enumerate(keys):
                if key not in sources:
                    chk.add(
                        keys.item_pos[i],
                        f"source key '{key}' is not in this file's sources"
                        f"{suggest(key, list(sources))}",
                    )
        for contact in res["contacts"]:
            if not any(contact.get(k) for k in ("phone", "text", "url")):
                chk.add(contact.pos, f"contact '{contact['name']}' needs a phone, text or url")
    loaded.problems += chk.problems
    if res is None or loaded.problems:
        return None
    return Resources(
        title=str(res["title"]),
        sections=tuple(
            ResourceSection(
                str(s["heading"]), tuple(str(x) for x in s["lines"]), tuple(s.get("sources") or ())
            )
            for s in res["sections"]
        ),
        contacts=tuple(
            Contact(
                str(c["name"]), _opt(c, "phone"), _opt(c, "text"), _opt(c, "url"), _opt(c, "note")
            )
            for c in res["contacts"]
        ),
        sources=_sources(res.get("sources")),
    )


def _opt(m: YMap, key: str) -> str | None:
    value = m.get(key)
    return None if value is None else str(value).strip()


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
    raw = _require_kind(loaded, "course", chk) if not _fatal(loaded) else None
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
            module = build_module(mloaded) if not _fatal(mloaded) else None
            problems += mloaded.problems
            given = entry.get("roles")
            roles = tuple(
                r for r in _roles(given if isinstance(given, YSeq) else None) if r in ROLES
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
    everything = {f.resolve(): read_yaml(f) for f in files}
    for f in files:
        if f.resolve() in covered or kind_of(everything[f.resolve()]) != "course":
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
        kind = kind_of(loaded)
        if kind == "module":
            module = build_module(loaded)
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
    checked = covered | {f.resolve() for f in files}
    return Validation(sorted(set(problems)), courses, modules, len(checked))
