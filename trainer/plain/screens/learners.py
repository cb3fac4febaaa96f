"""The learner screens: choose a learner from the list, or add a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.bank.model import ROLES
from trainer.plain.console import Option, shown
from trainer.plain.words import ROLE_DESCRIPTIONS, plural
from trainer.records.store import LearnerRow
from trainer.safetext import name_problems
from trainer.service import learners as service

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp

SEARCH_AGAIN = "search-again"


def learner_option(learner: LearnerRow) -> Option:
    """A learner as one line of a list: name, role, organisation and ID when there is one."""
    details = [
        learner.role,
        learner.organisation,
        learner.external_id and f"ID {learner.external_id}",
    ]
    return Option(", ".join([learner.name, *(d for d in details if d)]), learner)


def choose_learner(app: PlainApp) -> LearnerRow:
    """Pick a learner, or add a new one. A small roster (up to
    :data:`~trainer.service.learners.LIST_ALL_UP_TO`) is listed whole; a larger one is
    searched by name or ID, and at most that many matches are listed."""
    ui = app.ui
    choice = service.choose_from(app.store)
    if choice.total == 0:
        ui.say("There are no learners yet. Add yourself as a new learner.")
        return add_learner(app)
    if not choice.listed_all:
        return find_learner(app, choice.total)
    learners = choice.learners

    def show() -> None:
        ui.blank()
        ui.say(f"Choose a learner. {plural(len(learners), 'learner')}, then add a new learner:")

    options = [learner_option(ln) for ln in learners]
    options.append(Option("Add a new learner.", None, ("add", "new")))
    picked = ui.choose(show, options, "Learner number:")
    return picked if picked is not None else add_learner(app)


def find_learner(app: PlainApp, total: int) -> LearnerRow:
    """Ask for part of a name or ID, list the matches (never the whole roster), pick one."""
    ui = app.ui
    ui.blank()
    ui.say(
        f"{plural(total, 'learner')} use this computer, too many to read out. Find yourself "
        "by name or ID."
    )
    while True:
        typed = ui.ask(
            "Type part of your name or your ID, or type add to add yourself as a new learner:",
            help_lines=[
                "Type a few letters of your name, or your employee or contract ID, and press "
                "Enter. The learners who match are listed.",
                "Type add if you are not a learner here yet.",
            ],
        ).strip()
        if typed.lower() in ("add", "new"):
            return add_learner(app)
        if not typed:
            ui.say("Nothing was typed. Type part of your name or ID, or type add.")
            continue
        found = service.choose_from(app.store, typed)
        if not found.learners:
            ui.say(f"No learner matches {shown(typed)}. Check the spelling, or type add.")
            continue

        def show(found: service.LearnerChoice = found, typed: str = typed) -> None:
            ui.blank()
            if found.more:
                ui.say(
                    f"More than {len(found.learners)} learners match {shown(typed)}; here are "
                    f"the first {len(found.learners)}. Search again with more of your name to "
                    "narrow it."
                )
            else:
                ui.say(f"{plural(len(found.learners), 'learner')} match {shown(typed)}:")

        options = [learner_option(ln) for ln in found.learners]
        options.append(Option("Search again.", SEARCH_AGAIN, ("search", "again")))
        options.append(Option("Add a new learner.", None, ("add", "new")))
        picked = ui.choose(show, options, "Learner number:")
        if picked == SEARCH_AGAIN:
            continue
        return picked if picked is not None else add_learner(app)


def add_learner(app: PlainApp, name: str | None = None) -> LearnerRow:
    """Ask for a new learner's name (unless given), ID, organisation and role; record it."""
    ui = app.ui
    ui.blank()
    ui.say("Add a new learner.")
    while True:
        if name is None:
            name = ""
            while not name:
                name = " ".join(
                    ui.ask(
                        "Full name, as it should appear on the certificate:",
                        help_lines=["Type your full name and press Enter."],
                    ).split()
                )
                if not name:
                    ui.say("A name is needed. Type your full name and press Enter.")
        else:
            ui.say(f"Name, as it will appear on the certificate: {name}")
        refusal = name_refusal(name)
        if refusal is None:
            try:
                service.check_new_name(app.store, name)
                break
            except service.LearnerRefused as exc:
                refusal = str(exc)
        ui.say(refusal)
        name = None
    external_id = ui.ask(
        "Employee or contract ID, optional. Press Enter to leave it blank:",
        help_lines=["Type an ID number if your organisation uses one, or press Enter."],
    )
    organisation = ui.ask(
        "Organisation, optional. Press Enter to leave it blank:",
        help_lines=["Type the name of your organisation, or press Enter."],
    )

    def show_roles() -> None:
        ui.say("Role. Your role decides which modules you take.")

    role = ui.choose(
        show_roles,
        [Option(f"{r}: {ROLE_DESCRIPTIONS[r]}.", r, (r,)) for r in ROLES],
        "Role number:",
    )
    try:
        learner = service.add_learner(app.store, name, role, organisation, external_id)
    except service.LearnerRefused as exc:  # e.g. an ID too long; added meanwhile
        ui.say(f"{exc} Nothing was saved; please give the details again.")
        return add_learner(app)
    ui.say(f"Added learner {learner.name}, role {learner.role}.")
    return learner


def name_refusal(name: str) -> str | None:
    """Why ``name`` cannot go on a certificate, said when it is typed (not two hours later,
    when the certificate is refused); None when it can."""
    problems = name_problems(name)  # the same limits as the certificate's
    if problems:
        return " ".join(problems) + " Type the name again."
    try:
        from trainer.certificates.pdf import unsupported_characters
    except ImportError:  # pragma: no cover - certificates not installed: nothing to print
        return None
    bad = unsupported_characters(name)
    if not bad:
        return None
    shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in bad[:5])
    return (
        f"The certificate cannot print these characters of the name: {shown}. Type the name "
        "as it should appear on the certificate in a script it can print, for example a "
        "Latin transliteration."
    )
