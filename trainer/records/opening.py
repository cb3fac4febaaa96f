"""Open the records store a location names: an SQLite file (the default) or PostgreSQL.

``postgresql://`` imports the PostgreSQL backend (and psycopg) only then, so starting on
SQLite never pays for the driver.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from trainer.records.errors import StoreError
from trainer.records.store import RecordsStore
from trainer.records.times import utc_now

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _sqlite_path(where: str | Path) -> Path | None:
    if isinstance(where, Path):
        return where
    if where.startswith("sqlite:///"):
        return Path(where[len("sqlite://") :])
    return None


def no_records_yet(where: str | Path) -> bool:
    """True when ``where`` names an SQLite file that does not exist yet (nor anything else
    by that name, not even a dangling link): it holds no learners, so the app's first
    screen is the new-learner form, and opening the store (which creates the file) can wait
    until after that screen is drawn. False for PostgreSQL and whenever there is doubt."""
    path = _sqlite_path(where)
    if path is None:
        return False
    try:
        return not os.path.lexists(path)
    except (OSError, ValueError):
        return False


def open_store(
    where: str | Path, *, read_only: bool = False, now: Callable[[], str] = utc_now
) -> RecordsStore:
    """The records at ``where``: a path or ``sqlite:///PATH`` (SQLite), or a
    ``postgresql://`` URL. Every failure is a :class:`StoreError`."""
    if not isinstance(where, Path) and where.lower().startswith(POSTGRES_SCHEMES):
        from trainer.records.pg_store import PgRecordsStore

        return PgRecordsStore(where, read_only=read_only, now=now)
    path = _sqlite_path(where)
    if path is not None:
        return RecordsStore(path, read_only=read_only, now=now)
    raise StoreError("the records location must be a path, sqlite:///PATH or postgresql://…")
