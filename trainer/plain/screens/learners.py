"""The learner screens: choose a learner from the list, or add a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.bank.model import ROLES
from trainer.plain.console import Option
from trainer.plain.words import ROLE_DESCRIPTIONS, plural
from trainer.records.errors import StoreConflict
from trainer.records.learners import InvalidName
from trainer.records.store import LearnerRow
from trainer.safetext import name_problems

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def choose_learner(app: PlainApp) -> LearnerRow:
    """Pick a learner from the list, or add a new one."""
    ui = app.ui
    learners = app.store.learners()
    if not learners:
        ui.say("There are no learners yet. Add yourself as a new learner.")
        return add_learner(app)

    def show() -> None:
        ui.blank()
        ui.say(f"Choose a learner. {plural(len(learners), 'learner')}, then add a new learner:")

    options = [
        Option(
            f"{ln.name}, {ln.role}" + (f", {ln.organisation}" if ln.organisation else ""),
            ln,
        )
        for ln in learners
    ]
    options.append(Option("Add a new learner.", None, ("add", "new")))
    picked = ui.choose(show, options, "Learner number:")
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
        if refusal:
            ui.say(refusal)
        elif app.store.find_learner(name) is None:
            break
        else:
            ui.say(f"A learner named {name} already exists. Type a different name.")
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
        learner = app.store.add_learner(name, role, organisation, external_id)
    except (InvalidName, StoreConflict) as exc:  # e.g. an ID too long; added meanwhile
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
