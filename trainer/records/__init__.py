"""Durable records of learners, attempts, answers and certificates (SQLite)."""

from trainer.records.store import (
    AnswerRow,
    AttemptRow,
    CertificateRow,
    LearnerRow,
    RecordsStore,
    StoreError,
)

__all__ = [
    "AnswerRow",
    "AttemptRow",
    "CertificateRow",
    "LearnerRow",
    "RecordsStore",
    "StoreError",
]
