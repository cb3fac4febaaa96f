"""The records store: learners, attempts, answers and certificates in SQLite.

Each answer is its own committed transaction the moment it is given; an answer for an
attempt that was closed meanwhile is refused (:class:`AttemptClosed`), never recorded into
it. Opening, durability and error conversion: :mod:`trainer.records.base`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

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
from trainer.records.learners import new_uid
from trainer.records.merge import MergeRecords
from trainer.records.outbox import OutboxRecords
from trainer.records.roster import RosterRecords
from trainer.records.rows import (
    ANSWER,
    ATTEMPT,
    CERTIFICATE,
    answer_row,
    attempt_row,
    certificate_row,
    choices_text,
    row_class,
    select,
)
from trainer.records.times import moment, stamp, utc_now

if TYPE_CHECKING:
    from trainer.records.row_types import AnswerRow as AnswerRow
    from trainer.records.row_types import AttemptRow as AttemptRow
    from trainer.records.row_types import CertificateRow as CertificateRow
    from trainer.records.row_types import Finish as Finish
    from trainer.records.row_types import LearnerHistoryRow as LearnerHistoryRow
    from trainer.records.row_types import LearnerRow as LearnerRow


def __getattr__(name: str) -> Any:  # the row classes, made on first use (records.rows)
    return row_class(__name__, name)


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


class AlreadyIssued(StoreConflict):
    """A certificate for this completion was recorded meanwhile (by another issuer)."""

    def __init__(self, certificate_id: str, issued_at: datetime) -> None:
        on = issued_at.date().isoformat()
        super().__init__(f"certificate {certificate_id} was issued for it on {on}")
        self.certificate_id = certificate_id
        self.issued_at = issued_at


_ATTEMPTS = "attempts AS a JOIN learners AS l ON l.id = a.learner_id"
_ANSWERS = "answers AS n JOIN attempts AS a ON a.id = n.attempt_id"
_CERTIFICATES = "certificates AS c JOIN learners AS l ON l.id = c.learner_id"


class RecordsStore(RosterRecords, MergeRecords, OutboxRecords):
    """The records database: see :class:`~trainer.records.base.StoreBase` for opening it.

    Learners and attempts are named by their UUIDs (``uid``) here; the tables' integer keys
    never leave this class (the SQL joins on them and maps them to and from the UUIDs).
    """

    def now(self) -> datetime:
        """The records' clock (UTC; whole seconds): injected in tests, so everything
        recorded in one run — answers, results, certificates — agrees on time."""
        return moment(self._now())

    # ------------------------------------------------------------------ attempts
    def start_attempt(
        self,
        learner_id: str,
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
        uid = new_uid()
        with self._write("starting an attempt") as db:
            key = self._learner_key(db, learner_id)
            db.execute(
                "UPDATE attempts SET finished_at = ? WHERE learner_id = ? AND course_id = ? "
                "AND module_id = ? AND finished_at IS NULL",
                (now, key, course_id, module_id),
            )
            db.execute(
                "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
                "module_sha256, role, seed, started_at, uid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, course_id, module_id, module_version, module_sha256, role, seed, now, uid),
            )
        attempt = self.get_attempt(uid)
        assert attempt is not None
        return attempt

    def record_answer(
        self,
        attempt_id: str,
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
                # The check that the attempt is open, its UUID's row key and the insert are
                # one statement (one round trip to a server; the UUID is indexed): no row
                # inserted means closed or not there.
                cur = db.execute(
                    "INSERT INTO answers (attempt_id, seq, scenario_id, step_id, choice_ids, "
                    "points, max_points, outcome, answered_at) "
                    "SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM attempts "
                    f"WHERE uid = ? AND finished_at IS NULL{self._lock}",
                    (
                        seq,
                        scenario_id,
                        step_id,
                        choices_text(choice_ids),
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

    def _finish(self, db: Any, attempt_id: str, finish: Finish) -> None:
        cur = db.execute(
            "UPDATE attempts SET finished_at = ?, score = ?, max_score = ?, percent = ?, "
            "passed = ? WHERE uid = ? AND finished_at IS NULL",
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
        self, attempt_id: str, score: float, max_score: float, percent: int, passed: bool
    ) -> None:
        """Record the result; synced to disk fully before returning.

        Raises :class:`AttemptClosed` when the attempt was already closed.
        """
        with self._write("recording a result", full_sync=True) as db:
            from trainer.records.row_types import Finish

            self._finish(db, attempt_id, Finish(score, max_score, percent, passed))

    def abandon_attempt(self, attempt_id: str) -> None:
        """Close an attempt that can no longer be resumed (its module changed)."""
        with self._write("closing an attempt") as db:
            db.execute(
                "UPDATE attempts SET finished_at = ? WHERE uid = ? AND finished_at IS NULL",
                (self._now(), attempt_id),
            )

    def get_attempt(self, attempt_id: str) -> AttemptRow | None:
        row = self._one(f"SELECT {select(ATTEMPT)} FROM {_ATTEMPTS} WHERE a.uid = ?", (attempt_id,))
        return attempt_row(row) if row else None

    def open_attempt(self, learner_id: str, course_id: str, module_id: str) -> AttemptRow | None:
        """The learner's unfinished attempt at a module, if any (the newest)."""
        row = self._one(
            f"SELECT {select(ATTEMPT)} FROM {_ATTEMPTS} WHERE l.uid = ? AND a.course_id = ? "
            "AND a.module_id = ? AND a.finished_at IS NULL ORDER BY a.id DESC LIMIT 1",
            (learner_id, course_id, module_id),
        )
        return attempt_row(row) if row else None

    def attempts(
        self,
        *,
        learner_id: str | None = None,
        course_id: str | None = None,
        module_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[AttemptRow]:
        """Attempts matching every filter given, oldest first (``since`` inclusive,
        ``until`` exclusive, compared with ``started_at``)."""
        where, args = [], []
        for column, value in (
            ("l.uid", learner_id),
            ("a.course_id", course_id),
            ("a.module_id", module_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            where.append("a.started_at >= ?")
            args.append(stamp(since))
        if until is not None:
            where.append("a.started_at < ?")
            args.append(stamp(until))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            f"SELECT {select(ATTEMPT)} FROM {_ATTEMPTS} {clause} ORDER BY a.started_at, a.id",
            args,
        )
        return [attempt_row(r) for r in rows]

    def _answer(self, row: Sequence[Any]) -> AnswerRow:
        return answer_row(row, self._choices(row[4], row[0], row[1]))

    def answers(self, attempt_id: str) -> list[AnswerRow]:
        rows = self._rows(
            f"SELECT {select(ANSWER)} FROM {_ANSWERS} WHERE a.uid = ? ORDER BY n.seq",
            (attempt_id,),
        )
        return [self._answer(r) for r in rows]

    def answers_for(self, attempt_ids: Sequence[str]) -> dict[str, list[AnswerRow]]:
        """The answers of several attempts in one query per 500 ids (not one per attempt):
        every id given is a key, in seq order."""
        found: dict[str, list[AnswerRow]] = {i: [] for i in attempt_ids}
        ids = list(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                f"SELECT {select(ANSWER)} FROM {_ANSWERS} WHERE a.uid IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY n.attempt_id, n.seq",
                chunk,
            )
            for r in rows:
                answer = self._answer(r)
                found[answer.attempt_id].append(answer)
        return found

    def answer_counts(self, attempt_ids: Sequence[str]) -> dict[str, int]:
        """How many answers each attempt has (every id given is a key), in one query."""
        counts = {i: 0 for i in attempt_ids}
        ids = list(counts)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for attempt_id, n in self._rows(
                f"SELECT a.uid, count(*) FROM {_ANSWERS} WHERE a.uid IN "
                f"({', '.join('?' * len(chunk))}) GROUP BY a.uid",
                chunk,
            ):
                counts[str(attempt_id)] = int(n)
        return counts

    def meta_value(self, key: str) -> str | None:
        """A value of table ``meta`` (e.g. ``database_id``), or None when there is none."""
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def choices_of(self, text: object, attempt_id: str, seq: int) -> tuple[str, ...]:
        """The choice ids of one answer as recorded (its JSON text), checked: damage is
        reported (:class:`StoreDamaged`), not raised raw."""
        return self._choices(text, attempt_id, seq)

    def _choices(self, text: object, attempt_id: object, seq: int) -> tuple[str, ...]:
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
        self, cert: CertificateRow, *, unless_issued_since: date | None = None
    ) -> None:
        """Record an issued certificate. With ``unless_issued_since`` (the day of the
        completion it certifies), refuse with :class:`AlreadyIssued` when the learner already
        has a certificate for this course issued on or after that day — checked in the same
        transaction, so two administrators issuing at once record one certificate, not two."""
        with self._write("recording a certificate", full_sync=True) as db:
            key = self._learner_key(db, cert.learner_id)
            if unless_issued_since is not None:
                self._serialise(db, f"certificate/{key}")
                row = db.execute(
                    "SELECT id, issued_at FROM certificates WHERE learner_id = ? AND "
                    "course_id = ? AND issued_at >= ? ORDER BY issued_at DESC, id LIMIT 1",
                    (key, cert.course_id, unless_issued_since.isoformat()),
                ).fetchone()
                if row is not None:
                    raise AlreadyIssued(str(row[0]), moment(row[1]))
            db.execute(
                "INSERT INTO certificates (id, learner_id, course_id, course_version, issued_at, "
                "valid_until, payload_sha256, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cert.id,
                    key,
                    cert.course_id,
                    cert.course_version,
                    stamp(cert.issued_at),
                    cert.valid_until,
                    cert.payload_sha256,
                    cert.token,
                ),
            )

    def certificate(self, certificate_id: str) -> CertificateRow | None:
        """One issued certificate by its id (indexed: not every certificate read)."""
        row = self._one(
            f"SELECT {select(CERTIFICATE)} FROM {_CERTIFICATES} WHERE c.id = ?",
            (certificate_id,),
        )
        return certificate_row(row) if row else None

    def certificates(self, *, learner_id: str | None = None) -> list[CertificateRow]:
        clause, args = ("WHERE l.uid = ?", (learner_id,)) if learner_id is not None else ("", ())
        rows = self._rows(
            f"SELECT {select(CERTIFICATE)} FROM {_CERTIFICATES} {clause} "
            "ORDER BY c.issued_at, c.id",
            args,
        )
        return [certificate_row(r) for r in rows]
