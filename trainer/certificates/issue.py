"""Issue a certificate: check the records, build and sign the payload, render, record.

This is the one function the CLI and the TUI call: :func:`issue_certificate`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from trainer.bank.model import Course
from trainer.progress import CourseProgress, course_progress
from trainer.records.contract import Records
from trainer.records.store import CertificateRow, LearnerRow
from trainer.records.times import utc_day
from trainer.safetext import DEFAULT_MAX_NAME_LENGTH, name_problems, terminal_safe

from .keys import fingerprint, load_or_create_issuer_key
from .payload import CertificatePayload, ModuleResult
from .pdf import (
    PAPER_SIZES,
    QR_MAX_BYTES,
    qr_text,
    render_to_bytes,
    token_fits_qr,
    unsupported_characters,
)
from .safeio import write_new_file
from .verify import sign_payload

MAX_NAME_LENGTH = DEFAULT_MAX_NAME_LENGTH  # characters; fits the page and the QR code

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CertificateRefused(Exception):
    """The records do not show the course as passed (or something else blocks issuing).

    The message says why, in words a learner or administrator can act on.
    """


@dataclass(frozen=True)
class IssuedCertificate:
    certificate_id: str
    path: Path
    token: str
    payload: CertificatePayload
    payload_sha256: str
    key_fingerprint: str
    key_path: Path
    key_created: bool  # True when this call created the issuer key


def new_certificate_id() -> str:
    """80 random bits: four groups of four Crockford base32 characters (C7KX-9M2P-QR4T-V8WZ)."""
    n = secrets.randbits(80)
    chars = "".join(_CROCKFORD[(n >> (5 * i)) & 31] for i in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _today_utc() -> _dt.date:
    return _dt.datetime.now(_dt.UTC).date()


def _day_of(when: _dt.datetime) -> _dt.date:
    """The UTC day of a records time (the store's clock, injected in tests)."""
    return utc_day(when)


def completed_payload(
    progress: CourseProgress,
    *,
    certificate_id: str,
    issued: _dt.date,
    key_fingerprint: str,
) -> CertificatePayload:
    """Build the payload from a learner's progress; refuse unless every required module passed."""
    course = progress.course
    learner = progress.learner
    required = [p for p in progress.modules if p.required]
    missing = [p for p in required if p.passed_attempt is None]
    if not required:
        raise CertificateRefused(
            f"The course {course.id!r} has no required modules for the role {learner.role!r}; "
            "no certificate can be issued."
        )
    if missing or progress.completed_on is None or progress.valid_until is None:
        lines = [
            f"  - {p.module.title} ({p.module.id}): "
            + {"failed": "not passed yet (failed so far)", "in-progress": "in progress",
               "not-started": "not started"}.get(p.status, p.status)
            + (f", best score {p.best_percent}%" if p.best_percent is not None else "")
            for p in missing
        ]  # fmt: skip
        raise CertificateRefused(
            f"No certificate: {learner.name} has not passed every module required for the role "
            f"{learner.role!r} in {course.title!r}. Still to pass:\n" + "\n".join(lines)
        )
    if progress.valid_until < issued:
        raise CertificateRefused(
            f"No certificate: {learner.name} completed {course.title!r} on "
            f"{progress.completed_on.isoformat()}, and that completion expired on "
            f"{progress.valid_until.isoformat()} (recertification every "
            f"{course.validity_months} months). Retake the required modules to recertify."
        )
    modules = []
    for p in required:
        attempt = p.passed_attempt
        assert attempt is not None
        modules.append(
            ModuleResult(
                id=p.module.id,
                title=p.module.title,
                version=attempt.module_version,
                score=int(attempt.percent or 0),
                sha256=attempt.module_sha256,
            )
        )
    return CertificatePayload(
        certificate_id=certificate_id,
        learner=learner.name,
        organisation=learner.organisation,
        role=learner.role,
        course_id=course.id,
        course_title=course.title,
        course_version=course.version,
        certificate_title=course.certificate_title,
        modules=tuple(modules),
        completed=progress.completed_on.isoformat(),
        valid_until=progress.valid_until.isoformat(),
        issued=issued.isoformat(),
        issuer=course.issuer,
        key_fingerprint=key_fingerprint,
    )


def _check_printable(payload: CertificatePayload) -> None:
    """Refuse rather than print a certificate with missing or garbled characters."""
    fields = [
        ("learner name", payload.learner),
        ("organisation", payload.organisation),
        ("course title", payload.course_title),
        ("certificate title", payload.certificate_title),
        ("issuer", payload.issuer),
        *((f"module title {m.id}", m.title) for m in payload.modules),
    ]
    problems = []
    for problem in name_problems(payload.learner, max_length=MAX_NAME_LENGTH):
        problems.append(f"  - learner name: {problem}")
    for label, text in fields:
        bad = unsupported_characters(text)
        if bad:
            shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in bad[:8])
            problems.append(f"  - {label} {terminal_safe(text)[:80]!r}: {shown}")
    if problems:
        raise CertificateRefused(
            "No certificate: the certificate font (DejaVu Sans, left-to-right only) cannot "
            "show some characters, or the name is too long for the certificate and its QR "
            f"code (at most {MAX_NAME_LENGTH} characters) or has control characters; the "
            "certificate would not match its signed text:\n"
            + "\n".join(problems)
            + "\nRecord the name as it should appear in a supported script (for example a "
            "Latin transliteration), or ask for a font with these characters to be added."
        )


