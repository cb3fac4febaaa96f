"""One write transaction on the PostgreSQL records, and how it survives a dropped connection.

:class:`Transaction` is what ``PgStoreBase._write`` yields: ``execute(sql, args)`` (``?``
placeholders) returning a result with ``fetchone``/``fetchall``/``rowcount``, and
``executemany``. Every statement's result is kept, so a transaction whose connection drops
before COMMIT can be replayed on a new connection; it goes on only if every statement gives
the same result again (a new id from a sequence does not: then nothing is saved and the
caller is told). A transaction cut off in COMMIT is settled by its write receipt
(trainer/records/pg_schema.py): it is never applied twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import psycopg

from trainer.records.errors import StoreUnavailable
from trainer.records.pg_sql import lost, to_pg

if TYPE_CHECKING:
    from trainer.records.pg import PgStoreBase

# Seconds to wait before each new try to reach the server: at once first (the usual case is
# a connection that went stale while idle: the server is there), then with a short backoff.
RETRY_DELAYS = (0.0, 0.2, 0.5, 1.0, 2.0)


class _Landed(Exception):
    """Internal: a replayed transaction's receipt was there: its first COMMIT landed."""


class Result:
    """A statement's result, fetched at once (so a replay can compare it)."""

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount
        self._next = 0

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self.rows):
            return None
        self._next += 1
        return self.rows[self._next - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rest = self.rows[self._next :]
        self._next = len(self.rows)
        return rest

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())

    def same(self, other: Result) -> bool:
        return self.rows == other.rows and self.rowcount == other.rowcount


class Transaction:
    """What ``_write`` yields: ``execute(sql, args)`` / ``executemany`` in one transaction.

    Each statement's result is kept, so that if the connection drops before COMMIT the
    transaction can be replayed on a new connection: it is continued only when every
    statement gives the same result again (a new id from a sequence, for one, does not).
    """

    def __init__(self, store: PgStoreBase, doing: str, *, receipt: bool = True) -> None:
        self._store = store
        self.doing = doing
        self.receipt = receipt
        self.token = uuid.uuid4()
        self._log: list[tuple[str, Any, bool, Result]] = []
        self.total_changes = 0  # rows inserted, updated or deleted (as sqlite3's counter)

    # ------------------------------------------------------------------ statements
    def execute(self, sql: str, args: Sequence[object] = ()) -> Result:
        query, params = to_pg(sql), tuple(args)
        return self._run(query, params, many=False, sql=sql)

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> Result:
        query, params = to_pg(sql), [tuple(r) for r in rows]
        return self._run(query, params, many=True, sql=sql)

    def _run(self, query: str, params: Any, *, many: bool, sql: str) -> Result:
        store = self._store
        try:
            result = store._execute(query, params, many=many)
        except psycopg.Error as exc:
            if not lost(exc, store._conn):
                raise store._convert(exc, self.doing) from None
            store._drop()
            try:
                self._recover()
            except _Landed:  # cannot be: this transaction never sent COMMIT
                raise store._unavailable(exc, self.doing) from None
            result = store._execute_converted(query, params, many, self.doing)
        self._log.append((query, params, many, result))
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE") and result.rowcount > 0:
            self.total_changes += result.rowcount
        return result

    # ------------------------------------------------------------------ life
    def begin(self) -> None:
        """BEGIN and the receipt, on a live connection (reconnecting with the retries)."""
        store = self._store
        for delay in (*RETRY_DELAYS, None):
            try:
                store._begin(self.token)
                return
            except psycopg.Error as exc:
                if not lost(exc, store._conn):
                    store._rollback_quietly()
                    raise store._convert(exc, self.doing) from None
                store._drop()
                if delay is None:
                    raise store._unavailable(exc, self.doing) from None
                store._pause(delay)

    def commit(self) -> None:
        """COMMIT. Cut off in it, the change may have landed or not: on a new connection the
        receipt tells (pg_schema.py); if it did not land, the transaction is replayed."""
        store = self._store
        for _ in range(3):
            try:
                store._commit()
                return
            except psycopg.Error as exc:
                if not lost(exc, store._conn):
                    store._rollback_quietly()
                    raise store._convert(exc, self.doing) from None
                store._drop()
                last = exc
            try:
                self._recover()
            except _Landed:
                return
        raise store._unavailable(last, self.doing)

    def _recover(self) -> None:
        """On a new connection: BEGIN, the receipt again, and every statement so far, each
        checked to give the same result. Raises :class:`_Landed` when the receipt is there
        already (the transaction committed before the connection dropped)."""
        store = self._store
        if not self.receipt:  # creating the schema: nothing to check against; start again
            raise store._unavailable(None, self.doing)
        last: BaseException | None = None
        for delay in (*RETRY_DELAYS, None):
            if last is not None:
                if delay is None:
                    break
                store._pause(delay)
            try:
                if not store._begin(self.token):
                    store._rollback_quietly()
                    raise _Landed
                for query, params, many, before in self._log:
                    again = store._execute(query, params, many=many)
                    if not again.same(before):
                        store._rollback_quietly()
                        raise StoreUnavailable(
                            f"the connection to the records server {store.location} was lost "
                            f"while {self.doing}, and the change could not be repeated exactly "
                            "on a new connection. Nothing of this was saved. Try again."
                        )
                return
            except psycopg.Error as exc:
                if not lost(exc, store._conn):
                    store._rollback_quietly()
                    raise store._convert(exc, self.doing) from None
                store._drop()
                last = exc
        raise store._unavailable(last, self.doing)
