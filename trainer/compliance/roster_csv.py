"""Read an organisation's roster from a CSV file, checked row by row before anything is stored.

The file (docs/compliance.md, "The roster file"):

* UTF-8, with or without the byte-order mark spreadsheets write ("CSV UTF-8"); comma-separated
  (a header without commas but with semicolons or tabs uses those instead, as some
  spreadsheet locales export);
* a header row naming the columns, in any order; names are matched ignoring case, spaces,
  hyphens and underscores: ``name``; ``external id`` / ``id`` / ``employee id``;
  ``organisation`` / ``organization`` / ``org``; ``role``; optional ``email`` / ``e-mail``;
  optional ``due date`` / ``due``. Other columns are ignored (and listed as a note);
* ``role`` is ``employee``, ``contractor`` or ``uniformed``, or the words the app shows for
  them (``Uniformed service member``), in any case;
* ``due date`` is ``YYYY-MM-DD`` (an empty cell: no due date); ``email`` has one ``@`` and
  no spaces (an empty cell: none). A column left out of the file leaves that detail of
  existing learners as it is; an empty cell clears it;
* a cell our own export neutralised for spreadsheets (``'=...``) is read back without the
  apostrophe, so exporting and importing a roster changes nothing.

Bounds, checked before parsing: a regular file of at most :data:`MAX_BYTES`; at most
:data:`MAX_ROWS` rows and :data:`MAX_CELL` characters a cell. Every problem is reported as
``FILE:LINE: message`` (terminal-safe); a caller imports nothing unless there are none.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from trainer.records.learners import InvalidName, check_detail, check_name, name_key
from trainer.records.reports import RosterEntry
from trainer.safetext import CSV_TRIGGERS, terminal_safe

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 500_000
MAX_CELL = 1_000
MAX_COLUMNS = 100
MAX_PROBLEMS = 200  # reported in full up to this many; then a count

ROLES = ("employee", "contractor", "uniformed")
_ROLE_WORDS = {
    "employee": "employee",
    "contractor": "contractor",
    "uniformed": "uniformed",
    "uniformed service member": "uniformed",
}

#: Accepted header names (normalised: case-folded, spaces/hyphens/underscores removed).
HEADERS: dict[str, str] = {
    "name": "name",
    "externalid": "external_id",
    "id": "external_id",
    "employeeid": "external_id",
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "role": "role",
    "email": "email",
    "emailaddress": "email",
    "duedate": "due_date",
    "due": "due_date",
}
REQUIRED = ("name", "external_id", "organisation", "role")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(slots=True)
class RosterFile:
    """What a roster file holds: its entries, or the problems that stop it being imported."""

    path: str
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    more_problems: int = 0  # problems beyond MAX_PROBLEMS, counted but not listed

    @property
    def ok(self) -> bool:
        return not self.problems


class RosterUnreadable(Exception):
    """The file cannot be read at all (missing, not a regular file, too large): exit 2."""


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes; :class:`RosterUnreadable` for anything but a regular file of at
    most ``limit`` bytes (default :data:`MAX_BYTES`; a FIFO or device is never read: it
    might not end)."""
    limit = MAX_BYTES if limit is None else limit
    shown = terminal_safe(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise RosterUnreadable(f"no such file: {shown}") from None
    except IsADirectoryError:
        raise RosterUnreadable(f"{shown} is a folder, not a roster file") from None
    except OSError as exc:
        raise RosterUnreadable(
            f"cannot read {shown}: {terminal_safe(exc.strerror or '')}"
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise RosterUnreadable(f"{shown} is a folder, not a roster file")
        if not stat.S_ISREG(info.st_mode):
            raise RosterUnreadable(f"{shown} is a device, FIFO or socket, not a regular file")
        if info.st_size > limit:
            raise RosterUnreadable(
                f"{shown} is {info.st_size:,} bytes; a roster file may be at most {limit:,} "
                "bytes (split it by organisation)"
            )
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise RosterUnreadable(
            f"cannot read {shown}: {terminal_safe(exc.strerror or '')}"
        ) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while we read it
        raise RosterUnreadable(f"{shown} is larger than {limit:,} bytes")
    return data


def _decode(data: bytes, result: RosterFile, where: str) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        result.problems.append(
            f"{where}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02X} at column {column}); "
            "save the file as 'CSV UTF-8' and import it again"
        )
        return None


def _delimiter(first_line: str) -> str:
    if "," in first_line:
        return ","
    if ";" in first_line:
        return ";"
    return "\t" if "\t" in first_line else ","


def _unneutralise(cell: str) -> str:
    """Undo our export's spreadsheet neutralising: ``'=x`` is read back as ``=x``."""
    if cell.startswith("'") and cell[1:2] and cell[1:2] in CSV_TRIGGERS:
        return cell[1:]
    return cell


def parse_roster(path: Path, data: bytes | None = None) -> RosterFile:
    """Read and check a roster file. :class:`RosterUnreadable` when it cannot be read at all;
    otherwise a :class:`RosterFile` whose ``problems`` list every bad row (``FILE:LINE: ...``)."""
    where = terminal_safe(str(path))
    result = RosterFile(where)
    if data is None:
        data = read_bytes(path)
    text = _decode(data, result, where)
    if text is None:
        return result
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    columns: dict[str, int] | None = None
    seen_ids: dict[tuple[str, str], int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    rows = 0
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # blank lines, and the empty rows spreadsheets add at the end
            if len(row) > MAX_COLUMNS:
                _problem(result, f"{where}:{line}: {len(row)} columns; at most {MAX_COLUMNS}")
                if columns is None:
                    return result
                continue
            if columns is None:
                columns = _header(row, result, where, line)
                if columns is None:
                    return result
                continue
            rows += 1
            if rows > MAX_ROWS:
                _problem(result, f"{where}:{line}: more than {MAX_ROWS:,} rows; split the file")
                return result
            entry = _entry(row, columns, result, f"{where}:{line}", line)
            if entry is not None:
                _check_duplicates(entry, seen_ids, seen_names, result, f"{where}:{line}")
                result.entries.append(entry)
    except csv.Error as exc:
        _problem(
            result, f"{where}:{start}: cannot read this row as CSV ({terminal_safe(str(exc))})"
        )
        return result
    if columns is None:
        _problem(result, f"{where}:1: the file is empty; it needs a header row ({_wanted()})")
    elif rows == 0:
        _problem(result, f"{where}: the file has a header but no learners")
    return result


def _wanted() -> str:
    return "name, external_id, organisation, role; optional email, due_date"


def _problem(result: RosterFile, message: str) -> None:
    if len(result.problems) < MAX_PROBLEMS:
        result.problems.append(message)
    else:
        result.more_problems += 1


def _header(row: list[str], result: RosterFile, where: str, line: int) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(row):
        if len(cell) > MAX_CELL:
            _problem(result, f"{where}:{line}: a header cell is {len(cell):,} characters long")
            return None
        key = HEADERS.get(_header_key(cell))
        if key is None:
            if cell.strip():
                ignored.append(terminal_safe(cell.strip()))
            continue
        if key in columns:
            _problem(
                result,
                f"{where}:{line}: two columns mean '{key}' (columns {columns[key] + 1} and "
                f"{index + 1}); keep one",
            )
            return None
        columns[key] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        _problem(
            result,
            f"{where}:{line}: the header row has no {', '.join(missing)} column"
            f"{'s' * (len(missing) > 1)} (it needs {_wanted()}; see docs/compliance.md)",
        )
        return None
    if ignored:
        result.notes.append(f"{where}:{line}: ignored columns: {', '.join(ignored)}")
    return columns


def _entry(
    row: list[str], columns: dict[str, int], result: RosterFile, at: str, line: int
) -> RosterEntry | None:
    cells: dict[str, str] = {}
    bad = False
    for key, index in columns.items():
        cell = row[index] if index < len(row) else ""
        if len(cell) > MAX_CELL:
            _problem(result, f"{at}: the {key} is {len(cell):,} characters; at most {MAX_CELL}")
            bad = True
            continue
        cells[key] = _unneutralise(cell.strip())
    if bad:
        return None
    problems = []
    name = ""
    try:
        name = check_name(cells["name"])
    except InvalidName as exc:
        problems.append(f"name: {exc}")
    organisation, external_id = cells["organisation"], cells["external_id"]
    for what, value in (("organisation", organisation), ("external ID", external_id)):
        try:
            check_detail(what, value)
        except InvalidName as exc:
            problems.append(str(exc))
    role = _ROLE_WORDS.get(" ".join(cells["role"].split()).casefold())
    if role is None:
        shown = terminal_safe(cells["role"]) or "(empty)"
        problems.append(f"role '{shown}' is not one of {', '.join(ROLES)}")
    email = cells.get("email")
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append(f"email '{terminal_safe(email)}' is not an address (name@example.org)")
    due = cells.get("due_date")
    if due:
        try:
            if not _DATE.fullmatch(due):
                raise ValueError
            due = date.fromisoformat(due).isoformat()
        except ValueError:
            problems.append(f"due date '{terminal_safe(due)}' is not a date as YYYY-MM-DD")
    if problems:
        for problem in problems:
            _problem(result, f"{at}: {problem}")
        return None
    assert role is not None
    return RosterEntry(line, name, external_id, organisation, role, email, due)


def _check_duplicates(
    entry: RosterEntry,
    seen_ids: dict[tuple[str, str], int],
    seen_names: dict[tuple[str, str], int],
    result: RosterFile,
    at: str,
) -> None:
    """Two rows for one person: the same (organisation, ID), or without IDs the same name."""
    if entry.external_id:
        key, seen, what = (entry.organisation, entry.external_id), seen_ids, "external ID"
        shown = terminal_safe(entry.external_id)
    else:
        key, seen, what = (entry.organisation, name_key(entry.name)), seen_names, "name (no ID)"
        shown = terminal_safe(entry.name)
    first = seen.setdefault(key, entry.line)
    if first != entry.line:
        org = terminal_safe(entry.organisation) or "(no organisation)"
        _problem(
            result, f"{at}: {what} '{shown}' in {org} is also on line {first}; one row a person"
        )


def problem_lines(result: RosterFile) -> Iterable[str]:
    """The problems to print, with a count of any not listed."""
    yield from result.problems
    if result.more_problems:
        yield f"{result.path}: ... and {result.more_problems:,} more problems"
