"""The neutral row types of the records contract, and how the store builds them.

What the application sees of the records, whatever keeps them:

* **ids are opaque strings**: a learner's and an attempt's ``id`` is its UUID (made by the
  application, the same on every machine its records reach); an answer is (attempt id,
  ``seq``); a certificate has its own id. The tables' integer keys stay inside
  trainer/records (joins, indexes): the store maps them to and from the UUIDs in its SQL;
* **times are timezone-aware datetimes in UTC**: the store keeps them as text
  ``YYYY-MM-DDTHH:MM:SSZ`` (:mod:`trainer.records.times`) and converts at its edge;
* **rows are built by column name**: each row type has one table of (field, SQL expression)
  below; the SELECT list is made from it and the row from the values by field name, so a
  column added or moved cannot shift the others.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trainer.records.errors import StoreDamaged
from trainer.records.times import moment

if TYPE_CHECKING:
    from trainer.records.row_types import AnswerRow as AnswerRow
    from trainer.records.row_types import AttemptRow as AttemptRow
    from trainer.records.row_types import CertificateRow as CertificateRow
    from trainer.records.row_types import Finish as Finish
    from trainer.records.row_types import LearnerHistoryRow as LearnerHistoryRow
    from trainer.records.row_types import LearnerRow as LearnerRow

# The row classes live in trainer.records.row_types, made on first use (here, by the
# builders below, or by ``from trainer.records.rows import LearnerRow``).
_TYPES = frozenset(
    ("AnswerRow", "AttemptRow", "CertificateRow", "Finish", "LearnerHistoryRow", "LearnerRow")
)


def row_class(module: str, name: str) -> Any:
    """The row class ``name``, made now if it was not yet, for the module ``__getattr__`` of
    ``module`` (this one, and those that hand the row classes on)."""
    if name in _TYPES:
        from trainer.records import row_types

        return getattr(row_types, name)
    raise AttributeError(f"module {module!r} has no attribute {name!r}")


def __getattr__(name: str) -> Any:
    return row_class(__name__, name)


# ---------------------------------------------------------------------- columns by name
# (field, SQL expression) per row type; ``{l}``/``{a}`` stand for the learners' / attempts'
# table alias in the query (see :func:`select`).

LEARNER = (
    ("id", "{l}uid"),
    ("name", "{l}name"),
    ("external_id", "{l}external_id"),
    ("organisation", "{l}organisation"),
    ("role", "{l}role"),
    ("created_at", "{l}created_at"),
    ("email", "{l}email"),
    ("due_date", "{l}due_date"),
    ("managed_by", "{l}managed_by"),
)
ATTEMPT = (
    ("id", "{a}uid"),
    ("learner_id", "{l}uid"),
    ("course_id", "{a}course_id"),
    ("module_id", "{a}module_id"),
    ("module_version", "{a}module_version"),
    ("module_sha256", "{a}module_sha256"),
    ("role", "{a}role"),
    ("seed", "{a}seed"),
    ("started_at", "{a}started_at"),
    ("finished_at", "{a}finished_at"),
    ("score", "{a}score"),
    ("max_score", "{a}max_score"),
    ("percent", "{a}percent"),
    ("passed", "{a}passed"),
)
ANSWER = (
    ("attempt_id", "{a}uid"),
    ("seq", "n.seq"),
    ("scenario_id", "n.scenario_id"),
    ("step_id", "n.step_id"),
    ("choice_ids", "n.choice_ids"),
    ("points", "n.points"),
    ("max_points", "n.max_points"),
    ("outcome", "n.outcome"),
    ("answered_at", "n.answered_at"),
)
CERTIFICATE = (
    ("id", "c.id"),
    ("learner_id", "{l}uid"),
    ("course_id", "c.course_id"),
    ("course_version", "c.course_version"),
    ("issued_at", "c.issued_at"),
    ("valid_until", "c.valid_until"),
    ("payload_sha256", "c.payload_sha256"),
    ("token", "c.token"),
)
HISTORY = (
    ("learner_id", "{l}uid"),
    ("at", "h.at"),
    ("change", "h.change"),
    ("old_value", "h.old_value"),
    ("new_value", "h.new_value"),
    ("changed_by", "h.changed_by"),
)


def select(columns: Sequence[tuple[str, str]], l: str = "l.", a: str = "a.") -> str:  # noqa: E741
    """The SELECT list of ``columns``, with the learners' and attempts' table prefixes ``l``
    and ``a`` (``""`` when the table is queried alone). No ``AS`` aliases: an alias ``id``
    for ``uid`` would capture the query's ``ORDER BY id``."""
    return ", ".join(expr.format(l=l, a=a) for _, expr in columns)


def named(columns: Sequence[tuple[str, str]], row: Sequence[Any]) -> dict[str, Any]:
    """The values of ``row`` (selected with :func:`select` of ``columns``) by field name."""
    return {name: value for (name, _), value in zip(columns, row, strict=True)}


def check_ids(what: str, *ids: object) -> None:
    """A learner or attempt without its UUID (only a hand-edited file has one) is damage,
    said plainly: it could not be named anywhere outside the records."""
    if not all(isinstance(i, str) and i for i in ids):
        raise StoreDamaged(
            f"the records hold {what} without its UUID; the records database may be "
            "damaged. Nothing was changed."
        )


def learner_row(row: Sequence[Any]) -> LearnerRow:
    values = named(LEARNER, row)
    check_ids("a learner", values["id"])
    values["created_at"] = moment(values["created_at"])
    from trainer.records.row_types import LearnerRow

    return LearnerRow(**values)


def history_row(row: Sequence[Any]) -> LearnerHistoryRow:
    values = named(HISTORY, row)
    check_ids("a learner", values["learner_id"])
    values["at"] = moment(values["at"])
    from trainer.records.row_types import LearnerHistoryRow

    return LearnerHistoryRow(**values)


def attempt_row(row: Sequence[Any]) -> AttemptRow:
    values = named(ATTEMPT, row)
    check_ids("an attempt", values["id"], values["learner_id"])
    values["started_at"] = moment(values["started_at"])
    if values["finished_at"] is not None:
        values["finished_at"] = moment(values["finished_at"])
    if values["passed"] is not None:
        values["passed"] = bool(values["passed"])
    from trainer.records.row_types import AttemptRow

    return AttemptRow(**values)


def answer_row(row: Sequence[Any], choices: tuple[str, ...]) -> AnswerRow:
    """An answer row; its choices already read (and checked) from their JSON text."""
    values = named(ANSWER, row)
    values["choice_ids"] = choices
    values["answered_at"] = moment(values["answered_at"])
    from trainer.records.row_types import AnswerRow

    return AnswerRow(**values)


def certificate_row(row: Sequence[Any]) -> CertificateRow:
    values = named(CERTIFICATE, row)
    values["issued_at"] = moment(values["issued_at"])
    from trainer.records.row_types import CertificateRow

    return CertificateRow(**values)


def choices_text(choice_ids: Sequence[str]) -> str:
    """The choices of one answer as the records keep them (JSON text)."""
    return json.dumps(list(choice_ids))
