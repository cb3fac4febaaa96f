"""Durable records of learners, attempts, answers and certificates (SQLite or PostgreSQL)."""

from trainer.records.errors import (
    AttemptClosed,
    StoreBusy,
    StoreConflict,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreReadOnly,
)
from trainer.records.learners import InvalidName, LearnerHistoryRow, LearnerRow
from trainer.records.opening import open_store
from trainer.records.store import AnswerRow, AttemptRow, CertificateRow, RecordsStore

__all__ = [
    "AnswerRow",
    "AttemptClosed",
    "AttemptRow",
    "CertificateRow",
    "InvalidName",
    "LearnerHistoryRow",
    "LearnerRow",
    "RecordsStore",
    "StoreBusy",
    "StoreConflict",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreReadOnly",
    "open_store",
]
