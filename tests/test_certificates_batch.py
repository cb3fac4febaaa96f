"""`trainer certificate --all` (issue #16): exactly the complete learners get a certificate,
a re-run issues none, the output folder is checked first, and learner names never steer where
a file goes. The batch's process pool (issue #20) makes the same certificates as one process."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_certificates_issue import course, course_file, data_dir, take
from trainer.bank.model import Course
from trainer.certificates import batch
from trainer.certificates.batch import (
    BatchSummary,
    Outcome,
    batch_file_name,
    completion_certificate,
    issue_all,
    output_folder_problem,
)
from trainer.certificates.keys import default_issuer_key_path, load_issuer_key
from trainer.certificates.verify import read_input, verify_input
from trainer.cli import main
from trainer.compliance.status import statuses
from trainer.records.store import CertificateRow, RecordsStore

__all__ = ["course", "course_file", "data_dir"]  # imported fixtures

DONE = ["Ada Complete", "../../etc/passwd", "Ωμέγα Άλφα"]  # complete: each gets one
NOT_DONE = {"Ben Halfway": "in progress: 1 of 2", "Cat Never": "not started"}
SAFE = re.compile(r"^certificate-test-course-[a-z0-9-]+-[0-9a-z]{4}(-[0-9a-z]{4}){3}\.pdf$")


def _cast(data_dir: Path, course: Course) -> None:
    with RecordsStore.in_dir(data_dir) as store:
        for name in DONE:
            take(store, course, store.add_learner(name, "employee", "Org A"), "mod-a", ok=True)
        ben = store.add_learner("Ben Halfway", "contractor", "Org A", external_id="B-1")
        take(store, course, ben, "mod-a", ok=True)
        store.add_learner("Cat Never", "employee", "Org B")


def _all(data_dir: Path, course_file: Path, out: Path, *extra: str) -> int:
    return main(["certificate", "--all", "-o", str(out), "--data-dir", str(data_dir),
                 "--course", str(course_file), *extra])  # fmt: skip


def test_issues_exactly_the_complete_learners_and_a_rerun_issues_none(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _cast(data_dir, course)
    out = tmp_path / "certs"
    assert _all(data_dir, course_file, out) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert "Created a new issuer key" in captured.err
    assert sorted(ln.split()[0] for ln in lines[:-1]) == ["issued"] * 3 + ["not"] * 2
    for name, why in NOT_DONE.items():
        assert any(ln.startswith("not complete") and name in ln and why in ln for ln in lines)
    assert "(B-1, Org A)" in captured.out  # the external ID tells namesakes apart
    assert lines[-1] == "3 issued, 0 already issued, 2 not complete (test-course 2.1.0)"
    files = sorted(out.iterdir())
    assert len(files) == 3 and all(SAFE.match(f.name) for f in files), files
    assert not (tmp_path / "etc").exists()  # '../../etc/passwd' is only a name
    public = load_issuer_key(default_issuer_key_path(data_dir)).public_key()
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        recorded = {c.id: c for c in store.certificates()}
        by_id = {lr.id: lr.name for lr in store.learners()}
    assert sorted(by_id[c.learner_id] for c in recorded.values()) == sorted(DONE)
    for f in files:
        result = verify_input(read_input(str(f)), public)
        assert result.valid, result.failures
        assert result.payload is not None and result.payload.certificate_id in recorded
        assert f"  {result.payload.certificate_id}: valid until" in captured.out
        assert str(f) in captured.out

    assert _all(data_dir, course_file, out) == 0  # again: nothing new
    again = capsys.readouterr().out.splitlines()
    assert again[-1] == "0 issued, 3 already issued, 2 not complete (test-course 2.1.0)"
    assert sum(ln.startswith("already issued") for ln in again) == 3
    assert sorted(out.iterdir()) == files
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        assert len(store.certificates()) == 3


def test_a_certificate_issued_one_at_a_time_counts(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _cast(data_dir, course)
    common = ["--data-dir", str(data_dir), "--course", str(course_file)]
    assert main(["certificate", "--learner", "Ada Complete", "-o", str(tmp_path / "a.pdf"),
                 *common]) == 0  # fmt: skip
    capsys.readouterr()
    assert _all(data_dir, course_file, tmp_path / "certs", "--organisation", "org a") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "2 issued, 1 already issued, 1 not complete (test-course 2.1.0)"
    assert not any("Cat Never" in ln for ln in lines)  # Org B: not asked for
    assert any(ln.startswith("already issued") and "Ada Complete" in ln for ln in lines)


def test_nothing_to_issue_creates_no_key(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with RecordsStore.in_dir(data_dir) as store:
        store.add_learner("Cat Never", "employee")
    assert _all(data_dir, course_file, tmp_path / "certs") == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 issued, 0 already issued, 1 not")
    assert not default_issuer_key_path(data_dir).exists()


def test_a_name_the_font_cannot_print_is_refused_and_the_rest_issued(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with RecordsStore.in_dir(data_dir) as store:
        for name in ("李小龍", "Dee Fine"):
            take(store, course, store.add_learner(name, "employee"), "mod-a", ok=True)
    assert _all(data_dir, course_file, tmp_path / "certs") == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(ln.startswith("refused") and "李小龍" in ln and "font" in ln for ln in lines)
    assert lines[-1] == "1 issued, 0 already issued, 0 not complete, 1 refused (test-course 2.1.0)"
    assert len(list((tmp_path / "certs").iterdir())) == 1


@pytest.mark.parametrize("case", ["file", "missing-parent", "link-to-file"])
def test_output_folder_refusals(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path, case: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _cast(data_dir, course)
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    out = {"file": target, "missing-parent": tmp_path / "no" / "such",
           "link-to-file": tmp_path / "link"}[case]  # fmt: skip
    if case == "link-to-file":
        out.symlink_to(target)
    assert _all(data_dir, course_file, out) == 2
    err = capsys.readouterr().err
    assert "nothing was issued" in err
    assert target.read_text() == "keep"
    assert not (tmp_path / "no").exists()
    assert not default_issuer_key_path(data_dir).exists()
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        assert store.certificates() == []


def test_a_folder_you_cannot_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root may write anywhere: ask as an ordinary account would be told
        real = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if Path(p) == locked else real(p, mode)
        )
    assert output_folder_problem(locked) == f"{locked} is a folder you cannot write to"
    assert "cannot write to" in (output_folder_problem(locked / "new") or "")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--learner", "Ada Complete"], "not both"),
        (["--force"], "never replaces a file"),
    ],
)
def test_usage_mistakes_exit_2(
    course_file: Path, data_dir: Path, tmp_path: Path, extra: list[str], says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert _all(data_dir, course_file, tmp_path / "certs", *extra) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "certs").exists()


def test_learner_or_all_is_needed(
    course_file: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["-o", str(tmp_path / "c.pdf"), "--data-dir", str(data_dir)]
    assert main(["certificate", *common]) == 2
    assert "--learner NAME (one learner) or --all" in capsys.readouterr().err
    assert main(["certificate", "--organisation", "X", "--learner", "A", *common]) == 2
    assert "--organisation and --jobs go with --all" in capsys.readouterr().err


def test_file_names_are_safe_whatever_the_name() -> None:
    cert_id = "C7KX-9M2P-QR4T-V8WZ"
    for name in ("../../x", "/etc/passwd", ".hidden", "a\\b", "Zoë Łukasiewicz", "日本", "-" * 300):
        made = batch_file_name(name, "test-course", cert_id)
        assert SAFE.match(made) and len(made) < 140 and "/" not in made, made
    assert (
        batch_file_name("Zoë O'Brien", "c", cert_id)
        == "certificate-c-zoe-o-brien-c7kx-9m2p-qr4t-v8wz.pdf"
    )
    assert batch_file_name("日本", "c", cert_id).startswith("certificate-c-learner-")


def _cert(learner_id: str, course_id: str, issued_at: str) -> CertificateRow:
    when = dt.datetime.fromisoformat(issued_at)
    return CertificateRow(issued_at, learner_id, course_id, "1", when, "2030-01-01", "", "")


def test_already_issued_means_issued_on_or_after_the_completion_day() -> None:
    certs = [_cert("L", "c", "2026-03-01T09:00:00Z"), _cert("L", "other", "2026-06-09T09:00:00Z")]
    day = dt.date.fromisoformat
    assert completion_certificate(certs, "c", day("2026-02-28")) == certs[0]
    assert completion_certificate(certs, "c", day("2026-03-01")) == certs[0]  # same day counts
    assert completion_certificate(certs, "c", day("2026-03-02")) is None  # a later completion
    assert completion_certificate(certs, "other", day("2026-06-10")) is None


def _clock(day: str) -> Iterator[str]:
    n = 0
    while True:
        n += 1
        yield f"{day}T10:{n // 60 % 60:02d}:{n % 60:02d}Z"


def _batch(data_dir: Path, course: Course, out: Path, day: str, **kw: object) -> list[Outcome]:
    clock = _clock(day)
    today = dt.date.fromisoformat(day)
    with RecordsStore.in_dir(data_dir, now=lambda: next(clock)) as store:
        found = list(statuses(store, course, today=today))
        return list(issue_all(store, course, found, out, today=today,
                              issuer_key_path=default_issuer_key_path(data_dir),
                              create_key=True, **kw))  # type: ignore[arg-type]  # fmt: skip


def test_a_new_completion_gets_a_new_certificate_and_an_expired_one_none(
    course: Course, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "certs"
    out.mkdir()
    clock = _clock("2026-03-01")
    with RecordsStore.in_dir(data_dir, now=lambda: next(clock)) as store:
        take(store, course, store.add_learner("Eve", "employee"), "mod-a", ok=True)
    assert [o.action for o in _batch(data_dir, course, out, "2026-03-02")] == ["issued"]
    assert [o.action for o in _batch(data_dir, course, out, "2026-05-02")] == ["already"]
    clock = _clock("2026-06-01")  # passed again: a new completion, valid a year from it
    with RecordsStore.in_dir(data_dir, now=lambda: next(clock)) as store:
        learner = store.find_learner("Eve")
        assert learner is not None
        take(store, course, learner, "mod-a", ok=True)
    [again] = _batch(data_dir, course, out, "2026-06-02")
    assert again.action == "issued" and "valid until 2027-06-01" in again.detail
    [late] = _batch(data_dir, course, out, "2027-06-02")
    assert late.action == "not-complete" and "expired on 2027-06-01" in late.detail
    assert len(list(out.iterdir())) == 2


def test_the_process_pool_makes_the_same_certificates(
    course: Course, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "certs"
    out.mkdir()
    names = [f"Pool Learner {n}" for n in range(7)]
    with RecordsStore.in_dir(data_dir) as store:
        for n, name in enumerate(names):
            learner = store.add_learner(name, "employee")
            if n != 3:
                take(store, course, learner, "mod-a", ok=True)

    def not_here(*_: object) -> None:
        raise AssertionError("made in the parent: the pool was not used")

    monkeypatch.setattr(batch, "_make", not_here)  # the spawned workers have their own
    summary = BatchSummary()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    outcomes = _batch(data_dir, course, out, today, workers=2, summary=summary)
    assert [o.learner.name for o in outcomes] == names  # in order
    assert [o.action for o in outcomes] == ["issued"] * 3 + ["not-complete"] + ["issued"] * 3
    assert (summary.issued, summary.not_complete, summary.key_created) == (6, 1, True)
    public = load_issuer_key(default_issuer_key_path(data_dir)).public_key()
    for o in outcomes:
        if o.path is not None:
            result = verify_input(read_input(str(o.path)), public)
            assert result.valid and result.payload is not None, result.failures
            assert (result.payload.learner, result.payload.certificate_id) == (
                o.learner.name, o.certificate_id,
            )  # fmt: skip
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temp files


@pytest.mark.parametrize("jobs", ["0", "65", "-1", "two", "1e3"])
def test_jobs_must_be_a_small_whole_number(
    course_file: Path, data_dir: Path, tmp_path: Path, jobs: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with pytest.raises(SystemExit) as exit_:
        _all(data_dir, course_file, tmp_path / "certs", "--jobs", jobs)
    assert exit_.value.code == 2
    assert "not a number of processes from 1 to 64" in capsys.readouterr().err
    assert not (tmp_path / "certs").exists()


def test_a_file_planted_at_the_name_is_not_replaced_and_nothing_is_recorded(
    course: Course, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "certs"
    out.mkdir()
    with RecordsStore.in_dir(data_dir) as store:
        take(store, course, store.add_learner("Ida Planted", "employee"), "mod-a", ok=True)
    monkeypatch.setattr(batch, "new_certificate_id", lambda: "AAAA-BBBB-CCCC-DDDD")
    planted = out / batch_file_name("Ida Planted", "test-course", "AAAA-BBBB-CCCC-DDDD")
    planted.symlink_to(tmp_path / "elsewhere")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    [outcome] = _batch(data_dir, course, out, today, workers=1)
    assert outcome.action == "refused" and "already exists; not replaced" in outcome.detail
    assert planted.is_symlink() and not (tmp_path / "elsewhere").exists()
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        assert store.certificates() == []


def test_memoised_qr_polynomials_make_the_same_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.graphics.barcode import qrencoder

    from trainer.certificates.pdf import _qr_matrix

    tokens = ["TRC1." + "A" * n for n in (10, 300, 900, 1500, 2000)]  # versions 1 to ~33
    batch.memoise_qr_polynomials()
    batch.memoise_qr_polynomials()  # once is enough: not wrapped twice
    memoised = qrencoder.QRUtil.getErrorCorrectPolynomial
    assert not hasattr(memoised.__wrapped__, "cache_info")
    codes = [_qr_matrix(t) for t in tokens]
    assert memoised.cache_info().hits > 0
    monkeypatch.setattr(qrencoder.QRUtil, "getErrorCorrectPolynomial",
                        staticmethod(memoised.__wrapped__))  # fmt: skip
    assert [_qr_matrix(t) for t in tokens] == codes


def test_a_certificate_recorded_by_another_issuer_meanwhile_is_not_issued_twice(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Two administrators run ``--all`` at once: each read "no certificate yet" before the
    other recorded one. The store refuses the second record for the same completion, so
    the learner is reported as already issued and no second PDF is left behind."""
    _cast(data_dir, course)
    common = ["--data-dir", str(data_dir), "--course", str(course_file)]
    assert main(["certificate", "--learner", "Ada Complete", "-o", str(tmp_path / "a.pdf"),
                 *common]) == 0  # fmt: skip
    capsys.readouterr()
    # The batch's snapshot of issued certificates, taken before the other issuer's record.
    monkeypatch.setattr(RecordsStore, "certificates", lambda self, **_: [])
    out = tmp_path / "certs"
    assert _all(data_dir, course_file, out, "--organisation", "org a") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(ln.startswith("already issued") and "Ada Complete" in ln for ln in lines), lines
    assert lines[-1] == "2 issued, 1 already issued, 1 not complete (test-course 2.1.0)"
    monkeypatch.undo()
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        ada = store.find_learner("Ada Complete")
        assert ada is not None and len(store.certificates(learner_id=ada.id)) == 1
    assert len(list(out.glob("*.pdf"))) == 2 and not list(out.glob(".*.tmp"))
