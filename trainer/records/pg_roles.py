"""Least-privilege PostgreSQL roles for the records: the SQL ``trainer db roles`` prints.

Two group roles (NOLOGIN); people and machines get login roles of their own in one of them:

``trainer_kiosk`` (a learner's machine)
    reads what the learner needs (learners, attempts, answers, certificates, history);
    adds a learner (a learner may add themself: INSERT on learners and learner_history,
    but no UPDATE or DELETE on them, so no learner's name, ID or role can be changed);
    starts attempts and records answers (INSERT); closes its open attempts (UPDATE of the
    result columns only, and only while the attempt is open: row-level security); queues
    and marks xAPI statements, and keeps the push status in ``meta`` (only keys
    ``push.*``). It may not UPDATE or DELETE answers, touch certificates but to read
    them, or change a finished attempt. It reads ``module_passes`` and ``course_passes``
    (the status summaries), which only their triggers write (as the tables' owner): no role
    may.
``trainer_admin`` (the roster and issuance machine; a member of ``trainer_kiosk``)
    everything a kiosk may do, plus the roster: INSERT, UPDATE, DELETE on learners, INSERT
    on learner_history; and issuance: INSERT on certificates. The history and the issued
    certificates are records: nobody but the tables' owner may change or delete them.

Neither role owns anything or may create tables: the schema is created and upgraded by the
database owner's account (``trainer db init``).
The SQL is idempotent: running it again resets the two roles to exactly these grants.
"""

from __future__ import annotations

import shlex
from urllib.parse import quote

KIOSK = "trainer_kiosk"
ADMIN = "trainer_admin"


def quote_ident(name: str) -> str:
    """``name`` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def check_database_name(name: str) -> str | None:
    """Why ``name`` cannot be a database name, or None."""
    if not name or not name.strip():
        return "the database name is empty"
    if len(name.encode("utf-8")) > 63:
        return "a PostgreSQL database name has at most 63 bytes"
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in name):
        return "the database name holds control characters"
    return None


def roles_sql(database: str) -> str:
    """The SQL creating (or resetting) both roles' privileges in ``database``."""
    db = quote_ident(database)
    shell, in_url = shlex.quote(database), quote(database, safe="")
    return f"""\
-- trainer: least-privilege roles for the records database {db} (trainer db roles).
--
-- Run it as the owner of trainer's tables (or a superuser), connected to that database,
-- after trainer has created its tables ('trainer db init' with the owner's account):
--     psql -d {shell} -v ON_ERROR_STOP=1 -f roles.sql
-- Running it again resets both roles to exactly these privileges.
--
-- Then give every machine and person a login role of its own in one of the two groups,
-- with its password in that machine's ~/.pgpass (never in the records URL), e.g.:
--     CREATE ROLE kiosk_lobby LOGIN IN ROLE {KIOSK};   -- then: \\password kiosk_lobby
--     CREATE ROLE hr_alice LOGIN IN ROLE {ADMIN};
-- and point trainer at the database as that role:
--     trainer --records 'postgresql://kiosk_lobby@db.example.org/{in_url}?sslmode=verify-full'

BEGIN;

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{KIOSK}') THEN
        CREATE ROLE {KIOSK} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ADMIN}') THEN
        CREATE ROLE {ADMIN} NOLOGIN;
    END IF;
END
$roles$;
GRANT {KIOSK} TO {ADMIN};

-- Start from nothing, so that the grants below are all there is.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {KIOSK}, {ADMIN};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {KIOSK}, {ADMIN};
-- Only these roles (and the owner) may connect; nobody but the owner creates tables.
REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC;
GRANT CONNECT ON DATABASE {db} TO {KIOSK}, {ADMIN};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {KIOSK}, {ADMIN};

-- trainer_kiosk: a learner's machine.
GRANT SELECT ON meta, learners, learner_history, attempts, answers, certificates,
    xapi_outbox, module_passes, course_passes TO {KIOSK};
-- module_passes and course_passes (the status summaries) are kept by triggers on attempts
-- and on module_passes that run as the tables' owner: neither role may write them directly.
GRANT INSERT ON learners, learner_history TO {KIOSK};          -- a learner adds themself
GRANT INSERT ON attempts, answers TO {KIOSK};
GRANT UPDATE (finished_at, score, max_score, percent, passed) ON attempts TO {KIOSK};
GRANT INSERT, UPDATE (sent_at, tries, last_error) ON xapi_outbox TO {KIOSK};
GRANT INSERT (key, value), UPDATE (value) ON meta TO {KIOSK};  -- push.* keys only (below)
GRANT SELECT, INSERT, DELETE ON write_receipts TO {KIOSK};     -- see pg_schema.py

-- trainer_admin: roster and issuance (and, as a member of trainer_kiosk, all of the above).
GRANT UPDATE, DELETE ON learners TO {ADMIN};
GRANT INSERT ON certificates TO {ADMIN};

-- Row-level security (the tables' owner is not subject to it):
-- an attempt can be closed only while it is open, so a finished result is never changed;
ALTER TABLE attempts ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS trainer_read ON attempts;
DROP POLICY IF EXISTS trainer_start ON attempts;
DROP POLICY IF EXISTS trainer_close ON attempts;
CREATE POLICY trainer_read ON attempts FOR SELECT USING (true);
CREATE POLICY trainer_start ON attempts FOR INSERT TO {KIOSK} WITH CHECK (true);
CREATE POLICY trainer_close ON attempts FOR UPDATE TO {KIOSK}
    USING (finished_at IS NULL) WITH CHECK (true);
-- and the kiosk writes only the xAPI push status in meta, never the schema version or the
-- database's id (every xAPI id derives from it).
ALTER TABLE meta ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS trainer_read ON meta;
DROP POLICY IF EXISTS trainer_push_add ON meta;
DROP POLICY IF EXISTS trainer_push_set ON meta;
CREATE POLICY trainer_read ON meta FOR SELECT USING (true);
CREATE POLICY trainer_push_add ON meta FOR INSERT TO {KIOSK}
    WITH CHECK (key LIKE 'push.%');
CREATE POLICY trainer_push_set ON meta FOR UPDATE TO {KIOSK}
    USING (key LIKE 'push.%') WITH CHECK (key LIKE 'push.%');

COMMIT;
"""
