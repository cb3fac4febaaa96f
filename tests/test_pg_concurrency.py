"""Twenty processes writing to one PostgreSQL records database at once lose nothing and
duplicate nothing (the backend base: transactions, row locks, the check-then-insert turn).

Each process adds its own learner, starts an attempt, records ten answers (each checking,
under ``FOR UPDATE``, that the attempt is still open) and finishes it; all of them also try
to add the same learner, which must exist once. They start together (a file they wait for).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fresh_python import ROOT

pytest.importorskip("psycopg")

from trainer.records.pg import PgStoreBase

WORKERS = 20
ANSWERS = 10

WORKER = r"""
import sys, time, uuid
from pathlib import Path
from trainer.records.pg import PgStoreBase

url, me, go, ANSWERS = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
NOW = "2026-12-02T00:00:00Z"
while not go.exists():
    time.sleep(0.005)


def add_learner(store, name):
    with store._write("adding a learner") as db:
        store._serialise(db, "learners")
        if db.execute("SELECT id FROM learners WHERE name_key = ?", (name.casefold(),)).fetchone():
            return None
        return db.execute(
            "INSERT INTO learners (name, role, created_at, uid, name_key) "
            "VALUES (?, 'employee', ?, ?, ?) RETURNING id",
            (name, NOW, str(uuid.uuid4()), name.casefold()),
        ).fetchone()[0]


with PgStoreBase(url) as store:
    add_learner(store, "Shared Learner")
    learner = add_learner(store, f"Learner {me}")
    with store._write("starting an attempt") as db:
        attempt = db.execute(
            "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
            "module_sha256, role, seed, started_at, uid) VALUES "
            "(?, 'c', 'm', '1', 'x', 'employee', ?, ?, ?) RETURNING id",
            (learner, me, NOW, str(uuid.uuid4())),
        ).fetchone()[0]
    for seq in range(1, ANSWERS + 1):
        with store._write("saving an answer") as db:
            row = db.execute(
                "SELECT finished_at FROM attempts WHERE id = ?" + store._lock, (attempt,)
            ).fetchone()
            assert row == (None,), row
            db.execute(
                "INSERT INTO answers VALUES (?, ?, 's', 'q', '[]', 1.0, 1, 'correct', ?)",
                (attempt, seq, NOW),
            )
            if seq == ANSWERS:
                done = db.execute(
                    "UPDATE attempts SET finished_at = ?, passed = 1 WHERE id = ? "
                    "AND finished_at IS NULL",
                    (NOW, attempt),
                )
                assert done.rowcount == 1
print("ok", me)
"""


def test_twenty_processes_lose_nothing_and_duplicate_nothing(pg_url: str, tmp_path: Path) -> None:
    PgStoreBase(pg_url).close()  # the schema, before the rush
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, pg_url, str(i), str(go), str(ANSWERS)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    time.sleep(0.5)  # let them connect and wait (not a timing assertion)
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    failed = [(p.returncode, err[-2000:]) for p, (_, err) in zip(procs, outputs, strict=True)]
    assert all(code == 0 for code, _ in failed), [f for f in failed if f[0] != 0]
    with PgStoreBase(pg_url, read_only=True) as store:
        assert store._one("SELECT count(*) FROM learners WHERE name = 'Shared Learner'") == (1,)
        assert store._one("SELECT count(*) FROM learners") == (WORKERS + 1,)
        assert store._one("SELECT count(*), count(DISTINCT attempt_id) FROM answers") == (
            WORKERS * ANSWERS,
            WORKERS,
        )
        assert store._one("SELECT count(*) FROM attempts WHERE passed = 1") == (WORKERS,)
        per_attempt = store._rows(
            "SELECT attempt_id, max(seq), count(*) FROM answers GROUP BY attempt_id"
        )
        assert {(n, c) for _, n, c in per_attempt} == {(ANSWERS, ANSWERS)}
