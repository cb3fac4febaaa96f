"""The certificate: whether the learner may have one, where it is saved, and issuing it.

One default output path (:func:`default_path`: the Documents folder, else home), one way to
read a typed path (:func:`output_path`), the issuer key and paper from the one
:class:`~trainer.settings.Settings` (``--issuer-key``, ``--paper``, the environment or the
config file reach the app and plain mode as they reach ``trainer certificate``), and one set
of handled errors: every failure of :func:`issue` is a :class:`CertificateNotIssued` whose
``kind`` says which and whose message says why (terminal-safe; each front end says "not
saved" in its own words).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from trainer.bank.model import Course
from trainer.progress import CourseProgress, course_progress
from trainer.records.errors import StoreError
from trainer.records.store import CertificateRow, LearnerRow
from trainer.safetext import terminal_safe, terminal_safe_multiline
from trainer.standing import RoleChange, role_changes

if TYPE_CHECKING:
    from trainer.certificates.issue import IssuedCertificate
    from trainer.records.contract import Records
    from trainer.settings import Settings

State = Literal["unavailable", "incomplete", "expired", "ready"]
Kind = Literal["unavailable", "path", "config", "refused", "key", "exists", "write", "records"]


class CertificateNotIssued(Exception):
    """No certificate was saved; ``kind`` says why (see :data:`Kind`), the message in words."""

    def __init__(self, message: str, kind: Kind) -> None:
        super().__init__(message)
        self.kind = kind


def available() -> bool:
    """Whether the certificate package is installed (without importing its heavy parts)."""
    try:
        return importlib.util.find_spec("trainer.certificates.issue") is not None
    except (ImportError, ValueError):
        return False


def default_path(learner: LearnerRow, course: Course, day: date | None = None) -> Path:
    """The suggested PDF: ``certificate-<course>-<learner>-<date>.pdf`` in the Documents
    folder (else the home folder); the same in the app and plain mode."""
    from trainer.certificates.location import default_certificate_path

    return default_certificate_path(learner.name, course.id, day)


def output_path(typed: str, default: Path) -> Path:
    """The PDF path typed (empty: ``default``), absolute; :class:`CertificateNotIssued`
    (kind ``path``) when it cannot be used."""
    typed = typed.strip()
    if not typed:
        return default
    if len(typed) > 4096 or "\x00" in typed:
        raise CertificateNotIssued("That file name cannot be used. Type another one.", "path")
    try:
        out = Path(typed).expanduser().absolute()
        out.exists()  # a name too long for the file system raises here, not later
    except (RuntimeError, OSError, ValueError) as exc:
        reason = "there is no such user's home folder" if isinstance(exc, RuntimeError) else exc
        raise CertificateNotIssued(
            f"That file name cannot be used ({terminal_safe(str(reason))}). Type another one.",
            "path",
        ) from None
    if out.is_dir():
        raise CertificateNotIssued(
            f"{terminal_safe(str(out))} is a folder. Type a file name ending in .pdf.", "path"
        )
    if not out.name:
        raise CertificateNotIssued("Type a file name for the PDF.", "path")
    return out


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """Whether the learner can have the certificate now, and what was issued before."""

    state: State
    progress: CourseProgress
    role_changes: tuple[RoleChange, ...]  # a role change changes the required modules
    issued: tuple[CertificateRow, ...]  # issued before, oldest first
    default_path: Path

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def status(
    store: Records, course: Course, learner: LearnerRow, today: date | None = None
) -> CertificateStatus:
    """The certificate's state for this learner: unavailable (not installed), incomplete,
    expired, or ready to issue."""
    progress = course_progress(store, course, learner)
    state: State
    if not available():
        state = "unavailable"
    elif not progress.complete:
        state = "incomplete"
    elif progress.expired(today):
        state = "expired"
    else:
        state = "ready"
    return CertificateStatus(
        state,
        progress,
        tuple(role_changes(course, store.learner_history(learner.id))),
        tuple(store.certificates(learner_id=learner.id)),
        default_path(learner, course, today),
    )


def issuer_options(settings: Settings | None, store: Records) -> tuple[Path, bool, str]:
    """(issuer key, whether it may be created, paper) from the settings; without settings
    (tests that build the app by hand on an SQLite file), the key beside the records file
    and letter paper."""
    if settings is not None:
        return settings.issuer_key.value, settings.issuer_key_may_be_created, settings.paper.value
    records_file = getattr(store, "path", None)
    if records_file is None:
        raise CertificateNotIssued("no issuer key is configured for these records", "key")
    return Path(records_file).parent / "issuer-key.pem", True, "letter"


def issue(
    store: Records,
    course: Course,
    learner: LearnerRow,
    path: Path,
    *,
    settings: Settings | None,
    replace: bool = False,
    check_key_permissions: bool = True,
) -> IssuedCertificate:
    """Sign, render, write and record the certificate at ``path``.

    ``check_key_permissions=False`` (the CLI's ``--force``) accepts an issuer key that
    others may read or another account owns.

    Without ``replace`` an existing file is never overwritten (kind ``exists``: ask, then
    call again with ``replace=True``). The verification page's address, the issuer key
    and the paper come from the run's settings (read once at start-up, as everything is).
    """
    try:
        from trainer.certificates.issue import CertificateRefused, issue_certificate
        from trainer.certificates.keys import CertificateKeyError
    except ImportError:
        raise CertificateNotIssued(
            "certificates are not available in this version of trainer", "unavailable"
        ) from None
    verify_url = settings.verify_url.value if settings is not None else None
    key, may_create, paper = issuer_options(settings, store)
    shown = terminal_safe(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return issue_certificate(
            store,
            course,
            learner,
            path,
            issuer_key_path=key,
            create_key=may_create,
            paper=paper,
            verify_url=verify_url,
            replace=replace,
            check_key_permissions=check_key_permissions,
        )
    except CertificateRefused as exc:
        raise CertificateNotIssued(terminal_safe_multiline(str(exc)), "refused") from None
    except CertificateKeyError as exc:
        raise CertificateNotIssued(
            f"the issuer key cannot be used: {terminal_safe(str(exc))}", "key"
        ) from None
    except FileExistsError:
        raise CertificateNotIssued(
            f"the file {shown} already exists; it was not changed", "exists"
        ) from None
    except OSError as exc:
        raise CertificateNotIssued(
            f"cannot write {shown}: {terminal_safe(str(exc.strerror or exc))}",
            "write",
        ) from None
    except StoreError as exc:  # locked by another program, a full disk, a server away
        raise CertificateNotIssued(
            f"the records could not be used: {terminal_safe(str(exc))}", "records"
        ) from None
