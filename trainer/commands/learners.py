"""``trainer learners``: list learners, and correct a learner's name (kept in the history).

``trainer learners list`` only reads (the database is opened read-only). ``trainer learners
rename OLD NEW`` checks the new name as a new learner's name is checked (no control
characters, at most 200 characters), warns about look-alike letters and characters the
certificate cannot print, and records the change (old and new name, when, which account) in
the learner's history, shown by ``trainer records --history``.
"""

from __future__ import annotations

import argparse
import sys

from trainer.commands.common import CommandError, fail, open_store
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "learners",
        help="list learners; correct a learner's name (kept in the learner history)",
        description="List learners, or correct a learner's name. Every change is kept in "
        "the learner history ('trainer records --history').",
    )
    kinds = p.add_subparsers(dest="learners_action", metavar="ACTION", required=True)
    from trainer.cli import add_common  # nested subcommands need --data-dir/--course too

    listing = kinds.add_parser("list", help="every learner: name, role, organisation, ID")
    rename = kinds.add_parser("rename", help="correct a learner's name: rename OLD NEW")
    rename.add_argument("old", metavar="OLD", help="the name as recorded (case-insensitive)")
    rename.add_argument("new", metavar="NEW", help="the corrected name")
    for q in (listing, rename):
        add_common(q)
    listing.set_defaults(handler=run_list)
    rename.set_defaults(handler=run_rename)


def run_list(args: argparse.Namespace) -> int:
    try:
        with open_store(args, read_only=True) as store:
            learners = store.learners()
    except CommandError as exc:
        return fail(exc)
    except StoreError as exc:
        return fail(CommandError(str(exc)))
    if not learners:
        print("no learners recorded")
        return 0
    for lr in learners:
        details = ", ".join(x for x in (lr.role, lr.organisation, lr.external_id) if x)
        print(f"{terminal_safe(lr.name)}  ({terminal_safe(details)})")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    from trainer.service.learners import LearnerRefused, rename_learner, warnings_for

    try:
        with open_store(args) as store:
            learner, renamed = rename_learner(store, args.old, args.new)
    except CommandError as exc:
        return fail(exc)
    except LearnerRefused as exc:  # unknown, taken (ignoring capitals), roster-managed, bad
        return fail(CommandError(terminal_safe(str(exc))))
    except StoreError as exc:
        return fail(CommandError(terminal_safe(str(exc))))
    for warning in warnings_for(renamed.name):
        print(f"trainer: warning: {warning}", file=sys.stderr)
    print(
        f"renamed {terminal_safe(learner.name)!r} to {terminal_safe(renamed.name)!r} "
        "(kept in the learner history)"
    )
    return 0
