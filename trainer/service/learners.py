"""Learners: find, add and correct them, with one rule for every front end.

* Names are matched case-folded (``" ".join(name.split()).casefold()``): "alice" beside
  "Alice" is refused when adding or renaming, in the app, plain mode and the CLI alike.
* A search by name or ID is always bounded: a roster of thousands is never read whole.
* Learners managed by a roster import (``managed_by == "roster"``) keep the name, role,
  organisation and ID the roster gives them: the front ends cannot change those, and the
  refusal says who manages them.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.records.contract import Records
from trainer.records.errors import StoreConflict
from trainer.records.learners import (
    InvalidName,
    LearnerRow,
    check_detail,
    check_name,
    name_warnings,
)

# Learners listed in full on a pick list; a larger roster is searched by name or ID instead.
LIST_ALL_UP_TO = 20

ROSTER = "roster"
# Who changes a roster-managed learner's details, said when the app refuses to.
MANAGERS = {
    ROSTER: "the roster import ('trainer roster import'); ask whoever keeps the roster to change it"
}


class LearnerRefused(Exception):
    """A learner cannot be added or changed as asked; the message says why, in words a
    learner can act on (the front ends show it as it is)."""


@dataclass(frozen=True, slots=True)
class LearnerChoice:
    """Learners to choose from: all of them (``listed_all``), or at most ``limit`` matches of
    a search, with ``more`` when there were more matches than shown."""

    learners: tuple[LearnerRow, ...]
    listed_all: bool
    more: bool
    total: int


def learner_count(store: Records) -> int:
    return store.learner_count()


def choose_from(store: Records, text: str = "", *, limit: int = LIST_ALL_UP_TO) -> LearnerChoice:
    """The learners a pick list shows: everyone when there are at most ``limit``, else the
    learners whose name or ID contains ``text`` (at most ``limit``; none for no text)."""
    total = store.learner_count()
    if total <= limit:
        return LearnerChoice(tuple(store.find_learners("", limit=limit)), True, False, total)
    found = search_learners(store, text, limit=limit) if text.strip() else ()
    more = len(found) > limit
    return LearnerChoice(tuple(found[:limit]), False, more, total)


def search_learners(store: Records, text: str, *, limit: int) -> tuple[LearnerRow, ...]:
    """At most ``limit + 1`` learners whose name or external ID contains ``text`` (the one
    over says there are more), in name order."""
    return tuple(store.find_learners(text[:200], limit=limit + 1))


def find_learner(store: Records, name: str) -> LearnerRow | None:
    """The learner of this name (matched case-folded), if any."""
    return store.find_learner(name[:1000])


def get_learner(store: Records, learner_id: str) -> LearnerRow | None:
    return store.get_learner(learner_id)


def check_new_name(store: Records, name: str, *, learner_id: str | None = None) -> str:
    """The name as it will be recorded; :class:`LearnerRefused` when it cannot be (control
    characters, too long, empty) or another learner has it (matched case-folded)."""
    try:
        cleaned = check_name(name)
    except InvalidName as exc:
        raise LearnerRefused(str(exc)) from None
    known = store.find_learner(cleaned)
    if known is not None and known.id != learner_id:
        raise LearnerRefused(
            f"A learner named {known.name} already exists (names are matched ignoring "
            "capitals). Use a different name, for example with a middle initial."
        )
    return cleaned


def warnings_for(name: str) -> list[str]:
    """What is allowed in ``name`` but worth a second look before it is saved (look-alike
    letters, characters the certificate cannot print)."""
    return name_warnings(name)


def add_learner(
    store: Records, name: str, role: str, organisation: str = "", external_id: str = ""
) -> LearnerRow:
    """Record a new learner; :class:`LearnerRefused` (with the reason) when the name, ID or
    organisation cannot be used or the name is taken. Store failures stay ``StoreError``."""
    cleaned = check_new_name(store, name)
    try:
        check_detail("organisation", organisation)
        check_detail("ID", external_id)
        return store.add_learner(cleaned, role, organisation, external_id)
    except InvalidName as exc:
        raise LearnerRefused(str(exc)) from None
    except StoreConflict:  # added meanwhile, from another window or machine
        raise LearnerRefused(
            f"A learner named {cleaned} already exists (names are matched ignoring capitals). "
            "Use a different name."
        ) from None


def roster_refusal(learner: LearnerRow, what: str) -> str | None:
    """Why ``what`` of this learner cannot be changed from the app, or None when it can."""
    manager = learner.managed_by
    if not manager:
        return None
    who = MANAGERS.get(manager, manager)
    return f"{learner.name}'s {what} cannot be changed here: this learner is managed by {who}."


def update_learner(
    store: Records,
    learner: LearnerRow,
    *,
    name: str,
    role: str,
    organisation: str = "",
    external_id: str = "",
) -> LearnerRow:
    """Correct a learner's name, role, organisation and ID (each change kept in the history).

    A roster-managed learner's details are refused (:class:`LearnerRefused`, saying who
    manages them) when any of them would change; a new name is checked as a new learner's.
    """
    renaming = " ".join(name.split()) != learner.name
    changed = [
        what
        for what, new, old in (
            ("name", " ".join(name.split()), learner.name),
            ("role", role, learner.role),
            ("organisation", organisation.strip(), learner.organisation),
            ("ID", external_id.strip(), learner.external_id),
        )
        if new != old
    ]
    if changed:
        refusal = roster_refusal(learner, " and ".join(changed))
        if refusal:
            raise LearnerRefused(refusal + " Nothing was changed.")
    cleaned = check_new_name(store, name, learner_id=learner.id) if renaming else learner.name
    try:
        if renaming:
            store.rename_learner(learner.id, cleaned)
        return store.update_learner(
            learner.id, organisation=organisation, external_id=external_id, role=role
        )
    except InvalidName as exc:
        raise LearnerRefused(str(exc)) from None
    except StoreConflict:
        raise LearnerRefused(f"A learner named {cleaned} already exists.") from None


def rename_learner(store: Records, old_name: str, new_name: str) -> tuple[LearnerRow, LearnerRow]:
    """(before, after) of renaming the learner named ``old_name`` (matched case-folded)."""
    learner = store.find_learner(old_name[:1000])
    if learner is None:
        raise LearnerRefused(f"There is no learner named {' '.join(old_name.split())!r}.")
    refusal = roster_refusal(learner, "name")
    if refusal:
        raise LearnerRefused(refusal + " Nothing was changed.")
    cleaned = check_new_name(store, new_name, learner_id=learner.id)
    try:
        return learner, store.rename_learner(learner.id, cleaned)
    except InvalidName as exc:
        raise LearnerRefused(str(exc)) from None
    except StoreConflict:
        raise LearnerRefused(f"A learner named {cleaned} already exists.") from None
