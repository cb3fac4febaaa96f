"""A throwaway PostgreSQL server for the tests and for .ci/run (standard library only).

``PgServer.start()`` makes a temporary folder in /tmp, runs ``initdb`` into it (as the
``postgres`` user when we are root: initdb refuses root; the folder is chown'ed to it), with
``-A trust`` and ``--no-sync``, and starts the server with ``pg_ctl -w`` listening on a Unix
socket in that folder only (``listen_addresses=''``): nothing on the network, no password.
``stop()`` stops it and removes the folder. The superuser is always ``postgres``.

Run as a script (from .ci/run, before the virtual environment exists)::

    python3 tests/pgserver.py start     # prints the folder, then the admin URL
    python3 tests/pgserver.py stop DIR  # stops the server in DIR and removes DIR

Measured on the development machine (PostgreSQL 15): initdb ~1.2 s, start ~0.15 s,
stop ~0.1 s.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

SERVER_MISSING = (
    "PostgreSQL server not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH; "
    "apt-get install postgresql)"
)
SUPERUSER = "postgres"


def server_bindir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres`` (newest version), or None."""

    def version(path: str) -> tuple[int, ...]:
        found = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(p) for p in found.group(1).split(".") if p) if found else (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        bindir = Path(found).resolve().parent
        if (bindir / "pg_ctl").exists():
            return bindir
    return None


def _clean_env() -> dict[str, str]:
    """The environment without libpq's PG* variables (PGDATA, PGHOST ... would interfere)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


class PgServer:
    """One PostgreSQL server in ``root`` (data in ``root/data``, socket in ``root``)."""

    def __init__(self, root: Path, bindir: Path) -> None:
        self.root = Path(root)
        self.bindir = Path(bindir)
        self.data = self.root / "data"
        self.log = self.root / "server.log"

    # ------------------------------------------------------------------ URLs
    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URL for ``dbname`` as ``user`` over this server's socket."""
        return f"postgresql://{quote(user)}@/{quote(dbname)}?host={quote(str(self.root), safe='/')}"

    # ------------------------------------------------------------------ life
    @staticmethod
    def _as_owner() -> list[str]:
        """The command prefix that runs a server program as its owner: ``postgres`` if root."""
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise RuntimeError(
                "running as root, but there is no 'postgres' user to run initdb as "
                "(the distribution's postgresql package creates it)"
            ) from None
        return ["runuser", "-u", SUPERUSER, "--"]

    def _run(self, *args: str) -> None:
        proc = subprocess.run(
            [*self._as_owner(), *args],
            cwd=self.root,
            env=_clean_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}{log}"
            )

    @classmethod
    def create(cls, bindir: Path | None = None) -> PgServer:
        """initdb into a new temporary folder (not started)."""
        bindir = bindir or server_bindir()
        if bindir is None:
            raise RuntimeError(SERVER_MISSING)
        # In /tmp itself: pytest's own temporary folders are private to root, and the server
        # runs as 'postgres'. The socket path must stay short (about 100 bytes at most).
        root = Path(tempfile.mkdtemp(prefix="trainer-pg-", dir="/tmp"))
        server = cls(root, bindir)
        try:
            if os.geteuid() == 0:
                info = pwd.getpwnam(SUPERUSER)
                os.chown(root, info.pw_uid, info.pw_gid)
            server._run(
                str(bindir / "initdb"),
                "-D",
                str(server.data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            )
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return server

    @classmethod
    def start_new(cls, bindir: Path | None = None) -> PgServer:
        server = cls.create(bindir)
        try:
            server.start()
        except BaseException:
            server.remove()
            raise
        return server

    def start(self) -> None:
        """Start (or restart) the server: socket only, no fsync (a throwaway server)."""
        options = (
            f"-c listen_addresses='' -k {self.root} -c fsync=off -c max_connections=200 "
            "-c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: sessions are ended; ``immediate``: no shutdown work)."""
        self._run(str(self.bindir / "pg_ctl"), "-w", "-D", str(self.data), "-m", mode, "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, OSError, subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _main(argv: list[str]) -> int:
    if argv[:1] == ["start"] and len(argv) == 1:
        server = PgServer.start_new()
        print(server.root)
        print(server.url())
        return 0
    if argv[:1] == ["stop"] and len(argv) == 2:
        root = Path(argv[1])
        if not root.name.startswith("trainer-pg-"):
            print(f"pgserver: {root} is not a folder this script made", file=sys.stderr)
            return 2
        bindir = server_bindir()
        if bindir is None:
            shutil.rmtree(root, ignore_errors=True)
            return 0
        PgServer(root, bindir).remove()
        return 0
    print("usage: pgserver.py start | pgserver.py stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(_main(sys.argv[1:]))
    except RuntimeError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        sys.exit(1)
