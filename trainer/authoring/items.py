"""Item analysis of the records: how each decision performs, and which myths persist.

Definitions (documented for trainers in docs/records.md, "Item report"):

* **Attempts counted.** Only finished attempts (passed or failed; never in-progress or
  abandoned). By default each learner's *latest* finished attempt per module version
  (``policy="latest"``); ``"first"`` takes each learner's first finished attempt, ``"all"``
  every finished attempt. Attempts at different versions of a module file (different
  ``module_sha256``) are analysed apart and never mixed.
* **n**: the counted attempts that reached the decision (branching means not every attempt
  meets every decision).
* **Facility**: the share of those ``n`` answers that were fully correct (full points).
* **Mean**: the mean item score, ``points / max_points`` (partial credit counts).
* **Discrimination**: the corrected item-total correlation, i.e. the Pearson correlation
  between the item score ``x = points / max_points`` and the rest score
  ``y = (attempt score − points) / (attempt maximum − max_points)`` over the ``n`` attempts.
  For a single or true/false decision ``x`` is 0 or 1 and this is the point-biserial
  correlation. It is undefined (shown ``-``) when ``n < 2`` or either score does not vary.
* **Choices**: how often each choice was picked (a multi-select answer counts each choice
  selected), and the share of the ``n`` answers that picked it.
* **Flags**, only when ``n`` is at least ``min_sample`` (default 10): ``too-easy`` (facility
  > 0.9), ``too-hard`` (facility < 0.3), ``negative-discrimination`` (discrimination < 0).
* **Misconception tags.** A learner *holds* a tag's misconception when, in their latest
  finished attempt at that module version, they answered at least one decision of a
  scenario with that tag *incorrectly* (outcome ``incorrect``: no points; a partly correct
  multi-select answer does not count). The share is holders / learners whose latest attempt
  met at least one decision with that tag. Tags come from the module file, so they need the
  file of that version (the course's, or one passed with ``--bank``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from trainer.authoring.items_stats import GroupAcc, ItemAcc, aggregate
from trainer.bank.model import Module
from trainer.records.contract import Records
from trainer.records.stream import item_groups
from trainer.records.times import start_of

Policy = Literal["latest", "first", "all"]
POLICIES: tuple[str, ...] = ("latest", "first", "all")
MIN_SAMPLE = 10
TOO_EASY = 0.9
TOO_HARD = 0.3
SHORT_HASH = 12


@dataclass(frozen=True, slots=True)
class ChoiceCount:
    choice_id: str
    correct: bool | None  # None when the module file of this version is not available
    picked: int
    share: float
    text: str | None = None


@dataclass(frozen=True, slots=True)
class ItemStats:
    scenario_id: str
    step_id: str
    step_type: str | None
    n: int
    facility: float
    mean_score: float
    discrimination: float | None
    choices: tuple[ChoiceCount, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TagStats:
    tag: str
    learners: int
    holders: int

    @property
    def share(self) -> float:
        return self.holders / self.learners if self.learners else 0.0


@dataclass(frozen=True, slots=True)
class GroupReport:
    module_id: str
    module_version: str
    module_sha256: str
    attempts: int
    learners: int
    items: tuple[ItemStats, ...]
    tags: tuple[TagStats, ...]
    module_known: bool

    @property
    def short_hash(self) -> str:
        return self.module_sha256[:SHORT_HASH]


@dataclass(frozen=True, slots=True)
class ItemReport:
    groups: tuple[GroupReport, ...]
    policy: str
    min_sample: int
    since: str | None = None
    until: str | None = None
    notes: tuple[str, ...] = field(default=())


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation, or None when undefined (fewer than 2 pairs or no variance)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _flags(n: int, facility: float, r: float | None, min_sample: int) -> tuple[str, ...]:
    if n < min_sample:
        return ()
    flags = []
    if facility > TOO_EASY:
        flags.append("too-easy")
    if facility < TOO_HARD:
        flags.append("too-hard")
    if r is not None and r < 0:
        flags.append("negative-discrimination")
    return tuple(flags)


def _item_order(module: Module | None, keys: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    keys = list(dict.fromkeys(keys))
    if module is None:
        return keys
    rank = {
        (s.id, st.id): i
        for i, (s, st) in enumerate((s, st) for s in module.scenarios for st in s.steps)
    }
    first_seen = {k: i for i, k in enumerate(keys)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), first_seen[k]))


def _item_stats(
    key: tuple[str, str], item: ItemAcc, module: Module | None, min_sample: int
) -> ItemStats:
    n = item.n
    step = None
    if module is not None:
        try:
            step = module.scenario(key[0]).step(key[1])
        except KeyError:
            step = None
    counts = item.counts
    if step is not None:
        choices = tuple(
            ChoiceCount(c.id, c.correct, counts.get(c.id, 0), counts.get(c.id, 0) / n, c.text)
            for c in step.choices
        )
    else:
        choices = tuple(ChoiceCount(cid, None, k, k / n) for cid, k in sorted(counts.items()))
    facility = item.correct / n
    r = item.discrimination()
    return ItemStats(
        scenario_id=key[0],
        step_id=key[1],
        step_type=step.type if step is not None else None,
        n=n,
        facility=facility,
        mean_score=item.sum_x / n,
        discrimination=r,
        choices=choices,
        flags=_flags(n, facility, r, min_sample),
    )


def item_report(
    store: Records,
    *,
    module_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    policy: str = "latest",
    min_sample: int = MIN_SAMPLE,
    modules: Iterable[Module] = (),
) -> ItemReport:
    """Item statistics per module version from the records (see the module docstring).

    ``since``/``until`` are ISO dates compared with the attempt's start (until inclusive);
    ``modules`` are module files to take choice texts, correct answers and tags from,
    matched to the records by SHA-256. One streamed pass over the answers (see
    :func:`trainer.records.stream.iter_item_answers`); no query per attempt.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
    by_sha = {m.sha256: m for m in modules}
    since_bound = start_of(date.fromisoformat(since)) if since else None
    until_bound = None
    if until:
        until_bound = start_of(date.fromisoformat(until) + timedelta(days=1))
    found = item_groups(store, module_id=module_id, since=since_bound, until=until_bound)
    stats = aggregate(store, policy, by_sha, module_id, since_bound, until_bound)
    notes = []
    reports = []
    # by module, then in the order the versions were first recorded (the query's order)
    for mid, sha, _first, version, count, learners in sorted(found, key=lambda g: g[0]):
        module = by_sha.get(sha)
        if module is None:
            notes.append(
                f"module {mid} {sha[:SHORT_HASH]}: its file (this version) was not "
                "found, so choice texts, unpicked choices and tags are missing; pass "
                "the old file with --bank"
            )
        group = stats.get((mid, sha)) or GroupAcc({})
        items = tuple(
            _item_stats(key, group.items[key], module, min_sample)
            for key in _item_order(module, group.items)
        )
        tags: tuple[TagStats, ...] = ()
        if module is not None:
            tags = tuple(
                TagStats(tag, met, group.held.get(tag, 0)) for tag, met in sorted(group.met.items())
            )
        reports.append(
            GroupReport(
                module_id=mid,
                module_version=version,
                module_sha256=sha,
                attempts=count if policy == "all" else learners,
                learners=learners,
                items=items,
                tags=tags,
                module_known=module is not None,
            )
        )
    return ItemReport(tuple(reports), policy, min_sample, since, until, tuple(notes))


