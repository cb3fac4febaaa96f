"""The item report as it was before it streamed (one query per attempt, every answer held):
kept as the reference the streamed report must reproduce (tests/test_items_stream.py).

Attempts were ordered by their integer id; now that rows carry UUIDs, the reference reads the
records' row keys (``_order``) to keep that order, and gives times as datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer.authoring.items import (
    MIN_SAMPLE,
    POLICIES,
    SHORT_HASH,
    ChoiceCount,
    GroupReport,
    ItemReport,
    ItemStats,
    TagStats,
    _flags,
    _item_order,
    pearson,
)
from trainer.bank.model import Module
from trainer.records.store import AnswerRow, AttemptRow, RecordsStore


def _finished(a: AttemptRow) -> bool:
    return a.finished_at is not None and a.passed is not None


_order: dict[str, int] = {}  # attempt UUID -> the records' row key (set by item_report)


def _pick(attempts: list[AttemptRow], policy: str) -> list[AttemptRow]:
    if policy == "all":
        return attempts
    per_learner: dict[str, list[AttemptRow]] = {}
    for a in attempts:
        per_learner.setdefault(a.learner_id, []).append(a)
    chosen = []
    for rows in per_learner.values():
        rows.sort(key=lambda a: (a.finished_at or a.started_at, _order[a.id]))
        chosen.append(rows[-1] if policy == "latest" else rows[0])
    return sorted(chosen, key=lambda a: _order[a.id])


def _analyse_group(
    module_id: str,
    sha: str,
    attempts: list[AttemptRow],
    answers: dict[str, list[AnswerRow]],
    module: Module | None,
    policy: str,
    min_sample: int,
) -> GroupReport:
    counted = _pick(attempts, policy)
    by_item: dict[tuple[str, str], list[tuple[AttemptRow, AnswerRow]]] = {}
    for a in counted:
        for ans in answers[a.id]:
            by_item.setdefault((ans.scenario_id, ans.step_id), []).append((a, ans))
    items = []
    for key in _item_order(module, by_item):
        pairs = by_item[key]
        n = len(pairs)
        xs = [ans.points / ans.max_points if ans.max_points else 0.0 for _, ans in pairs]
        ys = []
        for a, ans in pairs:
            rest_max = (a.max_score or 0.0) - ans.max_points
            rest = (a.score or 0.0) - ans.points
            ys.append(rest / rest_max if rest_max > 0 else 0.0)
        facility = sum(1 for _, ans in pairs if ans.outcome == "correct") / n
        r = pearson(xs, ys)
        counts: dict[str, int] = {}
        for _, ans in pairs:
            for cid in ans.choice_ids:
                counts[cid] = counts.get(cid, 0) + 1
        step = None
        if module is not None:
            try:
                step = module.scenario(key[0]).step(key[1])
            except KeyError:
                step = None
        if step is not None:
            choices = tuple(
                ChoiceCount(c.id, c.correct, counts.get(c.id, 0), counts.get(c.id, 0) / n, c.text)
                for c in step.choices
            )
        else:
            choices = tuple(ChoiceCount(cid, None, k, k / n) for cid, k in sorted(counts.items()))
        items.append(
            ItemStats(
                scenario_id=key[0],
                step_id=key[1],
                step_type=step.type if step is not None else None,
                n=n,
                facility=facility,
                mean_score=sum(xs) / n,
                discrimination=r,
                choices=choices,
                flags=_flags(n, facility, r, min_sample),
            )
        )
    tags = _tag_stats(_pick(attempts, "latest"), answers, module)
    version = attempts[-1].module_version if attempts else ""
    return GroupReport(
        module_id=module_id,
        module_version=version,
        module_sha256=sha,
        attempts=len(counted),
        learners=len({a.learner_id for a in counted}),
        items=tuple(items),
        tags=tags,
        module_known=module is not None,
    )


def _tag_stats(
    latest: list[AttemptRow], answers: dict[int, list[AnswerRow]], module: Module | None
) -> tuple[TagStats, ...]:
    if module is None:
        return ()
    tags_of = {s.id: s.tags for s in module.scenarios}
    met: dict[str, set[int]] = {}
    held: dict[str, set[int]] = {}
    for a in latest:
        for ans in answers[a.id]:
            for tag in tags_of.get(ans.scenario_id, ()):
                met.setdefault(tag, set()).add(a.learner_id)
                if ans.outcome == "incorrect":
                    held.setdefault(tag, set()).add(a.learner_id)
    return tuple(
        TagStats(tag, len(learners), len(held.get(tag, set())))
        for tag, learners in sorted(met.items())
    )


def item_report(
    store: RecordsStore,
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
    matched to the records by SHA-256.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
    by_sha = {m.sha256: m for m in modules}
    from datetime import date, timedelta

    from trainer.records.times import start_of

    _order.clear()
    _order.update((str(u), int(k)) for u, k in store._rows("SELECT uid, id FROM attempts"))
    until_bound = since_bound = None
    if until:
        until_bound = start_of(date.fromisoformat(until) + timedelta(days=1))
    if since:
        since_bound = start_of(date.fromisoformat(since))
    rows = [
        a
        for a in store.attempts(module_id=module_id, since=since_bound, until=until_bound)
        if _finished(a)
    ]
    groups: dict[tuple[str, str], list[AttemptRow]] = {}
    for a in rows:
        groups.setdefault((a.module_id, a.module_sha256), []).append(a)
    answers = {a.id: store.answers(a.id) for a in rows}
    notes = []
    reports = []
    for (mid, sha), attempts in sorted(
        groups.items(), key=lambda kv: (kv[0][0], _order[kv[1][0].id])
    ):
        module = by_sha.get(sha)
        if module is None:
            notes.append(
                f"module {mid} {sha[:SHORT_HASH]}: its file (this version) was not "
                "found, so choice texts, unpicked choices and tags are missing; pass "
                "the old file with --bank"
            )
        reports.append(_analyse_group(mid, sha, attempts, answers, module, policy, min_sample))
    return ItemReport(tuple(reports), policy, min_sample, since, until, tuple(notes))
