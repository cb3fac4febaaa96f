"""Issue #13: forged certificates, each built by code here, each rejected with a specific line.

Every forgery starts from a genuine certificate (signed with the issuer's key) and the
attacker's own tools; ``trainer verify`` must end with a FAILED line saying what is wrong and
the verdict INVALID (exit 1), or refuse unreadable input (exit 2) — never VALID, never a
traceback, never a hang, never the PDF library's own warnings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from reportlab.pdfgen.canvas import Canvas

from tests.certificate_fixtures import sample_payload
from trainer.certificates.keys import public_key_pem
from trainer.certificates.pagecheck import MAX_CONTENT_BYTES, MAX_OPERATORS
from trainer.certificates.payload import encode_token
from trainer.certificates.pdf import qr_image, render_to_bytes
from trainer.certificates.verify import UnreadableInput, read_input, sign_payload, verify_input
from trainer.cli import main

TODAY = dt.date(2025, 6, 1)
GENUINE = "Alice Genuine"
FORGED = "Mallory Forger"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "certificates"


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def genuine(key: Ed25519PrivateKey) -> tuple[bytes, str]:
    """(PDF bytes, token) of a genuine certificate for GENUINE (ASCII name: easy to edit)."""
    payload = sample_payload(key, learner=GENUINE)
    _, token = sign_payload(key, payload)
    return render_to_bytes(payload, token), token


@pytest.fixture()
def pub_file(key: Ed25519PrivateKey, tmp_path: Path) -> Path:
    path = tmp_path / "issuer-public.pem"
    path.write_text(public_key_pem(key))
    return path


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A guard, not a timing test: a regression that blocks (FIFO) fails instead of hanging."""

    def expired(*_: object) -> None:
        raise TimeoutError("verification blocked")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def run_verify(
    capsys: pytest.CaptureFixture[str], target: str, pub: Path
) -> tuple[int, list[str], str]:
    """Run ``trainer verify``; return (exit status, stdout lines, stderr)."""
    status = main(["verify", target, "--public-key", str(pub)])
    out = capsys.readouterr()
    return status, out.out.splitlines(), out.err


def assert_rejected(
    capsys: pytest.CaptureFixture[str], path: Path, pub: Path, *expected: str
) -> list[str]:
    """Exit 1, verdict INVALID on the last line, and a FAILED line containing each phrase."""
    status, lines, err = run_verify(capsys, str(path), pub)
    failed = [ln for ln in lines if ln.startswith("FAILED: ")]
    assert status == 1, (lines, err)
    assert lines[-1] == "Verdict: INVALID", lines
    for phrase in expected:
        assert any(phrase in ln for ln in failed), (phrase, failed)
    assert "Traceback" not in err
    return failed


