"""Learners and their history: who they are, and every change to name, role, organisation, ID.

Names are checked here, in the one path every front end (TUI, plain mode, CLI) uses to add or
rename a learner: control characters (escape sequences, bidi controls) and names longer than
fit a certificate are refused with the reason. :func:`name_warnings` adds what is allowed but
worth a second look (letters that look like other scripts' letters, characters the
certificate font cannot print), for the front ends to show before saving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from trainer.records.base import StoreBase
from trainer.records.errors import StoreConflict, StoreError
from trainer.records.rows import HISTORY, LEARNER, history_row, learner_row, row_class, select
from trainer.safetext import confusable_warning, is_dangerous, name_problems

if TYPE_CHECKING:
    from trainer.records.row_types import LearnerHistoryRow as LearnerHistoryRow
    from trainer.records.row_types import LearnerRow as LearnerRow

Change = Literal[
    "created", "name", "role", "organisation", "external_id", "email", "due_date", "managed_by"
]


def name_key(name: str) -> str:
    """The one rule names are matched by, on every backend: spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


class InvalidName(StoreError):
    """A learner name that cannot be recorded; the message gives every reason."""


def check_name(name: str) -> str:
    """The name as it will be recorded, or :class:`InvalidName` with every reason."""
    if not name.strip():
        raise InvalidName("a learner needs a name (as it should appear on a certificate)")
    problems = name_problems(name)
    if problems:
        raise InvalidName(" ".join(problems))
    return " ".join(name.split())


def check_detail(what: str, value: str, limit: int = 200) -> None:
    """Refuse an organisation or ID holding control characters, or longer than ``limit``."""
    bad = sorted({f"U+{ord(c):04X}" for c in value if is_dangerous(c)})
    if bad:
        raise InvalidName(f"The {what} contains control characters: {', '.join(bad[:5])}.")
    if len(value.strip()) > limit:
        raise InvalidName(
            f"The {what} is {len(value.strip())} characters long; the limit is {limit}."
        )


def name_warnings(name: str) -> list[str]:
    """What is allowed in ``name`` but worth a second look before it is saved.

    Look-alike letters from another script, and characters the certificate font cannot print
    (found now, not after the course when the certificate is refused).
    """
    warnings = []
    confusable = confusable_warning(name)
    if confusable:
        warnings.append(confusable)
    from trainer.certificates.pdf import unsupported_characters  # loads the fonts: only here

    bad = unsupported_characters(name)
    if bad:
        shown = " ".join(bad[:10])
        warnings.append(
            f"The certificate cannot print these characters of the name: {shown}. Use the "
            "name as it should be printed in Latin, Greek or Cyrillic letters, or the "
            "certificate will be refused."
        )
    return warnings


def new_uid() -> str:
    """A new global id (UUIDv4) for a learner or an attempt."""
    import uuid  # here: importing it costs every command ~3 ms (it imports platform)

    return str(uuid.uuid4())


def current_account() -> str:
    """The operating-system account making a change (empty when it cannot be told)."""
    import getpass  # only when writing: a command that only reads need not import it

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


_LEARNER_COLS = select(LEARNER, l="")

__all__ = ["LearnerHistoryRow", "LearnerRow"]


def __getattr__(name: str) -> Any:  # the row classes, made on first use (records.rows)
    return row_class(__name__, name)


