"""The records store's errors, and how SQLite's failures are told apart.

Every failure of the records database reaches callers as a :class:`StoreError` whose message
says what is wrong and what to do. The subclasses let front ends react differently: a full
disk or a read-only folder is not damage, and advice meant for a damaged file ("move it
aside") must never be given for a healthy one.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from trainer.safetext import terminal_safe


class StoreError(Exception):
    """The records database cannot be used; the message says why and what to do."""


class StoreDamaged(StoreError):
    """The file is not readable as trainer records: a damaged page, undecodable text."""


class StoreFull(StoreError):
    """The disk (or the database's size limit) is full; what was saved before stays."""


class StoreReadOnly(StoreError):
    """No permission to write the database or its folder; nothing was changed."""


class StoreBusy(StoreError):
    """Another program held the database locked for longer than the wait allows."""


class AttemptClosed(StoreError):
    """An answer for an attempt that was closed meanwhile (e.g. restarted in another window).

    The answer is not recorded; the answers given before the attempt was closed stay.
    """

    def __init__(self, attempt_id: str) -> None:
        super().__init__(
            "This attempt was closed in another window or session (for example by "
            "'Start again'), so this answer was not saved. Your earlier answers are kept in "
            "the records. Open the module again to continue with the newer attempt."
        )
        self.attempt_id = attempt_id


# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN = 3, 5, 6, 8, 10, 11, 13, 14
_NOTADB = 26


def convert(exc: sqlite3.Error, path: Path | str, doing: str) -> StoreError:
    """The :class:`StoreError` for an SQLite failure while ``doing`` something with ``path``."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = terminal_safe(str(exc))  # may quote damaged text from the file
    path = terminal_safe(str(path))
    if code == _FULL or "disk is full" in text or "database or disk is full" in text:
        return StoreFull(
            f"cannot save to the records database {path} while {doing}: the disk is full. "
            "Everything saved before is kept. Free some space, then try again (an "
            "unfinished module resumes where the records end)."
        )
    if code in (_READONLY, _PERM) or "readonly" in text or "read-only" in text:
        return StoreReadOnly(
            f"cannot write the records database {path} while {doing}: no permission (the "
            "file or its folder is read-only). Nothing was changed. Use a data folder you "
            "can write to (--data-dir), or ask whoever manages this computer."
        )
    if code in (_BUSY, _LOCKED) or "locked" in text:
        return StoreBusy(
            f"the records database {path} is locked by another program ({doing}). "
            "Nothing was lost. Close other trainer windows or wait a moment, then try again."
        )
    if code == _CANTOPEN:
        return StoreReadOnly(
            f"cannot open the records database {path} ({text}). Check that the data folder "
            "exists and that you may read and write it (or use --data-dir)."
        )
    return StoreDamaged(
        f"records database {path} is damaged or unreadable ({text}). Nothing was changed. "
        "Restore it from a backup, or move it aside to start new records."
    )


def convert_os(exc: OSError, path: Path | str, doing: str) -> StoreError:
    """The :class:`StoreError` for an operating-system failure around the database file."""
    reason = terminal_safe(exc.strerror or str(exc))
    path = terminal_safe(str(path))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreFull(
            f"cannot create the records database {path} while {doing}: no space left "
            "on the disk. Nothing was changed. Free some space, then try again."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreReadOnly(
            f"cannot use the records database {path} while {doing}: {reason} (the data "
            "folder is not writable for you). Nothing was changed. Use --data-dir with a "
            "folder you can write to."
        )
    return StoreError(f"cannot use the records database {path} while {doing}: {reason}")


class StoreConflict(StoreError):
    """The records refused a change that conflicts with what is there (e.g. a duplicate)."""


class StoreUnavailable(StoreError):
    """The records server cannot be reached (refused, lost, shut down) after the retries.

    Nothing of the change being made was saved; what was saved before stays on the server.
    """
