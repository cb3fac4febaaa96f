"""Compliance exports of attempt records: filtered rows as a table, CSV or JSON.

Columns (in order) are documented in docs/records.md; keep the two in step.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from trainer.progress import add_months
from trainer.records.store import RecordsStore

COLUMNS: tuple[str, ...] = (
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
    "status",
    "score",
    "max_score",
    "percent",
    "passed",
    "expires_on",
)


@dataclass(frozen=True, slots=True)
class RecordFilter:
    learner: str | None = None
    organisation: str | None = None
    course: str | None = None
    module: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    status: str | None = None  # passed | failed | expired | in-progress | abandoned


def record_rows(
    store: RecordsStore,
    flt: RecordFilter,
    *,
    validity_months: dict[str, int] | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Attempts matching the filter, one dict per attempt with :data:`COLUMNS` as keys.

    ``validity_months`` maps course ids to their recertification period; a passed attempt
    older than that is reported with status ``expired``.
    """
    today = today or date.today()
    learners = {lr.id: lr for lr in store.learners()}
    learner_id = None
    if flt.learner is not None:
        found = store.find_learner(flt.learner)
        if found is None:
            return []
        learner_id = found.id
    until = None
    if flt.until:
        until = datetime.fromisoformat(flt.until).date().toordinal() + 1
        until_text = date.fromordinal(until).isoformat()
    rows = []
    for a in store.attempts(
        learner_id=learner_id,
        course_id=flt.course,
        module_id=flt.module,
        since=flt.since,
        until=until_text if until else None,
    ):
        learner = learners[a.learner_id]
        if (
            flt.organisation is not None
            and learner.organisation.lower() != flt.organisation.lower()
        ):
            continue
        status = a.status
        expires = None
        months = (validity_months or {}).get(a.course_id)
        if a.passed and months and a.finished_at:
            expires = add_months(
                datetime.fromisoformat(a.finished_at.replace("Z", "+00:00")).date(), months
            )
            if today > expires:
                status = "expired"
        if flt.status is not None and status != flt.status:
            continue
        rows.append(
            {
                "attempt_id": a.id,
                "learner": learner.name,
                "external_id": learner.external_id,
                "organisation": learner.organisation,
                "role": a.role,
                "course_id": a.course_id,
                "module_id": a.module_id,
                "module_version": a.module_version,
                "module_sha256": a.module_sha256,
                "started_at": a.started_at,
                "finished_at": a.finished_at,
                "status": status,
                "score": a.score,
                "max_score": a.max_score,
                "percent": a.percent,
                "passed": a.passed,
                "expires_on": expires.isoformat() if expires else None,
            }
        )
    return rows


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def to_json(rows: Iterable[dict[str, Any]]) -> str:
    return (
        json.dumps({"columns": list(COLUMNS), "records": list(rows)}, indent=2, ensure_ascii=False)
        + "\n"
    )


TABLE_COLUMNS = (
    "attempt_id",
    "learner",
    "organisation",
    "module_id",
    "started_at",
    "status",
    "percent",
)


def to_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table (no box drawing) of the main columns."""
    if not rows:
        return "no records match\n"
    cells = [[("" if r[c] is None else str(r[c])) for c in TABLE_COLUMNS] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(TABLE_COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(TABLE_COLUMNS, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"
