"""The records store: learners, attempts, answers and certificates in SQLite.

Each answer is its own committed transaction the moment it is given; an answer for an
attempt that was closed meanwhile is refused (:class:`AttemptClosed`), never recorded into
it. Opening, durability and error conversion: :mod:`trainer.records.base`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trainer.records.base import APPLICATION_ID, DB_NAME
from trainer.records.errors import (
    AttemptClosed,
    StoreBusy,
    StoreConflict,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreReadOnly,
)
from trainer.records.learners import LearnerHistoryRow, LearnerRow, new_uid
from trainer.records.merge import MergeRecords
from trainer.records.outbox import OutboxRecords
from trainer.records.roster import RosterRecords
from trainer.records.times import utc_now

__all__ = [
    "APPLICATION_ID",
    "DB_NAME",
    "AlreadyIssued",
    "AnswerRow",
    "AttemptClosed",
    "AttemptRow",
    "CertificateRow",
    "Finish",
    "LearnerHistoryRow",
    "LearnerRow",
    "RecordsStore",
    "StoreBusy",
    "StoreConflict",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreReadOnly",
    "utc_now",
]


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
    uid: str = ""  # a UUID: the attempt's identity across machines

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
class Finish:
    """An attempt's result, recorded when its last answer is."""

    score: float
    max_score: float
    percent: int
    passed: bool


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


class AlreadyIssued(StoreConflict):
    """A certificate for this completion was recorded meanwhile (by another issuer)."""

    def __init__(self, certificate_id: str, issued_at: str) -> None:
        super().__init__(f"certificate {certificate_id} was issued for it on {issued_at[:10]}")
        self.certificate_id = certificate_id
        self.issued_at = issued_at


