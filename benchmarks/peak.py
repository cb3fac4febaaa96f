"""Run one program in this process and write its peak memory (VmHWM, KiB) to a file at exit.

    python benchmarks/peak.py OUT_FILE trainer ARGS...            the trainer's command line
    python benchmarks/peak.py OUT_FILE floor-export DB OUT.csv    streamed JOIN → CSV (floor)
    python benchmarks/peak.py OUT_FILE floor-items DB             one pass over the answers
    python benchmarks/peak.py OUT_FILE floor-status DB QUERY_JSON  status's query, folded

DB is an SQLite file or a ``postgresql://`` URL (read in libpq's chunked mode, 500 rows a
chunk, as the store streams).

A child's ``ru_maxrss`` on Linux starts from the forked parent's peak (it is carried across
``exec``), so a large harness would inflate every child's figure; the child's own VmHWM,
read by itself as it exits, is exact. The floors open the database read-only in place and
stream one query, holding nothing but running counts.
"""

from __future__ import annotations

import csv
import gc
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EXPORT_SQL = (
    "SELECT a.uid, l.name, l.external_id, l.organisation, a.role, a.course_id, a.module_id, "
    "a.module_version, a.module_sha256, a.started_at, a.finished_at, a.score, a.max_score, "
    "a.percent, a.passed FROM attempts AS a JOIN learners AS l ON l.id = a.learner_id "
    "ORDER BY a.started_at, a.id"
)
ITEMS_SQL = (  # the answers the report reads: each learner's latest finished attempt
    "WITH f AS (SELECT id, module_id, module_sha256, ROW_NUMBER() OVER (PARTITION BY "
    "module_id, module_sha256, learner_id ORDER BY finished_at DESC, id DESC) AS rl "
    "FROM attempts WHERE finished_at IS NOT NULL AND passed IS NOT NULL) "
    "SELECT f.module_id, f.module_sha256, s.scenario_id, s.step_id, s.choice_ids, s.points, "
    "s.max_points, s.outcome FROM f JOIN answers AS s ON s.attempt_id = f.id WHERE rl = 1 "
    "ORDER BY f.module_id, f.module_sha256, f.id, s.seq"
)


def vm_hwm_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _rows(
    db: str, sql: str, args: tuple[object, ...] = (), *, in_order: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Stream one query's rows, read-only: SQLite in place (mode=ro), 500 rows a fetch; or
    PostgreSQL in libpq's chunked mode, 500 rows a chunk, as the store streams (the server
    produces rows while this process works on the last ones). ``in_order``: the query's
    order is an index's; PostgreSQL is told not to sort, as the store tells it."""
    if db.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(db) as con:
            con.execute("SET default_transaction_read_only = on")
            if in_order:
                con.execute("SET LOCAL enable_sort = off")
            with con.cursor() as cur:
                yield from cur.stream(sql.replace("?", "%s"), args, size=500)
        return
    lite = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    cursor = lite.execute(sql, args)
    while batch := cursor.fetchmany(500):
        yield from batch
    lite.close()


def floor_export(db: str, out: str) -> int:
    """The export's floor: the same JOIN streamed straight into csv.writer."""
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerows(_rows(db, EXPORT_SQL))
    return 0


def floor_items(db: str) -> int:
    """The item report's floor: one ordered pass over the answers the report reads (each
    learner's latest finished attempt per module version, as the default policy counts),
    keeping per decision the count, correct answers, the score sum and choice counts."""
    stats: dict[tuple[str, str, str, str], list[float]] = {}
    choices: dict[tuple[str, str, str, str, str], int] = {}
    for mid, sha, sc, st, text, points, max_points, outcome in _rows(db, ITEMS_SQL):
        key = (mid, sha, sc, st)
        s = stats.get(key)
        if s is None:
            s = stats[key] = [0, 0, 0.0]
        s[0] += 1
        s[1] += outcome == "correct"
        s[2] += points / max_points if max_points else 0.0
        for cid in text.strip("[]").replace('"', "").split(", "):
            choices[(*key, cid)] = choices.get((*key, cid), 0) + 1
    print(len(stats), len(choices))
    return 0


def floor_status(db: str, query: str) -> int:
    """The status floor: trainer status's one query (``{"sql": ..., "args": [...]}``, as
    trainer.records.stream.status_query builds it: one row per learner, joined to its row
    of the course_passes summary) streamed, each learner folded into one line written as it
    comes: its id, how many of the modules its role requires it passed, how many of those
    are still valid, whether it attempted the course (``required``: the module ids per
    role, ``valid_from``: the first still-valid timestamp). Before schema 7 the query did
    this fold in SQL; now trainer does it in Python, so the floor does it too, as plainly."""
    given = json.loads(query)
    required = {role: set(ids) for role, ids in given["required"].items()}
    valid_from = given["valid_from"]
    role_at = given["role_at"]
    write = sys.stdout.write
    for row in _rows(db, given["sql"], tuple(given["args"]), in_order=True):
        modules, passes = row[-2], row[-1]
        need = required.get(row[role_at], ())
        passed = valid = 0
        if modules:
            for module, at in zip(modules.split(","), passes.split(","), strict=True):
                if module in need:
                    passed += 1
                    valid += at >= valid_from
        write(f"{row[0]},{passed},{valid},{int(modules is not None)}\n")
    return 0


def main(argv: list[str]) -> int:
    what = argv[0]
    if what == "floor-export":
        return floor_export(argv[1], argv[2])
    if what == "floor-items":
        return floor_items(argv[1])
    if what == "floor-status":
        return floor_status(argv[1], argv[2])
    from trainer.cli import main as trainer_main

    return trainer_main(argv[1:])


if __name__ == "__main__":
    code = 1
    try:
        code = main(sys.argv[2:])
    finally:
        with open(sys.argv[1], "w", encoding="ascii") as fh:
            fh.write(str(vm_hwm_kb()))
    # Leave as the ``trainer`` command does (trainer.cli.entry), figure and floor alike:
    # what the process built is frozen, so the interpreter's last collection skips it.
    gc.freeze()
    sys.exit(code)
