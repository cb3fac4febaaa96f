"""Globally unique, re-export-stable xAPI ids, all derived from one per-database UUID.

Every records database holds a random UUIDv4, ``database_id`` (table ``meta``, made once by
migration 4). Every id the xAPI export gives is ``uuid5(database_id, NAME)`` with these names
(``<rowid>`` is the SQLite row id, in decimal; ``<course>`` the course id from the course file):

=====================================  ==============================================
``learner/<rowid>``                    the learner's UUID (``account.name`` without an
                                       external id)
``attempt/<rowid>``                    the attempt's UUID (a context extension)
``learner/<rowid>/course/<course>``    ``context.registration`` (the learner's enrolment)
``attempt/<rowid>/answer/<seq>``       the ``answered`` statement for answer ``seq``
``attempt/<rowid>/completed``          the module's ``completed`` statement
``attempt/<rowid>/result``             the module's ``passed`` or ``failed`` statement
``attempt/<rowid>/course-completed``   the course's ``completed`` statement
``attempt/<rowid>/course-passed``      the course's ``passed`` statement
=====================================  ==============================================

Two machines' databases have different ``database_id`` values, so their ids never collide;
the same database always gives the same ids. A later migration that stores row UUIDs must
fill them with exactly these values (``learner/<rowid>``, ``attempt/<rowid>``).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from trainer.records.contract import Records
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


class Ids:
    """The ids of one database's records (see the module docstring for the names)."""

    def __init__(self, root: uuid.UUID) -> None:
        self.root = root

    def _make(self, name: str) -> str:
        return str(uuid.uuid5(self.root, name))

    def learner(self, learner_id: int) -> str:
        return self._make(f"learner/{learner_id}")

    def attempt(self, attempt_id: int) -> str:
        return self._make(f"attempt/{attempt_id}")

    def registration(self, learner_id: int, course_id: str) -> str:
        return self._make(f"learner/{learner_id}/course/{course_id}")

    def statement(self, attempt_id: int, what: str) -> str:
        """``what``: ``answer/<seq>``, ``completed``, ``result``, ``course-completed`` or
        ``course-passed``."""
        return self._make(f"attempt/{attempt_id}/{what}")