class RecordsStore(RosterRecords, MergeRecords, OutboxRecords):
    """The records database: see :class:`~trainer.records.base.StoreBase` for opening it."""

    def now(self) -> str:
        """The records' clock (UTC, ``YYYY-MM-DDTHH:MM:SSZ``): injected in tests, so
        everything recorded in one run — answers, results, certificates — agrees on time."""
        return self._now()

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
        """Start a new attempt; an open attempt at the same module is closed (abandoned) in
        the same transaction: the database holds at most one open attempt per module."""
        now = self._now()
        with self._write("starting an attempt") as db:
            db.execute(
                "UPDATE attempts SET finished_at = ? WHERE learner_id = ? AND course_id = ? "
                "AND module_id = ? AND finished_at IS NULL",
                (now, learner_id, course_id, module_id),
            )
            row = db.execute(
                "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
                "module_sha256, role, seed, started_at, uid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    learner_id,
                    course_id,
                    module_id,
                    module_version,
                    module_sha256,
                    role,
                    seed,
                    now,
                    new_uid(),
                ),
            ).fetchone()
        attempt = self.get_attempt(int(row[0]))
        assert attempt is not None
        return attempt

    def _check_open(self, db: Any, attempt_id: int) -> None:
        """Raise :class:`AttemptClosed` unless the attempt exists and is unfinished."""
        row = db.execute(
            f"SELECT finished_at FROM attempts WHERE id = ?{self._lock}", (attempt_id,)
        ).fetchone()
        if row is None or row[0] is not None:
            raise AttemptClosed(attempt_id)

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
        *,
        finish: Finish | None = None,
    ) -> None:
        """Commit one answer. ``seq`` counts from 1; a repeat of a seq is refused.

        An answer for an attempt that is closed (finished or abandoned, e.g. from another
        window) is refused with :class:`AttemptClosed`. With ``finish``, the attempt's result
        is recorded in the same transaction (fully synced), so a last answer and the result
        it completes are saved together or not at all.
        """
        try:
            with self._write("saving an answer", full_sync=finish is not None) as db:
                # The check that the attempt is open and the insert are one statement (one
                # round trip to a server): no row inserted means closed or not there.
                cur = db.execute(
                    "INSERT INTO answers (attempt_id, seq, scenario_id, step_id, choice_ids, "
                    "points, max_points, outcome, answered_at) "
                    "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM attempts "
                    f"WHERE id = ? AND finished_at IS NULL{self._lock}",
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
                        attempt_id,
                    ),
                )
                if cur.rowcount != 1:
                    raise AttemptClosed(attempt_id)
                if finish is not None:
                    self._finish(db, attempt_id, finish)
        except StoreConflict:
            raise StoreConflict(
                f"answer {seq} of attempt {attempt_id} was already recorded (is the same "
                "attempt open in another window?)"
            ) from None

    def _finish(self, db: Any, attempt_id: int, finish: Finish) -> None:
        cur = db.execute(
            "UPDATE attempts SET finished_at = ?, score = ?, max_score = ?, percent = ?, "
            "passed = ? WHERE id = ? AND finished_at IS NULL",
            (
                self._now(),
                finish.score,
                finish.max_score,
                finish.percent,
                int(finish.passed),
                attempt_id,
            ),
        )
        if cur.rowcount != 1:
            raise AttemptClosed(attempt_id)

    def finish_attempt(
        self, attempt_id: int, score: float, max_score: float, percent: int, passed: bool
    ) -> None:
        """Record the result; synced to disk fully before returning.

        Raises :class:`AttemptClosed` when the attempt was already closed.
        """
        with self._write("recording a result", full_sync=True) as db:
            self._finish(db, attempt_id, Finish(score, max_score, percent, passed))

    def abandon_attempt(self, attempt_id: int) -> None:
        """Close an attempt that can no longer be resumed (its module changed)."""
        with self._write("closing an attempt") as db:
            db.execute(
                "UPDATE attempts SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (self._now(), attempt_id),
            )

    _ATTEMPT_COLS = (
        "id, learner_id, course_id, module_id, module_version, module_sha256, role, seed, "
        "started_at, finished_at, score, max_score, percent, passed, uid"
    )

    @staticmethod
    def _attempt(row: tuple[object, ...]) -> AttemptRow:
        values = list(row)
        values[13] = None if values[13] is None else bool(values[13])
        return AttemptRow(*values)  # type: ignore[arg-type]

    def get_attempt(self, attempt_id: int) -> AttemptRow | None:
        row = self._one(f"SELECT {self._ATTEMPT_COLS} FROM attempts WHERE id = ?", (attempt_id,))
        return self._attempt(row) if row else None

    def open_attempt(self, learner_id: int, course_id: str, module_id: str) -> AttemptRow | None:
        """The learner's unfinished attempt at a module, if any (the newest)."""
        row = self._one(
            f"SELECT {self._ATTEMPT_COLS} FROM attempts WHERE learner_id = ? AND course_id = ? "
            "AND module_id = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
            (learner_id, course_id, module_id),
        )
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
        rows = self._rows(
            f"SELECT {self._ATTEMPT_COLS} FROM attempts {clause} ORDER BY started_at, id", args
        )
        return [self._attempt(r) for r in rows]

    def answers(self, attempt_id: int) -> list[AnswerRow]:
        rows = self._rows(
            "SELECT attempt_id, seq, scenario_id, step_id, choice_ids, points, max_points, "
            "outcome, answered_at FROM answers WHERE attempt_id = ? ORDER BY seq",
            (attempt_id,),
        )
        return [
            AnswerRow(r[0], r[1], r[2], r[3], self._choices(r[4], r[0], r[1]), *r[5:]) for r in rows
        ]

    def answers_for(self, attempt_ids: Sequence[int]) -> dict[int, list[AnswerRow]]:
        """The answers of several attempts in one query per 500 ids (not one per attempt):
        every id given is a key, in seq order."""
        found: dict[int, list[AnswerRow]] = {i: [] for i in attempt_ids}
        ids = list(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                "SELECT attempt_id, seq, scenario_id, step_id, choice_ids, points, max_points, "
                f"outcome, answered_at FROM answers WHERE attempt_id IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY attempt_id, seq",
                chunk,
            )
            for r in rows:
                found[r[0]].append(
                    AnswerRow(r[0], r[1], r[2], r[3], self._choices(r[4], r[0], r[1]), *r[5:])
                )
        return found

    def answer_counts(self, attempt_ids: Sequence[int]) -> dict[int, int]:
        """How many answers each attempt has (every id given is a key), in one query."""
        counts = {i: 0 for i in attempt_ids}
        ids = list(counts)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for attempt_id, n in self._rows(
                "SELECT attempt_id, count(*) FROM answers WHERE attempt_id IN "
                f"({', '.join('?' * len(chunk))}) GROUP BY attempt_id",
                chunk,
            ):
                counts[int(attempt_id)] = int(n)
        return counts

    def meta_value(self, key: str) -> str | None:
        """A value of table ``meta`` (e.g. ``database_id``), or None when there is none."""
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def choices_of(self, text: object, attempt_id: int, seq: int) -> tuple[str, ...]:
        """The choice ids of one answer as recorded (its JSON text), checked: damage is
        reported (:class:`StoreDamaged`), not raised raw."""
        return self._choices(text, attempt_id, seq)

    def _choices(self, text: object, attempt_id: int, seq: int) -> tuple[str, ...]:
        """The recorded choice ids of one answer; damage is reported, not raised raw."""
        try:
            value = json.loads(text) if isinstance(text, (str, bytes)) else None
        except ValueError:
            value = None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise StoreDamaged(
                f"records database {self.location} is damaged: answer {seq} of attempt "
                f"{attempt_id} has unreadable choices. Nothing was changed. Restore it from "
                "a backup."
            )
        return tuple(value)

    # ------------------------------------------------------------------ certificates
    def record_certificate(
        self, cert: CertificateRow, *, unless_issued_since: str | None = None
    ) -> None:
        """Record an issued certificate. With ``unless_issued_since`` (an ISO day: the
        completion it certifies), refuse with :class:`AlreadyIssued` when the learner already
        has a certificate for this course issued on or after that day — checked in the same
        transaction, so two administrators issuing at once record one certificate, not two."""
        with self._write("recording a certificate", full_sync=True) as db:
            if unless_issued_since is not None:
                self._serialise(db, f"certificate/{cert.learner_id}")
                row = db.execute(
                    "SELECT id, issued_at FROM certificates WHERE learner_id = ? AND "
                    "course_id = ? AND issued_at >= ? ORDER BY issued_at DESC, id LIMIT 1",
                    (cert.learner_id, cert.course_id, unless_issued_since),
                ).fetchone()
                if row is not None:
                    raise AlreadyIssued(str(row[0]), str(row[1]))
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

    def certificate(self, certificate_id: str) -> CertificateRow | None:
        """One issued certificate by its id (indexed: not every certificate read)."""
        row = self._one(
            "SELECT id, learner_id, course_id, course_version, issued_at, valid_until, "
            "payload_sha256, token FROM certificates WHERE id = ?",
            (certificate_id,),
        )
        return CertificateRow(*row) if row else None

    def certificates(self, *, learner_id: int | None = None) -> list[CertificateRow]:
        clause, args = (
            ("WHERE learner_id = ?", (learner_id,)) if learner_id is not None else ("", ())
        )
        rows = self._rows(
            "SELECT id, learner_id, course_id, course_version, issued_at, valid_until, "
            f"payload_sha256, token FROM certificates {clause} ORDER BY issued_at, id",
            args,
        )
        return [CertificateRow(*r) for r in rows]
