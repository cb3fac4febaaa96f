"""Careful file access for certificates: read only regular files, never write through links.

``trainer verify`` reads files an attacker may have chosen: a FIFO would block forever, a
device could stream without end, a directory is not a certificate. :func:`read_regular_file`
refuses anything but a regular file *before* reading, and re-checks the opened descriptor (so
a file swapped between the check and the open is caught too). :func:`write_new_file` writes a
file through a private temporary file and links it into place, so an existing file or a
symbolic link at the destination is never written through, and is replaced only on request.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

__all__ = ["NotARegularFile", "TooLarge", "file_kind", "read_regular_file", "write_new_file"]


class NotARegularFile(OSError):
    """The path is a directory, FIFO, socket or device: it was not read."""


class TooLarge(OSError):
    """The file is larger than the caller's limit: it was not read."""


def file_kind(mode: int) -> str:
    """A word for a file type, for messages: "directory", "FIFO (named pipe)", …"""
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _check(st: os.stat_result, path: Path, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(f"{path} is a {file_kind(st.st_mode)}, not a regular file")
    if st.st_size > limit:
        raise TooLarge(f"{path} is {st.st_size:,} bytes; the limit is {limit:,} bytes")


def read_regular_file(path: Path | str, limit: int) -> tuple[bytes, os.stat_result]:
    """Return (at most ``limit`` bytes of a regular file, its fstat).

    Raises :class:`NotARegularFile` for a directory, FIFO, socket or device (without blocking:
    the path is stat-ed first and opened with ``O_NONBLOCK``), :class:`TooLarge` when the file
    is bigger than ``limit``, and other ``OSError`` (e.g. FileNotFoundError) as usual.
    """
    path = Path(path)
    _check(os.stat(path), path, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        _check(st, path, limit)  # the file may have been swapped since the stat above
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(f"{path} is larger than the limit of {limit:,} bytes")
    return data, st


def write_new_file(
    path: Path | str,
    data: bytes,
    *,
    replace: bool = False,
    mode: int = 0o644,
    before_install: Callable[[], object] | None = None,
) -> None:
    """Write ``data`` to ``path`` atomically, never through a symbolic link.

    The data goes to a new temporary file in the same folder (``O_CREAT | O_EXCL |
    O_NOFOLLOW``), is flushed to disk, then hard-linked to ``path``, which fails with
    FileExistsError if anything (a file or a symbolic link) is already there. With
    ``replace=True`` it is renamed over ``path`` instead: an existing file or link is replaced
    as a whole, and the file a link pointed to is left untouched. ``before_install`` runs once
    the data is safely on disk and before it appears under ``path`` (e.g. to record it); if it
    raises, nothing appears.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if before_install is not None:
            before_install()
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path, follow_symlinks=False)
        except FileExistsError:
            raise FileExistsError(f"{path} already exists") from None
        except OSError:
            # File systems without hard links: an exclusive create, still never following.
            fd2 = os.open(path, flags, mode)
            with os.fdopen(fd2, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
