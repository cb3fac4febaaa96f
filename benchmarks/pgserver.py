"""A throwaway PostgreSQL server for the benchmarks (one per ``make bench`` run).

It is the test suite's server (tests/pgserver.py: ``initdb`` into a folder in /tmp, as the
``postgres`` user when we are root, listening on a Unix socket in that folder only, no
password), started with one difference: **durable commits**. The tests' server runs with
``fsync=off``; a benchmark of a commit must pay what a real server pays, so this one keeps
PostgreSQL's defaults (``fsync=on``, ``synchronous_commit=on``, ``full_page_writes=on``).
Every figure and its floor run on this one server, over the same socket.

``get()`` starts it on first use and returns it (or None, with ``missing()`` saying why, when
no server binary is installed); ``close()`` stops it and removes its folder (also at exit).
"""

from __future__ import annotations

import atexit
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_state: dict[str, Any] = {}


def _tests_module() -> ModuleType:
    """tests/pgserver.py (standard library only), loaded by path: tests/ is not a package."""
    name = "trainer_tests_pgserver"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "pgserver.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class BenchServer:
    """The running server; ``database(name)`` creates a database and returns its URL."""

    def __init__(self) -> None:
        mod = _tests_module()
        self._server = mod.PgServer.create()
        try:
            options = (
                f"-c listen_addresses='' -k {self._server.root} -c max_connections=50 "
                "-c shared_buffers=256MB"
            )
            self._server._run(
                str(self._server.bindir / "pg_ctl"),
                "-w",
                "-t",
                "60",
                "-D",
                str(self._server.data),
                "-l",
                str(self._server.log),
                "-o",
                options,
                "start",
            )
        except BaseException:
            self._server.remove()
            raise
        self.version = ""
        self._made: set[str] = set()

    def url(self, dbname: str = "postgres") -> str:
        return str(self._server.url(dbname))

    def database(self, name: str, *, fresh: bool = True) -> str:
        """The URL of database ``name`` (created empty; dropped first if ``fresh``)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as admin:
            if not self.version:
                row = admin.execute("SHOW server_version").fetchone()
                self.version = str(row[0]) if row else "?"
            if fresh or name not in self._made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
        self._made.add(name)
        return self.url(name)

    def remove(self) -> None:
        self._server.remove()


def missing() -> str | None:
    """Why there is no server for the benchmarks, or None when one can be started."""
    if "server" in _state:
        return None
    if "error" in _state:
        return str(_state["error"])
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    if _tests_module().server_bindir() is None:
        return str(_tests_module().SERVER_MISSING)
    return None


def get() -> BenchServer | None:
    """The run's server, started on first use; None when it cannot be (see ``missing``)."""
    if "server" in _state:
        return _state["server"]  # type: ignore[no-any-return]
    if missing() is not None:
        return None
    try:
        server = BenchServer()
    except RuntimeError as exc:
        _state["error"] = f"the PostgreSQL server did not start: {str(exc).splitlines()[0]}"
        return None
    _state["server"] = server
    atexit.register(close)
    return server


def close() -> None:
    server = _state.pop("server", None)
    if server is not None:
        server.remove()
