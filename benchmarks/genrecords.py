"""Deterministic generator of a records database at organisation scale.

    python -m benchmarks.genrecords DATA_DIR --learners 10000 [--attempts 20] [--answers 12]
    python -m benchmarks.genrecords postgresql://USER@/DB?host=/SOCKET/DIR --learners 10000

N learners × ``attempts`` attempts × about ``answers`` answers each, written straight into the
store's own schema (the store creates it; rows go in with ``executemany``, in chunks of 1,000
learners, so the generator's memory stays flat at any N; the schema's triggers keep the status
summaries, module_passes and course_passes, as they go in). Attempts are at the modules of the
course given (the shipped one by default), with their real ids, versions, SHA-256 and step
ids, so ``trainer report items`` finds the module files. On PostgreSQL the same rows (same
seed) go in with COPY (see :func:`generate_pg`). Names, organisations and answers
are synthetic; about one attempt in ten is left unfinished.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "question_banks" / "course.yaml"
ROLES = ("employee", "contractor", "uniformed")
ORGANISATIONS = ("Field Office North", "Field Office South", "Contracts Unit", "Garrison")
CHUNK = 1_000


@dataclass(frozen=True)
class _Step:
    scenario_id: str
    step_id: str
    choices: tuple[str, ...]
    correct: tuple[str, ...]
    max_points: int


@dataclass(frozen=True)
class _Module:
    id: str
    version: str
    sha256: str
    pass_mark: int
    steps: tuple[_Step, ...]


def _modules(course: Any, role: str, answers: int) -> list[_Module]:
    out = []
    for _entry, m in course.modules_for(role):
        steps = tuple(
            _Step(
                s.id,
                st.id,
                tuple(c.id for c in st.choices),
                tuple(c.id for c in st.choices if c.correct),
                st.points,
            )
            for s in m.scenarios
            for st in s.steps
        )[:answers]
        out.append(_Module(m.id, m.version, m.sha256, m.pass_mark, steps))
    return out


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _attempt_rows(
    rng: random.Random,
    course_id: str,
    learner_id: int,
    role: str,
    mods: list[_Module],
    first_id: int,
    attempts: int,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    att, ans = [], []
    for k in range(attempts):
        m = mods[k % len(mods)]
        attempt_id = first_id + k
        started = f"2025-{1 + k % 12:02d}-{1 + (k * 17 + learner_id) % 28:02d}T10:{k % 60:02d}:00Z"
        # at most one open attempt per module (the schema enforces it): only the last round
        done = rng.random() < 0.9 or k < attempts - len(mods)
        score = 0.0
        max_score = 0.0
        skill = rng.random()
        for seq, st in enumerate(m.steps, 1):
            ok = rng.random() < 0.35 + 0.6 * skill
            picked = st.correct if ok else (rng.choice(st.choices),)
            points = float(st.max_points) if ok else 0.0
            score += points
            max_score += st.max_points
            outcome = "correct" if ok else "incorrect"
            ans.append(
                (attempt_id, seq, st.scenario_id, st.step_id, json.dumps(list(picked)), points,
                 st.max_points, outcome, started)
            )  # fmt: skip
        percent = round(100 * score / max_score) if max_score else 0
        att.append(
            (attempt_id, learner_id, course_id, m.id, m.version, m.sha256, role,
             rng.randrange(2**31), started, started.replace("T10", "T11") if done else None,
             score if done else None, max_score if done else None, percent if done else None,
             int(percent >= m.pass_mark) if done else None, _uuid(rng))
        )  # fmt: skip
    return att, ans


def _chunks(
    course: Any, learners: int, attempts: int, answers: int, seed: int
) -> Iterator[tuple[list[tuple[Any, ...]], ...]]:
    """The rows, CHUNK learners at a time: (learners, learner_history, attempts, answers).
    The same seed gives the same rows, whichever backend they are written to."""
    per_role = {role: _modules(course, role, answers) for role in ROLES}
    rng = random.Random(seed)
    for chunk in range(0, learners, CHUNK):
        lrows, hrows, arows, qrows = [], [], [], []
        for i in range(chunk, min(learners, chunk + CHUNK)):
            learner_id, role = i + 1, ROLES[i % 3]
            name = f"Learner {i + 1:06d}"
            created = "2025-01-01T09:00:00Z"
            lrows.append(
                (learner_id, name, f"E{i + 1:06d}", ORGANISATIONS[i % 4], role, created,
                 _uuid(rng), name.casefold())
            )  # fmt: skip
            hrows.append((learner_id, created, "created", None, name))
            att, ans = _attempt_rows(
                rng, course.id, learner_id, role, per_role[role], i * attempts + 1, attempts
            )
            arows += att
            qrows += ans
        yield lrows, hrows, arows, qrows


_LEARNER_COLUMNS = "id, name, external_id, organisation, role, created_at, uid, name_key"
_HISTORY_COLUMNS = "learner_id, at, change, old_value, new_value"
_ATTEMPT_COLUMNS = (
    "id, learner_id, course_id, module_id, module_version, module_sha256, role, seed, "
    "started_at, finished_at, score, max_score, percent, passed, uid"
)
_ANSWER_COLUMNS = (
    "attempt_id, seq, scenario_id, step_id, choice_ids, points, max_points, outcome, answered_at"
)


def _course(course_path: Path) -> Any:
    from trainer.bank.loader import load_course

    course = load_course(course_path).course
    if course is None:
        raise SystemExit(f"{course_path}: the course has problems")
    return course


def generate(
    data: Path,
    learners: int,
    *,
    attempts: int = 20,
    answers: int = 12,
    course_path: Path = SHIPPED,
    seed: int = 1,
) -> dict[str, float]:
    """Write the SQLite database in ``data`` (created; must not hold records yet). Returns
    counts and the seconds taken."""
    from trainer.records.store import RecordsStore

    course = _course(course_path)
    with RecordsStore.in_dir(data) as store:  # creates the schema, migrated to the latest
        path = store.path
        if store.learners():
            raise SystemExit(f"{path} already holds learners")
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    n_att = n_ans = 0
    for lrows, hrows, arows, qrows in _chunks(course, learners, attempts, answers, seed):
        db.execute("BEGIN")
        db.executemany(
            f"INSERT INTO learners ({_LEARNER_COLUMNS}) VALUES ({', '.join('?' * 8)})", lrows
        )
        db.executemany(
            f"INSERT INTO learner_history ({_HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?)", hrows
        )
        db.executemany(
            f"INSERT INTO attempts ({_ATTEMPT_COLUMNS}) VALUES ({', '.join('?' * 15)})", arows
        )
        db.executemany(
            f"INSERT INTO answers ({_ANSWER_COLUMNS}) VALUES ({', '.join('?' * 9)})", qrows
        )
        db.execute("COMMIT")
        n_att += len(arows)
        n_ans += len(qrows)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {
        "learners": learners,
        "attempts": n_att,
        "answers": n_ans,
        "seconds": time.perf_counter() - started,
        "bytes": path.stat().st_size,
    }


def generate_pg(
    url: str,
    learners: int,
    *,
    attempts: int = 20,
    answers: int = 12,
    course_path: Path = SHIPPED,
    seed: int = 1,
) -> dict[str, float]:
    """The same rows as :func:`generate`, into the PostgreSQL database at ``url`` (empty:
    the store creates the schema in it), with COPY, one transaction per chunk. The loading
    session sets ``session_replication_role = replica`` (as pg_restore --disable-triggers
    does: the foreign-key checks are skipped for rows that satisfy them by construction),
    so it must connect as a superuser; with the triggers off it fills the status summaries
    (module_passes, course_passes) itself, as the schema's upgrades do; the identity
    sequences are moved past the ids written, and the tables analysed, as after a restore."""
    import psycopg

    from trainer.records.opening import open_store
    from trainer.records.pg_schema import FILL_SUMMARIES

    course = _course(course_path)
    with open_store(url) as store:  # creates the schema
        if store.learner_count():
            raise SystemExit(f"{store.location} already holds learners")
    started = time.perf_counter()
    n_att = n_ans = 0
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("SET session_replication_role = replica")
        db.execute("SET synchronous_commit = off")
        for rows in _chunks(course, learners, attempts, answers, seed):
            with db.transaction():
                for (table, columns), chunk in zip(
                    (
                        ("learners", _LEARNER_COLUMNS),
                        ("learner_history", _HISTORY_COLUMNS),
                        ("attempts", _ATTEMPT_COLUMNS),
                        ("answers", _ANSWER_COLUMNS),
                    ),
                    rows,
                    strict=True,
                ):
                    with db.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)
            n_att += len(rows[2])
            n_ans += len(rows[3])
        for table in ("learners", "attempts"):
            db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        for fill in FILL_SUMMARIES:  # the triggers were off: the status summaries, as kept
            db.execute(fill)
        db.execute("ANALYZE")
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()
    return {
        "learners": learners,
        "attempts": n_att,
        "answers": n_ans,
        "seconds": time.perf_counter() - started,
        "bytes": float(size[0]) if size else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.genrecords", description=__doc__)
    parser.add_argument(
        "target", help="a data folder (SQLite), or a postgresql:// URL of an empty database"
    )
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--attempts", type=int, default=20)
    parser.add_argument("--answers", type=int, default=12)
    parser.add_argument("--course", type=Path, default=SHIPPED)
    args = parser.parse_args(argv)
    options = {"attempts": args.attempts, "answers": args.answers, "course_path": args.course}
    if args.target.startswith(("postgresql://", "postgres://")):
        info = generate_pg(args.target, args.learners, **options)
    else:
        info = generate(Path(args.target), args.learners, **options)
    print(
        f"{info['learners']:,} learners, {info['attempts']:,} attempts, {info['answers']:,} "
        f"answers, {info['bytes'] / 1e6:.0f} MB in {info['seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
