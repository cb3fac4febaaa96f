"""Numbered schema migrations for the records database.

``MIGRATIONS[i]`` upgrades a database at ``user_version == i`` to ``i + 1``: SQL statements
separated by ``;``, or a function given the connection (inside the same transaction) where a
step needs Python (e.g. the case-folded name key). Never edit a migration that has shipped:
append a new one. Tests upgrade from every earlier version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _v5(db: sqlite3.Connection) -> None:
    """5: identity across machines, roster fields, one open attempt, append-only answers.

    * learners and attempts get a ``uid``: records from different machines never collide
      (integer ids stay, so nothing a certificate or an export refers to is renumbered).
      Existing rows get exactly the UUIDs their xAPI statements already carry
      (``uuid5(database_id, "learner/<id>")``, ``"attempt/<id>"``: trainer.xapi.ids); new
      rows get a random UUIDv4;
    * learners get ``name_key`` (the case-folded name: one matching rule on every backend),
      ``email``, ``due_date`` and ``managed_by`` (``'roster'`` for roster-managed learners);
      the unique index on the exact name goes (two people of one name with different IDs
      are two learners; the app still refuses a second learner of the same name key);
    * at most one open attempt per learner and module, enforced by the database (older open
      duplicates, which earlier versions could leave, are closed as abandoned);
    * answers are append-only: triggers refuse UPDATE and DELETE;
    * the history may also record email, due date and roster management changes.
    """
    from trainer.records.learners import name_key  # one rule, shared with the store

    for ddl in (
        "ALTER TABLE learners ADD COLUMN uid TEXT",
        "ALTER TABLE learners ADD COLUMN name_key TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE learners ADD COLUMN email TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE learners ADD COLUMN due_date TEXT",
        "ALTER TABLE learners ADD COLUMN managed_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE attempts ADD COLUMN uid TEXT",
        "DROP INDEX IF EXISTS learners_name",
        "CREATE UNIQUE INDEX learners_uid ON learners (uid)",
        "CREATE INDEX learners_name_key ON learners (name_key)",
        "CREATE INDEX learners_external ON learners (organisation, external_id)",
        "CREATE UNIQUE INDEX attempts_uid ON attempts (uid)",
    ):
        db.execute(ddl)
    import uuid  # only when upgrading: importing it costs every command ~3 ms

    root = uuid.UUID(
        str(db.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()[0])
    )
    names = db.execute("SELECT id, name FROM learners").fetchall()
    db.executemany(
        "UPDATE learners SET name_key = ?, uid = ? WHERE id = ?",
        [(name_key(n), str(uuid.uuid5(root, f"learner/{i}")), i) for i, n in names],
    )
    db.executemany(
        "UPDATE attempts SET uid = ? WHERE id = ?",
        [
            (str(uuid.uuid5(root, f"attempt/{i}")), i)
            for (i,) in db.execute("SELECT id FROM attempts")
        ],
    )
    db.execute(
        "UPDATE attempts SET finished_at = started_at WHERE finished_at IS NULL AND id NOT IN "
        "(SELECT max(id) FROM attempts WHERE finished_at IS NULL "
        "GROUP BY learner_id, course_id, module_id)"
    )
    for ddl in _V5_TAIL:
        db.execute(ddl)


_SAME_KEY = (
    "OLD.learner_id = NEW.learner_id AND OLD.course_id = NEW.course_id "
    "AND OLD.module_id = NEW.module_id"
)
_WAS_PASS = "OLD.passed IS 1 AND OLD.finished_at IS NOT NULL"


def _recount(which: str) -> str:
    """SQL (for a trigger) that counts the ``which`` (OLD/NEW) attempt's key again."""
    key = (
        f"learner_id = {which}.learner_id AND course_id = {which}.course_id "
        f"AND module_id = {which}.module_id"
    )
    return (
        f"DELETE FROM module_passes WHERE {key}; "
        "INSERT INTO module_passes (learner_id, course_id, module_id, attempts, last_pass_at) "
        f"SELECT {which}.learner_id, {which}.course_id, {which}.module_id, COUNT(*), "
        f"MAX(CASE WHEN passed = 1 THEN finished_at END) FROM attempts WHERE {key} "
        "GROUP BY learner_id, course_id, module_id"
    )


