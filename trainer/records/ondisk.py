"""What an SQLite records file says about itself, read without opening it as a store.

The only place outside the store that looks into the file: ``trainer records --format xapi``
asks, before a read-only open, whether the file predates its ``database_id`` (a read-only
open upgrades such a file in memory only, so ids from it would change every time). Nothing
here writes, creates or upgrades anything.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_schema_version(path: Path) -> int | None:
    """The schema version written in the SQLite file at ``path`` (``PRAGMA user_version``),
    read with ``mode=ro``; None when there is no database there yet (missing or empty file)
    or it cannot be read (the store's own open then says what is wrong with it)."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
    except OSError:
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15.0)
        try:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
        finally:
            db.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
