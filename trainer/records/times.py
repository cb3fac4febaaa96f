"""The records' timestamps: one way to write them and one way to read them.

Every timestamp the records hold is UTC text ``YYYY-MM-DDTHH:MM:SSZ`` (it sorts as text, in
SQL on both backends). Code outside the records reads them with :func:`moment` (a timezone-
aware :class:`~datetime.datetime`) or :func:`day` (its UTC date), never by hand. A value that
is not such a timestamp (a hand-edited or damaged file) is :class:`StoreDamaged`, said
plainly, not a traceback.
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
        value = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except (ValueError, TypeError, AttributeError):
        raise StoreDamaged(
            f"the records hold {terminal_safe(repr(timestamp))[:60]} where a time should be; "
            "the records database may be damaged. Nothing was changed."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def day(timestamp: str) -> date:
    """The UTC date of a records timestamp."""
    return moment(timestamp).date()
