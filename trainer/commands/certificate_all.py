"""``trainer certificate --all``: certificates for every learner who completed the course.

One line per learner (issued / already issued / not complete and why / refused and why), then
the counts. Safe to re-run: a learner who has a certificate for their current completion gets
none (see :mod:`trainer.certificates.batch`). Exit status 0 when every complete learner has a
certificate, 1 when one was refused or the batch stopped, 2 for usage, the key or the folder.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from trainer.bank.model import Course
from trainer.commands.certificate import course_for, issuer_key_path
from trainer.commands.common import CommandError, fail, open_store
from trainer.records.errors import StoreError
from trainer.records.store import LearnerRow, RecordsStore
from trainer.safetext import terminal_safe, terminal_safe_multiline
from trainer.settings import settings_of

WIDTH = 14  # the action column


def run_all(args: argparse.Namespace) -> int:
    from trainer.certificates.batch import (
        BatchError,
        BatchSummary,
        issue_all,
        output_folder_problem,
    )
    from trainer.certificates.issue import CertificateRefused
    from trainer.certificates.keys import IssuerKeyError

    if not args.all:
        return fail(CommandError("--organisation and --jobs go with --all", 2))
    if args.learner is not None:
        return fail(CommandError("give --learner NAME or --all, not both", 2))
    if args.force:
        return fail(
            CommandError(
                "--all never replaces a file, so --force is not used with it (each PDF gets a "
                "new name; a key file others can read must be fixed: chmod 600 FILE)",
                2,
            )
        )
    settings = settings_of(args)
    if settings.config_problem:
        print(f"trainer: {terminal_safe_multiline(settings.config_problem)}", file=sys.stderr)
        return 2
    folder = Path(args.output).expanduser()
    problem = output_folder_problem(folder)
    if problem:
        return fail(CommandError(f"-o: {terminal_safe(problem)}; nothing was issued", 2))
    try:
        course = course_for(args)
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    key_path, may_create = issuer_key_path(args)
    today = _dt.datetime.now(_dt.UTC).date()
    summary = BatchSummary()
    stopped: str | None = None
    status = 0
    with store:
        try:
            if not folder.exists():
                folder.mkdir(mode=0o755)
            outcomes = issue_all(
                store,
                course,
                # read in full before any is written: one connection both reads and writes
                list(statuses(store, course, today=today, organisation=args.organisation)),
                folder,
                issuer_key_path=key_path,
                create_key=may_create,
                paper=settings.paper.value,
                verify_url=settings.verify_url.value,
                today=today,
                workers=args.jobs,
                summary=summary,
            )
            for outcome in outcomes:
                print(line(outcome.action, outcome.learner, outcome.detail,
                           outcome.certificate_id, outcome.path), flush=True)  # fmt: skip
        except IssuerKeyError as exc:
            print(f"trainer: {terminal_safe(str(exc))}", file=sys.stderr)
            status = 2
        except (BatchError, StoreError) as exc:
            stopped = str(exc)
        except CertificateRefused as exc:  # the paper size
            print(f"trainer: {terminal_safe(str(exc))}", file=sys.stderr)
            return 2
        except OSError as exc:  # making the folder
            print(f"trainer: cannot use {terminal_safe(str(folder))}: "
                  f"{terminal_safe(str(exc.strerror or exc))}", file=sys.stderr)  # fmt: skip
            return 2
    if summary.key_created:
        print(
            f"Created a new issuer key at {terminal_safe(str(key_path))} (mode 0600). "
            "Publish its public key with 'trainer keys public' so others can verify.",
            file=sys.stderr,
        )
    counts = (
        f"{summary.issued} issued, {summary.already} already issued, "
        f"{summary.not_complete} not complete"
        + (f", {summary.refused} refused" if summary.refused else "")
        + f" ({terminal_safe(course.id)} {terminal_safe(course.version)})"
    )
    print(counts)
    if stopped is not None:
        print(
            f"trainer: stopped: {terminal_safe_multiline(stopped)}. The certificates issued "
            "before this are recorded and written; run the command again to carry on.",
            file=sys.stderr,
        )
        return 1
    if status:
        return status
    return 1 if summary.refused else 0


def learner_label(learner: LearnerRow) -> str:
    """The name, with the external ID and organisation that tell two namesakes apart."""
    extra = ", ".join(x for x in (learner.external_id, learner.organisation) if x)
    return f"{learner.name} ({extra})" if extra else learner.name


def line(
    action: str, learner: LearnerRow, detail: str, cert_id: str | None, path: Path | None
) -> str:
    """One terminal-safe line of output."""
    word = {"already": "already issued", "not-complete": "not complete"}.get(action, action)
    text = f"{word:<{WIDTH}} {learner_label(learner)}"
    if cert_id:
        text += f"  {cert_id}"
    if detail:
        text += f": {detail}"
    if path is not None:
        text += f" -> {path}"
    return terminal_safe(text)


# ------------------------------------------------------------------ completion (stand-in)
# Until trainer.compliance.status lands: the same fields, from course_progress per learner.


@dataclass(frozen=True, slots=True)
class _Status:
    learner: LearnerRow
    state: str
    completed_on: _dt.date | None
    valid_until: _dt.date | None
    expired_on: _dt.date | None
    modules_done: int
    modules_required: int
    due_date: _dt.date | None = None


def statuses(
    store: RecordsStore, course: Course, *, today: _dt.date, organisation: str | None = None
) -> Iterator[_Status]:
    from trainer.progress import course_progress

    org = organisation.casefold() if organisation is not None else None
    for learner in store.learners():
        if org is not None and learner.organisation.casefold() != org:
            continue
        progress = course_progress(store, course, learner)
        required = [p for p in progress.modules if p.required]
        done = sum(p.passed_attempt is not None for p in required)
        if progress.completed_on is not None and progress.valid_until is not None:
            expired = progress.valid_until < today
            state = "expired" if expired else "complete"
            expired_on = progress.valid_until if expired else None
        else:
            state = "in-progress" if any(p.attempts for p in progress.modules) else "not-started"
            expired_on = None
        yield _Status(
            learner, state, progress.completed_on, progress.valid_until, expired_on, done,
            len(required),
        )  # fmt: skip
