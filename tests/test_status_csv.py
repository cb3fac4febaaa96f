"""``trainer status --format csv`` writes each row with its own loop (a plain join when that
is exactly what the csv module writes): for any cell text, the bytes are those of the
generic writer (``write_csv`` of each record), formula triggers neutralised."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.commands.status import CSV_COLUMNS, _record, write_status_csv
from trainer.compliance.status import LEARNER_VALUES, LearnerStatus
from trainer.export import write_csv
from trainer.records.rows import LEARNER, learner_row

# Text that reaches the cells: commas, quotes, line breaks, formula triggers, spaces, tabs,
# non-ASCII, empty.
cell_st = st.text(alphabet=st.sampled_from("ab ,\"\r\n\t=+-@|%'é;"), max_size=6)
day_st = st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31))


@st.composite
def values_st(draw: Any) -> tuple[Any, ...]:
    fields = {
        "id": draw(cell_st.filter(bool)),  # a UUID's text, or a hand edit's
        "name": draw(cell_st),
        "external_id": draw(cell_st),
        "organisation": draw(cell_st),
        "role": draw(st.sampled_from(("employee", "contractor", "=role"))),
        "created_at": "2026-01-01T00:00:00Z",
        "email": draw(cell_st),
        "due_date": None,
        "managed_by": "",
    }
    learner = tuple(fields[name] for name, _sql in LEARNER)
    assert len(learner) == LEARNER_VALUES
    state = draw(st.sampled_from(("complete", "due", "expired", "in-progress", "not-started")))
    done, required = draw(st.integers(0, 9)), draw(st.integers(0, 9))
    return (learner, state, draw(day_st), draw(day_st), draw(day_st), done, required, draw(day_st))


@settings(max_examples=300)
@given(rows=st.lists(values_st(), max_size=8))
def test_the_status_csv_is_the_generic_writers_byte_for_byte(rows: list[tuple[Any, ...]]) -> None:
    fast, generic = io.StringIO(), io.StringIO()
    assert write_status_csv(rows, fast) == len(rows)
    statuses = [LearnerStatus(learner_row(r[0]), *r[1:]) for r in rows]
    write_csv((_record(s) for s in statuses), generic, CSV_COLUMNS)
    assert fast.getvalue() == generic.getvalue()


def test_the_fast_path_and_the_careful_one_interleave_in_order() -> None:
    """Plain rows are gathered 1,000 at a time; a row that needs the csv module comes out
    between them exactly where it was."""
    base = dict.fromkeys((name for name, _sql in LEARNER), "")
    rows = []
    for n in range(2500):
        learner = {**base, "id": f"u{n}", "name": f'N, "{n}"' if n % 997 == 0 else f"N{n}"}
        learner |= {"role": "employee", "created_at": "2026-01-01T00:00:00Z", "due_date": None}
        values = tuple(learner[name] for name, _sql in LEARNER)
        rows.append((values, "in-progress", None, None, None, 1, 7, None))
    out = io.StringIO()
    assert write_status_csv(rows, out) == 2500
    lines = out.getvalue().split("\r\n")
    assert lines[1].startswith('"N, ""0"""') and lines[2].startswith("N1,")
    assert lines[998].startswith('"N, ""997"""') and lines[999].startswith("N998,")
    assert lines[2500].startswith("N2499,") and lines[-1] == ""
