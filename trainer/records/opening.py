"""Open the records store a location names: an SQLite file (the default) or PostgreSQL.

``postgresql://`` imports the PostgreSQL backend (and psycopg) only then, so starting on
SQLite never pays for the driver.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trainer.records.errors import StoreError
from trainer.records.store import RecordsStore
from trainer.records.times import utc_now

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(
    where: str | Path, *, read_only: bool = False, now: Callable[[], str] = utc_now
) -> RecordsStore:
    """The records at ``where``: a path or ``sqlite:///PATH`` (SQLite), or a
    ``postgresql://`` URL. Every failure is a :class:`StoreError`."""
    if isinstance(where, Path):
        return RecordsStore(where, read_only=read_only, now=now)
    if where.lower().startswith(POSTGRES_SCHEMES):
        from trainer.records.pg_store import PgRecordsStore

        return PgRecordsStore(where, read_only=read_only, now=now)
    if where.startswith("sqlite:///"):
        return RecordsStore(Path(where[len("sqlite://") :]), read_only=read_only, now=now)
    raise StoreError("the records location must be a path, sqlite:///PATH or postgresql://…")
