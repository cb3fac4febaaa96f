"""The xAPI outbox half of the records store: statements queued for the LRS until it has them.

Table ``xapi_outbox`` (migration 4): one row per statement id, its JSON as queued, when it was
queued and sent, how many sends failed and the last error. Push state (last success, last
error) lives in ``meta`` under ``push.*`` keys. The SQL is shared by both backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trainer.records.learners import LearnerRecords

if TYPE_CHECKING:
    import uuid

    from trainer.records.derived import DerivedIds

_UPSERT_META = (
    "INSERT INTO meta (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class OutboxRecords(LearnerRecords):
    """Queue, list and mark xAPI statements (see :mod:`trainer.xapi.outbox` for their use)."""

    def derived_ids(self, root: uuid.UUID) -> DerivedIds:
        """The xAPI ids of these records under ``root`` (the database id): see
        :mod:`trainer.records.derived`."""
        from trainer.records.derived import DerivedIds  # uuid, which imports platform: here

        return DerivedIds(root, self._uid_keys)

    def _uid_keys(self, table: str) -> dict[str, int]:
        assert table in ("learners", "attempts")
        return {str(uid): int(key) for uid, key in self._rows(f"SELECT uid, id FROM {table}")}

    def queue_statements(self, rows: Sequence[tuple[str, str]]) -> int:
        """Add (id, JSON) statements not queued before; how many were new."""
        now = self._now()
        added = 0
        with self._write("queueing xAPI statements") as db:
            for statement_id, text in rows:
                cur = db.execute(
                    "INSERT INTO xapi_outbox (id, statement, queued_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO NOTHING",
                    (statement_id, text, now),
                )
                added += max(cur.rowcount, 0)
        return added

    def pending_statements(self, limit: int) -> list[tuple[str, str]]:
        """Up to ``limit`` unsent statements, oldest queued first: (id, JSON text)."""
        rows = self._rows(
            "SELECT id, statement FROM xapi_outbox WHERE sent_at IS NULL "
            "ORDER BY queued_at, id LIMIT ?",
            (limit,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    def queued_statement_ids(self) -> set[str]:
        return {str(r[0]) for r in self._rows("SELECT id FROM xapi_outbox")}

    def mark_statements_sent(self, ids: Sequence[str]) -> None:
        now = self._now()
        with self._write("recording sent xAPI statements") as db:
            for statement_id in ids:
                db.execute(
                    "UPDATE xapi_outbox SET sent_at = ?, last_error = NULL WHERE id = ?",
                    (now, statement_id),
                )
            db.execute(_UPSERT_META, ("push.last_success", now))

    def mark_statements_failed(self, ids: Sequence[str], error: str) -> None:
        with self._write("recording a failed xAPI send") as db:
            for statement_id in ids:
                db.execute(
                    "UPDATE xapi_outbox SET tries = tries + 1, last_error = ? WHERE id = ?",
                    (error, statement_id),
                )
            db.execute(_UPSERT_META, ("push.last_error", error))
            db.execute(_UPSERT_META, ("push.last_error_at", self._now()))

    def outbox_counts(self) -> tuple[int, int, dict[str, Any]]:
        """(pending, sent, the ``push.*`` meta values)."""
        counts = self._one(
            "SELECT count(*) FILTER (WHERE sent_at IS NULL), "
            "count(*) FILTER (WHERE sent_at IS NOT NULL) FROM xapi_outbox"
        ) or (0, 0)
        meta = dict(self._rows("SELECT key, value FROM meta WHERE key LIKE 'push.%'"))
        return int(counts[0] or 0), int(counts[1] or 0), meta
