"""The records contract: what the application needs from a records store, whatever keeps it.

:class:`Records` is the one interface the rest of trainer uses (front ends, service layer,
reports, certificates, xAPI). Two implementations satisfy it: the SQLite store
(:class:`~trainer.records.store.RecordsStore`, the embedded default) and the PostgreSQL store
(:class:`~trainer.records.pg_store.PgRecordsStore`); tests/test_records_contract.py runs
the same tests against both.

The rules every implementation keeps:

* **Rows** are the neutral types of :mod:`trainer.records.rows`, built by column name.
* **Identity.** Ids are opaque strings, the same on every machine the records reach:
  learners and attempts a UUID made by the application (``LearnerRow.id``,
  ``AttemptRow.id``, and every ``learner_id`` / ``attempt_id`` a method takes or a row
  carries), answers (attempt id, ``seq``), certificates their own id. The tables' integer
  keys never leave trainer/records: the store maps UUIDs to them in its SQL (one indexed
  lookup, inside the statement that needs it). A learner with an external ID is identified
  by (organisation, ID); without one, by the name, matched by
  :func:`~trainer.records.learners.name_key` (spaces collapsed, case folded: one rule on
  every backend).
* **Errors.** Every failure is a :class:`~trainer.records.errors.StoreError` subclass —
  duplicate or conflicting data :class:`StoreConflict`, a closed attempt
  :class:`AttemptClosed`, a server away :class:`StoreUnavailable`, no permission
  :class:`StoreReadOnly`, full :class:`StoreFull`, locked :class:`StoreBusy`, damaged or of
  another version :class:`StoreDamaged`/:class:`StoreError` — never a driver's exception.
* **Atomicity.** Each method that writes is one transaction: starting an attempt closes an
  open one at the module in the same transaction (at most one open attempt per module, kept
  by the database); a last answer and the result it completes are saved together; a roster
  import or a merge is all or nothing.
* **Durability.** A write method that returns has committed: an answer survives a killed
  process (SQLite WAL, ``synchronous=NORMAL``; PostgreSQL commits are durable), a result
  or a certificate a power cut as well (SQLite ``synchronous=FULL`` for those).
* **Evidence.** Answers are append-only: the database itself refuses UPDATE and DELETE.
* **Time.** Timestamps are timezone-aware :class:`~datetime.datetime` values in UTC, whole
  seconds, from the store's clock (:meth:`Records.now`, injected in tests). The store keeps
  them as UTC texts ``YYYY-MM-DDTHH:MM:SSZ`` (:mod:`trainer.records.times`: they sort, so
  its SQL compares them as text) and converts at its edge; callers never see the text.
  Dates (a roster's due date, a certificate's ``valid_until``) stay ``YYYY-MM-DD`` texts.
* **Reads that grow with the organisation** stream (:mod:`trainer.records.stream`) or are
  bounded (``find_learners(limit=)``, ``learner_count()``); nothing reads every answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

if TYPE_CHECKING:
    import uuid

    from trainer.records.derived import DerivedIds
    from trainer.records.reports import MergeReport, RosterEntry, RosterReport
    from trainer.records.rows import (
        AnswerRow,
        AttemptRow,
        CertificateRow,
        Finish,
        LearnerHistoryRow,
        LearnerRow,
    )


@runtime_checkable
class Records(Protocol):
    """What the application may ask of the records (see the module docstring's rules)."""

    location: str  # for messages: the file, or the URL without a password
    read_only: bool

    @property
    def schema_version(self) -> int: ...
    def now(self) -> datetime: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...

    # learners
    def add_learner(
        self, name: str, role: str, organisation: str = "", external_id: str = ""
    ) -> LearnerRow: ...
    def update_learner(
        self, learner_id: str, *, organisation: str, external_id: str, role: str
    ) -> LearnerRow: ...
    def rename_learner(self, learner_id: str, name: str) -> LearnerRow: ...
    def get_learner(self, learner_id: str) -> LearnerRow | None: ...
    def find_learner(self, name: str) -> LearnerRow | None: ...
    def find_by_external_id(self, organisation: str, external_id: str) -> LearnerRow | None: ...
    def find_by_uid(self, uid: str) -> LearnerRow | None: ...
    def find_learners(self, text: str = "", *, limit: int = 50) -> list[LearnerRow]: ...
    def learners(self) -> list[LearnerRow]: ...
    def learner_count(self) -> int: ...
    def learner_history(self, learner_id: str | None = None) -> list[LearnerHistoryRow]: ...

    # roster and merging (organisations)
    def import_roster(
        self, entries: Sequence[RosterEntry], *, dry_run: bool = False
    ) -> RosterReport: ...
    def roster(self, *, everyone: bool = False) -> list[LearnerRow]: ...
    def merge_from(
        self, source: Any, *, add_unmatched: bool = False, check: bool = False
    ) -> MergeReport: ...

    # attempts and answers
    def start_attempt(
        self,
        learner_id: str,
        course_id: str,
        module_id: str,
        module_version: str,
        module_sha256: str,
        role: str,
        seed: int,
    ) -> AttemptRow: ...
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
    ) -> None: ...
    def finish_attempt(
        self, attempt_id: str, score: float, max_score: float, percent: int, passed: bool
    ) -> None: ...
    def abandon_attempt(self, attempt_id: str) -> None: ...
    def get_attempt(self, attempt_id: str) -> AttemptRow | None: ...
    def open_attempt(
        self, learner_id: str, course_id: str, module_id: str
    ) -> AttemptRow | None: ...
    def attempts(
        self,
        *,
        learner_id: str | None = None,
        course_id: str | None = None,
        module_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[AttemptRow]: ...
    def answers(self, attempt_id: str) -> list[AnswerRow]: ...
    def answers_for(self, attempt_ids: Sequence[str]) -> dict[str, list[AnswerRow]]: ...
    def answer_counts(self, attempt_ids: Sequence[str]) -> dict[str, int]: ...
    def choices_of(self, text: object, attempt_id: str, seq: int) -> tuple[str, ...]: ...

    # certificates, meta, xAPI outbox
    def record_certificate(
        self, cert: CertificateRow, *, unless_issued_since: date | None = None
    ) -> None: ...
    def certificate(self, certificate_id: str) -> CertificateRow | None: ...
    def certificates(self, *, learner_id: str | None = None) -> list[CertificateRow]: ...
    def meta_value(self, key: str) -> str | None: ...
    def derived_ids(self, root: uuid.UUID) -> DerivedIds: ...
    def queue_statements(self, rows: Sequence[tuple[str, str]]) -> int: ...
    def pending_statements(self, limit: int) -> list[tuple[str, str]]: ...
    def queued_statement_ids(self) -> set[str]: ...
    def mark_statements_sent(self, ids: Sequence[str]) -> None: ...
    def mark_statements_failed(self, ids: Sequence[str], error: str) -> None: ...
    def outbox_counts(self) -> tuple[int, int, dict[str, Any]]: ...

    # for trainer.records.stream only (reports that grow with the organisation)
    def _stream(
        self, sql: str, args: Sequence[object] = (), *, in_order: bool = False
    ) -> Iterator[tuple[Any, ...]]: ...
