"""Check a loaded module or resources file against the schema and the course's rules, and
build the frozen model from it.

Every problem found goes to the file's ``problems`` as ``path:line:col: message``; a file
with problems yields no model. Branching (next/start, reachability, cycles) and the pass mark
(reachable by a learner who answers every step correctly) are checked here too.
"""

from __future__ import annotations

from typing import Any

from trainer.bank.checker import Checker, suggest
from trainer.bank.files import Loaded
from trainer.bank.model import (
    Choice,
    Contact,
    Module,
    Resources,
    ResourceSection,
    Role,
    Scenario,
    Source,
    Step,
)
from trainer.bank.quick import module_of, quick_module, role_tuple, sources_of
from trainer.bank.safeyaml import YMap, YSeq
from trainer.bank.schema import KIND_OBJECT
from trainer.scoring import best_path_points, correct_path_points


def require_kind(loaded: Loaded, expected: str, chk: Checker) -> YMap | None:
    """The file's top mapping when it can be an ``expected`` file; else None, said once."""
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
    if kind != expected and isinstance(kind, str) and kind in KIND_OBJECT:
        chk.add(value.where("kind"), f"expected a {expected} file here but this is a {kind} file")
        return None
    return value


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
                keys.where(i),
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
    choices = [
        Choice(
            c["id"], str(c["text"]).strip(), c["correct"], str(c["feedback"]).strip(), c.get("next")
        )
        for c in step["choices"]
    ]
    # Positional, in the order of Step's fields (a call with ten keywords costs more).
    return Step(
        step["id"],
        kind,
        str(step["prompt"]).strip(),
        step["points"],
        tuple(choices),
        str(step["explanation"]).strip(),
        tuple(step["sources"]),
        step.get("shuffle", kind != "truefalse"),
        step.get("scoring", "proportional"),
        step.get("next"),
    )


def build_module(loaded: Loaded) -> Module | None:
    """Check a loaded module file and build the model; problems go to ``loaded.problems``.

    A file with nothing wrong in it is checked and built by the quick route
    (:mod:`trainer.bank.quick`); any other goes through the full route here."""
    module = quick_module(loaded)
    if module is not None:
        return module
    chk = Checker(loaded.display)
    raw = require_kind(loaded, "module", chk)
    mod = chk.check_object(raw, "Module", (1, 1), "module") if raw is not None else None
    if mod is None:
        if raw is not None:
            _check_sound_scenarios(raw, chk)
        loaded.problems += chk.problems
        return None
    sources = sources_of(mod["sources"])
    roles = role_tuple(mod.get("roles"))
    scenarios: list[Scenario] = []
    scenario_ids: set[str] = set()
    for sc in mod["scenarios"]:
        sid = sc["id"]
        if sid in scenario_ids:
            chk.add(sc.where("id"), f"scenario id '{sid}' is used twice in this module")
        scenario_ids.add(sid)
        sc_roles = role_tuple(sc.get("roles"), roles)
        for i, role in enumerate(sc_roles):
            if role not in roles:
                chk.add(
                    sc["roles"].where(i),
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
    return module_of(mod, loaded, roles, sources, scenarios)


def _sound(kind: str, value: Any) -> bool:
    """Whether ``value`` is a well-formed ``kind`` (its problems, if any, are reported by the
    main check already; this one only decides whether it can be looked into)."""
    return Checker("").check_object(value, kind, (1, 1), kind) is not None


def _check_sound_scenarios(raw: YMap, chk: Checker) -> None:
    """A module with a wrong field elsewhere: still check the steps and branching of every
    well-formed scenario, so one run reports every problem, not the first few."""
    given = raw.get("sources")
    sound_sources = isinstance(given, YMap) and all(_sound("Source", s) for s in given.values())
    sources = sources_of(given) if sound_sources else None
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
    raw = require_kind(loaded, "resources", chk)
    res = chk.check_object(raw, "Resources", (1, 1), "resources") if raw is not None else None
    if res is not None:
        sources = sources_of(res.get("sources"))
        for section in res["sections"]:
            keys = section.get("sources") or YSeq((0, 0))
            for i, key in enumerate(keys):
                if key not in sources:
                    chk.add(
                        keys.where(i),
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
        sources=sources_of(res.get("sources")),
    )


def _opt(m: YMap, key: str) -> str | None:
    value = m.get(key)
    return None if value is None else str(value).strip()
