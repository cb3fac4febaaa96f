"""The xAPI outbox in the records store: statements queued for the LRS until it has them.

Table ``xapi_outbox`` (migration 4): one row per statement id, its JSON as queued, when it was
queued and sent, how many sends failed and the last error. Push state (last success, last
error) lives in ``meta`` under ``push.*`` keys. A statement is marked sent only after the LRS
answered that it stored it (or already had it); queueing the same id again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from trainer.records.contract import Records
from trainer.xapi.ids import ids_of
from trainer.xapi.statements import Options, statements


@dataclass(frozen=True)
class OutboxStatus:
    """What ``trainer records push --status`` reports."""

    pending: int
    sent: int
    last_success: str | None
    last_error: str | None
    last_error_at: str | None


def queue(store: Records, statements: Iterable[dict[str, Any]]) -> int:
    """Add statements not queued before (by id); how many were new."""
    rows = [(s["id"], json.dumps(s, ensure_ascii=False, separators=(",", ":"))) for s in statements]
    return store.queue_statements(rows)


def pending(store: Records, limit: int) -> list[tuple[str, str]]:
    """Up to ``limit`` unsent statements, oldest queued first: (id, JSON text)."""
    return store.pending_statements(limit)


def mark_sent(store: Records, ids: Sequence[str]) -> None:
    """The LRS has these statements: they are not sent again."""
    store.mark_statements_sent(ids)


def mark_failed(store: Records, ids: Sequence[str], error: str) -> None:
    """A send of these statements failed; they stay pending, with the error."""
    store.mark_statements_failed(ids, error)


def note_error(store: Records, error: str) -> None:
    """A push failed before any statement could be tried (e.g. refused credentials)."""
    mark_failed(store, [], error)


def status(store: Records) -> OutboxStatus:
    pending_count, sent, meta = store.outbox_counts()
    return OutboxStatus(
        pending_count,
        sent,
        meta.get("push.last_success"),
        meta.get("push.last_error"),
        meta.get("push.last_error_at"),
    )


def queue_records(store: Records, options: Options) -> int:
    """Queue every statement of the records; already queued ones are left as they were.

    A finished attempt whose result statement is queued had all its statements queued with
    it (they are made together), so it is not made again: a push costs what is new.
    """
    ids = ids_of(store)
    queued = store.queued_statement_ids()
    rows: list[dict[str, Any]] = [
        {"attempt_id": a.id}
        for a in store.attempts()
        if a.passed is None or ids.statement(a.id, "result") not in queued
    ]
    return queue(store, statements(store, rows, options))
