"""A cache of loaded courses, so an unchanged course starts without parsing any YAML.

:func:`load_course_cached` checks every file of the course (course, resources, modules: the
bytes' SHA-256, or the stat signature kept with it) and returns the stored
:class:`CourseLoad` when all of them, the trainer version and the cache format still match;
otherwise it loads the course normally and, when the course is valid, stores it. Only valid
courses are cached: problems are always found by a real load, so their positions and
messages are never stale.

:func:`open_course_lazily` is the same check for the terminal app: on a hit it returns at once
with the course's title, and the model is unpickled the first time it is asked for (after the
first screen is drawn), so neither the model's classes nor the unpickling are paid for before
the learner sees anything. With ``defer=True`` (a first-ever start, whose first screen is the
new-learner form and needs no title) a miss returns at once too: the course is loaded and
validated the first time it is asked for, and its problems are raised then.

An entry is the magic line, a header (one line of JSON: format, trainer version, a
fingerprint of the bank package's sources (every ``trainer/bank/*.py``) and their stat
signatures, the course files' hashes and signatures, the course title, its facts (id,
recertification period and each role's required modules: :func:`course_facts`,
:func:`course_requirements`, for the export and ``trainer status``, which need no model)
and the SHA-256 of the body) and the body (the pickled :class:`CourseLoad`,
:mod:`trainer.bank.cache_body`). A file whose signature is the one kept is unchanged
without being read (:mod:`trainer.bank.filesig` says when one is kept); any other is
hashed. So a command that needs only the facts reads one line and a few ``stat`` calls,
and imports neither hashlib nor pickle. The cache is a convenience, never a source of
truth:

* a missing, unreadable, corrupt, foreign or stale cache file is ignored (and rewritten);
  the body's hash is checked when the entry is read, so a hit cannot fail later;
* entries are written atomically (temporary file + ``os.replace``), mode 0600, in a 0700
  folder;
* the header is JSON, bounded in size; the body is unpickled with an allow-list (the
  model's own classes), so a planted file cannot run code; files not owned by the current
  user are ignored.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from trainer import __version__
from trainer.bank.filesig import Signature, as_signature, settled, signature

if TYPE_CHECKING:
    from trainer.bank.model import Course
    from trainer.bank.problems import CourseLoad, Problem

CACHE_FORMAT = 5  # 5: CourseLoad is a named tuple (a format-4 body unpickles wrongly)
_MAGIC = b"trainer-course-cache\n"
_HEADER_LIMIT = 1 << 20  # bytes of a header line read (bounded, as any input)


# The bank package's sources are part of the key: editing the model (which would unpickle
# objects of an old shape) or the loader, checker, YAML reader or schema (which would keep
# serving a course checked by the old rules) in a checkout, without a version bump, misses.
_BANK_SOURCES = Path(__file__).parent


def _model_fingerprint() -> str:
    """SHA-256 over every ``.py`` file of the bank package (name and bytes), in name order."""
    return _sources_fingerprint(_BANK_SOURCES)


def _model_files() -> list[list[object]]:
    """Every ``.py`` file of the bank package with its signature now, in name order."""
    try:
        names = sorted(e.name for e in os.scandir(_BANK_SOURCES) if e.name.endswith(".py"))
    except OSError:
        return []
    return [[name, signature(_BANK_SOURCES / name)] for name in names]


def _model_is_current(fingerprint: object, files: object) -> bool:
    """The bank sources are those the entry was written with: their signatures are those
    kept (none read), or else their fingerprint is the one kept."""
    if isinstance(files, list) and files:
        kept = [[f[0], as_signature(f[1])] for f in files if isinstance(f, list) and len(f) == 2]
        unchanged = len(kept) == len(files) and all(sig is not None for _, sig in kept)
        if unchanged and kept == _model_files():
            return True
    return fingerprint == _model_fingerprint()


def _settled_model_files() -> list[list[object]] | None:
    """:func:`_model_files` for a header, when every file had settled (else None: the
    fingerprint alone is checked, by reading them)."""
    files = []
    for name, _sig in _model_files():
        _digest, sig = settled(_BANK_SOURCES / str(name), _sha256)
        if sig is None:
            return None
        files.append([name, list(sig)])
    return files


@functools.cache
def _sources_fingerprint(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        files = sorted(folder.glob("*.py"))
    except OSError:
        files = []
    for file in files:
        digest.update(file.name.encode() + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError:  # e.g. installed without sources: the version alone keys the cache
            digest.update(b"unreadable")
        digest.update(b"\0")
    return digest.hexdigest()


def _sha256(path: Path) -> str | None:
    import hashlib  # here: a hit whose files are unchanged by signature never hashes

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def cache_file(path: Path, cache_dir: Path) -> Path:
    """Where the entry for the course file ``path`` lives: keyed by the path as given (the
    cached messages quote it) and the file it names from here. A course named by its full
    path shares one entry from any folder; ``course.yaml`` from two folders, two files, has
    two. (The working folder itself was part of the key until 2026-12-02, so a command run
    from another folder than the one that wrote the entry never found it.)"""
    ident = f"{path}\0{path.absolute()}".encode()
    # An index, not a check (the entry names its files and their hashes): two checksums.
    return Path(cache_dir) / f"course-{zlib.crc32(ident):08x}{zlib.adler32(ident):08x}.pickle"


class _Entry:
    """A cache entry whose header checked out; the body is unpickled by :meth:`load`.

    ``files``: each course file's name, SHA-256 and signature (None when none was kept)."""

    __slots__ = ("body", "facts", "files", "title")

    def __init__(
        self,
        files: list[tuple[str, str, Signature | None]],
        title: str,
        body: bytes | None,
        facts: object = None,
    ) -> None:
        self.files = files
        self.title = title
        self.body = body
        self.facts = facts

    def is_current_for(self, path: Path) -> bool:
        """True when the entry is for ``path`` and every file is unchanged: its signature
        is the one kept, or else its bytes still have the stored hash."""
        return (
            bool(self.files)
            and Path(self.files[0][0]) == path
            and all(
                (sig is not None and signature(name) == sig) or _sha256(Path(name)) == digest
                for name, digest, sig in self.files
            )
        )

    def load(self) -> CourseLoad | None:
        from trainer.bank.cache_body import loads

        return loads(self.body) if self.body is not None else None


