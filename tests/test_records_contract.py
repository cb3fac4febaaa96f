"""The records contract, run against both backends (SQLite and PostgreSQL: ``any_store``).

What the application relies on from any records store: identity rules for learners, one open
attempt per module, answers committed one by one and never rewritten, results, certificates,
the xAPI outbox, read-only opening, and only :class:`StoreError` subclasses on failure.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trainer.records import (
    AttemptClosed,
    CertificateRow,
    RecordsStore,
    StoreConflict,
    StoreError,
    StoreReadOnly,
    open_store,
)


def _attempt(store: RecordsStore, learner_id: str, module: str = "m") -> str:
    return store.start_attempt(learner_id, "course", module, "1.0", "h" * 64, "employee", 7).id


def test_learners_get_a_uuid_and_names_match_case_folded(any_store: RecordsStore) -> None:
    ana = any_store.add_learner("  Ana   Smith ", "employee")
    assert ana.name == "Ana Smith"
    assert uuid.UUID(ana.id).version == 4  # an opaque id: the UUID, not a row number
    with pytest.raises(StoreConflict, match="already exists"):
        any_store.add_learner("ANA SMITH", "contractor")
    with pytest.raises(StoreConflict, match="already exists"):
        any_store.add_learner("ana smith", "employee")  # the same rule on both backends
    found = any_store.find_learner("ana  SMITH")
    assert found is not None and found.id == ana.id
    straße = any_store.add_learner("Straße", "employee")
    assert any_store.find_learner("STRASSE") == straße  # full case folding, not just ASCII
    assert any_store.learner_count() == 2


def test_learners_with_ids_are_told_apart_by_organisation_and_id(
    any_store: RecordsStore,
) -> None:
    one = any_store.add_learner("Sam Lee", "employee", "Agency A", "E1")
    two = any_store.add_learner("Sam Lee", "employee", "Agency A", "E2")  # two people
    other_org = any_store.add_learner("Kim", "employee", "Agency B", "E1")
    assert len({one.id, two.id, other_org.id}) == 3
    with pytest.raises(StoreConflict, match="ID"):
        any_store.add_learner("Someone Else", "employee", "Agency A", "E1")
    assert any_store.find_by_external_id("Agency A", "E2") == two
    assert any_store.find_by_uid(one.id) == one == any_store.get_learner(one.id)
    with pytest.raises(StoreConflict):
        any_store.update_learner(two.id, organisation="Agency A", external_id="E1", role="employee")


def test_rename_and_changes_are_kept_in_the_history(any_store: RecordsStore) -> None:
    learner = any_store.add_learner("Ana Smyth", "employee")
    any_store.rename_learner(learner.id, "Ana Smith")
    assert any_store.find_learner("ana smith") is not None
    assert any_store.find_learner("ana smyth") is None  # the name key followed the name
    any_store.update_learner(learner.id, organisation="Org", external_id="X1", role="uniformed")
    changes = [(h.change, h.old_value, h.new_value) for h in any_store.learner_history(learner.id)]
    assert changes == [
        ("created", None, "Ana Smyth"),
        ("name", "Ana Smyth", "Ana Smith"),
        ("organisation", "", "Org"),
        ("external_id", "", "X1"),
        ("role", "employee", "uniformed"),
    ]


def test_search_is_bounded_and_takes_wildcards_literally(any_store: RecordsStore) -> None:
    for n in range(30):
        any_store.add_learner(f"Learner {n:02d}", "employee", "", f"ID-{n:02d}")
    any_store.add_learner("Percent 100%", "employee")
    assert len(any_store.find_learners("learner", limit=10)) == 10
    assert [lr.name for lr in any_store.find_learners("%")] == ["Percent 100%"]
    assert [lr.external_id for lr in any_store.find_learners("id-07")] == ["ID-07"]
    assert any_store.find_learners("_") == []


def test_one_open_attempt_per_module(any_store: RecordsStore) -> None:
    learner = any_store.add_learner("Ana", "employee")
    first = _attempt(any_store, learner.id)
    other_module = _attempt(any_store, learner.id, "m2")
    second = _attempt(any_store, learner.id)  # starting again closes the open one
    rows = {a.id: a for a in any_store.attempts(learner_id=learner.id)}
    assert rows[first].status == "abandoned"
    assert rows[second].status == "in-progress" and rows[other_module].status == "in-progress"
    assert all(uuid.UUID(i).version == 4 for i in rows) and len(rows) == 3
    open_row = any_store.open_attempt(learner.id, "course", "m")
    assert open_row is not None and open_row.id == second
    with pytest.raises(AttemptClosed):
        any_store.record_answer(first, 1, "sc", "s1", ("a",), 1.0, 1, "correct")
    # The database itself refuses a second open attempt at a module.
    with pytest.raises(StoreConflict), any_store._write("a test") as db:
        db.execute(
            "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
            "module_sha256, role, seed, started_at, uid) VALUES ((SELECT id FROM learners "
            "WHERE uid = ?), 'course', 'm', '1', 'h', 'employee', 1, 'T', ?)",
            (learner.id, str(uuid.uuid4())),
        )


def test_answers_are_committed_once_and_never_rewritten(any_store: RecordsStore) -> None:
    from trainer.records.store import Finish

    learner = any_store.add_learner("Ben", "contractor")
    attempt = _attempt(any_store, learner.id)
    any_store.record_answer(attempt, 1, "sc", "s1", ("a", "b"), 0.5, 1, "partial")
    with pytest.raises(StoreConflict, match="already recorded"):
        any_store.record_answer(attempt, 1, "sc", "s1", ("c",), 1.0, 1, "correct")
    any_store.record_answer(
        attempt, 2, "sc", "s2", ("c",), 1.0, 1, "correct", finish=Finish(1.5, 2.0, 75, True)
    )
    (row,) = any_store.attempts(learner_id=learner.id)
    assert (row.status, row.percent, row.score) == ("passed", 75, 1.5)
    for sql in ("UPDATE answers SET points = 9", "DELETE FROM answers"):
        with pytest.raises(StoreError, match="append-only"), any_store._write("a test") as db:
            db.execute(sql)
    answers = any_store.answers(attempt)
    assert [(a.seq, a.choice_ids, a.points) for a in answers] == [
        (1, ("a", "b"), 0.5),
        (2, ("c",), 1.0),
    ]
    with pytest.raises(AttemptClosed):
        any_store.finish_attempt(attempt, 1, 2, 50, False)


def test_attempt_filters(any_store: RecordsStore) -> None:
    ana = any_store.add_learner("Ana", "employee")
    ben = any_store.add_learner("Ben", "employee")
    a1 = _attempt(any_store, ana.id)
    _attempt(any_store, ben.id)
    assert [a.id for a in any_store.attempts(learner_id=ana.id)] == [a1]
    assert len(any_store.attempts(course_id="course", module_id="m")) == 2
    far = datetime(9999, 1, 1, tzinfo=UTC)
    assert any_store.attempts(since=far) == []
    assert len(any_store.attempts(until=far)) == 2


def test_certificates_are_recorded_once(any_store: RecordsStore) -> None:
    learner = any_store.add_learner("Cy", "uniformed")
    at = datetime(2026, 12, 1, 10, tzinfo=UTC)
    cert = CertificateRow("C-1", learner.id, "course", "2.0.0", at, "2027-12-01", "f" * 64, "t")
    any_store.record_certificate(cert)
    assert any_store.certificates(learner_id=learner.id) == [cert]
    assert any_store.certificate("C-1") == cert and any_store.certificate("C-2") is None
    with pytest.raises(StoreConflict):
        any_store.record_certificate(cert)


def test_outbox_queues_each_statement_once(any_store: RecordsStore) -> None:
    assert any_store.queue_statements([("s1", "{}"), ("s2", "{}")]) == 2
    assert any_store.queue_statements([("s2", "{}"), ("s3", "{}")]) == 1
    assert [i for i, _ in any_store.pending_statements(10)] == ["s1", "s2", "s3"]
    any_store.mark_statements_sent(["s1"])
    any_store.mark_statements_failed(["s2"], "refused")
    pending, sent, meta = any_store.outbox_counts()
    assert (pending, sent, meta["push.last_error"]) == (2, 1, "refused")


def test_read_only_reads_and_refuses_every_write(
    any_store: RecordsStore, records_at: str | Path
) -> None:
    any_store.add_learner("Dee", "employee")
    with open_store(records_at, read_only=True) as reader:
        assert [lr.name for lr in reader.learners()] == ["Dee"]
        with pytest.raises(StoreReadOnly):
            reader.add_learner("Eve", "employee")
    assert any_store.learner_count() == 1


def test_reports_stream_rows_on_both_backends(any_store: RecordsStore) -> None:
    from trainer.records.stream import iter_export_rows

    learners = [any_store.add_learner(f"L{n:04d}", "employee") for n in range(3)]
    for learner in learners:
        for module in ("m1", "m2"):
            _attempt(any_store, learner.id, module)
    rows = list(iter_export_rows(any_store))
    assert len(rows) == 6
    assert [r[1] for r in rows[:2]] == ["L0000", "L0000"]
    # Many rows through the backend's cursor (PostgreSQL: a server-side cursor, several fetches).
    streamed = any_store._stream("SELECT a.id FROM attempts AS a, learners AS l ORDER BY 1")
    assert sum(1 for _ in streamed) == 18
    # A store used while a stream is open in the same thread still works.
    stream = any_store._stream("SELECT uid FROM learners ORDER BY id")
    first = next(stream)
    any_store.add_learner("Mid Stream", "employee")
    assert [first, *stream][0] == (learners[0].id,)


def test_bulk_reads_of_answers(any_store: RecordsStore) -> None:
    learner = any_store.add_learner("Bulk", "employee")
    first, second, empty = (_attempt(any_store, learner.id, m) for m in ("m1", "m2", "m3"))
    for seq in (1, 2, 3):
        any_store.record_answer(first, seq, "sc", f"s{seq}", ("a",), 1.0, 1, "correct")
    any_store.record_answer(second, 1, "sc", "s1", ("b", "c"), 0.5, 1, "partial")
    assert any_store.answer_counts([first, second, empty]) == {first: 3, second: 1, empty: 0}
    found = any_store.answers_for([second, first, empty])
    assert found[first] == any_store.answers(first) and len(found[first]) == 3
    assert [a.choice_ids for a in found[second]] == [("b", "c")] and found[empty] == []
    many = [str(uuid.uuid4()) for _ in range(1200)] + [first, second]  # over one statement
    assert sum(any_store.answer_counts(many).values()) == 4


def test_a_certificate_for_a_completion_is_recorded_once(any_store: RecordsStore) -> None:
    """Two issuers at once: the second record for the same completion is refused in the
    store's own transaction (AlreadyIssued), so a learner never gets two."""
    from trainer.records.store import AlreadyIssued

    learner = any_store.add_learner("Once", "employee")

    def cert(cid: str, day: str) -> CertificateRow:
        at = datetime.fromisoformat(f"{day}T10:00:00+00:00")
        return CertificateRow(cid, learner.id, "course", "2.0.0", at, "2027-12-01", "f" * 64, "t")

    any_store.record_certificate(cert("A", "2026-12-01"), unless_issued_since=date(2026, 11, 30))
    with pytest.raises(AlreadyIssued) as caught:
        any_store.record_certificate(
            cert("B", "2026-12-02"), unless_issued_since=date(2026, 11, 30)
        )
    assert caught.value.certificate_id == "A"
    assert caught.value.issued_at == datetime(2026, 12, 1, 10, tzinfo=UTC)
    # A later completion (after the first certificate) gets its own.
    any_store.record_certificate(cert("C", "2027-06-01"), unless_issued_since=date(2027, 5, 30))
    assert [c.id for c in any_store.certificates(learner_id=learner.id)] == ["A", "C"]


