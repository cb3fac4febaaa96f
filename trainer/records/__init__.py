"""Durable records of learners, attempts, answers and certificates (SQLite or PostgreSQL).

Names are imported on first use (as in :mod:`trainer.bank`), so a command that needs one
part of the records (``trainer status`` reads a stream) does not import every other part
with the package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    **dict.fromkeys(
        (
            "AttemptClosed",
            "StoreBusy",
            "StoreConflict",
            "StoreDamaged",
            "StoreError",
            "StoreFull",
            "StoreReadOnly",
        ),
        "errors",
    ),
    **dict.fromkeys(("InvalidName", "LearnerHistoryRow", "LearnerRow"), "learners"),
    "open_store": "opening",
    **dict.fromkeys(("AnswerRow", "AttemptRow", "CertificateRow", "RecordsStore"), "store"),
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"trainer.records.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'trainer.records' has no attribute {name!r}")


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
