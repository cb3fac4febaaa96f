"""The records database connection: opening safely, migrating, and converting failures.

Durability rules:

* the database file is created 0600 and its folder 0700 before SQLite touches them;
* WAL journal; every connection sets ``synchronous`` itself (NORMAL for answers, which
  survives a killed process; FULL around completions, which survives power loss too);
* a file that is not ours (not SQLite, another application's database, or a newer schema)
  is refused with a clear message and never written to;
* every SQLite failure reaches callers as a :class:`StoreError` subclass (full disk,
  read-only folder, locked, damaged: see :mod:`trainer.records.errors`), never raw;
* ``read_only=True`` (the reporting commands) never creates or writes anything: the file is
  opened with ``mode=ro`` and read in place (memory stays flat at any size); a file of an older
  schema is copied into memory and upgraded there.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Self

from trainer.records.errors import (
    StoreConflict,
    StoreDamaged,
    StoreError,
    StoreReadOnly,
    convert,
    convert_os,
)
from trainer.records.migrations import MIGRATIONS, SCHEMA_VERSION
from trainer.records.times import utc_now
from trainer.safetext import terminal_safe

APPLICATION_ID = 0x54524E52  # "TRNR"
DB_NAME = "records.sqlite3"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_READONLY, _CANTOPEN = 8, 14  # SQLite result codes


def _create_private(path: Path) -> None:
    """Create the folder (0700) and an empty database file (0600) if they do not exist."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _check_header(path: Path) -> bool:
    """Refuse a file that is not SQLite; True when the file holds anything at all."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, a device never end
            raise StoreError(
                f"{terminal_safe(str(path))} is not a regular file, so it cannot be the records "
                "database. Nothing was changed. Point --data-dir at another folder."
            )
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise convert_os(exc, path, "reading it") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreDamaged(
            f"{path} is not a trainer records database (it is not an SQLite file). "
            "Nothing was changed. Move it aside or point --data-dir elsewhere."
        )
    return bool(head)


def _read_only_copy(path: Path) -> sqlite3.Connection:
    """The database at ``path`` opened with ``mode=ro`` (never written): in place when its
    schema is current, else an in-memory copy that can be upgraded without touching the file.

    A missing or empty file (also behind a symlink) gives empty records: nothing is created.
    """
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreError(
            f"the data folder {terminal_safe(str(path.parent))} is not a folder. Nothing was "
            "changed. Point --data-dir at a folder."
        )
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if not path.exists() or not _check_header(path):
        return memory
    uri = path.resolve().as_uri()
    try:
        source = _open_read_only(f"{uri}?mode=ro")
    except sqlite3.OperationalError as exc:
        # A folder nobody may write: SQLite cannot make its shared-memory file beside the
        # database, and nobody can be writing to it either, so it can be read as immutable.
        if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF not in (_READONLY, _CANTOPEN):
            raise
        source = _open_read_only(f"{uri}?immutable=1")
    if source.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        memory.close()
        return source  # current: read in place, so a large database is not held in memory
    try:
        source.backup(memory)
    finally:
        source.close()
    return memory


def _open_read_only(uri: str) -> sqlite3.Connection:
    source = sqlite3.connect(uri, uri=True, timeout=15.0, isolation_level=None)
    try:
        source.execute("PRAGMA busy_timeout = 15000")
        source.execute("PRAGMA user_version").fetchone()  # fails here if it cannot be read
    except sqlite3.Error:
        source.close()
        raise
    return source


class StoreBase:
    """One connection to the records database. Use as a context manager or call close().

    With ``read_only=True`` nothing is ever written to ``path`` or its folder: the records
    are read with SQLite's ``mode=ro`` (an older schema: from a private in-memory copy).
    """

    #: Appended to a SELECT inside :meth:`_write` that must lock the row it reads. SQLite's
    #: ``BEGIN IMMEDIATE`` already serialises writers; PostgreSQL needs ``FOR UPDATE``.
    _lock = ""

    def __init__(
        self, path: Path, *, now: Callable[[], str] = utc_now, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.location = terminal_safe(str(self.path))
        # One connection, used by the UI thread and the app's workers: one at a time.
        self._mutex = threading.RLock()
        self._now = now
        self.read_only = read_only
        self._sealed = False
        try:
            if read_only:
                self._db = _read_only_copy(self.path)
            else:
                _create_private(self.path)
                _check_header(self.path)
                self._db = sqlite3.connect(
                    self.path, timeout=15.0, isolation_level=None, check_same_thread=False
                )
            self._configure()
            self._migrate()
            if read_only:  # the in-memory copy refuses writes too: nothing can be lost there
                self._db.execute("PRAGMA query_only = ON")
                self._sealed = True
        except sqlite3.Error as exc:
            self._close_quietly()
            raise convert(exc, self.path, "opening it") from None
        except OSError as exc:
            self._close_quietly()
            raise convert_os(exc, self.path, "opening it") from None
        except StoreError:
            self._close_quietly()
            raise

    @classmethod
    def in_dir(
        cls, data_dir: Path, *, now: Callable[[], str] = utc_now, read_only: bool = False
    ) -> Self:
        """Open the database in a data folder (creating both if needed, unless read-only)."""
        return cls(Path(data_dir) / DB_NAME, now=now, read_only=read_only)

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ set-up
    def _configure(self) -> None:
        db = self._db
        db.execute("PRAGMA busy_timeout = 15000")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (version or tables):
            raise StoreError(
                f"{self.path} is an SQLite database of another application, not trainer "
                "records. Nothing was changed. Point --data-dir at another folder."
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer trainer (schema {version}, this one knows "
                f"{SCHEMA_VERSION}). Nothing was changed. Upgrade trainer to open it."
            )
        if not self.read_only:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. a network file system
                raise StoreError(f"cannot use write-ahead logging on {self.path} (got {mode})")
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        db = self._db
        if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return  # nothing to do, and a read-only connection must not even begin a write
        while True:
            with self._write("upgrading its schema"):
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version >= SCHEMA_VERSION:
                    return
                step = MIGRATIONS[version]
                if callable(step):
                    step(db)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {version + 1}")

    @property
    def schema_version(self) -> int:
        row = self._one("PRAGMA user_version")
        return int(row[0]) if row else 0

    # ------------------------------------------------------------------ access
    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a query; any SQLite failure becomes a :class:`StoreError`."""
        try:
            with self._mutex:
                return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise convert(exc, self.path, "reading it") from None

    def _stream(
        self, sql: str, args: Sequence[object] = (), *, in_order: bool = False
    ) -> Iterator[tuple[Any, ...]]:
        """Yield the rows of one query as SQLite steps through them (batches of 500), so
        memory does not grow with the records. Failures become :class:`StoreError`.
        ``in_order``: the query's order is an index's (see the PostgreSQL store); SQLite's
        planner already reads such a query in that index's order."""
        with self._mutex:
            try:
                cursor = self._db.execute(sql, args)
                cursor.arraysize = 500
                while batch := cursor.fetchmany():
                    yield from batch
            except sqlite3.Error as exc:
                raise convert(exc, self.path, "reading it") from None

    def _one(self, sql: str, args: Sequence[object] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    @contextmanager
    def _write(self, doing: str, *, full_sync: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken immediately so concurrent writers queue, not fail.

        SQLite failures become :class:`StoreError`; a constraint violation becomes
        :class:`StoreConflict` for the caller to explain.
        """
        if self._sealed:
            raise StoreReadOnly(
                f"the records in {self.location} were opened read-only (for reporting) while "
                f"{doing}; nothing was changed."
            )
        db = self._db
        with self._mutex, self._transaction(db, doing, full_sync):
            yield db

    @contextmanager
    def _transaction(self, db: sqlite3.Connection, doing: str, full_sync: bool) -> Iterator[None]:
        try:
            if full_sync:
                db.execute("PRAGMA synchronous = FULL")
            try:
                db.execute("BEGIN IMMEDIATE")
                yield
                db.execute("COMMIT")
            except BaseException:
                self._rollback_quietly()  # SQLite may have rolled back already (a full disk)
                raise
            finally:
                if full_sync:
                    db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.IntegrityError as exc:
            raise StoreConflict(f"the records refused this while {doing}: {exc}") from None
        except sqlite3.Error as exc:
            raise convert(exc, self.path, doing) from None

    def _serialise(self, db: sqlite3.Connection, what: str) -> None:
        """Make writers that check-then-insert ``what`` take turns (see the PostgreSQL
        backend); nothing to do here: ``BEGIN IMMEDIATE`` already serialises every writer."""

    def _rollback_quietly(self) -> None:
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
