"""``trainer records import FILE`` and ``trainer records export-file OUT``: offline records in.

``export-file`` writes a consistent SQLite copy of this machine's records (or of the learners
the filters select) for a USB stick or an upload; ``import`` merges such a file into the
current store, SQLite or PostgreSQL (trainer.records.merge): exit 0 when everything is in (or,
with ``--check``, would go in), 1 when there are conflicts or unmatched learners (nothing was
written), 2 when the file cannot be used.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.commands.common import CommandError, fail, open_store
from trainer.records.merge import UnusableSource
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe

if TYPE_CHECKING:
    from trainer.records.reports import MergeReport

ACTIONS = ("import", "export-file")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="import: the records file to bring in; export-file: the file to write",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="import: say what would be brought in, write nothing",
    )
    p.add_argument(
        "--add-unmatched",
        action="store_true",
        help="import: add learners without an ID that match nobody here (else listed, and "
        "nothing is written)",
    )
    p.add_argument("--force", action="store_true", help="export-file: replace an existing file")


def run(args: argparse.Namespace) -> int:
    if args.action not in ACTIONS:
        return fail(CommandError("a FILE goes with 'trainer records import' or 'export-file'", 2))
    if not args.file:
        return fail(CommandError(f"trainer records {args.action} needs a FILE", 2))
    if args.action == "import":
        return _import(args)
    return _export(args)


def _export(args: argparse.Namespace) -> int:
    from trainer.records.exchange import Selection, export_file

    out = Path(args.file).expanduser()
    selection = Selection(args.organisation, args.learner, args.since, args.until)
    try:
        store = open_store(args, read_only=True)
    except CommandError as exc:
        return fail(exc)
    try:
        with store:
            done = export_file(store, out, selection, force=args.force)
    except FileExistsError as exc:
        return fail(CommandError(str(exc)))
    except StoreError as exc:
        return fail(CommandError(str(exc)))
    except OSError as exc:
        reason = terminal_safe(exc.strerror or str(exc))
        return fail(CommandError(f"cannot write {terminal_safe(str(out))}: {reason}"))
    print(
        f"wrote {terminal_safe(str(out))}: {done.learners} learners, {done.attempts} attempts, "
        f"{done.answers} answers, {done.certificates} certificates"
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    from trainer.records.exchange import open_source

    for option in ("organisation", "learner", "since", "until", "force"):
        if getattr(args, option, None):
            flag = "--" + option.replace("_", "-")
            return fail(CommandError(f"{flag} is not an option of 'trainer records import'", 2))
    try:
        source = open_source(Path(args.file).expanduser())
    except UnusableSource as exc:
        return fail(CommandError(str(exc), 2))
    try:
        with source:
            store = open_store(args)
            with store:
                report = store.merge_from(
                    source, add_unmatched=args.add_unmatched, check=args.check
                )
                where = store.location
    except UnusableSource as exc:
        return fail(CommandError(str(exc), 2))
    except CommandError as exc:
        return fail(exc)
    except StoreError as exc:
        return fail(CommandError(str(exc)))
    print(summary(report, terminal_safe(args.file), where, check=args.check))
    return 1 if report.conflicts or (report.unmatched and not args.add_unmatched) else 0


def summary(report: MergeReport, name: str, where: str, *, check: bool) -> str:
    """The import's report: counts, then every unmatched learner and conflict."""
    r = report
    lines = [
        f"learners: {r.learners_matched} matched, {r.learners_added} added, "
        f"{len(r.unmatched)} unmatched",
        f"attempts: {r.attempts_added} added, {r.attempts_finished} finished, "
        f"{r.attempts_present} already there",
        f"answers: {r.answers_added} added",
        f"certificates: {r.certificates_added} added, {r.certificates_present} already there",
        f"conflicts: {len(r.conflicts)}",
    ]
    lines += [f"unmatched: {who}" for who in r.unmatched]
    lines += [f"conflict: {text}" for text in r.conflicts]
    lines += [f"note: {text}" for text in r.notes]
    if (
        r.written
        and r.learners_added
        + r.attempts_added
        + r.attempts_finished
        + r.answers_added
        + r.certificates_added
    ):
        lines.append(f"brought {name} into {where}")
        return "\n".join(lines)
    if r.written:
        lines.append(f"nothing new: everything in {name} was already in {where}")
        return "\n".join(lines)
    advice = []
    if r.unmatched:
        advice.append(
            "give the unmatched learners their IDs on that machine and export again, or "
            "add them as new learners with --add-unmatched"
        )
    if r.conflicts:
        advice.append("resolve the conflicts listed")
    head = "--check: nothing was written to" if check else "nothing was written to"
    lines.append(f"{head} {where}" + (": " + "; ".join(advice) if advice else ""))
    return "\n".join(lines)
