"""``trainer certificate``: issue a signed PDF certificate for a passed course."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from trainer.bank.model import Course
from trainer.commands.common import CommandError, fail, open_course, open_store
from trainer.safetext import terminal_safe, terminal_safe_multiline
from trainer.settings import settings_of

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "certificate",
        help="issue a signed PDF certificate for a passed course",
        description="Issue a one-page PDF certificate, signed with the issuer key, for a "
        "learner whose records show every module required for their role as passed. "
        "--course takes the course file or, with the shipped/default course, its id. "
        "With --all, one for every learner who completed the course and has none for that "
        "completion yet, into the folder -o DIR. See docs/certificates.md and "
        "docs/compliance.md.",
    )
    p.add_argument("--learner", metavar="NAME", help="learner name as recorded (or --all)")
    p.add_argument(
        "--all",
        action="store_true",
        help="a certificate for every learner who completed the course and has none for that "
        "completion yet, into the folder -o DIR (one line per learner; safe to re-run)",
    )
    p.add_argument(
        "--organisation", metavar="ORG", help="with --all: only learners of this organisation"
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="with --all: processes rendering and signing PDFs (default: one per CPU core)",
    )
    p.add_argument(
        "--course-id", dest="course_id", metavar="ID", help="require this course id (optional)"
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE.pdf",
        help="PDF to write; with --all, the folder for the PDFs (made if missing)",
    )
    p.add_argument(
        "--paper",
        choices=("letter", "a4"),
        help="default: $TRAINER_PAPER, [certificates] paper in the config file, or letter",
    )
    add_issuer_key_option(p)
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing FILE.pdf (a link there is replaced, never written through), "
        "and sign even with an issuer key file other users can read or that you do not own",
    )
    p.set_defaults(handler=run)


def _jobs(text: str) -> int:
    """argparse type for --jobs: a whole number from 1 to 64."""
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"not a number of processes from 1 to 64: {text!r}")
    return int(text)


def add_issuer_key_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--issuer-key",
        metavar="FILE",
        help="sign with this Ed25519 private key (PEM PKCS#8) instead of the data folder's "
        "issuer-key.pem (default: $TRAINER_ISSUER_KEY or [certificates] issuer_key in the "
        "config file); the file must exist, be yours and readable only by you (chmod 600)",
    )


def issuer_key_path(args: argparse.Namespace) -> tuple[Path, bool]:
    """(path, may_create): a named key must exist; the data folder's is created on first use."""
    settings = settings_of(args)
    return settings.issuer_key.value, settings.issuer_key_may_be_created


def course_for(args: argparse.Namespace) -> Course:
    """Open the course. ``--course`` may be a file, or a course id naming the default course."""
    wanted_id = getattr(args, "course_id", None)
    given = getattr(args, "course", None)
    if given and not Path(given).expanduser().exists() and _ID_RE.match(given):
        wanted_id = wanted_id or given
        # an id, not a file: the course from $TRAINER_COURSE, the config file or shipped
        settings = settings_of(args)
        fallback = settings._replace(course=settings.course_fallback)
        args = argparse.Namespace(**{**vars(args), "settings": fallback})
    course = open_course(args)
    if wanted_id and course.id != wanted_id:
        raise CommandError(
            f"the course file {course.path} is course {course.id!r}, not {wanted_id!r} "
            "(use --course FILE for another course)",
            2,
        )
    return course


#: Exit status per reason a certificate was not issued (trainer.service.certificate.Kind).
_EXIT = {"refused": 1, "records": 1, "exists": 1, "key": 2, "write": 2, "unavailable": 2}


def run(args: argparse.Namespace) -> int:
    if args.all or args.organisation is not None or args.jobs is not None:
        from trainer.commands.certificate_all import run_all

        return run_all(args)
    if args.learner is None:
        return fail(
            CommandError(
                "certificate needs --learner NAME (one learner) or --all (everyone who "
                "completed the course)",
                2,
            )
        )

    try:
        course = course_for(args)
        store = open_store(args)
    except CommandError as exc:
        return fail(exc)
    settings = settings_of(args)
    if settings.config_problem:  # only when run without the entry point, which refuses it
        print(f"trainer: {terminal_safe_multiline(settings.config_problem)}", file=sys.stderr)
        return 2
    # The one certificate use case of the app and plain mode (trainer.service.certificate):
    # the same checks, the same handled errors; the words and exit statuses are the CLI's.
    from trainer.service import certificate as service
    from trainer.service.learners import find_learner

    with store:
        learner = None
        try:
            learner = find_learner(store, args.learner)
            if learner is None:
                raise service.CertificateNotIssued(
                    f"No learner named {terminal_safe(repr(args.learner))} in the records.",
                    "refused",
                )
            issued = service.issue(
                store,
                course,
                learner,
                Path(args.output),
                settings=settings,
                replace=args.force,
                check_key_permissions=not args.force,
            )
        except service.CertificateNotIssued as exc:
            message = str(exc)
            if exc.kind == "exists":
                message += ". Choose another file, or add --force to replace it."
            print(f"trainer: {message}", file=sys.stderr)
            return _EXIT.get(exc.kind, 1)
    if issued.key_created:
        print(
            f"Created a new issuer key at {terminal_safe(str(issued.key_path))} (mode 0600). "
            "Publish its public key with 'trainer keys public' so others can verify.",
            file=sys.stderr,
        )
    p = issued.payload
    lines = [
        f"Certificate {issued.certificate_id} written to {issued.path}",
        f"  {p.learner} — {p.course_title} (version {p.course_version})",
        f"  completed {p.completed}, valid until {p.valid_until}",
        f"  signed with issuer key {issued.key_fingerprint}",
    ]
    for line in lines:
        print(terminal_safe(line))
    return 0