def _read_entry(file: Path, *, body_used: bool = True) -> _Entry | None:
    """The entry in ``file`` when its header checks out (``body_used=False``: the caller
    reads the header alone, so the body is neither read nor hashed)."""
    try:
        st = file.lstat()
        if not file.is_file() or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            return None
        with file.open("rb") as fh:
            if fh.read(len(_MAGIC)) != _MAGIC:
                return None
            line = fh.readline(_HEADER_LIMIT + 1)
            body = fh.read() if body_used else None
    except OSError:
        return None
    if len(line) > _HEADER_LIMIT or not line.endswith(b"\n"):
        return None
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):  # not JSON (or damaged): a miss
        return None
    if (
        not isinstance(header, dict)
        or header.get("format") != CACHE_FORMAT
        or header.get("version") != __version__
        or not isinstance(header.get("title"), str)
        or not _model_is_current(header.get("model"), header.get("model_files"))
    ):
        return None
    if body is not None and header.get("body_sha256") != _body_sha256(body):
        return None
    files = _files(header.get("files"))
    if files is None:
        return None
    return _Entry(files, header["title"], body, header.get("facts"))


def _files(value: object) -> list[tuple[str, str, Signature | None]] | None:
    if not isinstance(value, list):
        return None
    files = []
    for item in value:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and isinstance(item[0], str)
            and isinstance(item[1], str)
        ):
            return None
        files.append((item[0], item[1], as_signature(item[2])))
    return files


def _body_sha256(body: bytes) -> str:
    import hashlib

    return hashlib.sha256(body).hexdigest()


def _make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700 (the data folder holds records)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)


def _write_entry(file: Path, hashes: list[tuple[str, str]], load: CourseLoad) -> None:
    """Write atomically; any failure leaves the previous state (or nothing) behind."""
    from trainer.bank.cache_body import dumps

    assert load.course is not None
    body = dumps(load)
    if body is None:
        return
    files = []
    for name, digest in hashes:
        now, sig = settled(Path(name), _sha256)
        files.append([name, digest, list(sig) if sig is not None and now == digest else None])
    header = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "model": _model_fingerprint(),
        "model_files": _settled_model_files(),
        "files": files,
        "title": load.course.title,
        "facts": {
            "id": load.course.id,
            "validity_months": load.course.validity_months,
            "required": _required_by_role(load.course),
        },
        "body_sha256": _body_sha256(body),
    }
    line = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"
    if len(line) > _HEADER_LIMIT:
        return
    tmp = file.with_name(f".{file.name}.{os.urandom(4).hex()}.tmp")  # as secrets.token_hex
    try:
        _make_private_dirs(file.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC)
            fh.write(line)
            fh.write(body)
        os.replace(tmp, file)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _current_entry(path: Path, cache_dir: Path) -> _Entry | None:
    entry = _read_entry(cache_file(path, cache_dir))
    return entry if entry is not None and entry.is_current_for(path) else None


def course_facts(path: Path | str, cache_dir: Path | str) -> tuple[str, int] | None:
    """The course's ``(id, validity_months)`` from a current cache entry's header, or None
    (no entry, or a stale, foreign or damaged one): the body is neither unpickled nor
    hashed, and no YAML is read. Current means what it means for a load: every file of the
    course unchanged, the same trainer version and bank sources, so the course file was
    valid as it is now."""
    path = Path(path)
    entry = _read_entry(cache_file(path, Path(cache_dir)), body_used=False)
    if entry is None or not entry.is_current_for(path):
        return None
    facts = entry.facts
    if not isinstance(facts, dict):
        return None
    course_id, months = facts.get("id"), facts.get("validity_months")
    if not isinstance(course_id, str) or type(months) is not int:
        return None
    return course_id, months


