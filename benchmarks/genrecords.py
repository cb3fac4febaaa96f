"""Deterministic generator of a records database at organisation scale.

    python -m benchmarks.genrecords DATA_DIR --learners 10000 [--attempts 20] [--answers 12]

N learners × ``attempts`` attempts × about ``answers`` answers each, written straight into the
store's own schema (the store creates it; rows go in with ``executemany``, in chunks of 1,000
learners, so the generator's memory stays flat at any N). Attempts are at the modules of the
course given (the shipped one by default), with their real ids, versions, SHA-256 and step
ids, so ``trainer report items`` finds the module files. Names, organisations and answers
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


def generate(
    data: Path,
    learners: int,
    *,
    attempts: int = 20,
    answers: int = 12,
    course_path: Path = SHIPPED,
    seed: int = 1,
) -> dict[str, float]:
    """Write the database in ``data`` (created; must not hold records yet). Returns counts
    and the seconds taken."""
    from trainer.bank.loader import load_course
    from trainer.records.store import RecordsStore

    course = load_course(course_path).course
    if course is None:
        raise SystemExit(f"{course_path}: the course has problems")
    with RecordsStore.in_dir(data) as store:  # creates the schema, migrated to the latest
        path = store.path
        if store.learners():
            raise SystemExit(f"{path} already holds learners")
    per_role = {role: _modules(course, role, answers) for role in ROLES}
    rng = random.Random(seed)
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    n_att = n_ans = 0
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
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO learners (id, name, external_id, organisation, role, created_at, uid, "
            "name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            lrows,
        )
        db.executemany(
            "INSERT INTO learner_history (learner_id, at, change, old_value, new_value) "
            "VALUES (?, ?, ?, ?, ?)",
            hrows,
        )
        db.executemany(f"INSERT INTO attempts VALUES ({', '.join('?' * 15)})", arows)
        db.executemany(f"INSERT INTO answers VALUES ({', '.join('?' * 9)})", qrows)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.genrecords", description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--attempts", type=int, default=20)
    parser.add_argument("--answers", type=int, default=12)
    parser.add_argument("--course", type=Path, default=SHIPPED)
    args = parser.parse_args(argv)
    info = generate(
        args.data_dir,
        args.learners,
        attempts=args.attempts,
        answers=args.answers,
        course_path=args.course,
    )
    print(
        f"{info['learners']:,} learners, {info['attempts']:,} attempts, {info['answers']:,} "
        f"answers, {info['bytes'] / 1e6:.0f} MB in {info['seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
