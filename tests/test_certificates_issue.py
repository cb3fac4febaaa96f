"""Issuing certificates from real records (engine + store) and the CLI commands."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.certificates.issue import CertificateRefused, issue_certificate
from trainer.certificates.keys import IssuerKeyError, default_issuer_key_path
from trainer.certificates.verify import read_input, verify_input
from trainer.cli import main
from trainer.records.store import DB_NAME, LearnerRow, RecordsStore
from trainer.session import Session

NAME = "Zoë Łukasiewicz-Ñúñez"

COURSE = """\
kind: course
format: 1
id: test-course
title: "Test course"
version: "2.1.0"
certificate_title: "Test Certificate Title"
issuer: "Example Training Office"
validity_months: 12
resources: resources.yaml
modules:
  - {file: modules/a.yaml, id: mod-a}
  - {file: modules/b.yaml, id: mod-b, roles: [contractor]}
  - {file: modules/c.yaml, id: mod-c, required: false}
"""

RESOURCES = """\
kind: resources
format: 1
title: "Reporting and help"
sections:
  - heading: "Help"
    lines: ["Ask your supervisor."]
    sources: [K1]
contacts:
  - {name: "Example contact", phone: "000"}
sources:
  K1: {title: "Example source", publisher: "Example publisher"}
"""

MODULE = """\
kind: module
format: 1
id: mod-{x}
title: "Module {x} title"
version: "1.0.{n}"
summary: "Summary."
objectives: ["Objective."]
pass_mark: 100
estimated_minutes: 5
sources:
  K1: {{title: "Example source", publisher: "Example publisher"}}
scenarios:
  - id: s-{x}
    title: "Scenario"
    tags: [initial-consent]
    narrative: "A situation."
    start: q1
    steps:
      - id: q1
        type: single
        prompt: "Which?"
        points: 1
        explanation: "Because."
        sources: [K1]
        choices:
          - {{id: right, text: "Right", correct: true, feedback: "Yes."}}
          - {{id: wrong, text: "Wrong", correct: false, feedback: "No."}}
