"""Bringing another machine's records in (``trainer records import``): one transaction.

Another machine's records file (opened read-only: an older schema is upgraded in memory,
never written) is merged into this store, SQLite or PostgreSQL, with dialect-neutral SQL:

* learners are matched by (organisation, external ID); a learner without an ID by uid. One
  with an ID that is not here is added; one without an ID that is not here is *unmatched*
  (listed for a decision; ``add_unmatched`` adds them). An added learner brings their
  history; a matched learner keeps the details and history recorded here;
* attempts are matched by uid, answers by (attempt uid, seq), certificates by id. What is
  here already is counted, not added again, so a second import adds nothing. An attempt open
  here that the file has finished (the same attempt, continued on that machine) is finished
  here too;
* a conflict (the same uid or id with different content; an open attempt where this store
  has another open attempt at that module; a learner's name taken here) is listed, and then
  NOTHING is written: the whole import is one write transaction that is rolled back unless
  everything in it is consistent (and with ``check``, always).

The file's rows are checked (types, timestamps, uids, names) before anything of them is used;
a row that is not what trainer writes makes the file unusable (:class:`UnusableSource`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trainer.records.base import StoreBase
from trainer.records.errors import StoreConflict, StoreError
from trainer.records.learners import (
    InvalidName,
    LearnerRecords,
    check_detail,
    check_name,
    name_key,
)
from trainer.safetext import terminal_safe

if TYPE_CHECKING:
    from trainer.records.reports import MergeReport

_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TEXT_LIMIT = 100_000
_ROWS_PER_INSERT = 200  # answers per INSERT: 1,800 parameters, far under either backend's limit
ROLES = ("employee", "contractor", "uniformed")
OUTCOMES = ("correct", "partial", "incorrect")
CHANGES = (
    "created",
    "name",
    "role",
    "organisation",
    "external_id",
    "email",
    "due_date",
    "managed_by",
)

_LEARNER = "id, name, external_id, organisation, role, created_at, uid, email, due_date, managed_by"
_ATTEMPT = (
    "id, course_id, module_id, module_version, module_sha256, role, seed, started_at, "
    "finished_at, score, max_score, percent, passed, uid"
)
_ANSWER = "seq, scenario_id, step_id, choice_ids, points, max_points, outcome, answered_at"
_CERT = "id, course_id, course_version, issued_at, valid_until, payload_sha256, token"
_HISTORY = "at, change, old_value, new_value, changed_by"


class UnusableSource(StoreError):
    """The file to import cannot be read as trainer records; nothing was changed."""


class _Rollback(Exception):
    """Leave the import's transaction without writing anything."""


def _bad(source: StoreBase, what: str) -> UnusableSource:
    return UnusableSource(
        f"{source.location} is not usable trainer records: {what}. Nothing was changed."
    )


def _checked(source: StoreBase, table: str, row: Sequence[Any], kinds: str) -> tuple[Any, ...]:
    """``row`` when each value is of its kind: t text, s timestamp, d date, u uid, i integer,
    f number; a capital letter allows NULL. Anything else makes the file unusable."""
    for value, kind in zip(row, kinds, strict=True):
        if value is None and kind.isupper():
            continue
        k = kind.lower()
        ok = False
        if k in "tsdu":
            ok = isinstance(value, str) and len(value) <= _TEXT_LIMIT
            if ok and k == "s":
                ok = _STAMP.fullmatch(value) is not None
            elif ok and k == "d":
                ok = _DATE.match(value) is not None and len(value) <= 40
            elif ok and k == "u":
                ok = _is_uid(value)
        elif k == "i":
            ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
        elif k == "f":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok:
            shown = terminal_safe(repr(value)[:60])
            raise _bad(source, f"a row of its {table} table holds {shown} where trainer writes "
                               "something else")  # fmt: skip
    return tuple(row)


def _is_uid(text: str) -> bool:
    import uuid  # here, not for every command: it imports platform

    try:
        return str(uuid.UUID(text)) == text.lower() and len(text) == 36
    except ValueError:
        return False


