"""The records store on PostgreSQL: the shared store code over the PostgreSQL backend.

Every method of :class:`~trainer.records.store.RecordsStore` (learners, attempts, answers,
certificates, roster, outbox) is written once in dialect-neutral SQL against the backend
interface (``_rows``, ``_one``, ``_write``, ``_lock``); :class:`PgStoreBase` provides that
interface over psycopg, so ``isinstance(store, RecordsStore)`` holds for both backends.
"""

from __future__ import annotations

from trainer.records.pg import PgStoreBase
from trainer.records.store import RecordsStore


class PgRecordsStore(PgStoreBase, RecordsStore):  # type: ignore[misc]
    """The records in a PostgreSQL database (see :mod:`trainer.records.pg`)."""