def _v6(db: sqlite3.Connection) -> None:
    """6: the module_passes summary, its triggers, and its rows from the attempts there."""
    for statement in KEEP_MODULE_PASSES:
        db.execute(statement)


_V5_TAIL: tuple[str, ...] = (
    "CREATE UNIQUE INDEX attempts_open ON attempts (learner_id, course_id, module_id) "
    "WHERE finished_at IS NULL",
    "CREATE TRIGGER answers_no_update BEFORE UPDATE ON answers "
    "BEGIN SELECT RAISE(ABORT, 'answers are append-only: record a correction as a new row'); END",
    "CREATE TRIGGER answers_no_delete BEFORE DELETE ON answers "
    "BEGIN SELECT RAISE(ABORT, 'answers are append-only: record a correction as a new row'); END",
    "ALTER TABLE learner_history RENAME TO learner_history_v4",
    """CREATE TABLE learner_history (
        id          INTEGER PRIMARY KEY,
        learner_id  INTEGER NOT NULL REFERENCES learners (id),
        at          TEXT NOT NULL,
        change      TEXT NOT NULL CHECK (change IN ('created', 'name', 'role', 'organisation',
                        'external_id', 'email', 'due_date', 'managed_by')),
        old_value   TEXT,
        new_value   TEXT NOT NULL,
        changed_by  TEXT NOT NULL DEFAULT ''
    )""",
    "INSERT INTO learner_history SELECT * FROM learner_history_v4",
    "DROP TABLE learner_history_v4",
    "CREATE INDEX learner_history_learner ON learner_history (learner_id, id)",
)

# 6: module_passes, one row per learner, course and module attempted: how many attempts,
# and the latest pass's finished_at (NULL: none). ``trainer status`` reads it instead of
# every attempt. Triggers on attempts keep it, whoever writes them (the store, a merge, the
# roster's import, export-file's copy); the migration fills it from the attempts there.
# (One statement per item: the trigger bodies hold ';'. PostgreSQL: pg_schema.py.)
KEEP_MODULE_PASSES: tuple[str, ...] = (
    """CREATE TABLE module_passes (
        learner_id    INTEGER NOT NULL,
        course_id     TEXT NOT NULL,
        module_id     TEXT NOT NULL,
        attempts      INTEGER NOT NULL,
        last_pass_at  TEXT,
        PRIMARY KEY (learner_id, course_id, module_id)
    ) WITHOUT ROWID""",
    # A new attempt counts; one recorded already passed (a merge) may be the latest pass.
    """CREATE TRIGGER module_passes_add AFTER INSERT ON attempts BEGIN
        INSERT INTO module_passes (learner_id, course_id, module_id, attempts, last_pass_at)
        VALUES (NEW.learner_id, NEW.course_id, NEW.module_id, 1,
                CASE WHEN NEW.passed = 1 THEN NEW.finished_at END)
        ON CONFLICT (learner_id, course_id, module_id) DO UPDATE SET
            attempts = attempts + 1,
            last_pass_at = CASE WHEN last_pass_at IS NULL
                OR excluded.last_pass_at > last_pass_at
                THEN excluded.last_pass_at ELSE last_pass_at END;
    END""",
    # An attempt that was no pass finishing (the usual update): a pass may be the latest.
    f"""CREATE TRIGGER module_passes_finish AFTER UPDATE ON attempts
    WHEN {_SAME_KEY} AND NOT ({_WAS_PASS}) BEGIN
        UPDATE module_passes SET last_pass_at = NEW.finished_at
        WHERE learner_id = NEW.learner_id AND course_id = NEW.course_id
            AND module_id = NEW.module_id AND NEW.passed = 1 AND NEW.finished_at IS NOT NULL
            AND (last_pass_at IS NULL OR NEW.finished_at > last_pass_at);
    END""",
    # Anything else (a pass changed, an attempt moved or deleted: only by hand): both keys
    # are counted again from the attempts.
    f"""CREATE TRIGGER module_passes_change AFTER UPDATE ON attempts
    WHEN NOT ({_SAME_KEY} AND NOT ({_WAS_PASS})) BEGIN
        {_recount("OLD")};
        {_recount("NEW")};
    END""",
    f"""CREATE TRIGGER module_passes_delete AFTER DELETE ON attempts BEGIN
        {_recount("OLD")};
    END""",
    """INSERT INTO module_passes (learner_id, course_id, module_id, attempts, last_pass_at)
        SELECT learner_id, course_id, module_id, COUNT(*),
            MAX(CASE WHEN passed = 1 THEN finished_at END)
        FROM attempts GROUP BY learner_id, course_id, module_id""",
)


