"""Globally unique, re-export-stable xAPI ids, all derived from one per-database UUID.

The names and the rule are :mod:`trainer.records.derived` (they need the records' own row
keys, which stay inside trainer/records); here the database id is read and checked, and
:func:`ids_of` gives the ids of a store's records, named by learner and attempt UUIDs.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from trainer.records.contract import Records
from trainer.records.derived import DerivedIds
from trainer.records.ondisk import sqlite_schema_version
from trainer.records.store import StoreError

DATABASE_ID_SCHEMA = 4  # the migration that creates meta.database_id


def database_id(store: Records) -> uuid.UUID:
    """The database's own random UUID (``meta.database_id``)."""
    value = store.meta_value("database_id")
    try:
        return uuid.UUID(value) if value is not None else _missing(store)
    except ValueError:
        raise StoreError(
            f"the records database {store.location} is damaged: its database id is not a UUID. "
            "Nothing was changed. Restore it from a backup."
        ) from None


def _missing(store: Records) -> uuid.UUID:
    raise StoreError(
        f"the records database {store.location} has no database id. Nothing was changed. "
        "Restore it from a backup."
    )


def on_disk_before_ids(store: Records) -> bool:
    """True when ``store`` reads an SQLite file that predates ``database_id``.

    A read-only open upgrades such a file in memory only, so its id would be new each time:
    xAPI ids from it would not be stable. (Opening it for writing once upgrades it for good.)
    A store without a file of its own (PostgreSQL) makes its id when it is created: False.
    """
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return False
    version = sqlite_schema_version(path)
    return version is not None and version < DATABASE_ID_SCHEMA


def ids_of(store: Records) -> DerivedIds:
    """The xAPI ids of ``store``'s records (:class:`StoreError` when its id is missing)."""
    return store.derived_ids(database_id(store))
