"""The organisation's roster in the records: import (one transaction) and export.

A roster names the learners an organisation must train. :meth:`RosterRecords.import_roster`
brings a checked roster (:mod:`trainer.compliance.roster_csv` reads the file) into the records
in ONE write transaction: every learner is added, changed or left as is, or nothing is.

Matching a row to a learner (docs/compliance.md, "Who is who"):

* with an external ID: the learner of the same organisation and ID. When there is none, a
  learner of that organisation with the same name (:func:`name_key`) and no ID yet is
  adopted (it gets the ID; e.g. someone who started in the app before the roster came);
* without an ID: the learner of that organisation with the same name and no ID. A learner of
  that name who has an ID is not guessed at: the row is refused, asking for the ID.
* Anything ambiguous (two learners with one ID or one name, two rows for one learner) is
  refused with the row's line, and nothing is written.

Matched learners become roster-managed (``managed_by = 'roster'``). Every change of name,
role, external ID, email, due date or management goes into the learner history. Roster
learners of the file's organisations that the file no longer lists are reported, never
deleted (their records stay). Only the backend interface is used (``_rows``, ``_write``,
``_lock``, ``?`` placeholders, ``RETURNING``), so this runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from trainer.records.errors import StoreError
from trainer.records.learners import (
    _LEARNER_COLS,
    Change,
    LearnerRecords,
    name_key,
    new_uid,
)
from trainer.records.rows import learner_row
from trainer.safetext import terminal_safe

if TYPE_CHECKING:
    from trainer.records.reports import RosterEntry, RosterReport
    from trainer.records.row_types import LearnerRow

ROSTER = "roster"

#: The fields a roster sets, in the order a change is reported.
FIELDS: tuple[str, ...] = ("name", "role", "external_id", "email", "due_date", "managed_by")


class RosterRefused(StoreError):
    """The roster cannot be imported as it is; ``problems`` say why, by line. Nothing was
    changed."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"the roster was not imported: {len(problems)} problem(s)")
        self.problems = problems


Query = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]


def _shown(text: str) -> str:
    return terminal_safe(text) or "(none)"


