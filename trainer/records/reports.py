"""What a roster import and a records import report, and a roster's checked rows.

Apart from :mod:`trainer.records.roster` and :mod:`trainer.records.merge` (whose methods
are part of every store) so that a command that imports nothing does not make these
dataclasses, nor import dataclasses at all (see :mod:`trainer.settings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.records.row_types import LearnerRow


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One checked row of a roster file. ``email`` / ``due_date``: None when the file has no
    such column (the learner's value is kept); ``""`` clears it."""

    line: int
    name: str
    external_id: str
    organisation: str
    role: str
    email: str | None = None
    due_date: str | None = None


@dataclass(frozen=True, slots=True)
class RosterChange:
    """A learner the import changed (or would change): each field as (field, old, new)."""

    line: int
    learner: LearnerRow
    fields: tuple[tuple[str, str, str], ...]


@dataclass(slots=True)
class RosterReport:
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    added: list[RosterEntry] = field(default_factory=list)
    changed: list[RosterChange] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[LearnerRow] = field(default_factory=list)


@dataclass
class MergeReport:
    """What an import did (or, when nothing was written, would have done)."""

    learners_matched: int = 0
    learners_added: int = 0
    unmatched: list[str] = field(default_factory=list)
    attempts_added: int = 0
    attempts_present: int = 0
    attempts_finished: int = 0
    answers_added: int = 0
    certificates_added: int = 0
    certificates_present: int = 0
    history_added: int = 0
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False