def issue_certificate(
    store: Records,
    course: Course,
    learner: LearnerRow | str,
    out_path: Path | str,
    *,
    issuer_key_path: Path | str,
    paper: str = "letter",
    create_key: bool | None = None,
    today: _dt.date | None = None,
    replace: bool = True,
    check_key_permissions: bool = True,
    verify_url: str | None = None,
) -> IssuedCertificate:
    """Issue, write and record a certificate for a learner who has passed ``course``.

    ``issuer_key_path`` is the data dir's key (created on first use) or an organisation's own
    key file. ``create_key`` defaults to True: pass False for an ``--issuer-key`` the user
    named, which must already exist. Raises :class:`CertificateRefused` when the records do
    not show the course as passed, ``IssuerKeyError`` for key problems, ``OSError`` when the
    PDF cannot be written. Nothing is recorded unless the PDF was rendered.

    The PDF is never written through a symbolic link: it is rendered to a new private
    temporary file and linked (``replace=False``: FileExistsError if anything is at
    ``out_path``) or renamed (``replace=True``) into place. ``check_key_permissions=False``
    accepts a key file others can read (``--force``). With ``verify_url`` (the config's
    ``[certificates] verify_url``) the QR code holds ``VERIFY_URL#token``.
    """
    if paper not in PAPER_SIZES:
        raise CertificateRefused(f"Unknown paper size {paper!r}; use {' or '.join(PAPER_SIZES)}.")
    if isinstance(learner, str):
        row = store.find_learner(learner)
        if row is None:
            raise CertificateRefused(f"No learner named {learner!r} in the records.")
        learner = row
    progress = course_progress(store, course, learner)
    issued = today or _day_of(store.now())
    # Check everything before touching the key, so a refusal never creates one.
    _check_printable(
        completed_payload(progress, certificate_id="CHECK", issued=issued, key_fingerprint="-")
    )

    out = Path(out_path)
    if not replace and os.path.lexists(out):
        raise FileExistsError(f"{out} already exists")
    key, created = load_or_create_issuer_key(
        issuer_key_path, create=create_key is not False, check_permissions=check_key_permissions
    )
    payload = completed_payload(
        progress,
        certificate_id=new_certificate_id(),
        issued=issued,
        key_fingerprint=fingerprint(key),
    )
    payload_bytes, token = sign_payload(key, payload)
    payload_sha256 = hashlib.sha256(payload_bytes).hexdigest()
    code = qr_text(token, verify_url)
    if not token_fits_qr(code):
        raise CertificateRefused(
            f"No certificate: the signed contents are too long for the certificate's QR code "
            f"({len(code)} characters, at most {QR_MAX_BYTES}). Shorten the learner name, "
            "organisation or course titles" + (" or the verify_url." if verify_url else ".")
        )
    pdf = render_to_bytes(payload, token, paper, verify_url)
    record = CertificateRow(
        id=payload.certificate_id,
        learner_id=learner.id,
        course_id=course.id,
        course_version=course.version,
        issued_at=store.now(),
        valid_until=payload.valid_until,
        payload_sha256=payload_sha256,
        token=token,
    )
    # Recorded once the PDF is safely on disk, before it appears under its name.
    write_new_file(
        out, pdf, replace=replace, before_install=lambda: store.record_certificate(record)
    )
    return IssuedCertificate(
        certificate_id=payload.certificate_id,
        path=out,
        token=token,
        payload=payload,
        payload_sha256=payload_sha256,
        key_fingerprint=payload.key_fingerprint,
        key_path=Path(issuer_key_path),
        key_created=created,
    )
