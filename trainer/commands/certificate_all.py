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
from pathlib import Path

from trainer.commands.certificate import course_for, issuer_key_path
from trainer.commands.common import CommandError, fail, open_store
from trainer.records.errors import StoreError
from trainer.records.store import LearnerRow
from trainer.records.times import utc_day
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
    from trainer.compliance.status import statuses

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
    summary = BatchSummary()
    stopped: str | None = None
    status = 0
    with store:
        try:
            today = _day_of(store.now())  # the records' clock, as for one certificate
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


def _day_of(when: _dt.datetime) -> _dt.date:
    return utc_day(when)


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
