"""The quick route for a module file that is right: check it and build its model in one pass.

:func:`quick_module` gives the model of a module file in which nothing at all is wrong, or
None as soon as it meets anything that is not plainly right; then the full route
(:func:`trainer.bank.build.build_module`) checks the file again from the start and finds and
words every problem. So every problem still comes from the full route, and the quick one only
ever returns the model the full route would have built (tests/test_validate_fast_paths.py
compares the two on hundreds of files).

What it saves is the full route's separate passes over every step and choice (the schema
check, the step checks, building the model, the branching checks, the pass-mark scores): a
step is checked and built in one go, and the branching and pass-mark checks work on the built
steps with whole-number points. The module's and scenarios' own fields are checked by
:func:`trainer.bank.checker.flawless` (so the tests' switch that turns it off for the exact
route turns this route off too).
"""

from __future__ import annotations

from typing import Any, cast

from trainer.bank import checker
from trainer.bank.model import ROLES, Choice, Module, Role, Scenario, Source, Step
from trainer.bank.safeyaml import YMap, YSeq
from trainer.bank.schema import ID_RE, OBJECTS


def role_tuple(value: Any, default: tuple[Role, ...] = ROLES) -> tuple[Role, ...]:
    """The roles given (already checked), or ``default`` when none are."""
    return tuple(cast(Role, r) for r in value) if value else default


def sources_of(raw: YMap | None) -> dict[str, Source]:
    """The module's (or resources file's) sources, by key (already checked)."""
    if not raw:
        return {}
    return {
        key: Source(key, str(s["title"]), str(s["publisher"]), s.get("year"), s.get("url"))
        for key, s in raw.items()
    }


def _names(kind: str) -> tuple[frozenset[str], frozenset[str]]:
    fields = OBJECTS[kind]
    return frozenset(f.name for f in fields), frozenset(f.name for f in fields if f.required)


_STEP_KEYS, _STEP_REQUIRED = _names("Step")
_CHOICE_KEYS, _CHOICE_REQUIRED = _names("Choice")
_STEP_FIELDS = {f.name: f for f in OBJECTS["Step"]}
_STEP_TYPES = frozenset(_STEP_FIELDS["type"].type.split(":", 1)[1].split("|"))
_SCORINGS = frozenset(_STEP_FIELDS["scoring"].type.split(":", 1)[1].split("|"))
_MIN_POINTS: Any = _STEP_FIELDS["points"].min
_MAX_POINTS: Any = _STEP_FIELDS["points"].max
_ABSENT: Any = object()
_id = ID_RE.match


# A model object made from its values at once (the named tuples' own __new__ is a Python
# call with one argument per field): the object ``cls(...)`` makes, every field given.
_make: Any = tuple.__new__


def _text(value: Any) -> str | None:
    """A right 'text' field as the model holds it (stripped), or None."""
    cls = value.__class__
    if cls is str:
        return value.strip() or None
    if cls is int or cls is float:
        return str(value)
    return None


def quick_step(
    step: Any, sources: dict[str, Source], good: dict[str, frozenset[str]]
) -> Step | None:
    """The model of a step that is right in every respect (its schema, its choices, the step
    checks of :func:`trainer.bank.build._check_step`), or None.

    ``good`` holds the identifiers already found well-formed (a module repeats the same few),
    each with the set of it alone (the correct_ids of a step with that one right choice)."""
    if step.__class__ is not YMap:
        return None
    keys = step.keys()
    if not (keys <= _STEP_KEYS and keys >= _STEP_REQUIRED):
        return None
    sid = step["id"]
    kind: Any = step["type"]
    points = step["points"]
    if sid.__class__ is not str or kind.__class__ is not str:
        return None
    if sid not in good:
        if _id(sid) is None:
            return None
        good[sid] = frozenset((sid,))
    if kind not in _STEP_TYPES or points.__class__ is not int:
        return None
    if not _MIN_POINTS <= points <= _MAX_POINTS:
        return None
    prompt = _text(step["prompt"])
    explanation = _text(step["explanation"])
    if prompt is None or explanation is None:
        return None
    multi = kind == "multi"
    shuffle = step.get("shuffle", _ABSENT)
    if shuffle is _ABSENT:
        shuffle = kind != "truefalse"
    elif shuffle.__class__ is not bool:
        return None
    scoring: Any = step.get("scoring", _ABSENT)
    if scoring is _ABSENT:
        scoring = "proportional"
    elif not multi or scoring.__class__ is not str or scoring not in _SCORINGS:
        return None
    after = step.get("next", _ABSENT)
    if after is _ABSENT:
        after = None
    elif after.__class__ is not str or (after not in good and _id(after) is None):
        return None
    keys_given = step["sources"]
    if keys_given.__class__ is not YSeq or not keys_given:
        return None
    for key in keys_given:  # the module's source keys are well-formed (flawless checked them)
        if key.__class__ is not str or key not in sources:
            return None
    if len(set(keys_given)) != len(keys_given):
        return None
    given = step["choices"]
    if given.__class__ is not YSeq or len(given) < 2:
        return None
    choices = []
    ids = set()
    right = []
    for c in given:
        if c.__class__ is not YMap:
            return None
        ckeys = c.keys()
        if not (ckeys <= _CHOICE_KEYS and ckeys >= _CHOICE_REQUIRED):
            return None
        cid = c["id"]
        correct = c["correct"]
        if cid.__class__ is not str or cid in ids or correct.__class__ is not bool:
            return None
        if cid not in good:
            if _id(cid) is None:
                return None
            good[cid] = frozenset((cid,))
        text = c["text"]
        if text.__class__ is str:
            text = text.strip()
            if not text:
                return None
        elif text.__class__ is int or text.__class__ is float:
            text = str(text)
        else:
            return None
        feedback = _text(c["feedback"])
        if feedback is None:
            return None
        to = c.get("next", _ABSENT)
        if to is _ABSENT:
            to = None
        elif multi or to.__class__ is not str or (to not in good and _id(to) is None):
            return None
        ids.add(cid)
        if correct:
            right.append(cid)
        choices.append(_make(Choice, (cid, text, correct, feedback, to)))
    n_correct = len(right)
    if (n_correct != 1 and not multi) or n_correct < 1 or (kind == "truefalse" and len(ids) != 2):
        return None
    return _make(  # type: ignore[no-any-return]
        Step,
        (
            sid,
            kind,
            prompt,
            points,
            tuple(choices),
            explanation,
            tuple(keys_given),
            shuffle,
            scoring,
            after,
            good[right[0]] if n_correct == 1 else frozenset(right),  # correct_ids
        ),
    )