def _refresh(which: str) -> str:
    """SQL (for a trigger) that rebuilds the course_passes row of the ``which`` (OLD/NEW)
    module_passes row's learner and course from module_passes (none left: no row)."""
    key = f"learner_id = {which}.learner_id AND course_id = {which}.course_id"
    return (
        f"DELETE FROM course_passes WHERE {key}; "
        "INSERT INTO course_passes (learner_id, course_id, modules, passes) "
        "SELECT * FROM ("
        f"SELECT {which}.learner_id, {which}.course_id, "
        "coalesce(group_concat(CASE WHEN last_pass_at IS NOT NULL THEN module_id END, ','), ''),"
        " coalesce(group_concat(last_pass_at, ','), '') "
        f"FROM (SELECT module_id, last_pass_at FROM module_passes WHERE {key} "
        "ORDER BY module_id)) "
        f"WHERE EXISTS (SELECT 1 FROM module_passes WHERE {key})"
    )


def _v7(db: sqlite3.Connection) -> None:
    """7: the course_passes summary, its triggers, its rows, and the learners' list order."""
    for statement in KEEP_COURSE_PASSES:
        db.execute(statement)


# 7: course_passes, one row per learner and course attempted: the ids of the modules with a
# pass (``modules``, comma-separated, by module id; ids have no commas) and their latest
# passes' finished_at in the same order (``passes``). Kept by triggers on module_passes (so
# whoever writes attempts keeps it, as for 6), filled from module_passes. ``trainer status``
# reads one row of it per learner, a 1:1 join in the learners' list order (the index below),
# where 6 aggregated every module row of every learner and sorted the result.
KEEP_COURSE_PASSES: tuple[str, ...] = (
    """CREATE TABLE course_passes (
        learner_id  INTEGER NOT NULL,
        course_id   TEXT NOT NULL,
        modules     TEXT NOT NULL,
        passes      TEXT NOT NULL,
        PRIMARY KEY (learner_id, course_id)
    ) WITHOUT ROWID""",
    f"""CREATE TRIGGER course_passes_add AFTER INSERT ON module_passes BEGIN
        {_refresh("NEW")};
    END""",
    f"""CREATE TRIGGER course_passes_change AFTER UPDATE ON module_passes
    WHEN OLD.last_pass_at IS NOT NEW.last_pass_at OR OLD.learner_id IS NOT NEW.learner_id
        OR OLD.course_id IS NOT NEW.course_id OR OLD.module_id IS NOT NEW.module_id BEGIN
        {_refresh("OLD")};
        {_refresh("NEW")};
    END""",
    f"""CREATE TRIGGER course_passes_delete AFTER DELETE ON module_passes BEGIN
        {_refresh("OLD")};
    END""",
    """INSERT INTO course_passes (learner_id, course_id, modules, passes)
        SELECT learner_id, course_id,
            coalesce(group_concat(CASE WHEN last_pass_at IS NOT NULL THEN module_id END, ','),
                ''),
            coalesce(group_concat(last_pass_at, ','), '')
        FROM (SELECT learner_id, course_id, module_id, last_pass_at FROM module_passes
            ORDER BY learner_id, course_id, module_id)
        GROUP BY learner_id, course_id""",
    # The learners' list order, covering every column status reads (LEARNER's, rows.py), so
    # that it reads the index alone, in order, without a seek into the table per learner.
    "CREATE INDEX learners_order ON learners (organisation, name_key, id, uid, name,"
    " external_id, role, created_at, email, due_date, managed_by)",
)

MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    # 1: learners, attempts and answers.
    """
    CREATE TABLE learners (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        external_id   TEXT NOT NULL DEFAULT '',
        organisation  TEXT NOT NULL DEFAULT '',
        role          TEXT NOT NULL CHECK (role IN ('employee', 'contractor', 'uniformed')),
        created_at    TEXT NOT NULL
    );
    CREATE UNIQUE INDEX learners_name ON learners (name);
    CREATE TABLE attempts (
        id              INTEGER PRIMARY KEY,
        learner_id      INTEGER NOT NULL REFERENCES learners (id),
        course_id       TEXT NOT NULL,
        module_id       TEXT NOT NULL,
        module_version  TEXT NOT NULL,
        module_sha256   TEXT NOT NULL,
        role            TEXT NOT NULL,
        seed            INTEGER NOT NULL,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        score           REAL,
        max_score       REAL,
        percent         INTEGER,
        passed          INTEGER
    );
    CREATE INDEX attempts_learner ON attempts (learner_id, module_id);
    CREATE TABLE answers (
        attempt_id   INTEGER NOT NULL REFERENCES attempts (id),
        seq          INTEGER NOT NULL,
        scenario_id  TEXT NOT NULL,
        step_id      TEXT NOT NULL,
        choice_ids   TEXT NOT NULL,
        points       REAL NOT NULL,
        max_points   INTEGER NOT NULL,
        outcome      TEXT NOT NULL CHECK (outcome IN ('correct', 'partial', 'incorrect')),
        answered_at  TEXT NOT NULL,
        PRIMARY KEY (attempt_id, seq)
    );
    """,
    # 2: issued certificates, and a lookup for reports by date.
    """
    CREATE TABLE certificates (
        id              TEXT PRIMARY KEY,
        learner_id      INTEGER NOT NULL REFERENCES learners (id),
        course_id       TEXT NOT NULL,
        course_version  TEXT NOT NULL,
        issued_at       TEXT NOT NULL,
        valid_until     TEXT NOT NULL,
        payload_sha256  TEXT NOT NULL,
        token           TEXT NOT NULL
    );
    CREATE INDEX certificates_learner ON certificates (learner_id, course_id);
    CREATE INDEX attempts_started ON attempts (started_at);
    """,
    # 3: each learner's history: created, renamed, role/organisation/ID changed, by whom.
    # Learners recorded before this version get their 'created' entry from created_at.
    """
    CREATE TABLE learner_history (
        id          INTEGER PRIMARY KEY,
        learner_id  INTEGER NOT NULL REFERENCES learners (id),
        at          TEXT NOT NULL,
        change      TEXT NOT NULL
                    CHECK (change IN ('created', 'name', 'role', 'organisation', 'external_id')),
        old_value   TEXT,
        new_value   TEXT NOT NULL,
        changed_by  TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX learner_history_learner ON learner_history (learner_id, id);
    INSERT INTO learner_history (learner_id, at, change, old_value, new_value)
        SELECT id, created_at, 'created', NULL, name FROM learners ORDER BY id;
    """,
    # 4: xAPI (issue 17). 'meta' holds this database's random id ('database_id', a UUIDv4
    # made once, here); every xAPI id is uuid5(database_id, ...): see docs/records.md.
    # 'xapi_outbox' holds each statement queued for the LRS, until it is sent. (IF NOT EXISTS:
    # replaying it over a database that has it changes nothing, the id above included.)
    """
    CREATE TABLE IF NOT EXISTS meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    INSERT OR IGNORE INTO meta (key, value)
        SELECT 'database_id', substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' ||
            substr(h, 14, 3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
            substr(h, 18, 3) || '-' || substr(h, 21, 12)
        FROM (SELECT lower(hex(randomblob(16))) AS h);
    CREATE TABLE IF NOT EXISTS xapi_outbox (
        id          TEXT PRIMARY KEY,
        statement   TEXT NOT NULL,
        queued_at   TEXT NOT NULL,
        sent_at     TEXT,
        tries       INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
    );
    CREATE INDEX IF NOT EXISTS xapi_outbox_pending ON xapi_outbox (sent_at, queued_at);
    """,
    _v5,
    _v6,
    _v7,
)

SCHEMA_VERSION = len(MIGRATIONS)
