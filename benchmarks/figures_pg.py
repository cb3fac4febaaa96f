"""PostgreSQL figures (issue #15): one answer's commit over the local socket against a bare
psycopg INSERT + COMMIT, and start-up to the first screen with a PostgreSQL records URL
against the same start on SQLite. The scale figures on PostgreSQL are in figures_scale.py.

Every figure here runs on the run's throwaway server (benchmarks/pgserver.py: durable
commits, fsync on); without a server binary the rows are skipped with one note saying why.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import pgserver
from benchmarks.harness import Row, median, percentile

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "launch.py"


# Figures not measured in this run, and why (RESULTS.md's "Skipped" section).
SKIPPED: list[str] = []


def skipped(what: str) -> list[Row]:
    """No rows for ``what``; the reason goes to SKIPPED."""
    SKIPPED.append(f"{what}: skipped — {pgserver.missing()}")
    return []


def bench_pg_commit(cfg: Any) -> list[Row]:
    from benchmarks.figures import ms
    from trainer.records.opening import open_store

    server = pgserver.get()
    if server is None:
        return skipped("PostgreSQL answer commit")
    import psycopg

    url = server.database("bench_commit")
    store = open_store(url)
    learner = store.add_learner("Bench Learner", "employee")
    attempt = store.start_attempt(
        learner.id, "bench-course", "bench-01", "1.0.0", "0" * 64, "employee", 1
    )
    bare = psycopg.connect(url)  # not autocommit: the first statement begins a transaction
    bare.execute(
        "CREATE TABLE bare_answers (attempt_id BIGINT, seq BIGINT, scenario_id TEXT, "
        "step_id TEXT, choice_ids TEXT, points DOUBLE PRECISION, max_points BIGINT, "
        "outcome TEXT, answered_at TEXT, PRIMARY KEY (attempt_id, seq))"
    )
    bare.commit()
    store_times, bare_times = [], []
    n = max(30, cfg.commits // 2)
    gc.collect()
    for seq in range(1, n + 1):
        start = time.perf_counter()
        store.record_answer(
            attempt.id, seq, "sc-0001", f"s{seq % 5 + 1}", ("a", "c"), 1.5, 2, "partial"
        )
        store_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.execute(
            "INSERT INTO bare_answers VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (1, seq, "sc-0001", f"s{seq % 5 + 1}", '["a", "c"]', 1.5, 2, "partial",
             "2026-01-01T00:00:00Z"),
        )  # fmt: skip
        bare.commit()
        bare_times.append(time.perf_counter() - start)
    store.close()
    bare.close()
    fig, floor = ms(median(store_times)), ms(median(bare_times))
    ratio = fig / floor
    note = (
        f"{n:,} answers, alternating with the floor, over the Unix socket to a local PostgreSQL "
        f"{server.version} with durable commits (fsync on, synchronous_commit on); the store's "
        "transaction is BEGIN with its write receipt (the guard against a COMMIT applied "
        "twice after a dropped connection) in one round trip, the INSERT … SELECT that checks "
        "the attempt is open, COMMIT; the floor is one INSERT and COMMIT "
        "with psycopg on the same server, into a table with the same columns and key"
    )
    return [
        Row(
            "PostgreSQL: answer commit (record_answer), median",
            fig,
            floor,
            "ms",
            "bare psycopg INSERT + COMMIT, same server",
            "≤ 2 ms and ≤ 2.5× floor",
            fig <= 2 and ratio <= 2.5,
            note,
        ),
        Row(
            "PostgreSQL: answer commit, p99",
            ms(percentile(store_times, 99)),
            ms(percentile(bare_times, 99)),
            "ms",
            "bare INSERT + COMMIT p99",
            "info",
            None,
            "tail of the same run",
        ),
    ]


def kiosk_pg(server: Any, name: str) -> str:
    """A PostgreSQL records database with the start-up kiosk's four learners; its URL."""
    from benchmarks.figures_start import KIOSK_LEARNERS
    from trainer.records.opening import open_store

    url = str(server.database(name))
    with open_store(url) as store:
        for learner in KIOSK_LEARNERS:
            store.add_learner(learner, "employee")
    return url


def bench_pg_startup(cfg: Any) -> list[Row]:
    from benchmarks.figures import ms, spawn
    from benchmarks.figures_scale import first_screen
    from benchmarks.figures_start import _kiosk

    server = pgserver.get()
    if server is None:
        return skipped("PostgreSQL start-up")
    course, what = cfg.course()
    work = cfg.tmp / "pg-startup"
    sqlite_data, pg_data = work / "sqlite", work / "pg"
    _kiosk(sqlite_data)
    url = kiosk_pg(server, "bench_kiosk")
    py = sys.executable
    argv = [py, str(LAUNCHER), "trainer", "--course", str(course)]
    on_sqlite = [*argv, "--data-dir", str(sqlite_data)]
    on_pg = [*argv, "--data-dir", str(pg_data), "--records", url]
    if not cfg.quick:  # untimed: byte-code and course caches, the OS file cache
        for a in (on_sqlite, on_pg):
            spawn(a, cfg.tmp)
    got: dict[str, list[float]] = {"sqlite": [], "pg": []}
    screens: set[str] = set()
    for _ in range(cfg.startup_runs):
        for key, a in (("sqlite", on_sqlite), ("pg", on_pg)):
            seconds, report = first_screen(cfg, a)
            got[key].append(seconds)
            screens.add(report["screen"])
    pairs = zip(got["pg"], got["sqlite"], strict=True)
    paired = median([p / s for p, s in pairs])
    return [
        Row(
            "PostgreSQL: start to the first screen (`--records postgresql://…`)",
            ms(median(got["pg"])),
            ms(median(got["sqlite"])),
            "ms",
            "the same start on SQLite",
            "≤ 1.3× floor",
            paired <= 1.3,
            f"{what}; the kiosk's 4 learners on each backend; first screen: "
            f"{', '.join(sorted(screens))}; launcher as in the start-up figure; "
            f"{cfg.startup_runs} paired runs (SQLite then PostgreSQL), ratio the median of "
            "the per-pair ratios; the PostgreSQL start pays importing psycopg, connecting and "
            "checking the schema",
            paired_ratio=paired,
        )
    ]
