"""The certificate PDF: text, metadata, fonts, and verification of the PDF itself."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter

from tests.certificate_fixtures import NAME, sample_payload
from trainer.certificates.keys import fingerprint
from trainer.certificates.pdf import render_to_bytes
from trainer.certificates.verify import (
    UnreadableInput,
    read_input,
    sign_payload,
    token_from_page_text,
    verify_input,
)

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def render(
    key: Ed25519PrivateKey, tmp_path: Path, paper: str = "letter", **kw: str
) -> tuple[Path, str]:
    payload = sample_payload(key, **kw)
    _, token = sign_payload(key, payload)
    out = tmp_path / f"{payload.certificate_id}-{paper}.pdf"
    out.write_bytes(render_to_bytes(payload, token, paper))
    return out, token


def test_pdf_is_one_page_with_extractable_text(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    path, token = render(key, tmp_path)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        NAME,  # Unicode name survives extraction
        "Example Agency",
        "Contractor",
        "Recognising Victims Who Appear to Consent",
        "When consent isn't consent",
        "1.0.0",
        "Consent that isn't",
        "90%",
        "85%",
        "C7KX-9M2P-QR4T-V8WZ",
        "14 March 2025",
        "14 March 2026",
        "Example Agency Training Office",
        fingerprint(key),
    ):
        assert expected in text, expected
    assert token_from_page_text(text) == token


def test_page_size_letter_and_a4_landscape(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    letter, _ = render(key, tmp_path, "letter")
    a4, _ = render(key, tmp_path, "a4")
    lbox = PdfReader(letter).pages[0].mediabox
    abox = PdfReader(a4).pages[0].mediabox
    assert (round(float(lbox.width)), round(float(lbox.height))) == (792, 612)
    assert (round(float(abox.width)), round(float(abox.height))) == (842, 595)
    with pytest.raises(ValueError):
        render(key, tmp_path, "legal")


def test_metadata_title_author_language_and_embedded_font(
    key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    path, token = render(key, tmp_path)
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta is not None
    assert NAME in meta.title and "Recognising Victims" in meta.title
    assert meta.author == "Example Agency Training Office"
    assert meta.get("/Keywords") == token
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(f.get_object()["/BaseFont"]) for f in fonts.values()]
    embedded = [
        f.get_object()["/FontDescriptor"].get_object()
        for f in fonts.values()
        if "DejaVu" in str(f.get_object()["/BaseFont"])
    ]
    assert any("DejaVu" in n for n in names)
    assert embedded and all("/FontFile2" in d for d in embedded)


def test_pdf_verifies(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    path, _ = render(key, tmp_path)
    inp = read_input(str(path))
    assert inp.kind == "pdf" and inp.pdf is not None
    assert inp.pdf.metadata_token == inp.pdf.page_token
    result = verify_input(inp, key.public_key(), today=TODAY)
    assert result.valid, result.failures
    assert result.payload is not None and result.payload.learner == NAME


def _with_keywords(src: Path, dst: Path, keywords: str) -> None:
    reader = PdfReader(src)
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata({"/Keywords": keywords})
    with dst.open("wb") as fh:
        writer.write(fh)


def test_swapped_metadata_token_fails(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    mine, _ = render(key, tmp_path)
    _, other_token = render(
        key, tmp_path, learner="Ann Other", certificate_id="AAAA-BBBB-CCCC-DDDD"
    )
    swapped = tmp_path / "swapped.pdf"
    _with_keywords(mine, swapped, other_token)
    result = verify_input(read_input(str(swapped)), key.public_key(), today=TODAY)
    assert not result.valid
    joined = " ".join(result.failures)
    assert "differs from the token printed on the page" in joined
    assert "does not show the signed learner name" in joined


def test_page_that_does_not_show_the_signed_name_fails(
    key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    # A page whose only token is another learner's (metadata stripped): the visible name
    # no longer matches the signed one.
    mine, _ = render(key, tmp_path)
    _, other_token = render(
        key, tmp_path, learner="Ann Other", certificate_id="AAAA-BBBB-CCCC-DDDD"
    )
    inp = read_input(str(mine))
    assert inp.pdf is not None
    inp.token = other_token
    inp.pdf.metadata_token = None
    inp.pdf.page_token = other_token
    result = verify_input(inp, key.public_key(), today=TODAY)
    assert result.signature_ok and not result.valid
    assert any("learner name" in f for f in result.failures)


def test_tampered_metadata_token_fails(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    path, token = render(key, tmp_path)
    prefix, body, sig = token.split(".")
    flipped = sig[:-3] + ("A" if sig[-3] != "A" else "B") + sig[-2:]
    bad = tmp_path / "bad.pdf"
    _with_keywords(path, bad, f"{prefix}.{body}.{flipped}")
    result = verify_input(read_input(str(bad)), key.public_key(), today=TODAY)
    assert not result.valid


def test_pdf_without_metadata_uses_page_text(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    path, _ = render(key, tmp_path)
    stripped = tmp_path / "stripped.pdf"
    _with_keywords(path, stripped, "")
    inp = read_input(str(stripped))
    assert inp.pdf is not None and inp.pdf.metadata_token is None
    result = verify_input(inp, key.public_key(), today=TODAY)
    assert result.valid, result.failures
    assert any("only in the PDF page text" in n for n in result.notes)


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput):
        read_input(str(tmp_path / "missing.pdf"))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n garbage garbage")
    with pytest.raises(UnreadableInput):
        read_input(str(junk))
    plain = tmp_path / "plain.pdf"
    buf = io.BytesIO()
    w = PdfWriter()
    w.add_blank_page(100, 100)
    w.write(buf)
    plain.write_bytes(buf.getvalue())
    with pytest.raises(UnreadableInput, match="no certificate token"):
        read_input(str(plain))
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(UnreadableInput):
        read_input(str(binary))


def test_token_text_file_is_accepted(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    _, token = render(key, tmp_path)
    f = tmp_path / "token.txt"
    f.write_text(token[:100] + "\n" + token[100:] + "\n")
    inp = read_input(str(f))
    assert inp.kind == "file" and inp.token == token


def test_long_name_is_not_shortened(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    long_name = "Maximiliane Alexandrina von Hohenzollern-Sigmaringen-Weißenfels Ødegård Þórsdóttir"
    path, _ = render(key, tmp_path, learner=long_name)
    text = PdfReader(path).pages[0].extract_text()
    assert long_name in text
    assert verify_input(read_input(str(path)), key.public_key(), today=TODAY).valid


def test_shipped_sample_still_verifies() -> None:
    """docs/sample-certificate.pdf is a fixed TRC1 vector: a format change would break it."""
    from trainer.certificates.keys import load_public_key

    docs = Path(__file__).resolve().parent.parent / "docs"
    public = load_public_key(docs / "sample-issuer-public.pem")
    inp = read_input(str(docs / "sample-certificate.pdf"))
    result = verify_input(inp, public, today=dt.date(2027, 1, 1))
    assert result.valid, result.failures
    assert result.payload is not None and result.payload.learner == NAME
    assert inp.pdf is not None and inp.pdf.metadata_token == inp.pdf.page_token
    # ...and a different key must not accept it.
    assert not verify_input(inp, Ed25519PrivateKey.generate().public_key()).valid


@pytest.mark.parametrize("size", [1, 40, 200, 600, 1200])
def test_the_memoised_qr_generator_polynomial_gives_the_same_codes(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trainer.certificates.pdf builds reportlab's Reed-Solomon generator polynomial once per
    length: the codes are module for module those of reportlab's own encoder."""
    from reportlab.graphics.barcode import qrencoder

    from trainer.certificates import pdf

    token = "".join(chr(48 + (i * 7919) % 75) for i in range(size))
    memoised = pdf._qr_matrix(token)
    assert pdf._qr_matrix(token) == memoised  # the cached polynomials, used again
    assert qrencoder.QRUtil.getErrorCorrectPolynomial.cache_info().hits > 0
    monkeypatch.setattr(qrencoder.QRUtil, "getErrorCorrectPolynomial", staticmethod(pdf._GENERATOR))
    assert pdf._qr_matrix(token) == memoised
