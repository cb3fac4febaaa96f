"""``trainer db``: set up the records database.

``trainer db roles`` prints the SQL creating the least-privilege PostgreSQL roles
(trainer/records/pg_roles.py); it is printed, never run: whoever manages the database reads
it and runs it with psql as the owner of trainer's tables. Nothing is connected to and
psycopg is not imported. The database name comes from ``--database``, else from a
``postgresql://`` records URL (``--records``, ``$TRAINER_RECORDS``, the config file), else
it is ``trainer``. Exit status 0, or 2 for a name that cannot be a database's.

``trainer db init`` creates trainer's tables in the configured records (an empty PostgreSQL
database: run it as the database's owner), or upgrades or checks them, and says which
database is ready. Exit status 0, or 1 when the records cannot be used (the message says
why; a database that is not trainer's, or is newer, is never written).
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import unquote, urlsplit

from trainer.records.pg_roles import check_database_name, roles_sql
from trainer.safetext import terminal_safe

DEFAULT_DATABASE = "trainer"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "db",
        help="PostgreSQL records: print the SQL for the kiosk and administrator roles",
        description="Tools for records kept on a PostgreSQL server.",
    )
    actions = p.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    roles = actions.add_parser(
        "roles",
        help="print the SQL creating the roles trainer_kiosk and trainer_admin",
        description="Print (never run) the SQL that creates two least-privilege group "
        "roles in the records database: trainer_kiosk (learners' machines: record attempts "
        "and answers, read what the learner needs; never change or delete answers, "
        "learners' details or certificates) and trainer_admin (roster and issuance). Run "
        "it with psql as the owner of trainer's tables; see docs/postgresql.md.",
    )
    roles.add_argument(
        "--database",
        metavar="NAME",
        help="the records database (default: the one in a postgresql:// records URL, "
        f"else '{DEFAULT_DATABASE}')",
    )
    roles.set_defaults(handler=run_roles)
    init = actions.add_parser(
        "init",
        help="create (or upgrade) trainer's tables in the records database",
        description="Create trainer's tables in the records database named by --records, "
        "$TRAINER_RECORDS or the config file (an empty PostgreSQL database: run this as its "
        "owner), or upgrade or check them. A database holding other tables, or written by a "
        "newer trainer, is refused and not written.",
    )
    init.set_defaults(handler=run_init)
    from trainer.cli import add_common  # so --records also works after the action

    for action in (roles, init):
        add_common(action)


def _database_from_settings(args: argparse.Namespace) -> str | None:
    settings = getattr(args, "settings", None)
    records = getattr(settings, "records", None)
    url = getattr(getattr(records, "value", None), "url", "")
    if not url or not str(url).lower().startswith(("postgresql:", "postgres:")):
        return None
    name = unquote(urlsplit(str(url)).path.lstrip("/"))
    return name or None


def run_roles(args: argparse.Namespace) -> int:
    name = args.database
    if name is None:
        name = _database_from_settings(args) or DEFAULT_DATABASE
    problem = check_database_name(name)
    if problem:
        print(f"trainer db roles: {problem}: '{terminal_safe(name)}'", file=sys.stderr)
        return 2
    sys.stdout.write(roles_sql(name))
    return 0


def run_init(args: argparse.Namespace) -> int:
    from trainer.records import open_store  # psycopg only for a postgresql:// URL
    from trainer.records.errors import StoreError

    records = args.settings.records.value
    try:
        with open_store(records.path or records.url) as store:
            where, version = store.location, store.schema_version
            database_id = store.meta_value("database_id")
    except StoreError as exc:
        print(f"trainer db init: {exc}", file=sys.stderr)
        return 1
    ident = f", database id {database_id}" if database_id else ""
    print(terminal_safe(f"records ready: {where} (schema {version}{ident})"))
    return 0
