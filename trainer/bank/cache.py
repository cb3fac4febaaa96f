"""A cache of loaded courses, so an unchanged course starts without parsing any YAML.

:func:`load_course_cached` hashes every file of the course (course, resources, modules: the
bytes, SHA-256) and returns the stored :class:`CourseLoad` when all of them, the trainer
version and the cache format still match; otherwise it loads the course normally and, when
the course is valid, stores it. Only valid courses are cached: problems are always found by a
real load, so their positions and messages are never stale.

The cache is a convenience, never a source of truth:

* a missing, unreadable, corrupt, foreign or stale cache file is ignored (and rewritten);
* entries are written atomically (temporary file + ``os.replace``), mode 0600, in a 0700
  folder;
* cache files are unpickled with an allow-list of the model's own classes, so a planted
  file cannot run code; files not owned by the current user are ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from trainer import __version__
from trainer.bank.model import Course
from trainer.bank.problems import CourseLoad

CACHE_FORMAT = 2
_MAGIC = b"trainer-course-cache\n"
_ALLOWED = {
    ("trainer.bank.problems", "CourseLoad"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    *(
        ("trainer.bank.model", name)
        for name in (
            "Choice",
            "Contact",
            "Course",
            "CourseModule",
            "Module",
            "Resources",
            "ResourceSection",
            "Scenario",
            "Source",
            "Step",
        )
    ),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a course cache")
        return super().find_class(module, name)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def cache_file(path: Path, cache_dir: Path) -> Path:
    """Where the entry for the course file ``path`` (as given, from this folder) lives."""
    ident = f"{os.getcwd()}\0{path}\0{path.absolute()}".encode()
    return Path(cache_dir) / f"course-{hashlib.sha256(ident).hexdigest()[:32]}.pickle"


def _read_entry(file: Path) -> dict[str, Any] | None:
    try:
        st = file.lstat()
        if not file.is_file() or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            return None
        data = file.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    try:
        entry = _Unpickler(io.BytesIO(data[len(_MAGIC) :])).load()
    except Exception:  # any corruption: treat as a miss
        return None
    if (
        not isinstance(entry, dict)
        or entry.get("format") != CACHE_FORMAT
        or entry.get("version") != __version__
        or not isinstance(entry.get("load"), CourseLoad)
        or not isinstance(entry["load"].course, Course)
        or not isinstance(entry.get("hashes"), list)
    ):
        return None
    return entry


def _make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700 (the data folder holds records)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)


def _write_entry(file: Path, entry: dict[str, Any]) -> None:
    """Write atomically; any failure leaves the previous state (or nothing) behind."""
    tmp = file.with_name(f".{file.name}.{secrets.token_hex(4)}.tmp")
    try:
        _make_private_dirs(file.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC)
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except (OSError, pickle.PicklingError):
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def load_course_cached(path: Path | str, cache_dir: Path | str) -> CourseLoad:
    """Like :func:`trainer.bank.load_course`, but reuses the last valid load when unchanged."""
    path = Path(path)
    file = cache_file(path, Path(cache_dir))
    entry = _read_entry(file)
    if entry is not None:
        hashes = entry["hashes"]
        if (
            hashes
            and all(
                isinstance(item, tuple) and len(item) == 2 and _sha256(Path(item[0])) == item[1]
                for item in hashes
            )
            and Path(hashes[0][0]) == path
        ):
            return entry["load"]  # type: ignore[no-any-return]
    from trainer.bank.loader import load_course  # only on a miss: a hit needs no YAML

    course_hash = _sha256(path)
    result = load_course(path)
    if result.course is None:
        return result
    hashes = [(str(f), _sha256(f)) for f in result.files]
    # A file edited while we were loading must not be stored with its new hash against the
    # old content: the course file is hashed before and after, modules carry the hash of the
    # bytes actually parsed. (The resources file is only hashed after: a window of a few
    # milliseconds, closed by the next edit.)
    current = dict(hashes)
    if hashes[0][1] != course_hash or any(
        m.sha256 != current.get(str(m.path)) for m in result.course.module_map.values()
    ):
        return result
    if any(h is None for _, h in hashes):
        return result
    _write_entry(
        file,
        {"format": CACHE_FORMAT, "version": __version__, "hashes": hashes, "load": result},
    )
    return result
