"""Ids derived from one database's own UUID: the xAPI ids, stable for the database's life.

Every records database holds a random UUIDv4, ``database_id`` (table ``meta``, made once by
migration 4). Every id the xAPI export gives is ``uuid5(database_id, NAME)`` with these names,
where ``<row>`` is the learner's or attempt's row key in this database (in decimal) and
``<course>`` the course id from the course file:

=====================================  ==============================================
``learner/<row>``                      the learner's xAPI id (``account.name`` without an
                                       external id)
``attempt/<row>``                      the attempt's xAPI id (a context extension)
``learner/<row>/course/<course>``      ``context.registration`` (the learner's enrolment)
``attempt/<row>/answer/<seq>``         the ``answered`` statement for answer ``seq``
``attempt/<row>/completed``            the module's ``completed`` statement
``attempt/<row>/result``               the module's ``passed`` or ``failed`` statement
``attempt/<row>/course-completed``     the course's ``completed`` statement
``attempt/<row>/course-passed``        the course's ``passed`` statement
=====================================  ==============================================

Two machines' databases have different ``database_id`` values, so their ids never collide;
the same database always gives the same ids, so statements an LRS already has are never sent
again under new ids. The row keys are the records' own business: this is made here, inside
trainer/records, and callers name learners and attempts by their UUIDs (``LearnerRow.id``,
``AttemptRow.id``). For a learner or attempt recorded before schema 5 the UUID is
``uuid5(database_id, "learner/<row>")`` (``"attempt/<row>"``): the same value as here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from trainer.records.errors import StoreError


class DerivedIds:
    """The derived ids of one database's records (see the module docstring for the names).

    ``keys(table)`` gives every ``uid -> row key`` of ``learners`` or ``attempts``: read once
    per table, on first use (an export reads every attempt anyway)."""

    def __init__(self, root: uuid.UUID, keys: Callable[[str], dict[str, int]]) -> None:
        self.root = root
        self._keys = keys
        self._tables: dict[str, dict[str, int]] = {}

    def _row(self, table: str, uid: str) -> int:
        keys = self._tables.get(table)
        if keys is None or uid not in keys:
            keys = self._tables[table] = self._keys(table)  # new since: read again
        try:
            return keys[uid]
        except KeyError:
            raise StoreError(f"the records have no {table[:-1]} {uid}") from None

    def _make(self, name: str) -> str:
        return str(uuid.uuid5(self.root, name))

    def learner(self, learner_id: str) -> str:
        return self._make(f"learner/{self._row('learners', learner_id)}")

    def attempt(self, attempt_id: str) -> str:
        return self._make(f"attempt/{self._row('attempts', attempt_id)}")

    def registration(self, learner_id: str, course_id: str) -> str:
        return self._make(f"learner/{self._row('learners', learner_id)}/course/{course_id}")

    def statement(self, attempt_id: str, what: str) -> str:
        """``what``: ``answer/<seq>``, ``completed``, ``result``, ``course-completed`` or
        ``course-passed``."""
        return self._make(f"attempt/{self._row('attempts', attempt_id)}/{what}")