def edit_content(pdf: bytes, edit: object) -> bytes:
    """Rewrite page 1's content stream with ``edit(bytes) -> bytes`` (keeps everything else)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[0]
    content = page.get_contents()
    assert content is not None
    new = DecodedStreamObject()
    new.set_data(edit(content.get_data()))  # type: ignore[operator]
    page.replace_contents(new)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- the genuine certificate and the format-1 fixtures verify --------------------------------
def test_genuine_certificate_is_valid(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = verify_input(read_input(str(write(tmp_path, "ok.pdf", genuine[0]))), _pub(pub_file))
    assert result.valid or result.expired, result.failures
    assert result.failures == []


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_format1_certificates_from_the_previous_renderer_still_verify(paper: str) -> None:
    inp = read_input(str(FIXTURES / f"format1-{paper}.pdf"))
    result = verify_input(inp, _pub(FIXTURES / "format1-public.pem"), today=TODAY)
    assert result.valid, result.failures
    assert inp.token == (FIXTURES / f"format1-{paper}.token").read_text().strip()


def _pub(path: Path):  # type: ignore[no-untyped-def]
    from trainer.certificates.keys import load_public_key

    return load_public_key(path)


# ---- the page says something else than the token ---------------------------------------------
def test_edited_score_on_the_page(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = edit_content(genuine[0], lambda c: c.replace(b"(90%)", b"(10%)"))
    assert forged != genuine[0]
    assert_rejected(
        capsys, write(tmp_path, "score.pdf", forged), pub_file,
        "the page text differs from the signed certificate", "10%",
    )  # fmt: skip


def test_edited_valid_until_date_on_the_page(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = edit_content(genuine[0], lambda c: c.replace(b"(14 March 2026)", b"(14 March 2030)"))
    assert forged != genuine[0]
    assert_rejected(
        capsys, write(tmp_path, "date.pdf", forged), pub_file,
        "the page shows “14 March 2030” where the signed certificate has “14 March 2026”",
    )  # fmt: skip


def _forged_page(key: Ed25519PrivateKey, token: str) -> bytes:
    """A page drawn by trainer's own renderer for FORGED, carrying GENUINE's token."""
    return render_to_bytes(sample_payload(key, learner=FORGED), token)


def test_forged_page_with_genuine_name_in_white_one_point_text(
    key: Ed25519PrivateKey,
    genuine: tuple[bytes, str],
    pub_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hidden = f"\nBT 1 1 1 rg /F2+0 1 Tf 40 40 Td ({GENUINE}) Tj ET\n".encode()
    forged = edit_content(_forged_page(key, genuine[1]), lambda c: c + hidden)
    text = PdfReader(io.BytesIO(forged)).pages[0].extract_text()
    assert GENUINE in text and FORGED in text  # the hidden name is really there
    assert_rejected(
        capsys, write(tmp_path, "white.pdf", forged), pub_file,
        f"the page shows “{FORGED}” where the signed certificate has “{GENUINE}”",
    )  # fmt: skip


def test_two_page_pdf_with_forged_page_first(
    key: Ed25519PrivateKey,
    genuine: tuple[bytes, str],
    pub_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(_forged_page(key, genuine[1]))))
    writer.append(PdfReader(io.BytesIO(genuine[0])))
    writer.add_metadata({"/Keywords": genuine[1]})
    buf = io.BytesIO()
    writer.write(buf)
    assert_rejected(
        capsys, write(tmp_path, "two.pdf", buf.getvalue()), pub_file,
        "the PDF has 2 pages; a trainer certificate has exactly one page",
    )  # fmt: skip


def test_image_only_page_with_token_in_metadata(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(792, 612))
    c.setKeywords(genuine[1])
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(qr_image(genuine[1])), 100, 100, 300, 300)  # a "scan"
    c.showPage()
    c.save()
    failed = assert_rejected(
        capsys, write(tmp_path, "scan.pdf", buf.getvalue()), pub_file,
        "the page has no extractable text", "verify the certificate by its token",
    )  # fmt: skip
    assert len(failed) == 1


# ---- the text is right, the drawing is not --------------------------------------------------
INK = b".105882 .164706 .254902 rg"  # reportlab writes no leading zero


def test_genuine_text_drawn_white(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = edit_content(genuine[0], lambda c: c.replace(INK, b"1 1 1 rg", 1))
    assert_rejected(
        capsys, write(tmp_path, "whitened.pdf", forged), pub_file,
        "the page is drawn differently", "a colour",
    )  # fmt: skip


def test_invisible_text_rendering_mode(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = edit_content(genuine[0], lambda c: b"3 Tr\n" + c)
    assert_rejected(
        capsys, write(tmp_path, "invisible.pdf", forged), pub_file,
        "the page is drawn differently at instruction 1", "text rendering mode",
    )  # fmt: skip


def test_tiny_text(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = edit_content(genuine[0], lambda c: c.replace(b"/F2+0 30 Tf", b"/F2+0 1 Tf", 1))
    assert forged != genuine[0]
    assert_rejected(capsys, write(tmp_path, "tiny.pdf", forged), pub_file, "a font or text size")


def test_text_moved_outside_the_page_box(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def move(content: bytes) -> bytes:
        at = content.index(INK)
        moved = re.sub(rb"1 0 0 1 [\d.]+ [\d.]+ Tm", b"1 0 0 1 5000 5000 Tm", content[at:], count=1)
        assert moved != content[at:]
        return content[:at] + moved

    assert_rejected(
        capsys, write(tmp_path, "moved.pdf", edit_content(genuine[0], move)), pub_file,
        "a position or spacing",
    )  # fmt: skip


def test_image_laid_over_the_page(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine[0])))
    page = writer.pages[0]
    xobjects = page["/Resources"]["/XObject"]
    ((_name, image),) = xobjects.items()
    xobjects[NameObject("/Im2")] = image
    content = page.get_contents()
    assert content is not None
    new = DecodedStreamObject()
    new.set_data(content.get_data() + b"\nq 300 0 0 40 250 300 cm /Im2 Do Q\n")
    page.replace_contents(new)
    buf = io.BytesIO()
    writer.write(buf)
    assert_rejected(
        capsys, write(tmp_path, "overlay.pdf", buf.getvalue()), pub_file,
        "the page holds 2 images; a certificate holds exactly one",
    )  # fmt: skip


def test_annotation_drawn_over_the_page(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf.annotations import FreeText

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine[0])))
    writer.add_annotation(0, FreeText(text="Score 10%", rect=(50, 50, 300, 100)))
    buf = io.BytesIO()
    writer.write(buf)
    assert_rejected(
        capsys, write(tmp_path, "annot.pdf", buf.getvalue()), pub_file, "the page has annotations"
    )


# ---- bounded work on hostile input -----------------------------------------------------------
def test_huge_operator_count(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = b"T*\n" * (MAX_OPERATORS + 1000)
    assert len(many) < MAX_CONTENT_BYTES
    forged = edit_content(genuine[0], lambda c: c + many)
    assert_rejected(
        capsys, write(tmp_path, "ops.pdf", forged), pub_file, "drawing operators (limit"
    )


def test_compressed_content_bomb_900000_text_operators(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine[0])))
    page = writer.pages[0]
    content = page.get_contents()
    assert content is not None
    bomb = content.get_data() + b"BT /F3+0 1 Tf " + b"(x) Tj " * 900_000 + b"ET"
    new = DecodedStreamObject()
    new.set_data(bomb)
    page.replace_contents(new)
    page.compress_content_streams()
    buf = io.BytesIO()
    writer.write(buf)
    assert len(buf.getvalue()) < 200_000  # small file, huge content
    assert_rejected(
        capsys, write(tmp_path, "bomb.pdf", buf.getvalue()), pub_file,
        f"decodes to more than {MAX_CONTENT_BYTES:,} bytes",
    )  # fmt: skip


def _raw_token(key: Ed25519PrivateKey, payload_bytes: bytes) -> str:
    return encode_token(payload_bytes, key.sign(payload_bytes))


def test_deeply_nested_json_token(
    key: Ed25519PrivateKey, pub_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = _raw_token(key, b"[" * 30_000 + b"]" * 30_000)
    status, lines, err = run_verify(capsys, token, pub_file)
    assert status == 1 and lines[-1] == "Verdict: INVALID"
    assert any("nested more than" in ln for ln in lines if ln.startswith("FAILED: "))
    assert "Traceback" not in err


def test_huge_integer_token(
    key: Ed25519PrivateKey, pub_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = _raw_token(key, b'{"format":1,"score":' + b"9" * 4_400 + b"}")
    status, lines, err = run_verify(capsys, token, pub_file)
    assert status == 1 and lines[-1] == "Verdict: INVALID"
    assert any("more than 20 digits" in ln for ln in lines if ln.startswith("FAILED: "))
    assert "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_at_once(
    pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    status, _, err = run_verify(capsys, str(fifo), pub_file)
    assert status == 2 and "is a FIFO (named pipe), not a regular file" in err
    status, _, err = run_verify(capsys, "TRC1.abc.def", fifo)
    assert status == 2 and "FIFO" in err


def test_directory_is_refused(pub_file: Path, tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="is a directory"):
        read_input(str(tmp_path))


def test_truncated_pdf_gives_one_message_and_no_library_warnings(
    genuine: tuple[bytes, str],
    pub_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = write(tmp_path, "cut.pdf", genuine[0][: len(genuine[0]) // 2])
    status, lines, err = run_verify(capsys, str(path), pub_file)
    assert status in (1, 2)
    if status == 2:
        assert err.startswith("trainer: cannot read a certificate:") and err.count("\n") == 1
    else:
        assert lines[-1] == "Verdict: INVALID"
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert "Traceback" not in err


def test_oversized_file_is_refused(pub_file: Path, tmp_path: Path) -> None:
    from trainer.certificates.verify import MAX_INPUT_BYTES

    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * MAX_INPUT_BYTES)
    with pytest.raises(UnreadableInput, match="too large"):
        read_input(str(big))


# ---- what verify prints cannot lie -----------------------------------------------------------
ESCAPES = "\x1b[2J\x1b[H\x1b[32mVerdict: VALID\x1b[8m\r\n\x9b1A\u202e"


def test_attacker_key_token_with_escape_sequences(
    key: Ed25519PrivateKey, pub_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    attacker = Ed25519PrivateKey.generate()
    payload = dataclasses.replace(
        sample_payload(attacker, learner=ESCAPES), course_version="1\x1b]0;pwned\x07"
    )
    _, token = sign_payload(attacker, payload)
    status, lines, _ = run_verify(capsys, token, pub_file)
    text = "\n".join(lines)
    assert status == 1
    assert not any(ch in text for ch in "\x1b\x9b\x07\r\u202e")
    assert "Certificate fields as CLAIMED (NOT verified):" in lines
    assert any(ln.startswith("FAILED: signature check failed") for ln in lines)
    assert lines[-1] == "Verdict: INVALID"
    assert [ln for ln in lines if ln.startswith("Verdict:")] == ["Verdict: INVALID"]
    assert "\\x1b[2J" in text  # shown, escaped, not obeyed


# ---- a QR code that opens a verification page (VERIFY_URL#token) -----------------------------
URL = "https://training.example.gov/verify.html"


def test_qr_with_verification_page_verifies_and_names_the_address(
    key: Ed25519PrivateKey, pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = sample_payload(key, learner=GENUINE, valid_until="2999-01-01")
    _, token = sign_payload(key, payload)
    path = write(tmp_path, "url.pdf", render_to_bytes(payload, token, "letter", URL))
    status, lines, _ = run_verify(capsys, str(path), pub_file)
    assert status == 0 and lines[-1].startswith("Verdict: VALID"), lines
    assert any(ln.startswith("Note: the QR code opens " + URL) for ln in lines)


def test_qr_pointing_elsewhere_than_the_subject_says_fails(
    key: Ed25519PrivateKey, pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = sample_payload(key, learner=GENUINE, valid_until="2999-01-01")
    _, token = sign_payload(key, payload)
    evil = render_to_bytes(payload, token, "letter", "https://evil.example/ok.html")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(evil)))
    meta = PdfReader(io.BytesIO(evil)).metadata
    assert meta is not None and meta.subject is not None
    writer.add_metadata({"/Subject": meta.subject.replace("https://evil.example/ok.html", URL)})
    buf = io.BytesIO()
    writer.write(buf)
    assert_rejected(
        capsys, write(tmp_path, "evil.pdf", buf.getvalue()), pub_file,
        "the QR code image is not the QR code trainer draws for this token",
    )  # fmt: skip


def test_font_character_map_bomb(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine[0])))
    fonts = writer.pages[0]["/Resources"]["/Font"].get_object()
    font = next(f.get_object() for f in fonts.values() if "/ToUnicode" in f.get_object())
    bomb = DecodedStreamObject()
    bomb.set_data(b"<00> <0041>\n" * 200_000)
    font[NameObject("/ToUnicode")] = writer._add_object(bomb.flate_encode())
    buf = io.BytesIO()
    writer.write(buf)
    assert len(buf.getvalue()) < 200_000
    assert_rejected(
        capsys, write(tmp_path, "cmap.pdf", buf.getvalue()), pub_file,
        "the font's character map decodes to more than",
    )  # fmt: skip


def test_font_program_swapped(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine[0])))
    fonts = writer.pages[0]["/Resources"]["/Font"].get_object()
    embedded = [
        f.get_object()["/FontDescriptor"].get_object()
        for f in fonts.values()
        if "/FontDescriptor" in f.get_object()
    ]
    # The bold font's glyphs now come from the regular font's program: same text, other shapes.
    embedded[0][NameObject("/FontFile2")] = embedded[1]["/FontFile2"]
    buf = io.BytesIO()
    writer.write(buf)
    assert_rejected(
        capsys, write(tmp_path, "glyphs.pdf", buf.getvalue()), pub_file,
        "the page's fonts differ from the ones trainer embeds",
    )  # fmt: skip


def test_many_pages_are_not_walked(
    genuine: tuple[bytes, str], pub_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = PdfWriter()
    for _ in range(50):
        writer.add_blank_page(792, 612)
    writer.add_metadata({"/Keywords": genuine[1]})
    buf = io.BytesIO()
    writer.write(buf)
    assert_rejected(
        capsys, write(tmp_path, "pages.pdf", buf.getvalue()), pub_file,
        "the PDF says it has 50 pages; a trainer certificate has exactly one page",
    )  # fmt: skip
