"""Streaming reads of the records for reports that grow with the organisation.

Each function runs one SQL statement on the store's connection and yields rows as the
backend produces them (SQLite steps a cursor; PostgreSQL uses a server-side cursor), never
``fetchall``-ed, so memory does not grow with the number of learners, attempts or answers.
Any failure becomes a :class:`~trainer.records.errors.StoreError`, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trainer.records.contract import Records
from trainer.records.rows import LEARNER, learner_row, select
from trainer.records.times import stamp

if TYPE_CHECKING:
    from trainer.records.row_types import LearnerRow

#: Columns of :func:`iter_export_rows`, in order.
EXPORT_FIELDS: tuple[str, ...] = (
    "attempt_id",
    "learner",
    "external_id",
    "organisation",
    "role",
    "course_id",
    "module_id",
    "module_version",
    "module_sha256",
    "started_at",
    "finished_at",
    "score",
    "max_score",
    "percent",
    "passed",
)

_EXPORT_SQL = (
    "SELECT a.uid, l.name, l.external_id, l.organisation, a.role, a.course_id, "
    "a.module_id, a.module_version, a.module_sha256, a.started_at, a.finished_at, a.score, "
    "a.max_score, a.percent, a.passed "
    "FROM attempts AS a JOIN learners AS l ON l.id = a.learner_id {where} "
    "ORDER BY a.started_at, a.id"
)


def _stream(
    store: Records, sql: str, args: Sequence[object], *, in_order: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Yield the rows of one query as the backend produces them (its ``_stream``)."""
    return store._stream(sql, args, in_order=in_order)


