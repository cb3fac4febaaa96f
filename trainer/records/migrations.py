"""Numbered schema migrations for the records database.

``MIGRATIONS[i]`` upgrades a database at ``user_version == i`` to ``i + 1``. Never edit a
migration that has shipped: append a new one. Tests upgrade from every earlier version.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
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
)

SCHEMA_VERSION = len(MIGRATIONS)
