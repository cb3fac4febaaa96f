"""Words and symbols the screens show for engine and records states.

Every state is shown in words and with a symbol, never by colour alone.
"""

from __future__ import annotations

from datetime import date, datetime

from trainer.records.errors import StoreDamaged
from trainer.records.times import moment
from trainer.words import OUTCOME_WORDS as OUTCOME_WORDS  # re-exported for the screens
from trainer.words import ROLE_WORDS as ROLE_WORDS
from trainer.words import STATUS_WORDS as STATUS_WORDS
from trainer.words import TAG_WORDS as TAG_WORDS
from trainer.words import tag_myth as tag_myth
from trainer.words import tag_name as tag_name


def status_text(status: str) -> str:
    symbol, words = STATUS_WORDS.get(status, ("?", status))
    return f"{symbol} {words}"


def outcome_text(outcome: str) -> str:
    symbol, words = OUTCOME_WORDS.get(outcome, ("?", outcome))
    return f"{symbol} {words}"


def role_text(role: str) -> str:
    return ROLE_WORDS.get(role, role)


def points_text(points: float) -> str:
    return f"{points:g}"


def day_text(value: str | date | datetime | None) -> str:
    """A date as 2025-03-01; times from the records are shown in local time."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    try:
        when = moment(value)
    except StoreDamaged:
        return value
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
