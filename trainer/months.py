"""Calendar months: how long a completion counts and when a recertification falls due.

Its own module so that a command that dates completions (``trainer status``, the export)
needs neither :mod:`trainer.progress` nor its row types.
"""

from __future__ import annotations

from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` plus a number of calendar months (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day <= 28:
        return date(year, month, day.day)
    last = 31 if month == 12 else (date(year, month + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