def _choices(source: StoreBase, text: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(source, "an answer's choices are unreadable")
    return value


def _who(name: str, organisation: str, external_id: str) -> str:
    shown = terminal_safe(name)
    if external_id:
        shown += f" ({terminal_safe(external_id)}"
        shown += f", {terminal_safe(organisation)})" if organisation else ")"
    elif organisation:
        shown += f" ({terminal_safe(organisation)}, no ID)"
    else:
        shown += " (no ID)"
    return shown


class MergeRecords(LearnerRecords):
    """:meth:`merge_from`: another machine's records into this store."""

    def merge_from(
        self, source: StoreBase, *, add_unmatched: bool = False, check: bool = False
    ) -> MergeReport:
        """Merge ``source`` (opened read-only) into this store in one transaction.

        Written only when there is no conflict, no unmatched learner (unless
        ``add_unmatched``) and ``check`` is false; ``report.written`` says whether it was.
        Failures reading ``source`` are :class:`UnusableSource`.
        """
        learners = [
            _checked(source, "learners", r, "ittttsutDt")
            for r in self._source_rows(source, f"SELECT {_LEARNER} FROM learners ORDER BY id")
        ]
        from trainer.records.reports import MergeReport

        report = MergeReport()
        try:
            with self._write("bringing records in", full_sync=True) as db:
                for learner in learners:
                    self._merge_learner(db, source, learner, report, add_unmatched)
                if report.conflicts or (report.unmatched and not add_unmatched) or check:
                    raise _Rollback
                report.written = True
        except _Rollback:
            pass
        return report

    @staticmethod
    def _source_rows(
        source: StoreBase, sql: str, args: Sequence[object] = ()
    ) -> list[tuple[Any, ...]]:
        try:
            return source._rows(sql, args)
        except UnusableSource:
            raise
        except StoreError as exc:
            raise UnusableSource(f"{exc}") from None

    # ------------------------------------------------------------------ learners
    def _merge_learner(
        self,
        db: Any,
        source: StoreBase,
        row: tuple[Any, ...],
        report: MergeReport,
        add_unmatched: bool,
    ) -> None:
        sid, name, external_id, organisation, role, _created, uid = row[:7]
        who = _who(name, organisation, external_id)
        if role not in ROLES:
            raise _bad(source, f"learner {who} has the role {terminal_safe(role)!r}")
        target: int | None = None
        if external_id:
            found = db.execute(
                "SELECT id, name FROM learners WHERE organisation = ? AND external_id = ? "
                "ORDER BY id",
                (organisation, external_id),
            ).fetchall()
            if found:
                target = int(found[0][0])
                if name_key(found[0][1]) != name_key(name):
                    report.notes.append(
                        f"{who} is named {terminal_safe(found[0][1])!r} here; the name "
                        "recorded here is kept"
                    )
        if target is None:
            found = db.execute("SELECT id FROM learners WHERE uid = ?", (uid,)).fetchall()
            if found:
                target = int(found[0][0])
        if target is not None:
            report.learners_matched += 1
        elif not external_id and not add_unmatched:
            report.unmatched.append(who)
            return
        else:
            target = self._add_learner(db, source, row, report, who)
            if target is None:
                return
        self._merge_attempts(db, source, sid, target, report, who)
        self._merge_certificates(db, source, sid, target, report, who)

    def _add_learner(
        self, db: Any, source: StoreBase, row: tuple[Any, ...], report: MergeReport, who: str
    ) -> int | None:
        sid, name, external_id, organisation, role, created_at, uid, email, due, managed = row
        try:
            if check_name(name) != name:
                raise InvalidName("its spaces are not as trainer records a name")
            for what, value in (("organisation", organisation), ("ID", external_id)):
                check_detail(what, value)
                if value != value.strip():
                    raise InvalidName(f"the {what} has spaces around it")
            check_detail("email", email)
            check_detail("manager", managed)
        except InvalidName as exc:
            raise _bad(source, f"learner {who}: {exc}") from None
        try:
            self._check_free(db, name, organisation, external_id, None)
        except StoreConflict as exc:
            report.conflicts.append(f"learner {who} cannot be added: {exc} here")
            return None
        added = db.execute(
            "INSERT INTO learners (name, external_id, organisation, role, created_at, uid, "
            "name_key, email, due_date, managed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (name, external_id, organisation, role, created_at, uid, name_key(name), email,
             due, managed),
        ).fetchone()  # fmt: skip
        target = int(added[0])
        report.learners_added += 1
        for h in self._source_rows(
            source,
            f"SELECT {_HISTORY} FROM learner_history WHERE learner_id = ? ORDER BY id",
            (sid,),
        ):
            at, change, old, new, by = _checked(source, "learner_history", h, "stTtt")
            if change not in CHANGES:
                raise _bad(source, f"learner {who}'s history holds a change {change!r}")
            db.execute(
                "INSERT INTO learner_history (learner_id, at, change, old_value, new_value, "
                "changed_by) VALUES (?, ?, ?, ?, ?, ?)",
                (target, at, change, old, new, by),
            )
            report.history_added += 1
        return target

    # ------------------------------------------------------------------ attempts
    def _merge_attempts(
        self, db: Any, source: StoreBase, sid: int, target: int, report: MergeReport, who: str
    ) -> None:
        rows = self._source_rows(
            source, f"SELECT {_ATTEMPT} FROM attempts WHERE learner_id = ? ORDER BY id", (sid,)
        )
        for r in rows:
            a = _checked(source, "attempts", r, "itttttisSFFIIu")
            if a[5] not in ROLES or a[12] not in (None, 0, 1):
                raise _bad(source, f"an attempt of {who} has an unknown role or result")
            added = report.attempts_added
            attempt_id = self._merge_attempt(db, a, target, report, who)
            if attempt_id is not None:
                fresh = report.attempts_added > added  # no answers here yet: none to read
                self._merge_answers(db, source, a, attempt_id, report, who, fresh=fresh)

    def _merge_attempt(
        self, db: Any, a: tuple[Any, ...], target: int, report: MergeReport, who: str
    ) -> int | None:
        """The attempt's id here (added, finished or already there); None on a conflict."""
        course, module, started, finished, uid = a[1], a[2], a[7], a[8], a[13]
        what = f"{who}, module {terminal_safe(module)}: the attempt started {started} ({uid})"
        here = db.execute(
            f"SELECT learner_id, {_ATTEMPT} FROM attempts WHERE uid = ?{self._lock}", (uid,)
        ).fetchone()
        if here is None:
            if finished is None:
                other = db.execute(
                    "SELECT started_at FROM attempts WHERE learner_id = ? AND course_id = ? "
                    "AND module_id = ? AND finished_at IS NULL",
                    (target, course, module),
                ).fetchone()
                if other is not None:
                    report.conflicts.append(
                        f"{what} is unfinished in the file, and another unfinished attempt "
                        f"at that module, started {other[0]}, is here (finish the module on "
                        "one of them, then export and import again)"
                    )
                    return None
            added = db.execute(
                "INSERT INTO attempts (learner_id, course_id, module_id, module_version, "
                "module_sha256, role, seed, started_at, finished_at, score, max_score, "
                "percent, passed, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (target, *a[1:]),
            ).fetchone()
            report.attempts_added += 1
            return int(added[0])
        mine = (int(here[0]), *here[2:9])
        theirs = (target, *a[1:8])
        if mine != theirs:
            report.conflicts.append(f"{what} is recorded here with different details")
            return None
        here_result = (here[9], *here[10:13], None if here[13] is None else int(here[13]))
        file_result = tuple(a[8:13])
        if here_result == file_result or file_result[0] is None:
            report.attempts_present += 1  # the same, or further along here
        elif here_result[0] is None:
            db.execute(
                "UPDATE attempts SET finished_at = ?, score = ?, max_score = ?, percent = ?, "
                "passed = ? WHERE id = ? AND finished_at IS NULL",
                (*file_result, here[1]),
            )
            report.attempts_finished += 1
        else:
            report.conflicts.append(f"{what} has a different result here")
            return None
        return int(here[1])

    def _merge_answers(
        self,
        db: Any,
        source: StoreBase,
        a: tuple[Any, ...],
        attempt_id: int,
        report: MergeReport,
        who: str,
        *,
        fresh: bool,
    ) -> None:
        here = {
            int(r[0]): r
            for r in (
                []
                if fresh
                else db.execute(
                    f"SELECT {_ANSWER} FROM answers WHERE attempt_id = ?", (attempt_id,)
                ).fetchall()
            )
        }
        new: list[tuple[Any, ...]] = []
        for r in self._source_rows(
            source, f"SELECT {_ANSWER} FROM answers WHERE attempt_id = ? ORDER BY seq", (a[0],)
        ):
            ans = _checked(source, "answers", r, "itttfits")
            if ans[6] not in OUTCOMES or ans[0] < 1:
                raise _bad(source, f"an answer of {who} has an unknown outcome or number")
            choices = _choices(source, ans[3])
            mine = here.get(ans[0])
            if mine is None:
                new.append((attempt_id, *ans))
            elif (*mine[1:3], json.loads(mine[3]), *mine[4:]) != (*ans[1:3], choices, *ans[4:]):
                report.conflicts.append(
                    f"{who}: answer {ans[0]} of the attempt {a[13]} is recorded here differently"
                )
        for start in range(0, len(new), _ROWS_PER_INSERT):  # a round trip per batch, not row
            batch = new[start : start + _ROWS_PER_INSERT]
            db.execute(
                "INSERT INTO answers (attempt_id, seq, scenario_id, step_id, choice_ids, "
                "points, max_points, outcome, answered_at) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(batch)),
                [value for row in batch for value in row],
            )
        report.answers_added += len(new)

    # ------------------------------------------------------------------ certificates
    def _merge_certificates(
        self, db: Any, source: StoreBase, sid: int, target: int, report: MergeReport, who: str
    ) -> None:
        for r in self._source_rows(
            source, f"SELECT {_CERT} FROM certificates WHERE learner_id = ? ORDER BY id", (sid,)
        ):
            c = _checked(source, "certificates", r, "tttsdtt")
            here = db.execute(
                f"SELECT learner_id, {_CERT} FROM certificates WHERE id = ?", (c[0],)
            ).fetchone()
            if here is None:
                db.execute(
                    "INSERT INTO certificates (id, learner_id, course_id, course_version, "
                    "issued_at, valid_until, payload_sha256, token) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (c[0], target, *c[1:]),
                )
                report.certificates_added += 1
            elif (int(here[0]), *here[1:]) == (target, *c):
                report.certificates_present += 1
            else:
                report.conflicts.append(
                    f"{who}: certificate {terminal_safe(c[0])} is recorded here differently"
                )
