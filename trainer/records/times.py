"""The records' timestamps: one way to write them and one way to read them.

Every timestamp the records hold is UTC text ``YYYY-MM-DDTHH:MM:SSZ`` (it sorts as text, in
SQL on both backends). The store converts at its edge: rows carry timezone-aware
:class:`~datetime.datetime` values in UTC (:func:`moment`), and a datetime given to the store
is written with :func:`stamp`. Output formats that show the records' times (CSV, JSON, xAPI)
write them with :func:`stamp` too, so they read exactly as before. A value that is not such a
timestamp (a hand-edited or damaged file) is :class:`StoreDamaged`, said plainly, not a
traceback.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from trainer.records.errors import StoreDamaged
from trainer.safetext import terminal_safe


def stamp(when: datetime) -> str:
    """``when`` as a records timestamp (converted to UTC; seconds)."""
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def utc_now() -> str:
    """Now, as a records timestamp."""
    return stamp(datetime.now(UTC))


def moment(timestamp: str) -> datetime:
    """A records timestamp as an aware datetime in UTC (a naive one is taken as UTC)."""
    try:
        value = datetime.fromisoformat(timestamp)  # takes the trailing Z (Python 3.11)
    except (ValueError, TypeError, AttributeError):
        raise StoreDamaged(
            f"the records hold {terminal_safe(repr(timestamp))[:60]} where a time should be; "
            "the records database may be damaged. Nothing was changed."
        ) from None
    if value.tzinfo is UTC:  # the records' own 'Z' timestamps
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def day(timestamp: str) -> date:
    """The UTC date of a records timestamp."""
    return moment(timestamp).date()


def utc_day(when: datetime) -> date:
    """The UTC date of a moment (a row's time: aware, in UTC already)."""
    return when.astimezone(UTC).date()


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of ``day`` (a bound for ``since`` / ``until``)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