def iter_export_rows(
    store: Records,
    *,
    learner_id: str | None = None,
    course_id: str | None = None,
    module_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Attempts with their learner, oldest first (``started_at``, then id), as tuples of
    :data:`EXPORT_FIELDS` (the attempt id: its UUID; times: the records' UTC texts): one
    JOIN, streamed. ``since`` is inclusive, ``until`` exclusive (compared with
    ``started_at``), as in :meth:`RecordsStore.attempts`."""
    where, args = _where(course_id, module_id, since, until, "a.")
    if learner_id is not None:
        where = f"{where} AND l.uid = ?" if where else "WHERE l.uid = ?"
        args.append(learner_id)
    return _stream(store, _EXPORT_SQL.format(where=where), args)


def _where(
    course_id: str | None,
    module_id: str | None,
    since: datetime | None,
    until: datetime | None,
    prefix: str = "",
) -> tuple[str, list[object]]:
    """A WHERE clause over the attempts' columns (empty when no filter is given); times
    are compared as the records' texts (they sort)."""
    where: list[str] = []
    args: list[object] = []
    for column, value in (("course_id", course_id), ("module_id", module_id)):
        if value is not None:
            where.append(f"{prefix}{column} = ?")
            args.append(value)
    if since is not None:
        where.append(f"{prefix}started_at >= ?")
        args.append(stamp(since))
    if until is not None:
        where.append(f"{prefix}started_at < ?")
        args.append(stamp(until))
    return (f"WHERE {' AND '.join(where)}" if where else ""), args


# --------------------------------------------------------------------------- item report

#: Columns of :func:`iter_item_answers`, in order.
ITEM_FIELDS: tuple[str, ...] = (
    "module_id",
    "module_sha256",
    "attempt_id",
    "score",
    "max_score",
    "counted",
    "latest",
    "scenario_id",
    "step_id",
    "choice_ids",
    "points",
    "max_points",
    "outcome",
    "seq",
)

_PICK = {
    "latest": "rl = 1",
    "first": "rf = 1",
    "all": "1 = 1",  # a boolean on both backends (PostgreSQL refuses "1 OR ...")
}


def item_groups(
    store: Records,
    *,
    module_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[tuple[str, str, str, str, int, int]]:
    """One row per module version with finished attempts: ``(module_id, module_sha256,
    id of its earliest-started finished attempt, version of its latest-started one,
    finished attempts, distinct learners)``, by module and then in the order the versions
    were first recorded. Few rows: one per module file version.

    One grouping pass over the attempts (counts, earliest and latest start), then per
    version two seeks into the ``started_at`` index for the attempts that started then
    (ties broken by id, as a window ordered by start and id would): no window function,
    which sorted every finished attempt twice."""
    where, args = _where(None, module_id, since, until)
    finished = "finished_at IS NOT NULL AND passed IS NOT NULL"
    where = f"{where} AND {finished}" if where else f"WHERE {finished}"
    # The filters are on the module and the start time, so every finished attempt of the
    # version that started at its earliest or latest start is one the grouping counted.
    same = (
        "a.module_id = g.mid AND a.module_sha256 = g.sha"
        " AND a.finished_at IS NOT NULL AND a.passed IS NOT NULL"
    )
    sql = (
        "WITH g AS (SELECT module_id AS mid, module_sha256 AS sha, COUNT(*) AS n,"
        " COUNT(DISTINCT learner_id) AS nl, MIN(started_at) AS lo, MAX(started_at) AS hi"
        f" FROM attempts {where} GROUP BY module_id, module_sha256), "
        "h AS (SELECT mid, sha, n, nl,"
        f" (SELECT MIN(a.id) FROM attempts AS a WHERE a.started_at = g.lo AND {same}) AS first,"
        f" (SELECT a.module_version FROM attempts AS a WHERE a.started_at = g.hi AND {same}"
        " ORDER BY a.id DESC LIMIT 1) AS version FROM g) "
        "SELECT mid, sha, (SELECT a.uid FROM attempts AS a WHERE a.id = h.first), version, n, nl"
        " FROM h ORDER BY mid, first"
    )
    return list(_stream(store, sql, args))


def iter_item_answers(
    store: Records,
    policy: str,
    *,
    module_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The answers of finished attempts that the item report needs, as tuples of
    :data:`ITEM_FIELDS`, in one streamed query: each attempt counted under ``policy``
    (``counted``: 1) and each learner's latest finished attempt per module version
    (``latest``: 1; the misconception tags use it whatever the policy). Ordered by module
    version, then attempt (by id; by start time for ``all``, as the store lists them), then
    answer sequence. Only the columns the report reads: no join to the learners, and the
    first-attempt window only for the ``first`` policy."""
    if policy not in _PICK:
        raise ValueError(f"policy must be one of {', '.join(_PICK)}")
    where, args = _where(None, module_id, since, until)
    finished = "finished_at IS NOT NULL AND passed IS NOT NULL"
    where = f"{where} AND {finished}" if where else f"WHERE {finished}"
    order = "f.started_at, f.id" if policy == "all" else "f.id"
    first = (
        ", ROW_NUMBER() OVER (PARTITION BY module_id, module_sha256, learner_id"
        " ORDER BY finished_at, id) AS rf"
        if policy == "first"
        else ""
    )
    sql = (
        "WITH f AS (SELECT id, uid, module_id, module_sha256, started_at, score, max_score,"
        " ROW_NUMBER() OVER (PARTITION BY module_id, module_sha256, learner_id"
        f" ORDER BY finished_at DESC, id DESC) AS rl{first} FROM attempts {where}) "
        f"SELECT f.module_id, f.module_sha256, f.uid, f.score, f.max_score,"
        f" {_PICK[policy]} AS counted, rl = 1 AS latest, s.scenario_id, s.step_id,"
        " s.choice_ids, s.points, s.max_points, s.outcome, s.seq"
        " FROM f JOIN answers AS s ON s.attempt_id = f.id"
        f" WHERE {_PICK[policy]} OR rl = 1"
        f" ORDER BY f.module_id, f.module_sha256, {order}, s.seq"
    )
    return _stream(store, sql, args)


#: How many of a status row's values are the learner's (:func:`status_learner`).
STATUS_LEARNER_VALUES = len(LEARNER)


def status_learner(row: Sequence[Any]) -> LearnerRow:
    """The learner of one row of :func:`iter_status_rows`."""
    return learner_row(row[:STATUS_LEARNER_VALUES])


# One row per learner: the learners (filtered) in the list's order (organisation, name key,
# id: the learners_order index, so nothing is sorted), each joined to its row of the
# course_passes summary (schema 7: one row per learner and course attempted, kept by
# triggers): the ids of the modules with a pass and their latest passes, or NULL when the
# learner never attempted the course. One seek per learner; nothing aggregated here.
_STATUS_SQL = (
    "SELECT {columns}, c.modules, c.passes"
    " FROM learners AS l LEFT JOIN course_passes AS c"
    " ON c.learner_id = l.id AND c.course_id = ?"
    " {where} ORDER BY l.organisation, l.name_key, l.id"
)


#: Where a learner is in the list's order (organisation, name key, key): opaque outside
#: trainer/records, made by :func:`status_middle` and given back as a range's end.
ListPlace = tuple[str, str, int]
_PLACE = "(l.organisation, l.name_key, l.id)"


def _learner_filter(
    role: str | None,
    organisation_lower: str | None,
    since: ListPlace | None = None,
    until: ListPlace | None = None,
) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    args: list[object] = []
    if role is not None:
        clauses.append("l.role = ?")
        args.append(role)
    if organisation_lower is not None and organisation_lower.isascii():
        clauses.append("lower(l.organisation) = ?")
        args.append(organisation_lower)
    if since is not None:
        clauses.append(f"{_PLACE} >= (?, ?, ?)")
        args += list(since)
    if until is not None:
        clauses.append(f"{_PLACE} < (?, ?, ?)")
        args += list(until)
    return clauses, args


def status_query(
    course_id: str,
    *,
    columns: Sequence[tuple[str, str]] = LEARNER,
    role: str | None = None,
    organisation_lower: str | None = None,
    since: ListPlace | None = None,
    until: ListPlace | None = None,
) -> tuple[str, list[object]]:
    """The SQL and arguments of :func:`iter_status_rows` (also the benchmark's floor)."""
    clauses, args = _learner_filter(role, organisation_lower, since, until)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _STATUS_SQL.format(columns=select(columns), where=where), [course_id, *args]


def status_middle(
    store: Records,
    *,
    share: float = 0.5,
    role: str | None = None,
    organisation_lower: str | None = None,
) -> tuple[int, ListPlace | None]:
    """How many learners :func:`iter_status_rows` would read (with these filters; the
    organisation only when ASCII, as there), and the place of the one that leaves
    ``share`` of them from there on (None when there is none), so that two processes can
    each read a part."""
    clauses, args = _learner_filter(role, organisation_lower)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    found = list(_stream(store, f"SELECT COUNT(*) FROM learners AS l {where}", args))
    count = int(found[0][0]) if found else 0
    middle = list(
        _stream(
            store,
            f"SELECT l.organisation, l.name_key, l.id FROM learners AS l {where}"
            " ORDER BY l.organisation, l.name_key, l.id LIMIT 1 OFFSET ?",
            [*args, min(count - 1, int(count * (1 - share)))],
        )
    )
    if not middle:
        return count, None
    place = middle[0]
    return count, (str(place[0]), str(place[1]), int(place[2]))


def iter_status_rows(
    store: Records,
    course_id: str,
    *,
    columns: Sequence[tuple[str, str]] = LEARNER,
    role: str | None = None,
    organisation_lower: str | None = None,
    since: ListPlace | None = None,
    until: ListPlace | None = None,
) -> Iterator[tuple[Any, ...]]:
    """For the organisation status (:mod:`trainer.compliance.status`): one row per learner,
    its ``columns`` (of :data:`~trainer.records.rows.LEARNER`: all of them by default, in
    order), then, from the course_passes summary of ``course_id``: the ids of the modules
    with a pass (comma-separated, in module id order) and those modules' latest passes
    (their ``finished_at`` texts, in the same order); both None when the learner never
    attempted the course, both ``''`` when it attempted but passed nothing. Ordered by
    organisation, name key, id; streamed. ``organisation_lower`` narrows in SQL only when
    it is ASCII (the caller checks the rest exactly). ``since`` / ``until``: only the
    learners from that place in the list on / before it (see :func:`status_middle`)."""
    sql, args = status_query(
        course_id,
        columns=columns,
        role=role,
        organisation_lower=organisation_lower,
        since=since,
        until=until,
    )
    return _stream(store, sql, args, in_order=True)  # the learners_order index's
