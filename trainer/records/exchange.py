"""Records files that travel: ``trainer records export-file`` and the file ``import`` reads.

:func:`export_file` writes a consistent SQLite copy of this store's records for a USB stick or
an upload: the whole SQLite database through SQLite's online backup API, or (filtered, or from
PostgreSQL) a new records file holding the selected learners with their attempts, answers,
certificates and history, their ids and the database id kept. The file is made 0600 under a
temporary name in the destination folder and linked into place: an existing file is refused
(replaced only with ``force``, and never a folder, device or the records themselves), a
symbolic link is never written through. The copy is in rollback-journal mode, one
self-contained file.

:func:`open_source` opens a file to import: a regular file only (a FIFO would block, a device
never end), at most :data:`MAX_IMPORT_BYTES`, an SQLite header, trainer's own schema (older ones
upgraded in memory, never written) and SQLite's ``quick_check``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from trainer.records.base import _SQLITE_MAGIC, StoreBase
from trainer.records.contract import Records
from trainer.records.errors import StoreError
from trainer.records.merge import UnusableSource
from trainer.records.ondisk import sqlite_schema_version
from trainer.records.store import RecordsStore
from trainer.safetext import terminal_safe

MAX_IMPORT_BYTES = 2 * 1024**3  # a records file of millions of answers is well under this
_IDS_SCHEMA = 4  # the schema that gives a records file its database id (uids derive from it)

_READ = ("learners", "learner_history", "attempts", "answers", "certificates", "meta")
_COUNTED = ("learners", "attempts", "answers", "certificates")  # as in Exported


@dataclass(frozen=True)
class Selection:
    """Which learners (and attempts) an export keeps; all of them when nothing is given."""

    organisation: str | None = None
    learner: str | None = None  # a name (matched case-folded) or an external ID
    since: str | None = None  # 'YYYY-MM-DD': attempts started on or after
    until: str | None = None  # 'YYYY-MM-DD': attempts started on or before

    @property
    def everything(self) -> bool:
        return not (self.organisation or self.learner or self.since or self.until)


@dataclass(frozen=True)
class Exported:
    learners: int
    attempts: int
    answers: int
    certificates: int


def open_source(path: Path, *, limit: int = MAX_IMPORT_BYTES) -> RecordsStore:
    """The records file at ``path`` opened read-only, checked; else :class:`UnusableSource`."""
    shown = terminal_safe(str(path))
    try:
        st = path.stat()
    except OSError as exc:
        raise UnusableSource(f"cannot read {shown}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnusableSource(f"{shown} is not a regular file (a folder, FIFO or device)")
    if st.st_size > limit:
        raise UnusableSource(
            f"{shown} is {st.st_size:,} bytes; a records file to import may be at most "
            f"{limit:,} bytes"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise UnusableSource(f"cannot read {shown}: {exc.strerror or exc}") from None
    if not head.startswith(_SQLITE_MAGIC):
        raise UnusableSource(f"{shown} is not a trainer records file (not an SQLite file)")
    try:
        source = RecordsStore(path, read_only=True)
    except StoreError as exc:
        raise UnusableSource(str(exc)) from None
    version = sqlite_schema_version(path)
    if version is not None and version < _IDS_SCHEMA:
        source.close()
        raise UnusableSource(
            f"{shown} was written by an older trainer (records schema {version}) and has no "
            "database id yet, so its attempts would get new ids each time it is read and a "
            "second import would add them again. Nothing was changed. Open it once with this "
            "version on that machine (the app, or 'trainer records push --status'), then "
            "export it again"
        )
    try:
        problems = source._rows("PRAGMA quick_check(5)")
        odd = _odd_tables(source)
    except StoreError as exc:
        source.close()
        raise UnusableSource(str(exc)) from None
    if odd:
        source.close()
        raise UnusableSource(
            f"{shown} is not trainer records as trainer writes them ({odd}); nothing was changed"
        )
    if [tuple(p) for p in problems] != [("ok",)]:
        source.close()
        detail = terminal_safe("; ".join(str(p[0]) for p in problems))[:300]
        raise UnusableSource(f"{shown} is damaged ({detail}); nothing was changed")
    return source


def _odd_tables(source: RecordsStore) -> str:
    """What makes the file's tables other than trainer's: one of them a view (which could
    compute rows without end), a virtual table, or a computed column; '' when none."""
    for table in _READ:
        found = source._rows(
            "SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE", (table,)
        )
        if len(found) != 1 or found[0][0] != "table":
            return f"its {table} is not a table"
        if not str(found[0][1]).upper().startswith("CREATE TABLE"):
            return f"its {table} is a virtual table"
        if any(row[6] for row in source._rows(f"PRAGMA table_xinfo({table})")):
            return f"its {table} has computed or hidden columns"
    return ""


def _temporary(out: Path) -> Path:
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(tmp, flags, 0o600))
    return tmp


def _remove(tmp: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{tmp}{suffix}")


def check_destination(out: Path, store: RecordsStore, *, force: bool) -> None:
    """Refuse a destination that exists (unless ``force``), is not a regular file or a link,
    or is the records themselves. Raises FileExistsError or StoreError."""
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        return
    shown = terminal_safe(str(out))
    here = getattr(store, "path", None)
    if here is not None and os.path.exists(here) and os.path.samefile(out, here):
        raise StoreError(f"{shown} is the records database itself; choose another file")
    if not force:
        raise FileExistsError(f"{shown} already exists; nothing was written (--force replaces it)")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise StoreError(f"{shown} is not a regular file; it is never replaced")


def export_file(
    store: Records, out: Path, selection: Selection, *, force: bool = False
) -> Exported:
    """Write the selected records to a new SQLite file ``out`` (see the module docstring)."""
    if not isinstance(store, RecordsStore):  # both backends are; a test double is not
        raise StoreError("these records cannot be exported to a file")
    check_destination(out, store, force=force)
    tmp = _temporary(out)
    try:
        db = getattr(store, "_db", None)
        if selection.everything and isinstance(db, sqlite3.Connection):
            with contextlib.closing(sqlite3.connect(tmp)) as copy:
                db.backup(copy)
        else:
            with RecordsStore(tmp) as copy_store:
                _copy_selected(store, copy_store, selection)
        with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as copy:
            copy.execute("PRAGMA journal_mode = DELETE")
            counts = Exported(
                *(copy.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _COUNTED)
            )
        os.chmod(tmp, 0o600)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        check_destination(out, store, force=force)
        if force:
            os.replace(tmp, out)
        else:
            _install_new(tmp, out)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write {terminal_safe(str(out))}: {exc}") from None
    finally:
        _remove(tmp)
    return counts


def _install_new(tmp: Path, out: Path) -> None:
    """``tmp`` appears as ``out``, which must not exist (a file or a link): a hard link, or
    where the file system has none (FAT and exFAT USB sticks) an exclusive, no-follow copy."""
    try:
        os.link(tmp, out, follow_symlinks=False)
        return
    except FileExistsError:
        raise FileExistsError(
            f"{terminal_safe(str(out))} already exists; nothing was written (--force replaces it)"
        ) from None
    except OSError:
        pass  # no hard links here
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(out, flags, 0o600)
    except FileExistsError:
        raise FileExistsError(
            f"{terminal_safe(str(out))} already exists; nothing was written (--force replaces it)"
        ) from None
    try:
        with os.fdopen(fd, "wb") as dst, open(tmp, "rb") as src:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(out)
        raise


def _selected_learners(store: RecordsStore, selection: Selection) -> list[int]:
    """The row keys of the selected learners (copied with their keys: the xAPI ids stay)."""
    org = selection.organisation.casefold() if selection.organisation is not None else None
    wanted = " ".join(selection.learner.split()).casefold() if selection.learner else None
    keys = []
    for key, name, external_id, organisation in store._rows(
        "SELECT id, name, external_id, organisation FROM learners ORDER BY name_key, id"
    ):
        if org is not None and str(organisation).casefold() != org:
            continue
        if wanted is not None and wanted not in (str(name).casefold(), external_id.casefold()):
            continue
        keys.append(int(key))
    return keys


def _window(selection: Selection) -> tuple[str, list[str]]:
    where, args = "", []
    if selection.since:
        where += " AND started_at >= ?"
        args.append(selection.since)
    if selection.until:
        where += " AND substr(started_at, 1, 10) <= ?"
        args.append(selection.until)
    return where, args


def _copy_selected(store: StoreBase, copy: RecordsStore, selection: Selection) -> None:
    """The selected learners, with their history, attempts (in the window), answers and
    certificates, into the new file ``copy``; ids and the database id kept."""
    assert isinstance(store, RecordsStore)
    where, window = _window(selection)
    database_id = store._one("SELECT value FROM meta WHERE key = 'database_id'")
    with copy._write("writing the exported records", full_sync=True) as db:
        if database_id is not None:
            db.execute("UPDATE meta SET value = ? WHERE key = 'database_id'", (database_id[0],))
        for learner_id in _selected_learners(store, selection):
            attempts = store._rows(
                f"SELECT {_ATTEMPTS} FROM attempts WHERE learner_id = ?{where} ORDER BY id",
                (learner_id, *window),
            )
            if where and not attempts:
                continue  # a window was asked for: only learners with attempts in it
            for table in ("learners", "learner_history"):
                column = "id" if table == "learners" else "learner_id"
                _copy_rows(store, db, table, f"{column} = ?", (learner_id,))
            for a in attempts:
                db.execute(f"INSERT INTO attempts ({_ATTEMPTS}) VALUES ({_marks(_ATTEMPTS)})", a)
                _copy_rows(store, db, "answers", "attempt_id = ?", (a[0],))
            _copy_rows(store, db, "certificates", "learner_id = ?", (learner_id,))


_ATTEMPTS = (
    "id, learner_id, course_id, module_id, module_version, module_sha256, role, seed, "
    "started_at, finished_at, score, max_score, percent, passed, uid"
)
_COLUMNS = {
    "learners": "id, name, external_id, organisation, role, created_at, uid, name_key, email, "
    "due_date, managed_by",
    "learner_history": "id, learner_id, at, change, old_value, new_value, changed_by",
    "answers": "attempt_id, seq, scenario_id, step_id, choice_ids, points, max_points, "
    "outcome, answered_at",
    "certificates": "id, learner_id, course_id, course_version, issued_at, valid_until, "
    "payload_sha256, token",
}


def _copy_rows(
    store: StoreBase, db: sqlite3.Connection, table: str, where: str, args: tuple[object, ...]
) -> None:
    columns = _COLUMNS[table]
    for row in store._rows(f"SELECT {columns} FROM {table} WHERE {where}", args):
        db.execute(f"INSERT INTO {table} ({columns}) VALUES ({_marks(columns)})", row)


def _marks(columns: str) -> str:
    return ", ".join("?" * (columns.count(",") + 1))
