"""The PostgreSQL backend base (trainer/records/pg.py) against a real server.

Schema creation and the refusals (newer schema, a database that is not ours, a password in
the URL), the append-only answers, read-only connections, the ``?`` translation, error
conversion, and network faults: a server stopped mid-use, a connection cut in a
transaction or in its COMMIT. Servers come from tests/pg_fixtures.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg")

from tests.pgserver import PgServer  # noqa: E402
from trainer.records.errors import (  # noqa: E402
    StoreConflict,
    StoreError,
    StoreReadOnly,
    StoreUnavailable,
)
from trainer.records.pg import PgStoreBase  # noqa: E402
from trainer.records.pg_schema import PG_SCHEMA_VERSION, TABLES  # noqa: E402
from trainer.records.pg_sql import checked_params, describe, to_pg  # noqa: E402

NOW = "2026-12-02T00:00:00Z"
PUBLIC_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"


def no_sleep(_: float) -> None:
    pass


@pytest.fixture
def pg(pg_url: str) -> Iterator[PgStoreBase]:
    with PgStoreBase(pg_url, sleep=no_sleep) as store:
        yield store


def raw(url: str, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run SQL as the test's superuser, outside the store."""
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, args)
        return cur.fetchall() if cur.description else []


def add_learner(db: Any, name: str = "Ann", uid: str | None = None) -> int:
    row = db.execute(
        "INSERT INTO learners (name, role, created_at, uid, name_key) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id",
        (name, "employee", NOW, uid or str(uuid.uuid4()), name.casefold()),
    ).fetchone()
    return int(row[0])


def add_attempt(db: Any, learner_id: int) -> int:
    row = db.execute(
        "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
        "module_sha256, role, seed, started_at, uid) VALUES (?, 'c', 'm', '1', 'x', "
        "'employee', 7, ?, ?) RETURNING id",
        (learner_id, NOW, str(uuid.uuid4())),
    ).fetchone()
    return int(row[0])


def add_answer(db: Any, attempt_id: int, seq: int) -> None:
    db.execute(
        "INSERT INTO answers (attempt_id, seq, scenario_id, step_id, choice_ids, points, "
        "max_points, outcome, answered_at) VALUES (?, ?, 's', 'q', 'a', 1.0, 1, 'correct', ?)",
        (attempt_id, seq, NOW),
    )


# ---------------------------------------------------------------------- URL and SQL
def test_placeholders_become_percent_s_and_literal_percents_are_escaped() -> None:
    assert to_pg("SELECT a FROM t WHERE b = ? AND c LIKE 'x%?' AND d = ?") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%?' AND d = %s"
    )
    assert to_pg("SELECT 5 % 2, '?''?', \"we?rd\"") == "SELECT 5 %% 2, '?''?', \"we?rd\""


