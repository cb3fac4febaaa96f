"""Issue #13: `certificate -o` never replaces or writes through a link without --force; the
issuer key must be private; names that do not fit are refused; verify output cannot lie."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.certificate_fixtures import sample_payload
from tests.test_certificates_issue import (  # fixtures, reused
    _learner_with_pass,
    course,
    course_file,
    data_dir,
)
from trainer.bank.model import Course
from trainer.certificates.issue import CertificateRefused, _check_printable
from trainer.certificates.keys import (
    IssuerKeyError,
    create_issuer_key,
    default_issuer_key_path,
    load_issuer_key,
    load_or_create_issuer_key,
    public_key_pem,
)
from trainer.certificates.pdf import QR_MAX_BYTES, render_to_bytes, token_fits_qr
from trainer.certificates.verify import sign_payload
from trainer.cli import main
from trainer.safetext import is_dangerous

__all__ = ["course", "course_file", "data_dir"]  # imported fixtures
NAME = "Zoë Łukasiewicz-Ñúñez"


def _cert_args(out: Path, data_dir: Path, course_file: Path) -> list[str]:
    return ["certificate", "--learner", NAME, "-o", str(out),
            "--data-dir", str(data_dir), "--course", str(course_file)]  # fmt: skip


def test_existing_output_is_not_replaced_without_force(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _learner_with_pass(data_dir, course)
    out = tmp_path / "c.pdf"
    out.write_bytes(b"precious")
    assert main(_cert_args(out, data_dir, course_file)) == 1
    assert "already exists; it was not changed" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"
    assert main([*_cert_args(out, data_dir, course_file), "--force"]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_symlink_is_never_written_through(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _learner_with_pass(data_dir, course)
    target = tmp_path / "victim.txt"
    target.write_text("do not touch")
    link = tmp_path / "c.pdf"
    link.symlink_to(target)
    assert main(_cert_args(link, data_dir, course_file)) == 1
    assert target.read_text() == "do not touch" and link.is_symlink()
    dangling = tmp_path / "d.pdf"
    dangling.symlink_to(tmp_path / "created-through-link.pdf")
    assert main(_cert_args(dangling, data_dir, course_file)) == 1
    assert not (tmp_path / "created-through-link.pdf").exists()
    capsys.readouterr()
    # --force replaces the link itself; the file it pointed to is left alone.
    assert main([*_cert_args(link, data_dir, course_file), "--force"]) == 0
    assert target.read_text() == "do not touch"
    assert not link.is_symlink() and link.read_bytes().startswith(b"%PDF-")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_key_file_readable_by_others_is_refused_unless_forced(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _learner_with_pass(data_dir, course)
    key_path = default_issuer_key_path(data_dir)
    create_issuer_key(key_path)
    key_path.chmod(0o644)
    out = tmp_path / "c.pdf"
    assert main(_cert_args(out, data_dir, course_file)) == 2
    err = capsys.readouterr().err
    assert "can be read by other users (mode 0644)" in err and f"chmod 600 {key_path}" in err
    assert not out.exists()
    assert main(["keys", "public", "--data-dir", str(data_dir)]) == 2
    assert "chmod 600" in capsys.readouterr().err
    assert main(["keys", "public", "--data-dir", str(data_dir), "--force"]) == 0
    assert main([*_cert_args(out, data_dir, course_file), "--force"]) == 0
    key_path.chmod(0o600)
    assert load_or_create_issuer_key(key_path)[0] is not None
    # Verification reads only the public half: it does not insist on the mode.
    key_path.chmod(0o640)
    assert load_issuer_key(key_path) is not None
    with pytest.raises(IssuerKeyError, match="other users"):
        load_issuer_key(key_path, check_permissions=True)


def test_name_longer_than_the_limit_is_refused_before_signing() -> None:
    key = Ed25519PrivateKey.generate()
    _check_printable(sample_payload(key, learner="x" * 200))
    with pytest.raises(CertificateRefused, match="201 characters long; the limit is 200"):
        _check_printable(sample_payload(key, learner="x" * 201))
    with pytest.raises(CertificateRefused, match="U\\+001B"):
        _check_printable(sample_payload(key, learner="Eve\x1b[2J"))


def test_token_too_long_for_a_qr_code_is_refused_not_a_crash() -> None:
    key = Ed25519PrivateKey.generate()
    # Incompressible: random letters from a wide alphabet, ~1,500 characters.
    rng = __import__("random").Random(7)
    name = "".join(chr(rng.randrange(0x100, 0x17F)) for _ in range(1_500))
    payload = sample_payload(key, learner=name)
    _, token = sign_payload(key, payload)
    assert len(token) > QR_MAX_BYTES and not token_fits_qr(token)
    with pytest.raises(ValueError, match="QR code holds at most"):
        render_to_bytes(payload, token)


# ---- hypothesis: whatever the fields hold, the output is terminal-safe and ends in the verdict
FIELD_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["\x1b[2J", "\x1b]0;x\x07", "\x9b", "\r", "\n", "\u202e", "\x7f", "\t"]),
        st.text(st.characters(codec="utf-8"), max_size=8),
    ),
    max_size=6,
).map("".join)


@pytest.fixture(scope="module")
def signer() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    learner=FIELD_TEXT,
    organisation=FIELD_TEXT,
    course_title=FIELD_TEXT,
    version=FIELD_TEXT,
    right_key=st.booleans(),
    expired=st.booleans(),
)
def test_verify_output_is_terminal_safe_and_ends_with_the_true_verdict(
    signer: Ed25519PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    learner: str,
    organisation: str,
    course_title: str,
    version: str,
    right_key: bool,
    expired: bool,
) -> None:
    until = dt.date.today() + dt.timedelta(days=-3 if expired else 300)
    payload = dataclasses.replace(
        sample_payload(signer),
        learner=learner,
        organisation=organisation,
        course_title=course_title,
        course_version=version,
        valid_until=until.isoformat(),
    )
    _, token = sign_payload(signer, payload)
    verifier = signer if right_key else Ed25519PrivateKey.generate()
    pub = tmp_path / "pub.pem"
    pub.write_text(public_key_pem(verifier))
    status = main(["verify", token, "--public-key", str(pub)])
    out = capsys.readouterr()
    for stream in (out.out, out.err):
        assert not any(is_dangerous(ch) for ch in stream if ch != "\n")
    lines = out.out.splitlines()
    if not right_key:
        want, want_status = "Verdict: INVALID", 1
    elif expired:
        want, want_status = "Verdict: EXPIRED", 1
    else:
        want, want_status = "Verdict: VALID", 0
    assert lines[-1].startswith(want), lines[-3:]
    assert status == want_status
    assert sum(ln.startswith("Verdict:") for ln in lines) == 1


def test_write_new_file_records_before_it_appears_and_leaves_nothing_on_failure(
    tmp_path: Path,
) -> None:
    from trainer.certificates.safeio import write_new_file

    out = tmp_path / "x.pdf"
    seen: list[bool] = []
    write_new_file(out, b"one", before_install=lambda: seen.append(out.exists()))
    assert seen == [False] and out.read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        write_new_file(out, b"two")

    def refuse() -> None:
        raise RuntimeError("record failed")

    with pytest.raises(RuntimeError):
        write_new_file(out, b"three", replace=True, before_install=refuse)
    assert out.read_bytes() == b"one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pdf"]


def test_read_regular_file_limits(tmp_path: Path) -> None:
    from trainer.certificates.safeio import NotARegularFile, TooLarge, read_regular_file

    f = tmp_path / "f"
    f.write_bytes(b"12345")
    assert read_regular_file(f, 5)[0] == b"12345"
    with pytest.raises(TooLarge):
        read_regular_file(f, 4)
    with pytest.raises(NotARegularFile, match="directory"):
        read_regular_file(tmp_path, 100)
