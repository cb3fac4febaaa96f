"""Certificates for everyone who completed a course: ``trainer certificate --all``.

Who gets one: every learner whose course state is ``complete``
(:func:`trainer.compliance.status.statuses`) and who has no certificate *for this completion* yet. A
certificate is for this completion when it is for the same learner and course id and was
issued on or after the day the course was completed (the day of the last required pass):
a learner who completed, got a certificate, then retook a module and passed again has a new
completion (a new completion day) and gets a new certificate; a re-run on the same records
issues none.

How it is fast (issue #20: 10,000 certificates in minutes, not hours): the issuer key and the
fonts are loaded once per process, and a pool of ``os.cpu_count()`` worker processes renders
and signs the PDFs, while the parent process (the only one with the records open: the only
writer) works out each payload, writes each PDF and records it. PDFs come back to the parent in
order through a bounded window, so memory stays flat however many learners there are.

Each file is written as :func:`trainer.certificates.issue.issue_certificate` writes one: to a
private temporary file, recorded, then linked into place under a name no file has (it holds
the new certificate's random id), never through a link and never over a file.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import os
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from trainer.bank.model import Course
from trainer.progress import course_progress
from trainer.records.contract import Records
from trainer.records.store import AlreadyIssued, CertificateRow, LearnerRow
from trainer.records.times import utc_day

from .issue import CertificateRefused, _check_printable, completed_payload, new_certificate_id
from .payload import CertificatePayload
from .pdf import PAPER_SIZES, QR_MAX_BYTES, qr_text, register_fonts, render_to_bytes, token_fits_qr
from .safeio import write_new_file
from .verify import sign_payload

Action = Literal["issued", "already", "not-complete", "refused"]

SLUG_LENGTH = 48  # characters of the learner's name in a file name
WINDOW_PER_WORKER = 8  # PDFs in flight per worker: enough to keep it busy, bounded memory
POOL_THRESHOLD = 4  # fewer certificates than this are made in this process (no pool start-up)


class LearnerStatusLike(Protocol):
    """What :func:`trainer.compliance.status.statuses` yields (the fields used here)."""

    @property
    def learner(self) -> LearnerRow: ...
    @property
    def state(self) -> str: ...
    @property
    def completed_on(self) -> _dt.date | None: ...
    @property
    def valid_until(self) -> _dt.date | None: ...
    @property
    def modules_done(self) -> int: ...
    @property
    def modules_required(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened for one learner: one line of ``certificate --all``."""

    learner: LearnerRow
    action: Action
    detail: str  # why (not complete, refused), or when (already issued)
    certificate_id: str | None = None
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class _Job:
    payload: CertificatePayload
    paper: str
    verify_url: str | None


@dataclass(frozen=True, slots=True)
class _Made:
    token: str
    payload_sha256: str
    pdf: bytes | None  # None when refused: ``problem`` says why
    problem: str | None = None


class BatchError(Exception):
    """The batch stopped (records, disk or a worker failed); what was done stays done."""


# ------------------------------------------------------------------ who is due a certificate


def completion_certificate(
    certificates: Iterable[CertificateRow], course_id: str, completed_on: _dt.date
) -> CertificateRow | None:
    """The newest certificate for this completion: same course, issued on or after the day
    the course was completed (see the module docstring). ``certificates`` are one learner's."""
    mine = [
        c for c in certificates if c.course_id == course_id and utc_day(c.issued_at) >= completed_on
    ]
    return max(mine, key=lambda c: (c.issued_at, c.id), default=None)


def not_complete_reason(status: LearnerStatusLike) -> str:
    """Why a learner gets no certificate, in words."""
    state = status.state
    if state == "not-started":
        return "not started"
    if state == "expired":
        when = getattr(status, "expired_on", None) or status.valid_until
        since = f" on {when.isoformat()}" if when else ""
        return f"completion expired{since}; the required modules must be taken again"
    done, required = status.modules_done, status.modules_required
    if required == 0:
        return "no modules are required for the role " + repr(status.learner.role)
    return f"in progress: {done} of {required} required modules passed"


def is_complete(status: LearnerStatusLike, today: _dt.date) -> bool:
    """Complete and not expired today (a 'due' state that is complete counts as complete)."""
    if status.state == "complete":
        return True
    return (
        status.completed_on is not None
        and status.valid_until is not None
        and status.valid_until >= today
        and status.state not in ("expired", "in-progress", "not-started")
    )


# ------------------------------------------------------------------ file names


def _slug(text: str, limit: int) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")
    return slug


_SAFE_NAME = re.compile(r"^certificate-[a-z0-9-]+\.pdf$")


def batch_file_name(learner_name: str, course_id: str, certificate_id: str) -> str:
    """``certificate-<course>-<learner>-<certificate id>.pdf``: ASCII letters, digits and
    '-' only (no '/', no '..', no leading dot), at most ~130 characters; unique because the
    certificate id is."""
    course = _slug(course_id, 40) or "course"
    learner = _slug(learner_name, SLUG_LENGTH) or "learner"
    name = f"certificate-{course}-{learner}-{certificate_id.lower()}.pdf"
    assert _SAFE_NAME.match(name), name
    return name