"""


@pytest.fixture
def course_file(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    (root / "modules").mkdir(parents=True)
    (root / "course.yaml").write_text(COURSE, encoding="utf-8")
    (root / "resources.yaml").write_text(RESOURCES, encoding="utf-8")
    for n, x in enumerate("abc"):
        (root / "modules" / f"{x}.yaml").write_text(MODULE.format(x=x, n=n), encoding="utf-8")
    return root / "course.yaml"


@pytest.fixture
def course(course_file: Path) -> Course:
    loaded = load_course(course_file)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def take(
    store: RecordsStore, course: Course, learner: LearnerRow, module_id: str, ok: bool
) -> None:
    """Take a module through the real session/engine path, answering right or wrong."""
    session = Session.start_new(store, course, course.module(module_id), learner, seed=1)
    while not session.finished:
        q = session.current
        assert q is not None
        pick = next(c.id for c in q.step.choices if c.correct == ok)
        session.answer([pick])


def test_passed_course_issues_a_verifiable_recorded_pdf(
    course: Course, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cert.pdf"
    key_path = default_issuer_key_path(data_dir)
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner(NAME, "contractor", organisation="Example Agency")
        take(store, course, learner, "mod-a", ok=False)  # a fail first, then passes
        take(store, course, learner, "mod-a", ok=True)
        take(store, course, learner, "mod-b", ok=True)
        issued = issue_certificate(store, course, NAME, out, issuer_key_path=key_path, paper="a4")
        rows = store.certificates(learner_id=learner.id)
    assert issued.key_created and stat.S_IMODE(key_path.stat().st_mode) == 0o600
    text = PdfReader(out).pages[0].extract_text()
    for expected in (NAME, "Example Agency", "Test course", "2.1.0", "Test Certificate Title",
                     "Module a title", "Module b title", "100%", issued.certificate_id,
                     "Example Training Office"):  # fmt: skip
        assert expected in text, expected
    assert "Module c title" not in text  # optional modules are not on the certificate
    p = issued.payload
    assert [m.id for m in p.modules] == ["mod-a", "mod-b"]
    assert p.modules[0].sha256 == course.module("mod-a").sha256
    assert p.modules[1].version == "1.0.1"
    completed = dt.date.fromisoformat(p.completed)
    assert p.valid_until == completed.replace(year=completed.year + 1).isoformat()
    assert [(r.id, r.course_id, r.payload_sha256, r.token) for r in rows] == [
        (issued.certificate_id, "test-course", issued.payload_sha256, issued.token)
    ]
    result = verify_input(read_input(str(out)), _public(key_path))
    assert result.valid, result.failures
    assert not list(out.parent.glob(".cert.pdf.*"))  # no temp file left


def _public(key_path: Path):  # type: ignore[no-untyped-def]
    from trainer.certificates.keys import load_issuer_key

    return load_issuer_key(key_path).public_key()


@pytest.mark.parametrize(
    ("role", "plan", "expect"),
    [
        ("employee", [], "not started"),
        ("employee", [("mod-a", False)], "failed so far"),
        ("contractor", [("mod-a", True)], "Module b title"),  # contractors need mod-b too
        ("contractor", [("mod-a", True), ("mod-b", False)], "best score 0%"),
    ],
)
def test_failed_or_incomplete_course_is_refused(
    course: Course, data_dir: Path, tmp_path: Path, role: str, plan: list, expect: str
) -> None:
    out = tmp_path / "cert.pdf"
    key_path = default_issuer_key_path(data_dir)
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner("Sam Example", role)
        for module_id, ok in plan:
            take(store, course, learner, module_id, ok)
        with pytest.raises(CertificateRefused) as err:
            issue_certificate(store, course, learner, out, issuer_key_path=key_path)
        assert store.certificates() == []
    assert "has not passed every module required" in str(err.value)
    assert expect in str(err.value)
    assert not out.exists()
    assert not key_path.exists()  # a refusal never creates a key


def test_employee_needs_only_their_modules(course: Course, data_dir: Path, tmp_path: Path) -> None:
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner("Emp Loyee", "employee")
        take(store, course, learner, "mod-a", ok=True)
        issued = issue_certificate(
            store, course, learner, tmp_path / "e.pdf",
            issuer_key_path=default_issuer_key_path(data_dir),
        )  # fmt: skip
    assert [m.id for m in issued.payload.modules] == ["mod-a"]


def test_expired_completion_is_refused(course: Course, data_dir: Path, tmp_path: Path) -> None:
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner("Old Timer", "employee")
        take(store, course, learner, "mod-a", ok=True)
        with pytest.raises(CertificateRefused, match="expired"):
            issue_certificate(
                store, course, learner, tmp_path / "x.pdf",
                issuer_key_path=default_issuer_key_path(data_dir),
                today=dt.date.today() + dt.timedelta(days=800),
            )  # fmt: skip


def test_damaged_key_is_not_overwritten_when_issuing(
    course: Course, data_dir: Path, tmp_path: Path
) -> None:
    key_path = default_issuer_key_path(data_dir)
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner("Kay", "employee")
        take(store, course, learner, "mod-a", ok=True)
        key_path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nbroken\n")
        with pytest.raises(IssuerKeyError, match="damaged"):
            issue_certificate(store, course, learner, tmp_path / "k.pdf", issuer_key_path=key_path)
        assert store.certificates() == []
    assert key_path.read_bytes() == b"-----BEGIN PRIVATE KEY-----\nbroken\n"


# ---- CLI ------------------------------------------------------------------------------
def _learner_with_pass(data_dir: Path, course: Course, name: str = NAME) -> None:
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner(name, "employee", organisation="Example Agency")
        take(store, course, learner, "mod-a", ok=True)


def test_cli_issue_verify_and_public_key(
    course: Course,
    course_file: Path,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _learner_with_pass(data_dir, course)
    out = tmp_path / "c.pdf"
    common = ["--data-dir", str(data_dir), "--course", str(course_file)]
    assert main(["certificate", "--learner", NAME, "-o", str(out), *common]) == 0
    captured = capsys.readouterr()
    assert "Created a new issuer key" in captured.err and str(out) in captured.out

    assert main(["verify", str(out), "--data-dir", str(data_dir)]) == 0
    text = capsys.readouterr().out
    assert (
        "Verdict: VALID" in text and NAME in text and "this installation's own issuer key" in text
    )
    labels = (
        "Certificate ID",
        "Organisation",
        "Role",
        "Course version",
        "Completed",
        "Valid until",
        "Issued",
        "Issuer",
        "Module 1",
        "sha256",
        "Payload format",
    )
    for label in labels:
        assert label in text, label

    assert main(["keys", "public", "--data-dir", str(data_dir)]) == 0
    pem_out = capsys.readouterr().out
    assert pem_out.startswith("-----BEGIN PUBLIC KEY-----") and "Fingerprint:" in pem_out
    pub = tmp_path / "issuer.pub.pem"
    pub.write_text(pem_out.split("Fingerprint:")[0])

    # Verification elsewhere needs only the published public key (and no local key is made).
    elsewhere = tmp_path / "elsewhere"
    token = PdfReader(out).metadata["/Keywords"]  # type: ignore[index]
    assert main(["verify", token, "--public-key", str(pub), "--data-dir", str(elsewhere)]) == 0
    assert not elsewhere.exists()
    assert "Caution" not in capsys.readouterr().out

    # A tampered token fails with 1; unreadable input gives 2.
    prefix, body, sig = token.split(".")
    bad_sig = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    assert main(["verify", f"{prefix}.{body}.{bad_sig}", "--public-key", str(pub)]) == 1
    assert "FAILED: signature check failed" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "nope.pdf"), "--public-key", str(pub)]) == 2
    assert main(["verify", str(out), "--data-dir", str(elsewhere)]) == 2  # no key to check with
    assert "--public-key" in capsys.readouterr().err


def test_cli_refusal_and_org_key(
    course: Course,
    course_file: Path,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    common = ["--data-dir", str(data_dir), "--course", str(course_file)]
    with RecordsStore.in_dir(data_dir) as store:
        store.add_learner("Not Yet", "employee")
    assert (
        main(["certificate", "--learner", "Not Yet", "-o", str(tmp_path / "n.pdf"), *common]) == 1
    )
    assert "has not passed every module" in capsys.readouterr().err
    assert main(["certificate", "--learner", "Nobody", "-o", str(tmp_path / "n.pdf"), *common]) == 1
    assert "No learner named" in capsys.readouterr().err

    # An organisation key: generated once, used with --issuer-key, never created implicitly.
    _learner_with_pass(data_dir, course, "Org Learner")
    org = tmp_path / "org" / "org-key.pem"
    missing = ["--issuer-key", str(tmp_path / "missing.pem")]
    out = tmp_path / "o.pdf"
    assert main(["certificate", "--learner", "Org Learner", "-o", str(out), *missing, *common]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["keys", "generate", str(org)]) == 0
    assert main(["keys", "generate", str(org)]) == 1  # never overwritten
    assert stat.S_IMODE(org.stat().st_mode) == 0o600
    assert main(["certificate", "--learner", "Org Learner", "-o", str(out),
                 "--issuer-key", str(org), *common]) == 0  # fmt: skip
    assert not default_issuer_key_path(data_dir).exists()
    capsys.readouterr()
    assert main(["keys", "public", "--issuer-key", str(org)]) == 0
    pub = tmp_path / "org.pub"
    pub.write_text(capsys.readouterr().out.split("Fingerprint:")[0])
    assert main(["verify", str(out), "--public-key", str(pub)]) == 0
    # The record is in the lead's certificates table.
    with sqlite3.connect(data_dir / DB_NAME) as db:
        assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == 1


def test_cli_course_id_must_match(
    course: Course,
    course_file: Path,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _learner_with_pass(data_dir, course)
    args = ["certificate", "--learner", NAME, "-o", str(tmp_path / "x.pdf"),
            "--data-dir", str(data_dir), "--course", str(course_file)]  # fmt: skip
    assert main([*args, "--course-id", "other-course"]) == 2
    assert "not 'other-course'" in capsys.readouterr().err
    assert main([*args, "--course-id", "test-course"]) == 0


@pytest.mark.parametrize("name", ["张伟 Wei Zhang", "محمد علي"])
def test_name_the_font_cannot_show_is_refused(
    course: Course, data_dir: Path, tmp_path: Path, name: str
) -> None:
    key_path = default_issuer_key_path(data_dir)
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner(name, "employee")
        take(store, course, learner, "mod-a", ok=True)
        with pytest.raises(CertificateRefused, match="cannot show some characters") as err:
            issue_certificate(store, course, learner, tmp_path / "x.pdf", issuer_key_path=key_path)
        assert store.certificates() == []
    assert "learner name" in str(err.value) and "U+" in str(err.value)
    assert not (tmp_path / "x.pdf").exists()
    assert not key_path.exists()


@pytest.mark.parametrize(
    "name", ["Ἀριστοτέλης Παππάς", "Nguyễn Thị Ánh", "Şükrü Çağlar", "Иван Петров"]
)
def test_names_in_other_scripts_round_trip(
    course: Course, data_dir: Path, tmp_path: Path, name: str
) -> None:
    key_path = default_issuer_key_path(data_dir)
    out = tmp_path / "n.pdf"
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.add_learner(name, "employee")
        take(store, course, learner, "mod-a", ok=True)
        issue_certificate(store, course, learner, out, issuer_key_path=key_path)
    assert name in PdfReader(out).pages[0].extract_text()
    assert verify_input(read_input(str(out)), _public(key_path)).valid


def test_issue_uses_the_records_clock_not_the_machines(course: Course, tmp_path: Path) -> None:
    """The issue date and the recorded issued_at come from the store's (injected) clock."""
    clock = lambda: "2031-05-06T07:08:09Z"  # noqa: E731
    with RecordsStore.in_dir(tmp_path / "data", now=clock) as store:
        learner = store.add_learner("Clock Test", "employee")
        take(store, course, learner, "mod-a", ok=True)
        issue_certificate(
            store, course, learner, tmp_path / "cert.pdf", issuer_key_path=tmp_path / "k.pem"
        )
        (cert,) = store.certificates()
    assert cert.issued_at == dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert cert.valid_until.startswith("2032-05")