def _points(steps: tuple[Step, ...], start: str) -> tuple[int, int] | None:
    """The best and the all-correct score of a scenario whose branching is sound, as
    :func:`trainer.scoring.best_path_points` and :func:`trainer.scoring.correct_path_points`
    count them; None when the branching is not sound (a repeated step id, a 'start' or 'next'
    that names no step, a cycle, a step that cannot be reached), which
    :func:`trainer.bank.build._check_graph` reports.

    Every answer scores its step's points when right and 0 otherwise, and only the right
    answer of a multi-select step is followed, so each score is a whole number.
    """
    by_id = {s.id: s for s in steps}
    if len(by_id) != len(steps) or start not in by_id:
        return None
    # The graph _check_graph checks: each step's own 'next' and its choices' (whether or not
    # an answer can take it).
    edges: dict[str, list[str]] = {}
    for s in steps:
        out = [] if s.next is None else [s.next]
        out += [c.next for c in s.choices if c.next is not None]
        for target in out:
            if target not in by_id:
                return None
        edges[s.id] = out
    # Depth-first from the start: a cycle, or a step never reached, is not sound. Steps in
    # the order they are finished come after every step they lead to.
    state: dict[str, bool] = {start: False}  # False: on the path; True: finished
    order: list[str] = []
    stack = [(start, iter(edges[start]))]
    while stack:
        node, rest = stack[-1]
        for target in rest:
            seen = state.get(target)
            if seen is None:
                state[target] = False
                stack.append((target, iter(edges[target])))
                break
            if seen is False:
                return None
        else:
            state[node] = True
            order.append(node)
            stack.pop()
    if len(order) != len(by_id):
        return None
    best: dict[str, int] = {}
    after_right: dict[str, str | None] = {}  # where the right answer leads
    for sid in order:
        s = by_id[sid]
        if s.type == "multi":
            best[sid] = s.points + (0 if s.next is None else best[s.next])
            after_right[sid] = s.next
            continue
        top = 0
        for c in s.choices:
            to = s.next if c.next is None else c.next
            if c.correct:
                after_right[sid] = to
                value = s.points + (0 if to is None else best[to])
            else:
                value = 0 if to is None else best[to]
            if value > top:
                top = value
        best[sid] = top
    right = 0
    at: str | None = start
    while at is not None:
        right += by_id[at].points
        at = after_right[at]
    return best[start], right


def quick_module(loaded: Any) -> Module | None:
    """The model of a module file (a :class:`trainer.bank.files.Loaded`) in which nothing is
    wrong, or None: then the full route checks it (see the module's docstring)."""
    mod = loaded.value
    if loaded.problems or not checker.flawless(mod, "Module-scenarios"):
        return None
    given = mod["scenarios"]
    if given.__class__ is not YSeq or not given:
        return None
    sources = sources_of(mod["sources"])
    roles = role_tuple(mod.get("roles"))
    scenarios: list[Scenario] = []
    scores: list[tuple[int, int]] = []
    seen: set[str] = set()
    good: dict[str, frozenset[str]] = {}
    for sc in given:
        if not checker.flawless(sc, "Scenario-steps"):
            return None
        raw_steps = sc["steps"]
        sid = sc["id"]
        if raw_steps.__class__ is not YSeq or not raw_steps or sid in seen:
            return None
        seen.add(sid)
        sc_roles = role_tuple(sc.get("roles"), roles)
        if any(role not in roles for role in sc_roles):
            return None
        steps = []
        for raw in raw_steps:
            step = quick_step(raw, sources, good)
            if step is None:
                return None
            steps.append(step)
        built = tuple(steps)
        points = _points(built, sc["start"])
        if points is None:
            return None
        scores.append(points)
        scenarios.append(
            Scenario(
                id=sid,
                title=str(sc["title"]).strip(),
                narrative=str(sc["narrative"]).strip(),
                tags=tuple(sc["tags"]),
                start=sc["start"],
                steps=built,
                roles=sc_roles,
            )
        )
    pass_mark = mod["pass_mark"]
    for role in roles:  # the pass mark is reachable for every role (build._check_pass_mark)
        mine = [i for i, s in enumerate(scenarios) if role in s.roles]
        best = sum(scores[i][0] for i in mine)
        right = sum(scores[i][1] for i in mine)
        if not mine or best <= 0 or right * 100 < pass_mark * best:
            return None
    return module_of(mod, loaded, roles, sources, scenarios)


def module_of(
    mod: Any,
    loaded: Any,
    roles: tuple[Role, ...],
    sources: dict[str, Source],
    scenarios: list[Scenario],
) -> Module:
    """The model of a checked module file (both routes build it here)."""
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
