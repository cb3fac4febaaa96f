"""``add_months`` (a completion's validity, the status's valid-from day) is the calendar's
month arithmetic, clamped to the month's last day, exactly as calendar.monthrange gives it,
errors included (it no longer imports calendar: every command that reads the records did)."""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from trainer.months import add_months


def by_the_calendar(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def outcome(f: object, day: date, months: int) -> object:
    try:
        return f(day, months)  # type: ignore[operator]
    except (ValueError, OverflowError) as exc:
        return type(exc)


@given(day=st.dates(), months=st.integers(-130_000, 130_000) | st.integers(-30, 30))
def test_add_months_is_the_calendars(day: date, months: int) -> None:
    assert outcome(add_months, day, months) == outcome(by_the_calendar, day, months)


def test_month_ends_and_leap_years() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 31), 12) == date(2027, 12, 31)
    assert add_months(date(2026, 5, 30), 1) == date(2026, 6, 30)
