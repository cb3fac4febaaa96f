"""The records on a PostgreSQL server: the backend base over psycopg 3.

Imported only when a ``postgresql://`` records URL is used (trainer.records.open_store), so
the SQLite start-up never loads psycopg. It offers what the shared store code uses (see
trainer/records/base.py for SQLite): ``_rows``, ``_one``, ``_write``, ``_lock``, ``_now``,
``read_only``, ``location``, ``schema_version``, ``close`` and the context manager.

* The URL is libpq's; a password in it is refused (libpq reads it from PGPASSFILE,
  ~/.pgpass or a service file) and it is never shown: ``location`` is rebuilt without one.
* SQL is written once with ``?`` placeholders: they become ``%s`` here, and a literal ``%``
  becomes ``%%`` (text between quotes is left alone).
* The driver runs in autocommit mode, so a read never leaves a transaction open on the
  server; every ``_write`` is one explicit transaction (BEGIN ... COMMIT).
  ``read_only=True`` sets ``default_transaction_read_only``: the server refuses any write.
* Schema: an empty database gets schema 5 (trainer/records/pg_schema.py) in one
  transaction; a newer version, or a database with tables but no trainer ``meta``, is
  refused and never written.
* Network faults: a connection found dropped is re-established and the statement or
  transaction retried (at once, then after 0.2, 0.5, 1 and 2 s) before
  :class:`StoreUnavailable`. A transaction cut off midway is replayed on the new connection
  only if every statement gives the same result again; one cut off in COMMIT is checked by
  its write receipt (pg_schema.py) so it is never applied twice.
* Failures reach callers as :class:`StoreError` subclasses, terminal-safe, never with a
  password: a constraint (or the append-only trigger) -> :class:`StoreConflict`; the server
  away -> :class:`StoreUnavailable`; no privilege or a read-only connection ->
  :class:`StoreReadOnly`; a full disk -> :class:`StoreFull`; a lock wait over 15 s or a
  deadlock -> :class:`StoreBusy`.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Self

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.types.numeric import FloatLoader

from trainer.records.errors import StoreDamaged, StoreError, StoreReadOnly, StoreUnavailable
from trainer.records.pg_schema import CREATE_SCHEMA, PG_MIGRATIONS, PG_SCHEMA_VERSION
from trainer.records.pg_sql import (
    BoolAsInt,
    checked_params,
    convert,
    describe,
    lost,
    reason,
    to_pg,
    unavailable,
    unreachable,
)
from trainer.records.pg_txn import RETRY_DELAYS, Result, Transaction
from trainer.records.times import utc_now

_SCHEMA_LOCK = 0x54524E52  # advisory lock key ("TRNR"): one creator/upgrader at a time
_PRUNE_EVERY = 500  # write transactions per connection between prunings of old receipts
# Applied unless the URL sets them: fail fast on a host that does not answer, notice a dead
# peer on TCP, and name the program in pg_stat_activity.
_CONNECT_DEFAULTS = {
    "connect_timeout": "5",
    "application_name": "trainer",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    "tcp_user_timeout": "15000",
}
# Per session: a lock wait gives up after 15 s (SQLite's busy timeout), and a kiosk that
# vanished inside a transaction does not hold its locks for ever.
_SESSION_SETUP = (
    "SET lock_timeout = '15s'",
    "SET idle_in_transaction_session_timeout = '60s'",
)


class PgStoreBase:
    """One connection to the records database on a PostgreSQL server."""

    _lock = " FOR UPDATE"

    def __init__(
        self,
        url: str,
        *,
        now: Callable[[], str] = utc_now,
        read_only: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._params = checked_params(url)
        self.location = describe(self._params)
        self._now = now
        self._sleep = sleep
        self.read_only = read_only
        self._conn: psycopg.Connection[Any] | None = None
        self._reader: psycopg.Connection[Any] | None = None  # streams' own (see _stream)
        self._streaming = False
        self._txn: Transaction | None = None
        self._mutex = threading.RLock()  # one connection: one thread's transaction at a time
        self._writes = itertools.count(1)
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ connection
    def _connect(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self._drop()
        self._conn = self._open()
        return self._conn

    def _open(self) -> psycopg.Connection[Any]:
        """A new connection, set up as every connection of this store is."""
        extra = {k: v for k, v in _CONNECT_DEFAULTS.items() if k not in self._params}
        if (self._params.get("host") or "/").startswith("/"):
            extra = {k: v for k, v in extra.items() if not k.startswith(("keepalives", "tcp_"))}
        conn = psycopg.connect(make_conninfo("", **self._params, **extra), autocommit=True)
        try:
            conn.adapters.register_dumper(bool, BoolAsInt)
            conn.adapters.register_loader("numeric", FloatLoader)  # avg() etc., as SQLite
            for statement in _SESSION_SETUP:
                conn.execute(statement)
            if self.read_only:
                conn.execute("SET default_transaction_read_only = on")
        except BaseException:
            conn.close()
            raise
        return conn

    def _pause(self, delay: float) -> None:
        if delay > 0:
            self._sleep(delay)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):
                conn.close()

    def _drop_reader(self) -> None:
        conn, self._reader = self._reader, None
        if conn is not None:
            with suppress(Exception):
                conn.close()

    def close(self) -> None:
        self._drop_reader()
        self._drop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ low level
    def _execute(self, query: str, params: Any, *, many: bool) -> Result:
        conn = self._connect()
        with conn.cursor() as cur:
            if many:
                cur.executemany(query, params)
                return Result([], cur.rowcount)
            cur.execute(query, params)
            rows = cur.fetchall() if cur.description is not None else []
            return Result(rows, cur.rowcount)

    def _execute_converted(self, query: str, params: Any, many: bool, doing: str) -> Result:
        try:
            return self._execute(query, params, many=many)
        except psycopg.Error as exc:
            raise self._convert(exc, doing) from None

    def _begin(self, token: uuid.UUID) -> bool:
        """BEGIN and insert ``token``'s receipt; False when it was there (committed)."""
        conn = self._connect()
        # One round trip: BEGIN and the receipt (and now and then the pruning) as one simple
        # query; the token is a UUID we made, so writing it into the text is safe.
        sql = (
            f"BEGIN; INSERT INTO write_receipts (token) VALUES ('{uuid.UUID(str(token))}')"
            " ON CONFLICT DO NOTHING RETURNING token"
        )
        if next(self._writes) % _PRUNE_EVERY == 0:
            sql += "; DELETE FROM write_receipts WHERE at < now() - interval '1 day'"
        with conn.cursor() as cur:
            cur.execute(sql.encode())
            cur.nextset()  # past BEGIN's result, to the receipt's
            return cur.fetchone() is not None

    def _commit(self) -> None:
        conn = self._conn
        if conn is None:
            raise psycopg.OperationalError("the connection is closed")
        conn.execute("COMMIT")

    def _commit_converted(self, doing: str) -> None:
        try:
            self._commit()
        except psycopg.Error as exc:
            # Lost again in the replayed COMMIT: say so; the next write checks nothing more,
            # and the receipt keeps a later retry of the same change from doubling it.
            self._drop()
            if lost(exc, self._conn):
                raise self._unavailable(exc, doing) from None
            raise self._convert(exc, doing) from None

    def _rollback_quietly(self) -> None:
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            with suppress(psycopg.Error):
                conn.execute("ROLLBACK")

    # ------------------------------------------------------------------ errors
    def _unavailable(self, exc: BaseException | None, doing: str) -> StoreUnavailable:
        return unavailable(self.location, exc, doing)

    def _convert(self, exc: psycopg.Error, doing: str) -> StoreError:
        user = self._params.get("user", "")
        return convert(exc, doing, location=self.location, user=user, conn=self._conn)

    # ------------------------------------------------------------------ schema
    def _prepare(self) -> None:
        """Connect, and check (read-only) or create/upgrade (otherwise) the schema."""
        for delay in (*RETRY_DELAYS, None):
            try:
                self._connect()
                break
            except psycopg.Error as exc:
                self._drop()
                if not unreachable(exc):
                    raise self._convert_open(exc) from None
                if delay is None:
                    raise self._unavailable(exc, "opening it") from None
                self._pause(delay)
        version = self._version()
        if version == PG_SCHEMA_VERSION:
            return
        if version is not None and version > PG_SCHEMA_VERSION:
            raise StoreError(
                f"the records database {self.location} was written by a newer trainer "
                f"(schema {version}, this one knows {PG_SCHEMA_VERSION}). Nothing was "
                "changed. Upgrade trainer to open it."
            )
        if self.read_only:
            what = "holds no trainer records yet" if version is None else "has an older schema"
            raise StoreError(
                f"the records database {self.location} {what}; opened read-only (for "
                "reporting), it is not changed. Open it once for writing (e.g. run trainer "
                "as its owner) to create or upgrade trainer's tables."
            )
        with self._write("creating trainer's tables", receipt=False) as db:
            db.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            version = self._version()  # again, under the lock: another may have done it
            if version is None:
                self._refuse_foreign()
                for statement in CREATE_SCHEMA:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?), "
                    "('database_id', ?)",
                    (str(PG_SCHEMA_VERSION), str(uuid.uuid4())),
                )
                version = PG_SCHEMA_VERSION
            while version < PG_SCHEMA_VERSION:
                if version not in PG_MIGRATIONS:
                    raise StoreDamaged(
                        f"the records database {self.location} has schema {version}, which "
                        "no trainer made on PostgreSQL. Nothing was changed."
                    )
                for statement in PG_MIGRATIONS[version]:
                    db.execute(statement)
                version += 1
                db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),)
                )

    def _convert_open(self, exc: psycopg.Error) -> StoreError:
        """A refusal at connection (no such database or user, authentication failed...)."""
        if isinstance(exc, psycopg.OperationalError):
            return StoreError(
                f"cannot open the records database {self.location}: {reason(exc)}. "
                "Nothing was changed. Check the records URL, the password file (~/.pgpass "
                "or PGPASSFILE) and that this user may connect."
            )
        return self._convert(exc, "opening it")

    def _version(self) -> int | None:
        """meta's schema_version, or None when there is no trainer ``meta`` table."""
        row = self._one("SELECT to_regclass('meta') IS NOT NULL")
        if not row or not row[0]:
            return None
        row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        text = str(row[0]) if row else ""
        if not text.isdigit():
            raise StoreError(
                f"the database {self.location} has a 'meta' table but no trainer schema "
                "version: it is not trainer records. Nothing was changed. Use another "
                "database."
            )
        return int(text)

    def _refuse_foreign(self) -> None:
        row = self._one(
            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relkind IN ('r', 'v', 'm', 'p', 'f')"
        )
        if row and int(row[0]):
            raise StoreError(
                f"the database {self.location} already holds tables that are not trainer "
                "records. Nothing was changed. Use an empty database of its own for trainer."
            )

    @property
    def schema_version(self) -> int:
        return self._version() or 0

    # ------------------------------------------------------------------ access
    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a query (inside a write: in its transaction); failures -> StoreError."""
        with self._mutex:
            if self._txn is not None:
                return self._txn.execute(sql, args).fetchall()
            return self._read(sql, args)

    def _read(self, sql: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
        query, params = to_pg(sql), tuple(args)
        for delay in (*RETRY_DELAYS, None):
            try:
                return self._execute(query, params, many=False).rows
            except psycopg.Error as exc:
                if not lost(exc, self._conn):
                    raise self._convert(exc, "reading them") from None
                self._drop()
                if delay is None:
                    raise self._unavailable(exc, "reading them") from None
                self._pause(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _one(self, sql: str, args: Sequence[object] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    def _stream(
        self, sql: str, args: Sequence[object] = (), *, in_order: bool = False
    ) -> Iterator[tuple[Any, ...]]:
        """Yield the rows of one query as the server sends them (libpq's chunked mode,
        500 rows a chunk: ``Cursor.stream``), so memory does not grow with the records and
        the server goes on producing rows while this process works on the last ones (a
        server-side cursor waits for each FETCH: the server's time and ours add up). The
        stream has a connection of its own, so the store reads and writes as usual while
        one is open (a stream inside another uses a server-side cursor on the store's
        connection). A consumer that stops early cancels the query. Not retried: a report
        that loses the server half-way says so (:class:`StoreUnavailable`) rather than
        restarting silently. ``in_order``: the query's ORDER BY is an index's order, so the
        planner is told not to sort (``enable_sort`` off for this transaction): with a sort
        no row comes before the last is sorted (0.33 s for the status of 100,000 learners,
        first row at once, against 0.57 s with a parallel hash join and a sort)."""
        with self._mutex:
            if self._txn is not None:
                yield from self._txn.execute(sql, args).fetchall()
                return
            if self._streaming:
                yield from self._cursor_stream(sql, args)
                return
            conn = self._reader
            if conn is None or conn.closed or conn.broken:
                self._drop_reader()
                try:
                    conn = self._reader = self._open()
                except psycopg.Error as exc:
                    raise self._unavailable(exc, "reading them") from None
            self._streaming = True
            try:
                with conn.transaction(), conn.cursor() as cur:
                    if in_order:
                        cur.execute("SET LOCAL enable_sort = off")
                    yield from cur.stream(to_pg(sql), tuple(args), size=500)
            except psycopg.Error as exc:
                if lost(exc, conn):
                    self._drop_reader()
                    raise self._unavailable(exc, "reading them") from None
                raise self._convert(exc, "reading them") from None
            finally:
                self._streaming = False

    def _cursor_stream(self, sql: str, args: Sequence[object]) -> Iterator[tuple[Any, ...]]:
        """The rows of one query through a server-side cursor on the store's connection
        (500 rows a fetch)."""
        conn = self._connect_for("reading them")
        try:
            with (
                conn.transaction(),
                conn.cursor(name=f"trainer_stream_{next(self._writes)}") as cur,
            ):
                cur.itersize = 500
                cur.execute(to_pg(sql), tuple(args))
                yield from cur
        except psycopg.Error as exc:
            if lost(exc, self._conn):
                self._drop()
                raise self._unavailable(exc, "reading them") from None
            raise self._convert(exc, "reading them") from None

    def _serialise(self, db: Transaction, what: str) -> None:
        """Make writers that check-then-insert ``what`` (e.g. ``"learners"``: a name or an
        external ID must be free) take turns until this transaction ends. SQLite needs
        nothing (``BEGIN IMMEDIATE`` serialises every writer); here a transaction-level
        advisory lock does it (no privilege needed), where ``FOR UPDATE`` cannot lock a row
        that does not exist yet."""
        db.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK}, hashtext(?))", (what,))

    @contextmanager
    def _write(
        self, doing: str, *, full_sync: bool = False, receipt: bool = True
    ) -> Iterator[Transaction]:
        """One write transaction (every commit is durable: ``full_sync`` changes nothing
        here). Failures become :class:`StoreError`; a constraint -> :class:`StoreConflict`.
        Another thread using this store waits until the transaction ends."""
        with self._mutex, self._transaction(doing, receipt) as txn:
            yield txn

    @contextmanager
    def _transaction(self, doing: str, receipt: bool) -> Iterator[Transaction]:
        if self.read_only:
            raise StoreReadOnly(
                f"the records in {self.location} were opened read-only (for reporting) "
                f"while {doing}; nothing was changed."
            )
        if self._txn is not None:
            raise StoreError(f"internal error: a write inside a write while {doing}")
        txn = Transaction(self, doing, receipt=receipt)
        if receipt:
            txn.begin()
        else:  # creating the schema: there is no receipts table yet
            try:
                self._connect_for(doing).execute("BEGIN")
            except psycopg.Error as exc:
                self._drop()
                raise self._unavailable(exc, doing) from None
        self._txn = txn
        try:
            yield txn
            self._txn = None
            if receipt:
                txn.commit()
            else:
                self._commit_converted(doing)
        except BaseException:
            self._txn = None
            self._rollback_quietly()
            raise

    def _connect_for(self, doing: str) -> psycopg.Connection[Any]:
        try:
            return self._connect()
        except psycopg.Error as exc:
            self._drop()
            raise self._unavailable(exc, doing) from None


__all__ = ["PgStoreBase", "Transaction", "checked_params", "describe", "to_pg"]
