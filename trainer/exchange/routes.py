"""Trainer's branching, written as a comment beside each exported question.

Moodle asks every question of a category in turn; it cannot branch. So that a bank exported
by trainer re-imports with its branches, each question carries one comment line::

    trainer-route step=s1 next=s2 1=s3 2=end | branches in trainer: ...

``step`` is the step id, ``next`` the step's own next step, and ``N=`` the step a choice
(numbered from 1) leads to; ``end`` ends the scenario. Moodle ignores comments. A file
without such comments imports as straight-line scenarios.
"""

from __future__ import annotations

import re

from trainer.bank.schema import ID_RE

_ROUTE = re.compile(r"trainer-route((?:\s+[a-z0-9]+=[a-z0-9_-]+)+)")
END = "end"


def route_comment(
    step_id: str, step_next: str | None, choice_nexts: list[str | None], branching: bool
) -> str:
    """The comment for one step: machine-readable route, then a sentence for people.

    ``choice_nexts`` are the choices' own ``next`` in the order the answers are written.
    """
    parts = [f"step={step_id}", f"next={step_next or END}"]
    parts += [f"{n}={target}" for n, target in enumerate(choice_nexts, 1) if target is not None]
    route = "trainer-route " + " ".join(parts)
    if not branching:
        return f"{route} | no branching: Moodle asks these questions in the same order"
    targets = [target or step_next or END for target in choice_nexts]
    if len(set(targets)) > 1:
        where = "; ".join(f"choice {n} leads to {t}" for n, t in enumerate(targets, 1))
        what = f"in trainer this question branches ({where})"
    else:
        what = "this question does not branch, but others in its scenario do"
    return (
        f"{route} | {what}; Moodle cannot branch and asks every question of this category in turn"
    )


def parse_route(comment: str) -> dict[str, object] | None:
    """The route in a comment, or None when it has none (or an unreadable one)."""
    match = _ROUTE.search(comment)
    if match is None:
        return None
    fields = dict(part.split("=", 1) for part in match.group(1).split())
    step = fields.pop("step", None)
    if step is None or not ID_RE.match(step):
        return None
    nxt = fields.pop("next", END)
    choices: dict[int, str] = {}
    for key, value in fields.items():
        if not key.isdigit():
            return None
        choices[int(key)] = value
    return {"step": step, "next": None if nxt == END else nxt, "choices": choices}


def check_routes(order: list[str], routes: dict[str, dict[str, object]]) -> str | None:
    """Why these routes cannot be restored (None when they can): every target must be a step
    of the scenario, the first step must reach every other, and no path may loop."""
    known = set(order)
    edges: dict[str, set[str]] = {}
    for step_id in order:
        route = routes[step_id]
        targets = {route["next"], *dict(route["choices"]).values()}  # type: ignore[call-overload]
        targets.discard(None)
        targets.discard(END)
        missing = sorted(t for t in targets if t not in known)
        if missing:
            return f"step '{step_id}' leads to '{missing[0]}', which is not in this category"
        edges[step_id] = set(targets)
    state: dict[str, int] = {}
    stack: list[tuple[str, list[str]]] = [(order[0], sorted(edges[order[0]]))]
    state[order[0]] = 1
    while stack:
        node, todo = stack[-1]
        if not todo:
            state[node] = 2
            stack.pop()
            continue
        target = todo.pop()
        if state.get(target) == 1:
            return f"step '{node}' loops back to '{target}'"
        if target not in state:
            state[target] = 1
            stack.append((target, sorted(edges[target])))
    unreached = [s for s in order if s not in state]
    if unreached:
        return f"step '{unreached[0]}' cannot be reached from the first question"
    return None
