"""Both records backends for one test: ``records_at`` is parametrised over SQLite and
PostgreSQL (imported by tests/conftest.py).

``records_at`` gives what :func:`trainer.records.open_store` opens — a fresh SQLite file's path
or a fresh PostgreSQL database's URL — and ``any_store`` a store opened on it. The
PostgreSQL half needs a server (tests/pg_fixtures.py): skipped locally with one line saying
why, a failure under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.records import RecordsStore, open_store

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def records_at(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    if request.param == "sqlite":
        return tmp_path / "data" / "records.sqlite3"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def any_store(records_at: str | Path) -> Iterator[RecordsStore]:
    with open_store(records_at) as store:
        yield store
