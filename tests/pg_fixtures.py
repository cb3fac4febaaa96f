"""PostgreSQL fixtures (imported by tests/conftest.py).

* ``pg_admin_url`` (session): a libpq URL of a superuser connection to a PostgreSQL server:
  ``$TRAINER_TEST_PG`` when set (.ci/run starts one server for the whole run), else a
  throwaway server this session starts (tests/pgserver.py) and removes at its end, failed
  tests or not. Without a server binary: skipped locally, a failure under CI=true.
* ``pg_url``: a fresh empty database on that server for one test, as a ``postgresql://`` URL
  (the socket folder as the ``host=`` query parameter); dropped after the test.
* ``pg_own_server``: a throwaway server of the test's own (for tests that stop and restart
  it), removed after the test.

psycopg is imported only inside the fixtures, so collecting the SQLite tests never loads it.
The suite does not use pytest-xdist; under it each worker would start its own server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.pgserver import SERVER_MISSING, PgServer, server_bindir
from tests.services import service_missing

ENV_TEST_PG = "TRAINER_TEST_PG"


def with_database(url: str, dbname: str) -> str:
    """``url`` naming database ``dbname`` instead (user, host and query kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    given = os.environ.get(ENV_TEST_PG, "").strip()
    if given:
        yield given
        return
    if server_bindir() is None:
        service_missing(SERVER_MISSING)
    server = PgServer.start_new()
    try:
        yield server.url()
    finally:
        server.remove()


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    import psycopg

    name = "t_" + uuid.uuid4().hex
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(pg_admin_url, name)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_own_server() -> Iterator[PgServer]:
    if server_bindir() is None:
        service_missing(SERVER_MISSING)
    server = PgServer.start_new()
    try:
        yield server
    finally:
        server.remove()
