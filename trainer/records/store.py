"""The records store: learners, attempts, answers and certificates in SQLite.

Durability rules:

* the database file is created 0600 and its folder 0700 before SQLite touches them;
* WAL journal; every connection sets ``synchronous`` itself (NORMAL for answers, which
  survives a killed process; FULL around completions, which survives power loss too);
* each answer is its own committed transaction the moment it is given;
* a file that is not ours (not SQLite, another application's database, or a newer schema)
  is refused with a clear message and never written to.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from trainer.records.migrations import MIGRATIONS, SCHEMA_VERSION

APPLICATION_ID = 0x54524E52  # "TRNR"
DB_NAME = "records.sqlite3"
_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The records database cannot be used; the message says why and what to do."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class LearnerRow:
    """A learner as recorded: the name as on the certificate, ID, organisation and role."""

    id: int
    name: str
    external_id: str
    organisation: str
    role: str
    created_at: str


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One attempt at a module: who, which module version, its seed, and how it ended."""

    id: int
    learner_id: int
    course_id: str
    module_id: str
    module_version: str
    module_sha256: str
    role: str
    seed: int
    started_at: str
    finished_at: str | None
    score: float | None
    max_score: float | None
    percent: int | None
    passed: bool | None

    @property
    def status(self) -> str:
        """'in-progress', 'passed', 'failed' or 'abandoned'."""
        if self.finished_at is None:
            return "in-progress"
        if self.passed is None:
            return "abandoned"
        return "passed" if self.passed else "failed"


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One committed answer: the step, the choices given and the points they earned."""

    attempt_id: int
    seq: int
    scenario_id: str
    step_id: str
    choice_ids: tuple[str, ...]
    points: float
    max_points: int
    outcome: str
    answered_at: str


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """An issued certificate as recorded: id, learner, course, validity and signed token."""

    id: str
    learner_id: int
    course_id: str
    course_version: str
    issued_at: str
    valid_until: str
    payload_sha256: str
    token: str


def _create_private(path: Path) -> None:
    """Create the folder (0700) and an empty database file (0600) if they do not exist."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read records database {path}: {exc.strerror}") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a trainer records database (it is not an SQLite file). "
            "Nothing was changed. Move it aside or point --data-dir elsewhere."
        )


