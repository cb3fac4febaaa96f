"""PostgreSQL helpers of the records backend: the URL, the SQL dialect, failures.

* :func:`checked_params`: libpq's parameters from a ``postgresql://`` URL; a password in it
  is refused (libpq reads it from PGPASSFILE, ~/.pgpass or a service file) and the URL is
  never quoted back (psycopg's own parse errors quote it). :func:`describe` rebuilds it for
  messages without one.
* :func:`to_pg`: SQL written once with ``?`` placeholders -> ``%s``, a literal ``%`` ->
  ``%%`` (text between quotes is left alone).
* :func:`convert`: a driver failure -> a terminal-safe :class:`StoreError` subclass.
"""

from __future__ import annotations

import functools
from typing import Any

import psycopg
import psycopg.errors as pgerrors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.numeric import IntDumper

from trainer.records.errors import (
    StoreBusy,
    StoreConflict,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
)
from trainer.safetext import terminal_safe


def checked_params(url: str) -> dict[str, str]:
    """libpq's parameters from a ``postgresql://`` URL; a password in it is refused."""
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("postgresql", "postgres"):
        raise StoreError("a PostgreSQL records URL starts with postgresql://")
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except psycopg.Error:
        # psycopg's message quotes the URL, which is not shown (it might hold a password)
        raise StoreError(
            "the PostgreSQL records URL cannot be read (check its form: "
            "postgresql://USER@HOST:PORT/DATABASE?sslmode=...)"
        ) from None
    if "password" in params:
        raise StoreError(
            "the records URL must not hold a password: put it in a password file instead "
            "(~/.pgpass, or the file PGPASSFILE names) or in a service file "
            "(pg_service.conf); libpq reads it from there. Nothing was opened."
        )
    return params


def describe(params: dict[str, str]) -> str:
    """The server and database for messages: ``postgresql://user@host:port/db`` (no
    password: there is none), a socket folder as ``?host=``; terminal-safe."""
    user = params.get("user", "")
    host = params.get("host", "") or params.get("hostaddr", "")
    port = params.get("port", "")
    db = params.get("dbname", "") or user
    socket = host.startswith("/") or host.startswith("@")
    netloc = (f"{user}@" if user else "") + ("" if socket else host) + (f":{port}" if port else "")
    tail = f"?host={host}" if socket else ""
    if "service" in params:
        tail += ("&" if tail else "?") + f"service={params['service']}"
    return terminal_safe(f"postgresql://{netloc}/{db}{tail}")


@functools.lru_cache(maxsize=512)
def to_pg(sql: str) -> str:
    """``?`` placeholders -> ``%s`` and ``%`` -> ``%%``, outside quoted text."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
            out.append("%%" if ch == "%" else ch)
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class BoolAsInt(IntDumper):
    """Python booleans are stored as 0/1, as SQLite does (``passed`` is an integer)."""

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


# ---------------------------------------------------------------------- errors
def lost(exc: BaseException, conn: psycopg.Connection[Any] | None) -> bool:
    """True when ``exc`` means the connection is gone (not a refusal by a live server)."""
    if conn is None or conn.closed or conn.broken:
        return True
    return isinstance(exc, pgerrors.AdminShutdown | pgerrors.CrashShutdown)


# A server's refusal of a connection that goes away by itself (it is starting, stopping,
# recovering, or full): worth retrying, unlike "database does not exist" or a failed login.
_TRANSIENT = ("starting up", "shutting down", "recovery", "too many", "not yet accepting")


def unreachable(exc: psycopg.Error) -> bool:
    """A connection attempt that failed for want of a server (worth retrying), not because
    the server refused it (no such database or user, a failed authentication)."""
    if not isinstance(exc, psycopg.OperationalError):
        return False
    code = exc.sqlstate
    if code is not None:
        return code.startswith("08") or code in ("57P01", "57P02", "57P03", "53300")
    # A refused connection has no SQLSTATE in libpq: the server's answer is in the text.
    text = str(exc)
    return "FATAL:" not in text or any(m in text for m in _TRANSIENT)


def reason(exc: BaseException) -> str:
    """The first line of a driver message, terminal-safe and bounded."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    text = text.removeprefix("connection is bad: ")
    return terminal_safe(text[:300])


def unavailable(location: str, exc: BaseException | None, doing: str) -> StoreUnavailable:
    """The server cannot be reached (after the retries): nothing of this was saved."""
    why = f" ({reason(exc)})" if exc is not None else ""
    return StoreUnavailable(
        f"the records server {location} cannot be reached while {doing}{why}. "
        "Nothing of this was saved; what was saved before is kept on the server. Check "
        "the network, or ask whoever runs the database; then try again (an unfinished "
        "module resumes at the same step)."
    )


def convert(
    exc: psycopg.Error,
    doing: str,
    *,
    location: str,
    user: str,
    conn: psycopg.Connection[Any] | None,
) -> StoreError:
    """The :class:`StoreError` for a failure the server (or the driver) reported."""
    where = location
    why = reason(exc)
    if lost(exc, conn) or unreachable(exc):
        return unavailable(location, exc, doing)
    if isinstance(exc, psycopg.IntegrityError):
        return StoreConflict(f"the records refused this while {doing}: {why}")
    if isinstance(exc, pgerrors.InsufficientPrivilege | pgerrors.ReadOnlySqlTransaction):
        who = terminal_safe(user or "this user")
        return StoreReadOnly(
            f"the records server {where} does not let {who} do this while {doing} "
            f"({why}). Nothing was changed. Ask whoever manages the database for the "
            "right role ('trainer db roles' prints them)."
        )
    if isinstance(exc, pgerrors.DiskFull):
        return StoreFull(
            f"the records server {where} is out of space while {doing} ({why}). "
            "Everything saved before is kept. Ask whoever runs the database."
        )
    if isinstance(exc, pgerrors.LockNotAvailable | pgerrors.TransactionRollback):
        return StoreBusy(
            f"the records on {where} are locked by another session ({doing}). Nothing "
            "was lost. Wait a moment, then try again."
        )
    if isinstance(exc, pgerrors.UndefinedTable | pgerrors.UndefinedColumn):
        return StoreDamaged(
            f"the records database {where} lacks part of trainer's schema ({why}) "
            f"while {doing}. Nothing was changed."
        )
    return StoreError(f"the records server {where} refused this while {doing}: {why}")