class RosterRecords(LearnerRecords):
    """Roster import and export, over the shared backend interface."""

    def import_roster(
        self, entries: Sequence[RosterEntry], *, dry_run: bool = False
    ) -> RosterReport:
        """Bring ``entries`` into the records in one transaction (``dry_run``: only read, and
        say what would change). :class:`RosterRefused` when a row cannot be matched safely."""
        if dry_run:
            return self._plan(entries, self._rows, True)[0]
        now = self._now()
        with self._write("importing a roster") as db:
            self._serialise(db, "learners")  # PostgreSQL: one check-then-insert at a time

            def query(sql: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
                return list(db.execute(sql + self._lock, args).fetchall())

            report, _ = self._plan(entries, query, False)
            for entry in report.added:
                row = db.execute(
                    "INSERT INTO learners (name, external_id, organisation, role, created_at, "
                    "uid, name_key, email, due_date, managed_by) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        entry.name,
                        entry.external_id,
                        entry.organisation,
                        entry.role,
                        now,
                        new_uid(),
                        name_key(entry.name),
                        entry.email or "",
                        entry.due_date or None,
                        ROSTER,
                    ),
                ).fetchone()
                self._log(db, int(row[0]), now, "created", None, entry.name)
            for change in report.changed:
                lid = self._learner_key(db, change.learner.id)
                for column, old, new in change.fields:
                    value: str | None = new
                    if column == "due_date" and not new:
                        value = None
                    db.execute(f"UPDATE learners SET {column} = ? WHERE id = ?", (value, lid))
                    if column == "name":
                        db.execute(
                            "UPDATE learners SET name_key = ? WHERE id = ?", (name_key(new), lid)
                        )
                    what: Change = column  # type: ignore[assignment]
                    self._log(db, lid, now, what, old, new)
        return report

    def _plan(
        self, entries: Sequence[RosterEntry], query: Query, dry_run: bool
    ) -> tuple[RosterReport, dict[str, int]]:
        """What the import does: the report, and which line matched which learner id."""
        by_org: dict[str, list[LearnerRow]] = {}
        for org in sorted({e.organisation for e in entries}):
            rows = query(f"SELECT {_LEARNER_COLS} FROM learners WHERE organisation = ?", (org,))
            by_org[org] = [learner_row(r) for r in rows]
        by_id: dict[tuple[str, str], list[LearnerRow]] = {}
        by_name: dict[tuple[str, str], list[LearnerRow]] = {}
        for org, learners in by_org.items():
            for lr in learners:
                if lr.external_id:
                    by_id.setdefault((org, lr.external_id), []).append(lr)
                by_name.setdefault((org, name_key(lr.name)), []).append(lr)
        from trainer.records.reports import RosterChange, RosterReport

        report = RosterReport(dry_run)
        problems: list[tuple[int, str]] = []
        matched: dict[str, int] = {}  # learner id -> line
        pairs: list[tuple[RosterEntry, LearnerRow]] = []
        for entry in entries:
            before = len(problems)
            found = self._match(entry, by_id, by_name, problems)
            if found is None:
                if len(problems) == before:
                    report.added.append(entry)
                continue
            first = matched.setdefault(found.id, entry.line)
            if first != entry.line:
                problems.append(
                    (
                        entry.line,
                        f"this row and line {first} are both learner {_shown(found.name)} "
                        f"(ID {_shown(found.external_id)}); one row a person",
                    )
                )
                continue
            pairs.append((entry, found))
        if problems:
            raise RosterRefused(sorted(problems))
        for entry, found in pairs:
            fields = _differences(entry, found)
            if fields:
                report.changed.append(RosterChange(entry.line, found, fields))
            else:
                report.unchanged += 1
        for org in sorted(by_org):
            report.not_in_file += [
                lr for lr in by_org[org] if lr.managed_by == ROSTER and lr.id not in matched
            ]
        return report, matched

    @staticmethod
    def _match(
        entry: RosterEntry,
        by_id: dict[tuple[str, str], list[LearnerRow]],
        by_name: dict[tuple[str, str], list[LearnerRow]],
        problems: list[tuple[int, str]],
    ) -> LearnerRow | None:
        """The learner this row is, None for a new one (or a problem, appended)."""
        org = entry.organisation
        where = f"in {_shown(org)}" if org else "without an organisation"
        if entry.external_id:
            same_id = by_id.get((org, entry.external_id), [])
            if len(same_id) == 1:
                return same_id[0]
            if same_id:
                problems.append(
                    (
                        entry.line,
                        f"{len(same_id)} learners {where} have the ID "
                        f"{_shown(entry.external_id)}; correct the records first",
                    )
                )
                return None
        named = by_name.get((org, name_key(entry.name)), [])
        no_id = [lr for lr in named if not lr.external_id]
        if len(no_id) == 1:
            return no_id[0]  # with an ID in the row: adopted, it gets the ID
        if len(no_id) > 1:
            problems.append(
                (
                    entry.line,
                    f"{len(no_id)} learners {where} are named {_shown(entry.name)} and have no "
                    "ID; give them IDs in the app first ('trainer learners')",
                )
            )
            return None
        if not entry.external_id and named:
            ids = ", ".join(_shown(lr.external_id) for lr in named[:3])
            problems.append(
                (
                    entry.line,
                    f"{_shown(entry.name)} {where} is recorded with the ID {ids}; put the ID "
                    "in the file",
                )
            )
        return None

    def roster(self, *, everyone: bool = False) -> list[LearnerRow]:
        """The roster-managed learners (``everyone``: all learners), by organisation, name."""
        clause = "" if everyone else "WHERE managed_by = ?"
        rows = self._rows(
            f"SELECT {_LEARNER_COLS} FROM learners {clause} "
            "ORDER BY organisation, name_key, external_id, id",
            () if everyone else (ROSTER,),
        )
        return [learner_row(r) for r in rows]


def _differences(entry: RosterEntry, lr: LearnerRow) -> tuple[tuple[str, str, str], ...]:
    """(field, old, new) for each field the row changes, in :data:`FIELDS` order."""
    new: dict[str, str | None] = {
        "name": entry.name,
        "role": entry.role,
        "external_id": entry.external_id,
        "email": entry.email,
        "due_date": entry.due_date,
        "managed_by": ROSTER,
    }
    out = []
    for column in FIELDS:
        value = new[column]
        if value is None:  # the file has no such column: kept
            continue
        old = getattr(lr, column) or ""
        if value != old:
            out.append((column, old, value))
    return tuple(out)
