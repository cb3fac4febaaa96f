"""``trainer db roles``: the printed SQL, run on a real server, gives each role what it may do
and refuses the rest (connecting as a login member of each group role)."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from trainer.cli import main
from trainer.records.errors import StoreConflict, StoreError, StoreReadOnly
from trainer.records.pg_roles import ADMIN, KIOSK, check_database_name, roles_sql

psycopg = pytest.importorskip("psycopg")

from trainer.records.pg import PgStoreBase  # noqa: E402

NOW = "2026-12-02T00:00:00Z"


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{quote(user)}@{host}", parts.path, parts.query, ""))


def printed_roles(database: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["db", "roles", "--database", database]) == 0
    return out.getvalue()


def test_the_command_prints_the_sql_for_the_named_database() -> None:
    text = printed_roles("org records")
    assert text == roles_sql("org records")
    assert 'GRANT CONNECT ON DATABASE "org records" TO trainer_kiosk, trainer_admin;' in text
    assert "PASSWORD '" not in text.upper()  # no password is ever written into SQL


def test_the_database_defaults_to_the_records_url() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        url = "postgresql://hr@db.example.org/org_records?sslmode=require"
        assert main(["db", "roles", "--records", url]) == 0
    assert 'ON DATABASE "org_records"' in out.getvalue()


@pytest.mark.parametrize("name", ["", "x" * 64, "a\x1b[2Jb", "a\nb"])
def test_a_name_that_cannot_be_a_database_exits_2(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check_database_name(name) is not None
    assert main(["db", "roles", "--database", name]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "\x1b" not in captured.err


# ---------------------------------------------------------------------- on a real server
@pytest.fixture
def roles_db(pg_url: str) -> Iterator[dict[str, str]]:
    """A records database with some records, the roles' SQL applied (twice: it is
    idempotent), and one login member of each role; their URLs by role."""
    with PgStoreBase(pg_url) as owner, owner._write("seeding") as db:
        learner = db.execute(
            "INSERT INTO learners (name, role, created_at, uid, name_key) "
            "VALUES ('Ann', 'employee', ?, ?, 'ann') RETURNING id",
            (NOW, str(uuid.uuid4())),
        ).fetchone()[0]
        db.execute(
            "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
            "module_sha256, role, seed, started_at, finished_at, passed, uid) VALUES "
            "(?, 'c', 'done', '1', 'x', 'employee', 1, ?, ?, 1, ?)",
            (learner, NOW, NOW, str(uuid.uuid4())),
        )
        db.execute(
            "INSERT INTO answers VALUES (1, 1, 's', 'q', '[\"a\"]', 1.0, 1, 'correct', ?)", (NOW,)
        )
        db.execute(
            "INSERT INTO certificates VALUES ('CERT-1', ?, 'c', '1', ?, ?, 'h', 't')",
            (learner, NOW, NOW),
        )
    database = urlsplit(pg_url).path.lstrip("/")
    sql = printed_roles(database)
    suffix = uuid.uuid4().hex[:10]
    users = {KIOSK: f"kiosk_{suffix}", ADMIN: f"admin_{suffix}"}
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql)
        conn.execute(sql)
        for group, user in users.items():
            conn.execute(f"CREATE ROLE {user} LOGIN IN ROLE {group}")
    try:
        yield {group: as_user(pg_url, user) for group, user in users.items()}
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            for user in users.values():
                conn.execute(f"DROP OWNED BY {user}")
                conn.execute(f"DROP ROLE {user}")


def can(store: PgStoreBase, sql: str, args: tuple[Any, ...] = ()) -> int:
    """Run ``sql`` in a write as ``store``'s user: the rows it touched."""
    with store._write("testing a privilege") as db:
        return int(db.execute(sql, args).rowcount)


REFUSED_TO_BOTH = [
    "UPDATE answers SET points = 0",
    "DELETE FROM answers",
    "TRUNCATE answers",
    "DELETE FROM learner_history",
    "UPDATE learner_history SET new_value = 'x'",
    "UPDATE certificates SET valid_until = '2099-01-01'",
    "DELETE FROM certificates",
    "DELETE FROM attempts",
    "UPDATE attempts SET learner_id = learner_id",
    "CREATE TABLE mine (x int)",
    "DROP TRIGGER answers_no_update ON answers",
    "ALTER TABLE answers DISABLE TRIGGER answers_no_update",
    "DELETE FROM meta",
    # the status summary is the trigger's (as the tables' owner) to write, nobody else's
    "INSERT INTO module_passes VALUES (1, 'c', 'forged', 1, '2026-01-01T00:00:00Z')",
    "UPDATE module_passes SET last_pass_at = '2099-01-01T00:00:00Z'",
    "DELETE FROM module_passes",
    "ALTER TABLE attempts DISABLE TRIGGER module_passes_keep",
    "SELECT module_passes_recount(1, 'c', 'done')",
    "INSERT INTO course_passes VALUES (1, 'c', 'forged', '2026-01-01T00:00:00Z')",
    "UPDATE course_passes SET passes = '2099-01-01T00:00:00Z'",
    "DELETE FROM course_passes",
    "ALTER TABLE module_passes DISABLE TRIGGER course_passes_keep",
    "SELECT course_passes_refresh(1, 'c')",
]


