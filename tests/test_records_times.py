"""Records timestamps: written one way, read one way, damage said plainly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.records.errors import StoreDamaged
from trainer.records.times import day, moment, stamp


@given(st.datetimes(timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0)))
def test_stamp_and_moment_round_trip_and_sort_as_text(when: datetime) -> None:
    text = stamp(when)
    assert moment(text) == when and text.endswith("Z") and len(text) == 20
    later = stamp(when + timedelta(seconds=1)) if when.year < 9999 else text
    assert later >= text


def test_other_zones_are_converted_to_utc_days() -> None:
    eastern = datetime(2026, 12, 1, 22, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert stamp(eastern) == "2026-12-02T03:30:00Z"
    assert day(stamp(eastern)) == date(2026, 12, 2)
    assert moment("2026-12-01T10:00:00").tzinfo is UTC  # naive text: UTC


@pytest.mark.parametrize("bad", ["", "yesterday", "2026-13-01T00:00:00Z", "\x1b[2J", None, 5])
def test_a_damaged_timestamp_is_store_damage_not_a_traceback(bad: object) -> None:
    with pytest.raises(StoreDamaged, match="where a time should be") as caught:
        moment(bad)  # type: ignore[arg-type]
    assert "\x1b" not in str(caught.value)