class LearnerRecords(StoreBase):
    """The learner half of the records store."""

    def add_learner(
        self, name: str, role: str, organisation: str = "", external_id: str = ""
    ) -> LearnerRow:
        """Record a new learner (and the 'created' entry of their history).

        A learner with an external ID is identified by (organisation, ID): another learner
        of the same name is allowed. Without an ID the name identifies them: a name another
        learner has (matched by :func:`name_key`) is refused.
        """
        name = check_name(name)
        check_detail("organisation", organisation)
        check_detail("ID", external_id)
        now = self._now()
        organisation, external_id = organisation.strip(), external_id.strip()
        uid = new_uid()
        try:
            with self._write("adding a learner") as db:
                self._serialise(db, "learners")
                self._check_free(db, name, organisation, external_id, None)
                row = db.execute(
                    "INSERT INTO learners (name, external_id, organisation, role, created_at, "
                    "uid, name_key) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (name, external_id, organisation, role, now, uid, name_key(name)),
                ).fetchone()
                self._log(db, int(row[0]), now, "created", None, name)
        except StoreConflict as exc:
            if "already" in str(exc):
                raise
            raise StoreError(f"invalid learner: {exc}") from None
        learner = self.get_learner(uid)
        assert learner is not None
        return learner

    def update_learner(
        self, learner_id: str, *, organisation: str, external_id: str, role: str
    ) -> LearnerRow:
        """Change ID, organisation and role; each change is kept in the learner's history."""
        check_detail("organisation", organisation)
        check_detail("ID", external_id)
        new: dict[Change, str] = {
            "organisation": organisation.strip(),
            "external_id": external_id.strip(),
            "role": role,
        }
        return self._change(learner_id, new, "changing a learner's details")

    def rename_learner(self, learner_id: str, name: str) -> LearnerRow:
        """Correct a learner's name (checked as a new name is); kept in the history."""
        name = check_name(name)
        return self._change(learner_id, {"name": name}, "renaming a learner")

    def _change(self, learner_id: str, new: dict[Change, str], doing: str) -> LearnerRow:
        now = self._now()
        with self._write(doing) as db:
            row = db.execute(
                f"SELECT id, {_LEARNER_COLS} FROM learners WHERE uid = ?{self._lock}",
                (learner_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"no learner with id {learner_id}")
            key, old = int(row[0]), learner_row(row[1:])
            if {"name", "organisation", "external_id"} & new.keys():
                self._serialise(db, "learners")
                self._check_free(
                    db,
                    new.get("name", old.name),
                    new.get("organisation", old.organisation),
                    new.get("external_id", old.external_id),
                    key,
                )
            for column, value in new.items():
                before = getattr(old, column)
                if value == before:
                    continue
                db.execute(f"UPDATE learners SET {column} = ? WHERE id = ?", (value, key))
                if column == "name":
                    db.execute(
                        "UPDATE learners SET name_key = ? WHERE id = ?", (name_key(value), key)
                    )
                self._log(db, key, now, column, before, value)
        learner = self.get_learner(learner_id)
        assert learner is not None
        return learner

    def _learner_key(self, db: Any, learner_id: str) -> int:
        """The learner's row (integer key) inside a write; :class:`StoreError` if none."""
        found = db.execute("SELECT id FROM learners WHERE uid = ?", (learner_id,)).fetchone()
        if found is None:
            raise StoreError(f"no learner with id {learner_id}")
        return int(found[0])

    @staticmethod
    def _check_free(
        db: Any, name: str, organisation: str, external_id: str, key: int | None
    ) -> None:
        """Refuse an identity another learner has: (organisation, ID) when an ID is given,
        else the name (matched by :func:`name_key`). ``key``: the learner's own row (a
        change), or None (a new learner)."""
        if external_id:
            rows = db.execute(
                "SELECT id FROM learners WHERE organisation = ? AND external_id = ?",
                (organisation, external_id),
            ).fetchall()
            if any(r[0] != key for r in rows):
                shown = f"{external_id!r}" + (f" in {organisation!r}" if organisation else "")
                raise StoreConflict(f"a learner with the ID {shown} already exists")
            return
        rows = db.execute("SELECT id FROM learners WHERE name_key = ?", (name_key(name),))
        if any(r[0] != key for r in rows.fetchall()):
            raise StoreConflict(f"a learner named {name!r} already exists")

    def _log(
        self,
        db: Any,
        key: int,
        at: str,
        change: Change,
        old: str | None,
        new: str,
    ) -> None:
        """Add one entry to the history of the learner whose row is ``key``."""
        db.execute(
            "INSERT INTO learner_history (learner_id, at, change, old_value, new_value, "
            "changed_by) VALUES (?, ?, ?, ?, ?, ?)",
            (key, at, change, old, new, current_account()),
        )

    def learner_history(self, learner_id: str | None = None) -> list[LearnerHistoryRow]:
        """Every recorded change (of one learner, or of all), oldest first."""
        clause, args = ("WHERE l.uid = ?", (learner_id,)) if learner_id else ("", ())
        rows = self._rows(
            f"SELECT {select(HISTORY)} FROM learner_history AS h "
            f"JOIN learners AS l ON l.id = h.learner_id {clause} ORDER BY h.id",
            args,
        )
        return [history_row(r) for r in rows]

    def get_learner(self, learner_id: str) -> LearnerRow | None:
        row = self._one(f"SELECT {_LEARNER_COLS} FROM learners WHERE uid = ?", (learner_id,))
        return learner_row(row) if row else None

    def find_learner(self, name: str) -> LearnerRow | None:
        """The learner of this name (matched by :func:`name_key`); with several of one name
        (told apart by their IDs), the one without an ID, else the first recorded."""
        row = self._one(
            f"SELECT {_LEARNER_COLS} FROM learners WHERE name_key = ? "
            "ORDER BY external_id <> '', id LIMIT 1",
            (name_key(name),),
        )
        return learner_row(row) if row else None

    def find_by_external_id(self, organisation: str, external_id: str) -> LearnerRow | None:
        row = self._one(
            f"SELECT {_LEARNER_COLS} FROM learners WHERE organisation = ? AND external_id = ?",
            (organisation.strip(), external_id.strip()),
        )
        return learner_row(row) if row else None

    def find_by_uid(self, uid: str) -> LearnerRow | None:
        """The learner whose id (UUID) is ``uid``: :meth:`get_learner`."""
        return self.get_learner(uid)

    def learners(self) -> list[LearnerRow]:
        rows = self._rows(f"SELECT {_LEARNER_COLS} FROM learners ORDER BY name_key, id")
        return [learner_row(r) for r in rows]

    def learner_count(self) -> int:
        row = self._one("SELECT count(*) FROM learners")
        return int(row[0]) if row else 0

    def find_learners(self, text: str = "", *, limit: int = 50) -> list[LearnerRow]:
        """At most ``limit`` learners whose name or external ID contains ``text`` (names
        matched by :func:`name_key`), in name order: a large roster is never read whole."""
        words = name_key(text)
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._rows(
            f"SELECT {_LEARNER_COLS} FROM learners "
            "WHERE name_key LIKE ? ESCAPE '\\' OR lower(external_id) LIKE ? ESCAPE '\\' "
            "ORDER BY name_key, id LIMIT ?",
            (pattern, pattern, limit),
        )
        return [learner_row(r) for r in rows]
