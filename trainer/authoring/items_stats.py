"""Running statistics for the item report (:mod:`trainer.authoring.items`): one streamed
pass over the answers, kept as counts and sums, so memory grows with the number of decisions
and module versions, never with the number of learners, attempts or answers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from trainer.bank.model import Module
from trainer.records.contract import Records
from trainer.records.stream import iter_item_answers

_PARSED_MAX = 4096  # distinct choice_ids texts remembered (a bound, not a limit on input)
_PICKED_MAX = 1024  # distinct sets of choices counted as sets per decision (likewise)


@dataclass(slots=True)
class ItemAcc:
    """Running statistics of one decision: counts, sums, and the item/rest-score covariance
    (Welford's one-pass update), so no answer is kept."""

    n: int = 0
    correct: int = 0
    sum_x: float = 0.0
    mean_x: float = 0.0
    mean_y: float = 0.0
    m2x: float = 0.0
    m2y: float = 0.0
    cxy: float = 0.0
    picked: dict[tuple[str, ...], int] = field(default_factory=dict)  # per set of choices
    overflow: dict[str, int] = field(default_factory=dict)  # per choice, past _PICKED_MAX sets

    def add(self, x: float, y: float, correct: bool, choices: tuple[str, ...]) -> None:
        self.n += 1
        self.correct += correct
        self.sum_x += x
        dx = x - self.mean_x
        dy = y - self.mean_y
        self.mean_x += dx / self.n
        self.mean_y += dy / self.n
        self.m2x += dx * (x - self.mean_x)
        self.m2y += dy * (y - self.mean_y)
        self.cxy += dx * (y - self.mean_y)
        picked = self.picked
        k = picked.get(choices)
        if k is not None:
            picked[choices] = k + 1
        elif len(picked) < _PICKED_MAX:
            picked[choices] = 1
        else:  # records with ever new sets of choices: count per choice, memory bounded
            for cid in choices:
                self.overflow[cid] = self.overflow.get(cid, 0) + 1

    @property
    def counts(self) -> dict[str, int]:
        """How many answers picked each choice (a multi-select answer counts each of its
        choices): summed from the answers' choice sets, counted one dict update an answer."""
        counts = dict(self.overflow)
        for choices, k in self.picked.items():
            for cid in choices:
                counts[cid] = counts.get(cid, 0) + k
        return counts

    def discrimination(self) -> float | None:
        """Pearson correlation of item and rest scores; None when undefined (as pearson)."""
        if self.n < 2 or self.m2x <= 1e-12 or self.m2y <= 1e-12:
            return None
        return self.cxy / math.sqrt(self.m2x * self.m2y)


@dataclass(slots=True)
class GroupAcc:
    """One module version's running item statistics and misconception counts."""

    tags_of: dict[str, tuple[str, ...]]
    items: dict[tuple[str, str], ItemAcc] = field(default_factory=dict)
    met: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    attempt: str | None = None
    attempt_met: set[str] = field(default_factory=set)
    attempt_held: set[str] = field(default_factory=set)

    def close_attempt(self) -> None:
        """Count the tags the previous latest attempt met and held (one learner each: a
        learner has one latest attempt per module version)."""
        for tag in self.attempt_met:
            self.met[tag] = self.met.get(tag, 0) + 1
        for tag in self.attempt_held:
            self.held[tag] = self.held.get(tag, 0) + 1
        self.attempt_met.clear()
        self.attempt_held.clear()


def aggregate(
    store: Records,
    policy: str,
    by_sha: dict[str, Module],
    module_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> dict[tuple[str, str], GroupAcc]:
    """One pass over the answers the report needs (streamed, ordered by module version and
    attempt), kept as running statistics: memory grows with the decisions, not the answers."""
    groups: dict[tuple[str, str], GroupAcc] = {}
    parsed: dict[str, tuple[str, ...]] = {}  # a choice_ids text seen before: few distinct
    rows = iter_item_answers(store, policy, module_id=module_id, since=since, until=until)
    key: tuple[str, str] | None = None
    group: GroupAcc | None = None
    cur_mid = cur_sha = None
    items: dict[tuple[str, str], ItemAcc] = {}
    tags_of: dict[str, tuple[str, ...]] = {}
    # One tuple per answer (the columns of ITEM_FIELDS), unpacked once; rows come grouped by
    # module version, so the group changes rarely.
    for row in rows:
        (mid, sha, attempt, score, max_score, counted, latest, scenario, step, text, points,
         max_points, outcome, seq) = row  # fmt: skip
        if sha != cur_sha or mid != cur_mid or group is None:  # no tuple built per answer
            cur_mid, cur_sha = mid, sha
            key = (mid, sha)
            group = groups.get(key)
            if group is None:
                module = by_sha.get(sha)
                by_scenario = {s.id: s.tags for s in module.scenarios} if module is not None else {}
                group = groups[key] = GroupAcc(by_scenario)
            items, tags_of = group.items, group.tags_of
        choices = parsed.get(text)
        if choices is None:
            choices = store.choices_of(text, attempt, seq)  # damage is reported
            if len(parsed) < _PARSED_MAX:
                parsed[text] = choices
        if counted:
            x = points / max_points if max_points else 0.0
            rest_max = (max_score or 0.0) - max_points
            y = ((score or 0.0) - points) / rest_max if rest_max > 0 else 0.0
            item = items.get((scenario, step))
            if item is None:
                item = items[(scenario, step)] = ItemAcc()
            item.add(x, y, outcome == "correct", choices)
        if latest:
            if attempt != group.attempt:
                group.close_attempt()
                group.attempt = attempt
            met = tags_of.get(scenario)
            if met:
                group.attempt_met.update(met)
                if outcome == "incorrect":
                    group.attempt_held.update(met)
    for group in groups.values():
        group.close_attempt()
    return groups