@pytest.mark.parametrize("group", [KIOSK, ADMIN])
@pytest.mark.parametrize("sql", REFUSED_TO_BOTH)
def test_neither_role_may_rewrite_the_evidence(
    roles_db: dict[str, str], group: str, sql: str
) -> None:
    with PgStoreBase(roles_db[group]) as store, pytest.raises(StoreError) as caught:
        can(store, sql)
    assert isinstance(caught.value, StoreReadOnly | StoreConflict), caught.value


def test_a_kiosk_records_a_learner_s_course(roles_db: dict[str, str]) -> None:
    with PgStoreBase(roles_db[KIOSK]) as kiosk:
        for table in (
            "learners",
            "attempts",
            "answers",
            "certificates",
            "learner_history",
            "module_passes",
        ):
            kiosk._rows(f"SELECT * FROM {table}")
        with kiosk._write("adding a learner") as db:  # a learner adds themself
            bob = db.execute(
                "INSERT INTO learners (name, role, created_at, uid, name_key) "
                "VALUES ('Bob', 'contractor', ?, ?, 'bob') RETURNING id",
                (NOW, str(uuid.uuid4())),
            ).fetchone()[0]
            db.execute(
                "INSERT INTO learner_history (learner_id, at, change, new_value) "
                "VALUES (?, ?, 'created', 'Bob')",
                (bob, NOW),
            )
        with kiosk._write("starting an attempt") as db:
            attempt = db.execute(
                "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
                "module_sha256, role, seed, started_at, uid) VALUES "
                "(?, 'c', 'm', '1', 'x', 'contractor', 3, ?, ?) RETURNING id",
                (bob, NOW, str(uuid.uuid4())),
            ).fetchone()[0]
        with kiosk._write("saving an answer") as db:
            row = db.execute(
                f"SELECT finished_at FROM attempts WHERE id = ?{kiosk._lock}", (attempt,)
            )
            assert row.fetchone() == (None,)
            db.execute(
                "INSERT INTO answers VALUES (?, 1, 's', 'q', '[\"a\"]', 1.0, 1, 'correct', ?)",
                (attempt, NOW),
            )
            finished = db.execute(
                "UPDATE attempts SET finished_at = ?, score = 1, max_score = 1, percent = 100, "
                "passed = ? WHERE id = ? AND finished_at IS NULL",
                (NOW, True, attempt),
            )
            assert finished.rowcount == 1
        # the status summary followed, though the kiosk may only read it
        assert kiosk._rows(
            "SELECT course_id, module_id, attempts, last_pass_at FROM module_passes "
            "WHERE learner_id = ?",
            (bob,),
        ) == [("c", "m", 1, NOW)]
        # once finished, the result is beyond the kiosk's reach (row-level security)
        assert can(kiosk, "UPDATE attempts SET passed = 0 WHERE id = ?", (attempt,)) == 0
        assert kiosk._one("SELECT passed FROM attempts WHERE id = ?", (attempt,)) == (1,)
        # xAPI: queue, mark sent, keep the push status
        assert (
            can(
                kiosk,
                "INSERT INTO xapi_outbox (id, statement, queued_at) VALUES "
                "('s1', '{}', ?) ON CONFLICT DO NOTHING",
                (NOW,),
            )
            == 1
        )
        assert can(kiosk, "UPDATE xapi_outbox SET sent_at = ?, tries = tries + 1", (NOW,)) == 1
        upsert = (
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        assert can(kiosk, upsert, ("push.last_success", NOW)) == 1
        assert can(kiosk, upsert, ("push.last_success", NOW)) == 1


def test_a_kiosk_may_not_change_learners_certificates_or_meta(roles_db: dict[str, str]) -> None:
    with PgStoreBase(roles_db[KIOSK]) as kiosk:
        database_id = kiosk._one("SELECT value FROM meta WHERE key = 'database_id'")
        for sql in (
            "UPDATE learners SET role = 'uniformed'",
            "UPDATE learners SET name = 'Eve'",
            "DELETE FROM learners",
            "INSERT INTO certificates VALUES ('CERT-2', 1, 'c', '1', 'a', 'b', 'h', 't')",
            "INSERT INTO meta (key, value) VALUES ('schema_version', '4') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            "INSERT INTO meta (key, value) VALUES ('other', 'x')",
        ):
            with pytest.raises(StoreReadOnly, match="does not let"):
                can(kiosk, sql)
        # the rows the kiosk may not update are not even found
        assert can(kiosk, "UPDATE meta SET value = 'x' WHERE key = 'database_id'") == 0
        assert kiosk._one("SELECT value FROM meta WHERE key = 'database_id'") == database_id
        assert kiosk._one("SELECT role, name FROM learners WHERE name = 'Ann'") == (
            "employee",
            "Ann",
        )


def test_an_administrator_keeps_the_roster_and_issues(roles_db: dict[str, str]) -> None:
    with PgStoreBase(roles_db[ADMIN]) as admin:
        assert (
            can(admin, "UPDATE learners SET role = 'uniformed', email = 'a@x' WHERE name = 'Ann'")
            == 1
        )
        assert (
            can(
                admin,
                "INSERT INTO learner_history (learner_id, at, change, old_value, new_value) "
                "SELECT id, ?, 'role', 'employee', 'uniformed' FROM learners WHERE name = 'Ann'",
                (NOW,),
            )
            == 1
        )
        assert (
            can(
                admin,
                "INSERT INTO certificates VALUES ('CERT-2', 1, 'c', '1', ?, ?, 'h', 't')",
                (NOW, NOW),
            )
            == 1
        )
        assert admin._one("SELECT count(*) FROM certificates") == (2,)


def test_a_kiosk_cannot_create_trainer_s_tables(pg_url: str, roles_db: dict[str, str]) -> None:
    """The schema is the owner's to create: a kiosk on an empty database is refused."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        name = "t_" + uuid.uuid4().hex
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        empty = urlunsplit(urlsplit(roles_db[KIOSK])._replace(path="/" + name))
        with pytest.raises(StoreError):
            PgStoreBase(empty)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------- trainer db init
def test_db_init_creates_the_tables_once_and_says_where(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "init", "--records", pg_url]) == 0
    first = capsys.readouterr().out
    assert first.startswith("records ready: postgresql://postgres@/t_")
    assert "(schema 7, database id " in first
    assert main(["db", "init", "--records", pg_url]) == 0
    assert capsys.readouterr().out == first  # the same database id: nothing made anew


def test_db_init_refuses_a_database_that_is_not_trainer_s(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    assert main(["db", "init", "--records", pg_url]) == 1
    assert "not trainer records" in capsys.readouterr().err
    with psycopg.connect(pg_url, autocommit=True) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchall() == [("payroll",)]


def test_db_init_on_sqlite_records_creates_the_file(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.sqlite3"
    assert main(["db", "init", "--records", f"sqlite://{path}"]) == 0
    assert path.exists()
    assert f"records ready: {path} (schema " in capsys.readouterr().out


def test_printing_the_roles_needs_no_driver() -> None:
    from tests.fresh_python import fresh_python_json

    code = (
        "import contextlib, io, json, sys\n"
        "from trainer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['db', 'roles', '--database', 'x'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('psycopg'))))\n"
    )
    assert fresh_python_json(code) == []


def test_an_upgrade_to_schema_6_lets_the_roles_read_the_summary(
    pg_url: str, roles_db: dict[str, str]
) -> None:
    """Where the roles' SQL ran on schema 5, the upgrade (to 6, then 7) grants them the new
    tables' read (an administrator's `trainer status` works at once), and still no write."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE course_passes")
        conn.execute("DROP TRIGGER course_passes_keep ON module_passes")
        conn.execute("DROP TRIGGER course_passes_change ON module_passes")
        conn.execute("DROP FUNCTION course_passes_keep()")
        conn.execute("DROP FUNCTION course_passes_refresh(BIGINT, TEXT)")
        conn.execute("DROP INDEX learners_order")
        conn.execute("DROP TRIGGER module_passes_keep ON attempts")
        conn.execute("DROP FUNCTION module_passes_keep()")
        conn.execute("DROP FUNCTION module_passes_recount(BIGINT, TEXT, TEXT)")
        conn.execute("DROP TABLE module_passes")
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with PgStoreBase(pg_url) as owner:  # the owner's account upgrades
        assert owner.schema_version == 7
    for group in (KIOSK, ADMIN):
        with PgStoreBase(roles_db[group]) as store:
            assert store._rows("SELECT module_id, attempts FROM module_passes") == [("done", 1)]
            assert store._rows("SELECT modules FROM course_passes") == [("done",)]
            with pytest.raises(StoreReadOnly):
                can(store, "DELETE FROM module_passes")
            with pytest.raises(StoreReadOnly):
                can(store, "UPDATE course_passes SET modules = ''")
