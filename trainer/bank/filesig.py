"""When a file is known to be unchanged without reading it: its stat signature.

A signature is (size, modification time, change time, inode), in nanoseconds. The course
cache keeps one beside each file's SHA-256 and trusts an unchanged signature instead of
reading and hashing the file again, so a command that needs only the course's facts
(``trainer status``, the export) neither reads the course nor imports hashlib.

A signature is kept only for a file that had settled: its contents and metadata last
changed over :data:`SETTLED_NS` before it was hashed, and its stat was the same before and
after the hashing. An edit made in the same clock tick as the hashing therefore cannot hide
behind an unchanged signature (git's index treats a "racily clean" file the same way). Any
later edit changes the change time, which no program can set back (``cp -p`` and ``rsync
-t`` restore the modification time, not the change time); a file replaced by another has
another inode. Whenever the signature differs, or none was kept, the file is hashed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

#: How long a file must have been left alone before its signature is kept.
SETTLED_NS = 2_000_000_000

Signature = tuple[int, int, int, int]


def signature(path: str | Path) -> Signature | None:
    """The file's signature now, or None when it cannot be read (missing, unreadable)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def settled(
    path: Path, digest: Callable[[Path], str | None]
) -> tuple[str | None, Signature | None]:
    """The file's ``digest`` and, when the file had settled (see the module), its signature
    as of that digest; else the digest and None."""
    before = signature(path)
    value = digest(path)
    after = signature(path)
    if before is None or before != after or value is None:
        return value, None
    if time.time_ns() - max(before[1], before[2]) < SETTLED_NS:
        return value, None
    return value, before


def as_signature(value: object) -> Signature | None:
    """A signature read back from a cache header (a list of four integers), or None."""
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(type(v) is int and v >= 0 for v in value)
    ):
        return (value[0], value[1], value[2], value[3])
    return None
