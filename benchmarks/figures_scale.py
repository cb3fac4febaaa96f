"""Paths that grow with the organisation, at 1,000 and 10,000 learners (100,000 with
``--scale-full``), on records built by benchmarks/genrecords.py: each a process timed from
spawn to exit with its own peak memory (VmHWM, via benchmarks/peak.py), beside a floor that
is a process too."""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.genrecords import generate
from benchmarks.harness import Row, absolute_target, median, percentile, ratio_target

HERE = Path(__file__).resolve().parent
PEAK = HERE / "peak.py"
LAUNCHER = HERE / "launch.py"


def _run(cfg: Any, argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of ``peak.py`` running ``argv``."""
    from benchmarks.figures import spawn

    out = cfg.tmp / "scale-peak"
    wall, _kb, _text = spawn([sys.executable, str(PEAK), str(out), *argv], cfg.tmp)
    return wall, int(out.read_text(encoding="ascii")) / 1024


def _paired(cfg: Any, runs: int, figure: list[str], floor: list[str]) -> dict[str, Any]:
    """Alternate figure and floor ``runs`` times; medians and the median paired ratio."""
    got: dict[str, list[tuple[float, float]]] = {"figure": [], "floor": []}
    for _ in range(runs):
        got["figure"].append(_run(cfg, figure))
        got["floor"].append(_run(cfg, floor))
    pairs = zip(got["figure"], got["floor"], strict=True)
    return {
        "s": median([f[0] for f in got["figure"]]),
        "floor_s": median([f[0] for f in got["floor"]]),
        "mb": max(f[1] for f in got["figure"]),
        "floor_mb": max(f[1] for f in got["floor"]),
        "ratio": median([a[0] / b[0] for a, b in pairs]),
    }


def _first_screen(cfg: Any, data: Path, course: Path) -> float:
    from benchmarks.figures import spawn

    argv = [sys.executable, str(LAUNCHER), "trainer", "--course", str(course)]
    started = time.monotonic()
    _w, _kb, text = spawn([*argv, "--data-dir", str(data)], cfg.tmp)
    return float(json.loads(text.strip().splitlines()[-1])["ready_at"]) - started


def bench_scale(cfg: Any) -> list[Row]:
    from benchmarks.figures_start import _kiosk

    course, _what = cfg.course()
    kiosk = cfg.tmp / "scale-kiosk"
    _kiosk(kiosk)
    rows: list[Row] = []
    for n in cfg.scale:
        data = cfg.tmp / f"scale-{n}"
        info = generate(data, n, attempts=20, answers=12, course_path=course)
        db = str(data / "records.sqlite3")
        what = (
            f"{n:,} learners, {info['attempts']:,} attempts, {info['answers']:,} answers, "
            f"database {info['bytes'] / 1e6:.0f} MB (generated in {info['seconds']:.0f} s)"
        )
        label = f"{n:,} learners"
        runs = 1 if cfg.quick or n >= 100_000 else 3
        common = ["--course", str(course), "--data-dir", str(data)]
        export = _paired(
            cfg,
            runs,
            ["trainer", "records", "--format", "csv", "-o", str(data / "out.csv"), *common],
            ["floor-export", db, str(data / "floor.csv")],
        )
        rows.append(
            ratio_target(
                f"Scale, {label}: `records --format csv`, time",
                export["s"],
                export["floor_s"],
                "s",
                "streamed JOIN → csv.writer, process",
                1.5,
                f"{what}; peak memory {export['mb']:.0f} MB (floor {export['floor_mb']:.0f} MB)"
                f"; process from spawn to exit, {runs} paired runs",
                paired_ratio=export["ratio"],
            )
        )
        rows.append(
            Row(
                f"Scale, {label}: `records --format csv`, peak memory",
                export["mb"],
                export["floor_mb"],
                "MB",
                "streamed JOIN floor's peak",
                "≤ 50 MB at 100k",
                export["mb"] <= 50 if n >= 100_000 else None,
                "VmHWM of the command's own process",
            )
        )
        items = _paired(cfg, runs, ["trainer", "report", "items", *common], ["floor-items", db])
        rows.append(
            ratio_target(
                f"Scale, {label}: `report items`, time",
                items["s"],
                items["floor_s"],
                "s",
                "one ordered pass over the answers, process",
                2.0,
                f"{what}; peak memory {items['mb']:.0f} MB (floor {items['floor_mb']:.0f} MB);"
                f" {runs} paired runs",
                paired_ratio=items["ratio"],
            )
        )
        rows.append(
            Row(
                f"Scale, {label}: `report items`, peak memory",
                items["mb"],
                items["floor_mb"],
                "MB",
                "one-pass floor's peak",
                "≤ 200 MB at 100k",
                items["mb"] <= 200 if n >= 100_000 else None,
                "VmHWM of the command's own process",
            )
        )
        big: list[float] = []
        small: list[float] = []
        if not cfg.quick:
            _first_screen(cfg, data, course)  # untimed: course cache, OS cache
        for _ in range(runs):
            small.append(_first_screen(cfg, kiosk, course))
            big.append(_first_screen(cfg, data, course))
        rows.append(
            ratio_target(
                f"Scale, {label}: TUI start to the learner list",
                median(big) * 1000,
                median(small) * 1000,
                "ms",
                "the same start with 4 learners",
                1.3,
                f"launcher as in the start-up figure; {runs} paired runs",
                paired_ratio=median([b / s for b, s in zip(big, small, strict=True)]),
            )
        )
    return rows


# --------------------------------------------------------------------------- records at scale


def bench_records(cfg: Any) -> list[Row]:
    from benchmarks.figures import ms
    from trainer.bank.loader import load_course
    from trainer.progress import course_progress
    from trainer.records.store import RecordsStore

    course_path, _what = cfg.course()
    course = load_course(course_path).course
    assert course is not None
    folder = cfg.tmp / "scale"
    folder.mkdir(parents=True, exist_ok=True)
    store = RecordsStore.in_dir(folder)
    rng = random.Random(11)
    roles = ("employee", "contractor", "uniformed")
    start = time.perf_counter()
    learners = [store.add_learner(f"Learner {i:05d}", roles[i % 3]) for i in range(cfg.learners)]
    api_s = time.perf_counter() - start
    # Attempts and answers: executemany on the store's own schema, one transaction.
    db = sqlite3.connect(store.path, isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")
    attempts, answers = [], []
    attempt_id = 0
    for learner in learners:
        mods = [m for _e, m in course.modules_for(learner.role)]  # type: ignore[arg-type]
        for k in range(cfg.attempts_per_learner):
            attempt_id += 1
            m = mods[k % len(mods)]
            day = 1 + (k * 17) % 28
            started = f"2025-{1 + k % 12:02d}-{day:02d}T10:{k % 60:02d}:00Z"
            # at most one open attempt per module (the schema enforces it): the last round only
            done = rng.random() < 0.9 or k < cfg.attempts_per_learner - len(mods)
            percent = rng.randint(40, 100)
            attempts.append(
                (
                    attempt_id,
                    learner.id,
                    course.id,
                    m.id,
                    m.version,
                    m.sha256,
                    learner.role,
                    rng.randrange(2**31),
                    started,
                    started.replace("T10", "T11") if done else None,
                    percent / 10 if done else None,
                    10.0 if done else None,
                    percent if done else None,
                    int(percent >= m.pass_mark) if done else None,
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                )
            )
            for seq in range(1, cfg.answers_per_attempt + 1):
                ok = rng.random() < 0.7
                answers.append(
                    (
                        attempt_id,
                        seq,
                        f"sc-{seq // 5:02d}",
                        f"s{seq % 5 + 1}",
                        '["a"]',
                        1.0 if ok else 0.0,
                        1,
                        "correct" if ok else "incorrect",
                        started,
                    )
                )
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO attempts VALUES ({', '.join('?' * 15)})", attempts)
    db.executemany(f"INSERT INTO answers VALUES ({', '.join('?' * 9)})", answers)
    db.execute("COMMIT")
    bulk_s = time.perf_counter() - start
    plan = " / ".join(
        r[3]
        for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM attempts WHERE learner_id = ? AND course_id = ? "
            "ORDER BY started_at, id",
            (1, course.id),
        )
    )
    db.close()
    bare = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = NORMAL")
    bare.execute(
        "CREATE TABLE a (c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15)"
    )
    bare.execute("CREATE TABLE b (c1, c2, c3, c4, c5, c6, c7, c8, c9)")
    start = time.perf_counter()
    bare.execute("BEGIN")
    bare.executemany(f"INSERT INTO a VALUES ({', '.join('?' * 15)})", attempts)
    bare.executemany(f"INSERT INTO b VALUES ({', '.join('?' * 9)})", answers)
    bare.execute("COMMIT")
    bare_s = time.perf_counter() - start
    bare.close()
    sample = rng.sample(learners, min(cfg.query_samples, len(learners)))
    raw = sqlite3.connect(store.path)
    cols = store._ATTEMPT_COLS

    def timed(fn: Any) -> list[float]:
        out = []
        for learner in sample:
            t0 = time.perf_counter()
            fn(learner)
            out.append(time.perf_counter() - t0)
        return out

    for learner in sample[:3]:  # warm the page cache
        course_progress(store, course, learner)
    dash = timed(lambda lr: course_progress(store, course, lr))
    hist = timed(lambda lr: store.attempts(learner_id=lr.id))
    floor = timed(
        lambda lr: raw.execute(
            f"SELECT {cols} FROM attempts WHERE learner_id = ? ORDER BY started_at, id", (lr.id,)
        ).fetchall()
    )
    raw.close()
    store.close()
    size = (folder / "records.sqlite3").stat().st_size
    n_att, n_ans = len(attempts), len(answers)
    what = (
        f"{cfg.learners:,} learners × {cfg.attempts_per_learner} attempts × "
        f"{cfg.answers_per_attempt} answers = {n_ans:,} answers, DB {size / 1e6:.1f} MB; "
        f"query plan: {plan}"
    )
    return [
        Row(
            "Records at scale: bulk write (attempts + answers)",
            bulk_s,
            bare_s,
            "s",
            "same rows into keyless tables, no indexes",
            "info",
            None,
            f"learners via RecordsStore.add_learner ({api_s:.2f} s, one commit each); "
            f"{n_att:,} attempts + {n_ans:,} answers via executemany on the store's schema in "
            f"one transaction ({bulk_s:.2f} s)",
        ),
        absolute_target(
            "Dashboard query (course_progress, one learner)",
            ms(median(dash)),
            ms(median(floor)),
            "ms",
            "raw SELECT of the learner's attempts",
            50,
            what,
        ),
        absolute_target(
            "History query (store.attempts(learner_id=…))",
            ms(median(hist)),
            ms(median(floor)),
            "ms",
            "raw SELECT of the learner's attempts",
            50,
            f"p99 {ms(percentile(hist, 99)):.2f} ms over {len(sample)} learners",
        ),
    ]


def scale_section(rows: list[Row]) -> list[str]:
    """RESULTS.md's "Scale" section: each growing path by number of learners."""
    by: dict[str, dict[str, Row]] = {}
    for r in rows:
        if r.name.startswith("Scale, ") and ": " in r.name:
            label, what = r.name[len("Scale, ") :].split(": ", 1)
            by.setdefault(label, {})[what] = r
    if not by:
        return []

    def cell(group: dict[str, Row], key: str, unit: str) -> str:
        r = group.get(key)
        if r is None:
            return "—"
        value = f"{r.figure:.2f} s" if unit == "s" else f"{r.figure:.0f} {unit}"
        return f"{value} ({r.ratio:.2f}×)"

    out = [
        "## Scale",
        "",
        "Records built by `python -m benchmarks.genrecords DIR --learners N` (20 attempts per"
        " learner at the shipped course's modules, 12 answers each, about one in ten left"
        " unfinished), straight into the store's schema. Each command is a process timed from"
        " spawn to exit, its peak memory its own VmHWM; in brackets the ratio to its floor (a"
        " process streaming the same JOIN into csv.writer; one ordered pass over the answers"
        " keeping counts; the same TUI start with 4 learners). `--scale-full` adds 100,000.",
        "",
        "| Learners | `records --format csv` | peak | `report items` | peak | TUI start to the"
        " learner list (vs 4 learners) |",
        "|---|---|---|---|---|---|",
    ]
    for label, g in by.items():
        out.append(
            f"| {label.replace(' learners', '')} | {cell(g, '`records --format csv`, time', 's')}"
            f" | {cell(g, '`records --format csv`, peak memory', 'MB')}"
            f" | {cell(g, '`report items`, time', 's')}"
            f" | {cell(g, '`report items`, peak memory', 'MB')}"
            f" | {cell(g, 'TUI start to the learner list', 'ms')} |"
        )
    return [*out, ""]