def course_requirements(
    path: Path | str, cache_dir: Path | str
) -> tuple[str, int, dict[str, tuple[str, ...]]] | None:
    """The course's id, ``validity_months`` and the ids of the modules each role must pass
    (what ``trainer status`` needs of it), from a current cache entry's header, or None as
    for :func:`course_facts` (an entry written before the header carried them, too)."""
    path = Path(path)
    entry = _read_entry(cache_file(path, Path(cache_dir)), body_used=False)
    if entry is None or not entry.is_current_for(path) or not isinstance(entry.facts, dict):
        return None
    course_id, months = entry.facts.get("id"), entry.facts.get("validity_months")
    required = entry.facts.get("required")
    if (
        not isinstance(course_id, str)
        or type(months) is not int
        or not isinstance(required, dict)
        or not all(
            isinstance(role, str) and isinstance(ids, list) and all(isinstance(i, str) for i in ids)
            for role, ids in required.items()
        )
    ):
        return None
    return course_id, months, {role: tuple(ids) for role, ids in required.items()}


def _required_by_role(course: Course) -> dict[str, tuple[str, ...]]:
    from trainer.bank.model import ROLES

    return {role: tuple(m.id for m in course.required_for(role)) for role in ROLES}


def load_course_cached(
    path: Path | str, cache_dir: Path | str, *, write: bool = True
) -> CourseLoad:
    """Like :func:`trainer.bank.load_course`, but reuses the last valid load when unchanged.

    ``write=False`` (commands that only read) uses a current entry but never writes one.
    """
    path = Path(path)
    entry = _current_entry(path, Path(cache_dir))
    if entry is not None:
        load = entry.load()
        if load is not None:
            return load
    return _load_and_store(path, Path(cache_dir), write=write)


def _load_and_store(path: Path, cache_dir: Path, *, write: bool = True) -> CourseLoad:
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
    known = [(name, digest) for name, digest in hashes if digest is not None]
    if len(known) != len(hashes) or not write:
        return result
    _write_entry(cache_file(path, cache_dir), known, result)
    return result


class LazyCourse:
    """A course whose model may not be built yet.

    :attr:`title` is there at once, except for a course opened with ``defer=True`` that was
    not in the cache (its title is "" until it is built). :meth:`get` returns the
    :class:`Course`: unpickled from the cache the first time when the course was a cache
    hit; loaded and validated then when it was deferred (raising :class:`BankError` with
    every problem when it is not valid). A course that was not in the cache and not
    deferred was loaded (and validated) by :func:`open_course_lazily` already. :meth:`get`
    may be called from any thread: one build, the others wait for it.
    """

    __slots__ = ("_cache_dir", "_course", "_entry", "_lock", "_path", "_problems", "title")

    def __init__(
        self,
        title: str,
        course: Course | None = None,
        *,
        entry: _Entry | None = None,
        path: Path | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.title = title
        self._course = course
        self._entry = entry
        self._path = path
        self._cache_dir = cache_dir
        self._problems: list[Problem] | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, course: Course) -> LazyCourse:
        """Wrap a course that is already built."""
        return cls(course.title, course)

    @property
    def is_built(self) -> bool:
        return self._course is not None

    @property
    def is_checked(self) -> bool:
        """True when the course is known to be valid (built, or a current cache entry):
        :meth:`get` then never reads YAML and never raises for a problem in the course."""
        return self._course is not None or self._entry is not None

    def get(self) -> Course:
        with self._lock:
            if self._course is None:
                self._build()
            assert self._course is not None
            return self._course

    def _build(self) -> None:
        if self._problems is not None:  # found already: the files are not read again
            from trainer.bank.problems import BankError

            raise BankError(self._problems)
        load = self._entry.load() if self._entry is not None else None
        if load is None and self._path is not None and self._cache_dir is not None:
            # Deferred, or (a bug, not damage: its bytes were hashed when it was read) a
            # checked entry that cannot be unpickled after all: load the files.
            load = _load_and_store(self._path, self._cache_dir)
        if load is None or load.course is None:
            from trainer.bank.problems import BankError

            self._problems = load.problems if load is not None else []
            raise BankError(self._problems)
        self._course = load.course
        self.title = load.course.title
        self._entry = None


def open_course_lazily(
    path: Path | str, cache_dir: Path | str, *, defer: bool = False
) -> LazyCourse | list[Problem]:
    """The course at ``path`` for the terminal app, or every problem it has.

    Unchanged since it was cached: returns at once; the model is built on first use.
    Otherwise: loads and validates it now (as :func:`load_course_cached`), or with
    ``defer`` on first use (:meth:`LazyCourse.get` then raises the problems).
    """
    path, cache_dir = Path(path), Path(cache_dir)
    entry = _current_entry(path, cache_dir)
    if entry is not None:
        return LazyCourse(entry.title, entry=entry, path=path, cache_dir=cache_dir)
    if defer:
        return LazyCourse("", path=path, cache_dir=cache_dir)
    result = _load_and_store(path, cache_dir)
    if result.course is None:
        return result.problems
    return LazyCourse.of(result.course)
