"""Smoke test of the benchmark harness on tiny inputs: every row is present, ratios are numbers.

No timing is asserted here; ``make bench`` measures, this only checks the harness still runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROWS = (
    "Warm kiosk start to first screen",
    "First-ever start (empty data folder)",
    "Start after a course change",
    "Peak memory after start-up",
    "First Enter after the first screen",
    "First Enter, ",
    "Certificate: `trainer certificate` process",
    "Bank validation (validate_paths, in-process)",
    "Bank validation (`trainer validate`, subprocess)",
    "Warm load, unchanged course (cache hit)",
    "Warm load, generated",
    "Answer commit (RecordsStore.record_answer), median",
    "Answer commit, p99",
    "Answer to feedback",
    "Keypress → feedback in a real terminal",
    "Certificate: render + sign",
    "Certificate: verify PDF",
    "Hostile certificate input: slowest",
    "Hostile certificate input: peak memory",
    "Records at scale: bulk write",
    *(
        f"Scale, 20 learners (SQLite): {what}"
        for what in (
            "`records --format csv`, time",
            "`records --format csv`, peak memory",
            "`report items`, time",
            "`report items`, peak memory",
            "`status`, time",
            "`status`, peak memory",
            "TUI start to the learner list",
            "dashboard (course_progress",
            "history (store.attempts",
            "learner search",
        )
    ),
    "Dashboard query",
    "History query",
)
# With a PostgreSQL server binary (tests/pgserver.py finds it), these rows too; without one
# the run says, under "Skipped", why they are not there.
PG_ROWS = (
    "PostgreSQL: answer commit (record_answer), median",
    "PostgreSQL: answer commit, p99",
    "PostgreSQL: start to the first screen",
    *(row.replace("(SQLite)", "(PostgreSQL)") for row in ROWS if "(SQLite)" in row),
)


def _pg_available() -> bool:
    from tests.pgserver import server_bindir

    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return server_bindir() is not None


def test_quick_run_writes_every_row_with_numeric_ratios(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # about 110 s here with the PostgreSQL rows
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "| CPU |" in text and "| SQLite |" in text and "| Python |" in text
    assert "| Date |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and " | " in line]
    table = {line.split(" | ")[0][2:]: line.split(" | ") for line in rows}
    if _pg_available():
        expected = ROWS + PG_ROWS
        assert "## Skipped" not in text
    else:
        expected = ROWS
        assert not any(key.startswith("PostgreSQL") or "(PostgreSQL)" in key for key in table)
        assert "## Skipped" in text and "PostgreSQL" in text.split("## Skipped", 1)[1]
    for name in expected:
        matches = [cells for key, cells in table.items() if key.startswith(name)]
        assert len(matches) == 1, f"row {name!r} missing or repeated in:\n{text}"
        cells = matches[0]
        assert len(cells) == 7, cells
        median, ratio, met = cells[1], cells[4], cells[6].rstrip(" |")
        assert re.fullmatch(r"\d+(\.\d+)? (ms|MB|s)", median), median
        assert re.fullmatch(r"\d+(\.\d+)?×", ratio), (name, ratio)
        assert float(ratio.rstrip("×")) > 0
        assert met in ("yes", "**no**", "info"), met
    assert "failed to run" not in text
    # The console gets the same table.
    for name in expected:
        assert name.split(" (")[0].split(",")[0] in proc.stdout