def output_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot take the certificates, or None (it may be created)."""
    if os.path.lexists(folder):
        if not folder.is_dir():
            return f"{folder} is not a folder"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"{folder} is a folder you cannot write to"
        return None
    parent = folder.parent
    if not parent.is_dir():
        return f"{folder} does not exist, and nor does the folder it would be made in ({parent})"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{folder} does not exist, and {parent} is a folder you cannot write to"
    return None


# ------------------------------------------------------------------ render + sign (workers)

_worker_key: Any = None


def memoise_qr_polynomials() -> None:
    """Work out each QR error-correction polynomial once per process.

    reportlab's QR encoder rebuilds the Reed-Solomon generator polynomial for every block of
    every code it makes (a certificate's code has about twenty blocks), about a third of the
    encoder's time. The polynomial depends only on the block's error-correction length, and
    the encoder only reads it, so it is kept per length: the codes are the same, bit for bit
    (tests/test_certificates_batch.py), and a certificate takes about 5 ms less CPU.
    """
    from reportlab.graphics.barcode import qrencoder

    util = qrencoder.QRUtil
    if not hasattr(util.getErrorCorrectPolynomial, "cache_info"):
        memo = functools.lru_cache(maxsize=64)(util.getErrorCorrectPolynomial)
        util.getErrorCorrectPolynomial = staticmethod(memo)


def _init_worker(key_path: str, check_permissions: bool) -> None:
    """Each worker loads the key and the fonts once."""
    global _worker_key
    from .keys import load_issuer_key

    _worker_key = load_issuer_key(key_path, check_permissions=check_permissions)
    register_fonts()
    memoise_qr_polynomials()


def _make(key: Any, job: _Job) -> _Made:
    payload_bytes, token = sign_payload(key, job.payload)
    digest = hashlib.sha256(payload_bytes).hexdigest()
    code = qr_text(token, job.verify_url)
    if not token_fits_qr(code):
        return _Made(
            token,
            digest,
            None,
            f"the signed contents are too long for the QR code ({len(code)} characters, at "
            f"most {QR_MAX_BYTES}): shorten the name, organisation or titles",
        )
    return _Made(token, digest, render_to_bytes(job.payload, token, job.paper, job.verify_url))


def _make_in_worker(job: _Job) -> _Made:
    return _make(_worker_key, job)


# ------------------------------------------------------------------ the batch


@dataclass
class BatchSummary:
    issued: int = 0
    already: int = 0
    not_complete: int = 0
    refused: int = 0
    key_created: bool = False


def issue_all(
    store: Records,
    course: Course,
    statuses: Iterable[LearnerStatusLike],
    folder: Path,
    *,
    issuer_key_path: Path,
    create_key: bool,
    check_key_permissions: bool = True,
    paper: str = "letter",
    verify_url: str | None = None,
    today: _dt.date | None = None,
    workers: int | None = None,
    summary: BatchSummary | None = None,
) -> Iterator[Outcome]:
    """One :class:`Outcome` per learner in ``statuses``, in their order, as each is done.

    ``folder`` must exist (see :func:`output_folder_problem`). The key is loaded (or, with
    ``create_key``, created) only when there is a certificate to issue. Raises
    ``IssuerKeyError`` for the key, :class:`BatchError` when the records or the disk fail part
    way (the certificates issued before stay issued and recorded; a re-run carries on).
    """
    if paper not in PAPER_SIZES:
        raise CertificateRefused(f"Unknown paper size {paper!r}; use {' or '.join(PAPER_SIZES)}.")
    today = today or _dt.datetime.now(_dt.UTC).date()
    summary = summary if summary is not None else BatchSummary()
    by_learner: dict[str, list[CertificateRow]] = {}
    for cert in store.certificates():
        if cert.course_id == course.id:
            by_learner.setdefault(cert.learner_id, []).append(cert)

    key: Any = None
    fingerprint_text = ""

    def prepare(status: LearnerStatusLike) -> Outcome | _Job:
        nonlocal key, fingerprint_text
        learner = status.learner
        if not is_complete(status, today):
            return Outcome(learner, "not-complete", not_complete_reason(status))
        assert status.completed_on is not None
        have = completion_certificate(
            by_learner.get(learner.id, ()), course.id, status.completed_on
        )
        if have is not None:
            return Outcome(
                learner, "already", f"issued {have.issued_at.date().isoformat()}", have.id
            )
        progress = course_progress(store, course, learner)
        try:
            _check_printable(
                completed_payload(
                    progress, certificate_id="CHECK", issued=today, key_fingerprint="-"
                )
            )
        except CertificateRefused as exc:
            return Outcome(learner, "refused", _first_reason(str(exc)))
        if key is None:
            from .keys import fingerprint, load_or_create_issuer_key

            key, summary.key_created = load_or_create_issuer_key(
                issuer_key_path, create=create_key, check_permissions=check_key_permissions
            )
            fingerprint_text = fingerprint(key)
        payload = completed_payload(
            progress,
            certificate_id=new_certificate_id(),
            issued=today,
            key_fingerprint=fingerprint_text,
        )
        return _Job(payload, paper, verify_url)

    def finish(learner: LearnerRow, job: _Job, made: _Made) -> Outcome:
        if made.pdf is None:
            return Outcome(learner, "refused", made.problem or "refused")
        p = job.payload
        record = CertificateRow(
            id=p.certificate_id,
            learner_id=learner.id,
            course_id=course.id,
            course_version=course.version,
            issued_at=store.now(),
            valid_until=p.valid_until,
            payload_sha256=made.payload_sha256,
            token=made.token,
        )
        path = folder / batch_file_name(learner.name, course.id, p.certificate_id)
        if os.path.lexists(path):  # a name holding a fresh random id: only if planted
            return Outcome(learner, "refused", f"{path.name} already exists; not replaced")
        try:
            write_new_file(
                path,
                made.pdf,
                before_install=lambda: store.record_certificate(
                    record, unless_issued_since=_dt.date.fromisoformat(p.completed)
                ),
            )
        except AlreadyIssued as exc:  # another issuer recorded one meanwhile: no second
            return Outcome(
                learner, "already", f"issued {exc.issued_at.date().isoformat()}", exc.certificate_id
            )
        except FileExistsError:  # planted between the check and the link: recorded, no file
            return Outcome(
                learner, "refused", f"{path.name} appeared while it was written; not replaced"
            )
        except OSError as exc:
            raise BatchError(f"cannot write {path}: {exc.strerror or exc}") from None
        except Exception as exc:  # a records failure: stop, say so
            raise BatchError(str(exc)) from None
        return Outcome(learner, "issued", f"valid until {p.valid_until}", p.certificate_id, path)

    for outcome in _pipeline(
        statuses, prepare, finish, workers, issuer_key_path, check_key_permissions, lambda: key
    ):
        if outcome.action == "issued":
            summary.issued += 1
        elif outcome.action == "already":
            summary.already += 1
        elif outcome.action == "not-complete":
            summary.not_complete += 1
        else:
            summary.refused += 1
        yield outcome


def _first_reason(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])


def _pipeline(
    statuses: Iterable[LearnerStatusLike],
    prepare: Callable[[LearnerStatusLike], Outcome | _Job],
    finish: Callable[[LearnerRow, _Job, _Made], Outcome],
    workers: int | None,
    key_path: Path,
    check_permissions: bool,
    current_key: Callable[[], Any],
) -> Iterator[Outcome]:
    """Outcomes in order. Jobs go to a process pool once there are enough of them to pay for
    its start-up; until then (and with one worker) they are made here."""
    n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    it = iter(statuses)
    memoise_qr_polynomials()  # for the certificates made here (a small batch, or --jobs 1)
    if n_workers == 1:
        for status in it:
            item = prepare(status)
            yield (
                item
                if isinstance(item, Outcome)
                else finish(status.learner, item, _make(current_key(), item))
            )
        return
    window = n_workers * WINDOW_PER_WORKER
    pending: deque[tuple[LearnerRow, Outcome | _Job, Future[_Made] | None]] = deque()
    pool: ProcessPoolExecutor | None = None

    def drain_one() -> Outcome:
        learner, item, future = pending.popleft()
        if isinstance(item, Outcome):
            return item
        if future is None:  # made here (a small batch)
            return finish(learner, item, _make(current_key(), item))
        try:
            made = future.result()
        except Exception as exc:  # a worker died (out of memory, killed): stop
            raise BatchError(f"a certificate worker failed: {exc!r}") from None
        return finish(learner, item, made)

    try:
        # Small batches never start a pool: jobs are held back until there are
        # POOL_THRESHOLD of them (what comes before the first job is said at once).
        jobs = 0
        for status in it:
            item = prepare(status)
            if isinstance(item, Outcome) and not pending:
                yield item
                continue
            pending.append((status.learner, item, None))
            jobs += isinstance(item, _Job)
            if jobs >= POOL_THRESHOLD:
                break
        if jobs < POOL_THRESHOLD:  # the statuses ran out first
            while pending:
                yield drain_one()
            return
        import multiprocessing

        pool = ProcessPoolExecutor(
            max_workers=n_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(str(key_path), check_permissions),
        )
        pending = deque(
            (learner, item, pool.submit(_make_in_worker, item) if isinstance(item, _Job) else None)
            for learner, item, _ in pending
        )
        for status in it:
            while len(pending) >= window or (pending and pending[0][2] is None):
                yield drain_one()
            item = prepare(status)
            future = pool.submit(_make_in_worker, item) if isinstance(item, _Job) else None
            pending.append((status.learner, item, future))
        while pending:
            yield drain_one()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