def test_rows_carry_uuids_and_aware_utc_times_never_row_numbers(any_store: RecordsStore) -> None:
    """The neutral row types: every id a row carries is the UUID (what another machine's
    records also call it), every time an aware datetime in UTC; the stored texts and the
    tables' integer keys stay inside the store."""
    from trainer.records.store import Finish

    learner = any_store.add_learner("Neutral", "employee")
    attempt = _attempt(any_store, learner.id)
    any_store.record_answer(
        attempt, 1, "sc", "s1", ("a",), 1.0, 1, "correct", finish=Finish(1, 1, 100, True)
    )
    row = any_store.get_attempt(attempt)
    assert row is not None and row.learner_id == learner.id
    (answer,) = any_store.answers(attempt)
    (change,) = any_store.learner_history(learner.id)
    keys = {
        "learner": any_store._one("SELECT id FROM learners WHERE uid = ?", (learner.id,)),
        "attempt": any_store._one("SELECT id FROM attempts WHERE uid = ?", (attempt,)),
    }
    for value in (learner.id, row.id, row.learner_id, answer.attempt_id, change.learner_id):
        assert isinstance(value, str) and uuid.UUID(value).version == 4
        assert value not in {str(k[0]) for k in keys.values() if k}
    for when in (learner.created_at, row.started_at, row.finished_at, answer.answered_at,
                 change.at, any_store.now()):  # fmt: skip
        assert isinstance(when, datetime) and when.utcoffset() is not None
        assert when.utcoffset().total_seconds() == 0 and when.microsecond == 0
    stored = any_store._one("SELECT started_at FROM attempts WHERE uid = ?", (attempt,))
    assert stored is not None and stored[0] == row.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert any_store.get_attempt(str(keys["attempt"][0])) is None  # a row number is no id
    assert any_store.get_learner(str(keys["learner"][0])) is None


def test_a_row_without_its_uuid_is_reported_as_damage(tmp_path: Path) -> None:
    """Only a hand-edited file has a learner without a UUID: said plainly, not a crash."""
    import sqlite3

    from trainer.records.errors import StoreDamaged

    with RecordsStore(tmp_path / "r.sqlite3") as store:
        store.add_learner("Ana", "employee")
    db = sqlite3.connect(tmp_path / "r.sqlite3")
    db.execute("UPDATE learners SET uid = NULL")
    db.commit()
    db.close()
    with (
        RecordsStore(tmp_path / "r.sqlite3") as store,
        pytest.raises(StoreDamaged, match="a learner without its UUID"),
    ):
        store.learners()