# --------------------------------------------------------------------------- output

ITEM_COLUMNS: tuple[str, ...] = (
    "module_id",
    "module_version",
    "module_sha256",
    "scenario_id",
    "step_id",
    "step_type",
    "n",
    "facility",
    "mean_score",
    "discrimination",
    "flags",
    "choices",
)
TAG_COLUMNS: tuple[str, ...] = (
    "module_id",
    "module_version",
    "module_sha256",
    "tag",
    "learners",
    "holders",
    "share",
)


def _num(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def _choices_cell(item: ItemStats) -> str:
    return "; ".join(f"{c.choice_id}{'*' if c.correct else ''}={c.picked}" for c in item.choices)


def item_rows(report: ItemReport) -> list[dict[str, Any]]:
    return [
        {
            "module_id": g.module_id,
            "module_version": g.module_version,
            "module_sha256": g.module_sha256,
            "scenario_id": i.scenario_id,
            "step_id": i.step_id,
            "step_type": i.step_type,
            "n": i.n,
            "facility": _num(i.facility),
            "mean_score": _num(i.mean_score),
            "discrimination": _num(i.discrimination),
            "flags": " ".join(i.flags),
            "choices": _choices_cell(i),
        }
        for g in report.groups
        for i in g.items
    ]


def tag_rows(report: ItemReport) -> list[dict[str, Any]]:
    return [
        {
            "module_id": g.module_id,
            "module_version": g.module_version,
            "module_sha256": g.module_sha256,
            "tag": t.tag,
            "learners": t.learners,
            "holders": t.holders,
            "share": _num(t.share),
        }
        for g in report.groups
        for t in g.tags
    ]


def to_dict(report: ItemReport) -> dict[str, Any]:
    return {
        "policy": report.policy,
        "min_sample": report.min_sample,
        "since": report.since,
        "until": report.until,
        "notes": list(report.notes),
        "groups": [
            {
                "module_id": g.module_id,
                "module_version": g.module_version,
                "module_sha256": g.module_sha256,
                "attempts": g.attempts,
                "learners": g.learners,
                "items": [
                    {
                        "scenario_id": i.scenario_id,
                        "step_id": i.step_id,
                        "step_type": i.step_type,
                        "n": i.n,
                        "facility": _num(i.facility),
                        "mean_score": _num(i.mean_score),
                        "discrimination": _num(i.discrimination),
                        "flags": list(i.flags),
                        "choices": [
                            {
                                "choice_id": c.choice_id,
                                "correct": c.correct,
                                "picked": c.picked,
                                "share": _num(c.share),
                                "text": c.text,
                            }
                            for c in i.choices
                        ],
                    }
                    for i in g.items
                ],
                "tags": [
                    {
                        "tag": t.tag,
                        "learners": t.learners,
                        "holders": t.holders,
                        "share": _num(t.share),
                    }
                    for t in g.tags
                ],
            }
            for g in report.groups
        ],
    }


def _table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += [indent + "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return [line.rstrip() for line in lines]


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def format_table(report: ItemReport, *, tags_only: bool = False) -> str:
    """Plain-text report: per module version, the items and then the misconception tags."""
    if not report.groups:
        return "no finished attempts match\n"
    which = {
        "latest": "each learner's latest finished attempt",
        "first": "each learner's first finished attempt",
        "all": "every finished attempt",
    }[report.policy]
    out: list[str] = []
    for g in report.groups:
        out.append(
            f"Module {g.module_id}, version {g.module_version}, file {g.short_hash}: "
            f"{g.attempts} attempt{'s' * (g.attempts != 1)} from {g.learners} "
            f"learner{'s' * (g.learners != 1)} ({which})"
        )
        if not tags_only:
            rows = [
                [
                    f"{i.scenario_id}/{i.step_id}",
                    i.step_type or "?",
                    str(i.n),
                    _f(i.facility),
                    _f(i.mean_score),
                    _f(i.discrimination),
                    _choices_cell(i),
                    " ".join(i.flags)
                    or ("" if i.n >= report.min_sample else f"(n<{report.min_sample})"),
                ]
                for i in g.items
            ]
            out += _table(
                [
                    "decision",
                    "type",
                    "n",
                    "facility",
                    "mean",
                    "r_pb",
                    "picked (* correct)",
                    "flags",
                ],
                rows,
            )
        if g.tags:
            out.append("  Misconceptions (share of learners holding each, latest attempt):")
            out += _table(
                ["tag", "learners", "holding", "share"],
                [[t.tag, str(t.learners), str(t.holders), _f(t.share)] for t in g.tags],
                indent="    ",
            )
        out.append("")
    out.append(
        f"facility = share fully correct; r_pb = corrected item-total correlation; flags need "
        f"n >= {report.min_sample}: too-easy > {TOO_EASY}, too-hard < {TOO_HARD}, "
        "negative-discrimination < 0. See docs/records.md."
    )
    out += [f"note: {n}" for n in report.notes]
    return "\n".join(out) + "\n"