class RecordsStore:
    """One connection to the records database. Use as a context manager or call close()."""

    def __init__(self, path: Path, *, now: Callable[[], str] = utc_now) -> None:
        self.path = Path(path)
        self._now = now
        _create_private(self.path)
        _check_header(self.path)
        try:
            self._db = sqlite3.connect(
                self.path, timeout=15.0, isolation_level=None, check_same_thread=False
            )
            self._configure()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise StoreError(
                f"records database {self.path} is damaged or unreadable ({exc}). "
                "Nothing was changed. Restore it from a backup or move it aside."
            ) from None
        except StoreError:
            self._close_quietly()
            raise

    @classmethod
    def in_dir(cls, data_dir: Path, **kwargs: Callable[[], str]) -> RecordsStore:
        """Open (creating if needed) the database in a data folder."""
        return cls(Path(data_dir) / DB_NAME, **kwargs)

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RecordsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ set-up
    def _configure(self) -> None:
        db = self._db
        db.execute("PRAGMA busy_timeout = 15000")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (version or tables):
            raise StoreError(
                f"{self.path} is an SQLite database of another application, not trainer "
                "records. Nothing was changed. Point --data-dir at another folder."
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer trainer (schema {version}, this one knows "
                f"{SCHEMA_VERSION}). Nothing was changed. Upgrade trainer to open it."
            )
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. a network file system
            raise StoreError(f"cannot use write-ahead logging on {self.path} (got {mode})")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        db = self._db
        while True:
            with self._write():
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version >= SCHEMA_VERSION:
                    return
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {version + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self, *, full_sync: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken immediately so concurrent writers queue, not fail."""
        db = self._db
        if full_sync:
            db.execute("PRAGMA synchronous = FULL")
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            if full_sync:
                db.execute("PRAGMA synchronous = NORMAL")

    # ------------------------------------------------------------------ learners
    def add_learner(
        self, name: str, role: str, organisation: str = "", external_id: str = ""
    ) -> LearnerRow:
        name = " ".join(name.split())
        if not name:
            raise StoreError("a learner needs a name (as it should appear on a certificate)")
        try:
            with self._write() as db:
                cur = db.execute(
                    "INSERT INTO learners (name, external_id, organisation, role, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, external_id.strip(), organisation.strip(), role, self._now()),
                )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise StoreError(f"a learner named {name!r} already exists") from None
            raise StoreError(f"invalid learner: {exc}") from None
        learner = self.get_learner(int(cur.lastrowid or 0))
        assert learner is not None
        return learner

    def update_learner(
        self, learner_id: int, *, organisation: str, external_id: str, role: str
    ) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE learners SET organisation = ?, external_id = ?, role = ? WHERE id = ?",
                (organisation.strip(), external_id.strip(), role, learner_id),
            )

    def get_learner(self, learner_id: int) -> LearnerRow | None:
        row = self._db.execute(
            "SELECT id, name, external_id, organisation, role, created_at FROM learners "
            "WHERE id = ?",
            (learner_id,),
        ).fetchone()
        return LearnerRow(*row) if row else None

    def find_learner(self, name: str) -> LearnerRow | None:
        row = self._db.execute(
            "SELECT id, name, external_id, organisation, role, created_at FROM learners "
            "WHERE name = ? COLLATE NOCASE",
            (" ".join(name.split()),),
        ).fetchone()
        return LearnerRow(*row) if row else None

    def learners(self) -> list[LearnerRow]:
        rows = self._db.execute(
            "SELECT id, name, external_id, organisation, role, created_at FROM learners "
            "ORDER BY name COLLATE NOCASE"
        ).fetchall()
        return [LearnerRow(*r) for r in rows]

    # ------------------------------------------------------------------ attempts
    def start_attempt(
        self,
        learner_id: int,
        course_id: str,
        module_id: str,
        module_version: str,
        module_sha256: str,
        role: str,
        seed: int,
    ) -> AttemptRow:
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
                "module_sha256, role, seed, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    learner_id,
                    course_id,
                    module_id,
                    module_version,
                    module_sha256,
                    role,
                    seed,
                    self._now(),
                ),
            )
        attempt = self.get_attempt(int(cur.lastrowid or 0))
        assert attempt is not None
        return attempt

    def record_answer(
        self,
        attempt_id: int,
        seq: int,
        scenario_id: str,
        step_id: str,
        choice_ids: tuple[str, ...],
        points: float,
        max_points: int,
        outcome: str,
    ) -> None:
        """Commit one answer. ``seq`` counts from 1; a repeat of a seq is refused."""
        try:
            with self._write() as db:
                db.execute(
                    "INSERT INTO answers (attempt_id, seq, scenario_id, step_id, choice_ids, "
                    "points, max_points, outcome, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        attempt_id,
                        seq,
                        scenario_id,
                        step_id,
                        json.dumps(list(choice_ids)),
                        points,
                        max_points,
                        outcome,
                        self._now(),
                    ),
                )
        except sqlite3.IntegrityError:
            raise StoreError(
                f"answer {seq} of attempt {attempt_id} was already recorded (is the same "
                "attempt open in another window?)"
            ) from None

    def finish_attempt(
        self, attempt_id: int, score: float, max_score: float, percent: int, passed: bool
    ) -> None:
        """Record the result; synced to disk fully before returning."""
        with self._write(full_sync=True) as db:
            db.execute(
                "UPDATE attempts SET finished_at = ?, score = ?, max_score = ?, percent = ?, "
                "passed = ? WHERE id = ? AND finished_at IS NULL",
                (self._now(), score, max_score, percent, int(passed), attempt_id),
            )

    def abandon_attempt(self, attempt_id: int) -> None:
        """Close an attempt that can no longer be resumed (its module changed)."""
        with self._write() as db:
            db.execute(
                "UPDATE attempts SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (self._now(), attempt_id),
            )

    _ATTEMPT_COLS = (
        "id, learner_id, course_id, module_id, module_version, module_sha256, role, seed, "
        "started_at, finished_at, score, max_score, percent, passed"
    )

    @staticmethod
    def _attempt(row: tuple[object, ...]) -> AttemptRow:
        values = list(row)
        values[-1] = None if values[-1] is None else bool(values[-1])
        return AttemptRow(*values)  # type: ignore[arg-type]

    def get_attempt(self, attempt_id: int) -> AttemptRow | None:
        row = self._db.execute(
            f"SELECT {self._ATTEMPT_COLS} FROM attempts WHERE id = ?", (attempt_id,)
        ).fetchone()
        return self._attempt(row) if row else None

    def open_attempt(self, learner_id: int, course_id: str, module_id: str) -> AttemptRow | None:
        """The learner's unfinished attempt at a module, if any (the newest)."""
        row = self._db.execute(
            f"SELECT {self._ATTEMPT_COLS} FROM attempts WHERE learner_id = ? AND course_id = ? "
            "AND module_id = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
            (learner_id, course_id, module_id),
        ).fetchone()
        return self._attempt(row) if row else None

    def attempts(
        self,
        *,
        learner_id: int | None = None,
        course_id: str | None = None,
        module_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[AttemptRow]:
        """Attempts matching every filter given, oldest first."""
        where, args = [], []
        for column, value in (
            ("learner_id", learner_id),
            ("course_id", course_id),
            ("module_id", module_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if since:
            where.append("started_at >= ?")
            args.append(since)
        if until:
            where.append("started_at < ?")
            args.append(until)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            f"SELECT {self._ATTEMPT_COLS} FROM attempts {clause} ORDER BY started_at, id", args
        ).fetchall()
        return [self._attempt(r) for r in rows]

    def answers(self, attempt_id: int) -> list[AnswerRow]:
        rows = self._db.execute(
            "SELECT attempt_id, seq, scenario_id, step_id, choice_ids, points, max_points, "
            "outcome, answered_at FROM answers WHERE attempt_id = ? ORDER BY seq",
            (attempt_id,),
        ).fetchall()
        return [
            AnswerRow(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6], r[7], r[8])
            for r in rows
        ]

    # ------------------------------------------------------------------ certificates
    def record_certificate(self, cert: CertificateRow) -> None:
        with self._write(full_sync=True) as db:
            db.execute(
                "INSERT INTO certificates (id, learner_id, course_id, course_version, issued_at, "
                "valid_until, payload_sha256, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cert.id,
                    cert.learner_id,
                    cert.course_id,
                    cert.course_version,
                    cert.issued_at,
                    cert.valid_until,
                    cert.payload_sha256,
                    cert.token,
                ),
            )

    def certificates(self, *, learner_id: int | None = None) -> list[CertificateRow]:
        clause, args = (
            ("WHERE learner_id = ?", (learner_id,)) if learner_id is not None else ("", ())
        )
        rows = self._db.execute(
            "SELECT id, learner_id, course_id, course_version, issued_at, valid_until, "
            f"payload_sha256, token FROM certificates {clause} ORDER BY issued_at, id",
            args,
        ).fetchall()
        return [CertificateRow(*r) for r in rows]