def test_a_literal_percent_and_question_mark_reach_the_server_intact(pg: PgStoreBase) -> None:
    assert pg._one("SELECT 'a%b?c', 7 % 4, ? || '%'", ("x",)) == ("a%b?c", 3, "x%")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ann:s3cr3t-pw@db.example.org/records",
        "postgresql://ann@db.example.org/records?password=s3cr3t-pw",
        "postgres://ann:s3cr3t-pw@db.example.org:5432/records?sslmode=require",
    ],
)
def test_a_password_in_the_url_is_refused_and_never_shown(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        PgStoreBase(url, sleep=no_sleep)
    message = str(caught.value)
    assert "s3cr3t-pw" not in message
    assert "pgpass" in message and "PGPASSFILE" in message


def test_an_unreadable_url_is_refused_without_quoting_it() -> None:
    with pytest.raises(StoreError) as caught:
        checked_params("postgresql://ann:s3cr3t-pw@[db.example.org/records")
    assert "s3cr3t-pw" not in str(caught.value)


def test_location_names_user_host_and_database_only() -> None:
    assert describe(checked_params("postgresql://ann@db.example.org:6432/records")) == (
        "postgresql://ann@db.example.org:6432/records"
    )
    assert describe(checked_params("postgresql://ann@/records?host=/run/pg")) == (
        "postgresql://ann@/records?host=/run/pg"
    )
    shown = describe({"user": "a\x1b[2Jb", "host": "h", "dbname": "d"})
    assert "\x1b" not in shown


# ---------------------------------------------------------------------- schema
def test_an_empty_database_gets_schema_7_with_a_database_id(pg: PgStoreBase, pg_url: str) -> None:
    assert pg.schema_version == 7
    meta = dict(raw(pg_url, "SELECT key, value FROM meta"))
    assert meta["schema_version"] == "7"
    assert uuid.UUID(meta["database_id"]).version == 4
    tables = {
        r[0] for r in raw(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }
    assert tables == set(TABLES)


def test_opening_again_keeps_the_database_id(pg_url: str) -> None:
    with PgStoreBase(pg_url) as first:
        made = first._one("SELECT value FROM meta WHERE key = 'database_id'")
    with PgStoreBase(pg_url) as second:
        assert second._one("SELECT value FROM meta WHERE key = 'database_id'") == made


def test_a_newer_schema_is_refused_and_not_written(pg: PgStoreBase, pg_url: str) -> None:
    newer = str(PG_SCHEMA_VERSION + 1)
    raw(pg_url, f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'")
    before = raw(pg_url, "SELECT count(*) FROM write_receipts")
    for read_only in (False, True):
        with pytest.raises(StoreError, match="newer trainer"):
            PgStoreBase(pg_url, read_only=read_only, sleep=no_sleep)
    assert raw(pg_url, "SELECT value FROM meta WHERE key = 'schema_version'") == [(newer,)]
    assert raw(pg_url, "SELECT count(*) FROM write_receipts") == before


def test_a_database_with_other_tables_is_refused_and_not_written(pg_url: str) -> None:
    raw(pg_url, "CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not trainer records"):
        PgStoreBase(pg_url, sleep=no_sleep)
    tables = {
        r[0] for r in raw(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }
    assert tables == {"invoices"}


def test_a_foreign_meta_table_is_refused(pg_url: str) -> None:
    raw(pg_url, "CREATE TABLE meta (key text, value text)")
    with pytest.raises(StoreError, match="not trainer records"):
        PgStoreBase(pg_url, sleep=no_sleep)


def test_read_only_on_an_empty_database_creates_nothing(pg_url: str) -> None:
    with pytest.raises(StoreError, match="no trainer records yet"):
        PgStoreBase(pg_url, read_only=True, sleep=no_sleep)
    assert raw(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


def test_read_only_refuses_writes_and_the_server_does_too(pg: PgStoreBase, pg_url: str) -> None:
    with PgStoreBase(pg_url, read_only=True) as ro:
        with pytest.raises(StoreReadOnly), ro._write("adding a learner") as db:
            add_learner(db)
        with pytest.raises(StoreReadOnly):  # even a write smuggled into a read
            ro._rows("DELETE FROM xapi_outbox")
    assert raw(pg_url, "SELECT count(*) FROM learners") == [(0,)]


# ---------------------------------------------------------------------- evidence
def test_answers_are_append_only_in_the_database_itself(pg: PgStoreBase, pg_url: str) -> None:
    with pg._write("recording") as db:
        add_answer(db, add_attempt(db, add_learner(db)), 1)
    for sql in ("UPDATE answers SET points = 0", "DELETE FROM answers", "TRUNCATE answers"):
        with pytest.raises(StoreConflict, match="append-only"), pg._write("editing") as db:
            db.execute(sql)
        with pytest.raises(psycopg.IntegrityError, match="append-only"):
            raw(pg_url, sql)  # the superuser too: it is the database that refuses
    assert raw(pg_url, "SELECT points FROM answers") == [(1.0,)]


def test_one_open_attempt_per_module_and_unique_keys(pg: PgStoreBase) -> None:
    with pg._write("adding") as db:
        learner = add_learner(db, uid="same-uid")
        add_attempt(db, learner)
    with pytest.raises(StoreConflict), pg._write("starting again") as db:
        add_attempt(db, learner)
    with pytest.raises(StoreConflict), pg._write("adding again") as db:
        add_learner(db, "Bob", uid="same-uid")
    assert pg._one("SELECT count(*) FROM attempts") == (1,)


def test_types_read_back_as_on_sqlite(pg: PgStoreBase) -> None:
    with pg._write("adding") as db:
        attempt = add_attempt(db, add_learner(db))
        db.execute("UPDATE attempts SET passed = ?, percent = ? WHERE id = ?", (True, 85, attempt))
    assert pg._one(
        "SELECT passed, percent, avg(percent) FROM attempts GROUP BY passed, percent"
    ) == (
        1,
        85,
        85.0,
    )


# ---------------------------------------------------------------------- network faults
def _terminate(admin_url: str, store: PgStoreBase) -> None:
    assert store._conn is not None
    pid = store._conn.info.backend_pid
    raw(admin_url, "SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_cut_between_writes_is_reopened(pg: PgStoreBase, pg_admin_url: str) -> None:
    with pg._write("adding") as db:
        add_learner(db)
    _terminate(pg_admin_url, pg)
    assert pg._one("SELECT count(*) FROM learners") == (1,)
    _terminate(pg_admin_url, pg)
    with pg._write("adding") as db:
        add_learner(db, "Bob")
    assert pg._one("SELECT count(*) FROM learners") == (2,)


def test_a_transaction_cut_midway_is_replayed_when_it_reads_the_same(
    pg: PgStoreBase, pg_admin_url: str
) -> None:
    with pg._write("adding") as db:
        attempt = add_attempt(db, add_learner(db))
    with pg._write("saving an answer") as db:
        row = db.execute(f"SELECT finished_at FROM attempts WHERE id = ?{pg._lock}", (attempt,))
        assert row.fetchone() == (None,)
        _terminate(pg_admin_url, pg)
        add_answer(db, attempt, 1)  # the connection is found gone here: replayed, then this
    assert pg._rows("SELECT attempt_id, seq FROM answers") == [(attempt, 1)]


def test_a_transaction_cut_after_a_new_id_is_not_replayed(
    pg: PgStoreBase, pg_admin_url: str
) -> None:
    lost = pytest.raises(StoreUnavailable, match="Nothing of this was saved")
    with lost, pg._write("adding") as db:
        learner = add_learner(db)  # a replay would get another id from the sequence
        _terminate(pg_admin_url, pg)
        add_attempt(db, learner)
    assert pg._one("SELECT count(*) FROM learners") == (0,)
    assert pg._one("SELECT count(*) FROM attempts") == (0,)


@pytest.mark.parametrize("landed", [True, False])
def test_a_commit_cut_off_is_applied_exactly_once(
    pg: PgStoreBase, monkeypatch: pytest.MonkeyPatch, landed: bool
) -> None:
    with pg._write("adding") as db:
        attempt = add_attempt(db, add_learner(db))
    real_commit = pg._commit
    calls = []

    def cut_commit() -> None:
        calls.append(1)
        if len(calls) == 1:
            assert pg._conn is not None
            if landed:
                real_commit()  # the COMMIT reached the server, its answer did not come back
            pg._conn.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        real_commit()

    monkeypatch.setattr(pg, "_commit", cut_commit)
    with pg._write("saving an answer") as db:
        add_answer(db, attempt, 1)
    assert pg._rows("SELECT seq FROM answers") == [(1,)]
    assert len(calls) == (1 if landed else 2)  # landed: the receipt showed it; else replayed


def test_a_server_stopped_mid_use_is_reported_then_used_again(
    pg_own_server: PgServer,
) -> None:
    slept: list[float] = []
    store = PgStoreBase(pg_own_server.url(), sleep=slept.append)
    try:
        with store._write("adding") as db:
            attempt = add_attempt(db, add_learner(db))
        pg_own_server.stop()
        with pytest.raises(StoreUnavailable) as caught, store._write("saving an answer") as db:
            add_answer(db, attempt, 1)
        message = str(caught.value)
        assert "cannot be reached while saving an answer" in message
        assert "Nothing of this was saved" in message
        assert pg_own_server.url().split("?")[0] in message  # which server
        assert slept == [0.2, 0.5, 1.0, 2.0]  # retried, with backoff, before giving up
        with pytest.raises(StoreUnavailable, match="reading them"):
            store._rows("SELECT 1")
        pg_own_server.start()
        with store._write("saving an answer") as db:
            add_answer(db, attempt, 1)
        assert store._rows("SELECT seq FROM answers") == [(1,)]
    finally:
        store.close()


def test_a_server_back_within_the_retries_loses_nothing(pg_own_server: PgServer) -> None:
    def restart_on_first_wait(_: float) -> None:
        if not restarted:
            restarted.append(True)
            pg_own_server.start()

    restarted: list[bool] = []
    store = PgStoreBase(pg_own_server.url(), sleep=restart_on_first_wait)
    try:
        with store._write("adding") as db:
            attempt = add_attempt(db, add_learner(db))
        pg_own_server.stop()
        with store._write("saving an answer") as db:  # no error: reconnected
            add_answer(db, attempt, 1)
        assert restarted == [True]
        assert store._rows("SELECT seq FROM answers") == [(1,)]
    finally:
        store.close()


def test_no_server_at_all_is_unavailable_after_the_retries(pg_own_server: PgServer) -> None:
    pg_own_server.stop()
    slept: list[float] = []
    with pytest.raises(StoreUnavailable, match="cannot be reached while opening it"):
        PgStoreBase(pg_own_server.url(), sleep=slept.append)
    assert len(slept) == 4


def test_a_missing_database_is_a_plain_refusal_not_retried(pg_admin_url: str) -> None:
    from tests.pg_fixtures import with_database

    slept: list[float] = []
    url = with_database(pg_admin_url, "no_such_db_" + uuid.uuid4().hex[:8])
    with pytest.raises(StoreError, match="does not exist") as caught:
        PgStoreBase(url, sleep=slept.append)
    assert not isinstance(caught.value, StoreUnavailable)
    assert slept == []


def test_serialised_check_then_insert_never_duplicates(pg_url: str) -> None:
    """Two sessions that check a name is free and then insert it take turns: the second
    sees the first's learner. (Without the lock both would insert under READ COMMITTED.)"""
    import threading

    first, second = PgStoreBase(pg_url), PgStoreBase(pg_url)
    inside = threading.Event()
    results: list[str] = []

    def add(store: PgStoreBase, wait: bool) -> None:
        with store._write("adding a learner") as db:
            store._serialise(db, "learners")
            taken = db.execute("SELECT count(*) FROM learners WHERE name_key = 'ann'")
            if taken.fetchone() != (0,):
                results.append("refused")
                return
            if wait:
                inside.set()
                threading.Event().wait(0.3)  # hold the turn while the other one asks for it
            add_learner(db)
            results.append("added")

    try:
        one = threading.Thread(target=add, args=(first, True))
        one.start()
        assert inside.wait(10)
        add(second, False)
        one.join(10)
        assert sorted(results) == ["added", "refused"]
        assert first._one("SELECT count(*) FROM learners") == (1,)
    finally:
        first.close()
        second.close()


def test_another_thread_waits_for_a_write_to_end(pg: PgStoreBase) -> None:
    """One connection, two threads: a read from the second is not run inside the first's
    transaction (it would see a learner that is then rolled back); it waits for it."""
    import threading

    inside, seen = threading.Event(), []

    def reader() -> None:
        assert inside.wait(10)
        seen.append(pg._one("SELECT count(*) FROM learners"))

    thread = threading.Thread(target=reader)
    thread.start()
    with pytest.raises(KeyboardInterrupt), pg._write("adding") as db:
        add_learner(db)
        inside.set()
        threading.Event().wait(0.3)  # the reader asks now, and must wait
        raise KeyboardInterrupt  # rolled back
    thread.join(10)
    assert seen == [(0,)]


# ---------------------------------------------------------------------- streamed reads
def test_a_stream_stopped_early_leaves_the_store_usable(pg_url: str) -> None:
    """A report that stops reading half-way (its output failed) cancels the query: the
    same store then reads and writes as before, and a whole stream gives every row in
    order."""
    from trainer.records import open_store

    with open_store(pg_url) as store:
        for n in range(3):
            store.add_learner(f"L{n}", "employee")
        rows = store._stream("SELECT n FROM generate_series(1, 200000) AS n", ())
        assert next(rows) == (1,)
        rows.close()
        assert store.learner_count() == 3
        names = [r[0] for r in store._stream("SELECT name FROM learners ORDER BY name", ())]
        assert names == ["L0", "L1", "L2"]
        store.add_learner("L3", "employee")
        assert store.learner_count() == 4
        whole = list(store._stream("SELECT n FROM generate_series(1, 1234) AS n", ()))
        assert whole == [(n,) for n in range(1, 1235)]
        # a stream inside a stream, and a write while both are open
        outer = store._stream("SELECT n FROM generate_series(1, 3) AS n", ())
        pairs = []
        for (n,) in outer:
            inner = store._stream("SELECT name FROM learners ORDER BY name LIMIT 2", ())
            pairs.append((n, [r[0] for r in inner]))
            store.add_learner(f"M{n}", "employee")
        assert pairs == [(1, ["L0", "L1"]), (2, ["L0", "L1"]), (3, ["L0", "L1"])]
        assert store.learner_count() == 7
