"""Certificates in batch (issue #20): ``trainer certificate --all`` against one certificate.

    python -m benchmarks.figures_certs [--learners N] [--jobs J] [--quick]

Every figure is a whole process, timed from spawn to exit, as a user waits for it:

* one certificate: ``trainer certificate --learner NAME -o FILE`` (median of a few runs);
* the batch: ``trainer certificate --all -o DIR`` for N learners who all completed the
  shipped course (default 1,000; ``--learners 10000`` runs the issue's figure itself), with
  the default number of worker processes (one per core) and, for comparison, ``--jobs 1``;
* a re-run of the batch, which issues none (what a scheduled nightly run costs).

Per certificate = batch wall time / N; the 10,000 projection is that times 10,000 (the fixed
start-up cost is counted N times over, so it errs high). The target (issue #20): 10,000
certificates in ≤ 10 minutes on this machine.

The learners are written straight into the store's schema (the store creates it): N
employees, each with one passed attempt at every module their role requires.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Any

from benchmarks.harness import Row, absolute_target, console_table, median

TARGET_10K_S = 600.0


def passed_learners(data: Path, course_path: Path, n: int) -> None:
    """``n`` employees, each with a passed attempt at every required module, in ``data``."""
    from trainer.bank.loader import load_course
    from trainer.records.store import RecordsStore

    course = load_course(course_path).course
    assert course is not None
    with RecordsStore.in_dir(data) as store:
        path = store.path
    db = sqlite3.connect(path, isolation_level=None)
    learner_cols = {r[1] for r in db.execute("PRAGMA table_info(learners)")}
    attempt_cols = {r[1] for r in db.execute("PRAGMA table_info(attempts)")}
    modules = course.required_for("employee")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    for i in range(1, n + 1):
        name = f"Batch Learner {i:06d}"
        row: dict[str, Any] = {
            "name": name,
            "external_id": f"B{i:06d}",
            "organisation": "Benchmark Office",
            "role": "employee",
            "created_at": "2026-01-01T09:00:00Z",
            "uid": str(uuid.uuid4()),
            "name_key": name.casefold(),
        }
        row = {k: v for k, v in row.items() if k in learner_cols}
        cur = db.execute(
            f"INSERT INTO learners ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        learner_id = cur.lastrowid
        for m in modules:
            attempt: dict[str, Any] = {
                "learner_id": learner_id,
                "course_id": course.id,
                "module_id": m.id,
                "module_version": m.version,
                "module_sha256": m.sha256,
                "role": "employee",
                "seed": i,
                "started_at": "2026-11-20T10:00:00Z",
                "finished_at": "2026-11-20T10:20:00Z",
                "score": 9.0,
                "max_score": 10.0,
                "percent": 90,
                "passed": 1,
                "uid": str(uuid.uuid4()),
            }
            attempt = {k: v for k, v in attempt.items() if k in attempt_cols}
            db.execute(
                f"INSERT INTO attempts ({', '.join(attempt)}) "
                f"VALUES ({', '.join('?' * len(attempt))})",
                tuple(attempt.values()),
            )
    db.execute("COMMIT")
    db.close()


def bench_certificate_batch(
    tmp: Path,
    course: Path,
    learners: int,
    *,
    jobs: int | None = None,
    one_worker_too: bool = True,
    single_runs: int = 5,
) -> list[Row]:
    """The rows: per certificate in the batch (floor: one certificate as a process), the
    10,000 projection, the batch with one worker (``one_worker_too``), one certificate."""
    from benchmarks.figures import spawn

    work = tmp / "cert-batch"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    py = sys.executable
    base = [py, "-m", "trainer", "--course", str(course)]

    one = work / "one"
    passed_learners(one, course, 1)
    single = [*base, "certificate", "--data-dir", str(one), "--learner", "Batch Learner 000001"]
    spawn([*single, "-o", str(work / "warm.pdf")], work)  # key made; byte-code caches warm
    singles = [spawn([*single, "-o", str(work / f"s{k}.pdf")], work)[0] for k in range(single_runs)]
    single_ms = median(singles) * 1000

    cores = os.cpu_count() or 1
    runs: list[tuple[str, list[str]]] = [
        (f"{jobs or cores} workers", ["--jobs", str(jobs)] if jobs else [])
    ]
    if one_worker_too and jobs != 1:
        runs.append(("1 worker", ["--jobs", "1"]))
    rows: list[Row] = []
    for n, (label, extra) in enumerate(runs):
        data = work / f"data-{n}"
        passed_learners(data, course, learners)
        out = work / f"out-{n}"
        argv = [*base, "certificate", "--all", "--data-dir", str(data), "-o", str(out), *extra]
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, rss_kb, text = spawn(argv, work)  # the workers are reaped by the command:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # their CPU time is in here
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        issued = len(list(out.iterdir()))
        assert issued == learners, (issued, text.splitlines()[-1:])
        rerun, _, _ = spawn(argv, work)
        per = wall / learners
        note = (
            f"{learners:,} learners issued in {wall:.1f} s ({cpu / learners * 1000:.1f} ms of "
            f"CPU each, all processes); peak RSS of one process {rss_kb / 1024:.0f} MB; a "
            f"re-run (issues none) {rerun:.2f} s; load average {load:.1f} at the start "
            f"({cores} cores)"
        )
        rows.append(
            Row(
                f"Certificates: `certificate --all`, per certificate ({label})",
                per * 1000,
                single_ms,
                "ms",
                "one `trainer certificate` process",
                "info",
                None,
                note,
                extra={"wall_s": wall, "cpu_ms": cpu / learners * 1000, "load": load},
            )
        )
        if n == 0:
            rows.append(
                absolute_target(
                    f"Certificates: 10,000 by `certificate --all` ({label}, projected)",
                    per * 10_000,
                    None,
                    "s",
                    "—",
                    TARGET_10K_S,
                    f"per-certificate time above × 10,000 (start-up counted in each: errs "
                    f"high); measured with {learners:,} learners",
                )
            )
        shutil.rmtree(out)
    rows.append(
        Row(
            "Certificates: one `trainer certificate` process (spawn to exit)",
            single_ms,
            None,
            "ms",
            "—",
            "info",
            None,
            f"median of {single_runs} runs: what issuing costs without --all",
        )
    )
    return rows


def bench_certificates_batch(cfg: Any) -> list[Row]:
    """For ``python -m benchmarks``: 1,000 learners (quick: 8, one run of each)."""
    course, _what = cfg.course()
    if cfg.quick:
        return bench_certificate_batch(cfg.tmp, course, 8, one_worker_too=False, single_runs=1)
    return bench_certificate_batch(cfg.tmp, course, 1_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.figures_certs", description=__doc__)
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, help="this many workers (and no 1-worker run)")
    parser.add_argument("--quick", action="store_true", help="20 learners, 2 single runs")
    parser.add_argument("--tmp", type=Path, help="work folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    import tempfile

    from benchmarks.figures import SHIPPED

    learners = 20 if args.quick else args.learners
    with tempfile.TemporaryDirectory(prefix="bench-certs-", dir=args.tmp) as tmp:
        rows = bench_certificate_batch(
            Path(tmp),
            SHIPPED,
            learners,
            jobs=args.jobs,
            one_worker_too=args.jobs is None and not args.quick,
            single_runs=2 if args.quick else 5,
        )
    print(console_table(rows))
    for r in rows:
        print(f"- {r.name}: {r.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
