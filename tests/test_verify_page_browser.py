"""The offline verification page in a real browser (headless Chromium driven by Playwright).

Each token vector (tests/verify_vectors.py) gets the same verdict from the page as from
`trainer verify`; fields from a token are shown as text, never as markup; the page makes no
network request.
"""

from __future__ import annotations

import datetime as _dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import service_missing
from tests.verify_vectors import HOSTILE, TODAY, TRUSTED, vectors
from trainer.certificates.pdf import render_to_bytes
from trainer.certificates.verify import sign_payload, verify_token
from trainer.certificates.webpage import PageKey, build_page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VECTORS = vectors()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = _chromium()
    if exe is None:
        service_missing("no Chromium on this machine (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    other = TRUSTED.public_key()  # the same key twice under two labels: rotation lists
    html = build_page(
        [PageKey("2025 key", TRUSTED.public_key()), PageKey("old key", other)],
        "Example Agency <Training>",
    )
    path = tmp_path_factory.mktemp("page") / "verify.html"
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


@pytest.fixture
def page(browser: Any, page_url: str) -> Iterator[Any]:
    context = browser.new_context()
    requests: list[str] = []
    pg = context.new_page()
    pg.on("request", lambda r: requests.append(r.url))
    pg.clock.set_fixed_time(_dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0))
    pg.goto(page_url)
    pg.requests_made = requests  # type: ignore[attr-defined]
    yield pg
    assert [u for u in requests if not u.startswith("file:")] == [], "the page made a request"
    context.close()


def _check(pg: Any, token: str) -> str:
    pg.fill("#token", token)
    pg.click("button[type=submit]")
    pg.wait_for_function("document.getElementById('result').dataset.verdict !== undefined")
    return str(pg.get_attribute("#result", "data-verdict"))


def _python_verdict(token: str) -> str:
    from trainer.certificates.payload import clean_token

    verdict = verify_token(clean_token(token), TRUSTED.public_key(), TODAY).verdict
    return verdict.split()[0]


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_page_and_trainer_verify_agree_on_every_vector(page: Any, vector: Any) -> None:
    assert _python_verdict(vector.token) == vector.expected
    assert _check(page, vector.token) == vector.expected
    text = page.inner_text("#result")
    if vector.expected == "INVALID":
        assert "FAILED:" in text
        assert "INVALID" in page.inner_text("#verdict")


def test_genuine_token_shows_every_signed_field(page: Any) -> None:
    from tests.verify_vectors import _genuine

    payload = _genuine()
    _check(page, sign_payload(TRUSTED, payload)[1])
    shown = " ".join(page.inner_text("#fields").split())
    for label, value in payload.display_fields():
        assert label in shown
        assert " ".join(value.split()) in shown
    assert "VALID" in page.inner_text("#verdict")
    assert "2025 key" in page.inner_text("#key-used")
    assert page.inner_text("#fields-heading") == "Certificate fields (signed)"


def test_tampered_field_is_invalid_with_the_reason(page: Any) -> None:
    tampered = next(v for v in VECTORS if v.name == "tampered-learner")
    _check(page, tampered.token)
    assert "contents were changed after signing" in page.inner_text("#problems")
    assert "NOT verified" in page.inner_text("#fields-heading")


def test_html_and_escapes_in_fields_render_as_text(page: Any) -> None:
    vector = next(v for v in VECTORS if v.name == "hostile-fields-genuine-key")
    _check(page, vector.token)
    assert page.query_selector("#fields img") is None
    assert page.query_selector("#fields b") is None
    assert '<img src=x onerror="alert(1)">' in page.inner_text("#fields")


def test_token_in_the_address_fragment_is_checked_on_load(browser: Any, page_url: str) -> None:
    token = next(v for v in VECTORS if v.name == "genuine").token
    context = browser.new_context()
    pg = context.new_page()
    pg.clock.set_fixed_time(_dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0))
    pg.goto(f"{page_url}#{token}")
    pg.wait_for_function("document.getElementById('result').dataset.verdict !== undefined")
    assert pg.get_attribute("#result", "data-verdict") == "VALID"
    assert "never sent" in pg.inner_text("#source")
    context.close()


def test_dropped_pdf_is_read_from_its_metadata(page: Any, tmp_path: Path) -> None:
    from tests.verify_vectors import _genuine

    payload = _genuine()
    token = sign_payload(TRUSTED, payload)[1]
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render_to_bytes(payload, token))
    page.set_input_files("#pdf", str(pdf))
    page.wait_for_function("document.getElementById('result').dataset.verdict !== undefined")
    assert page.get_attribute("#result", "data-verdict") == "VALID"
    assert "metadata" in page.inner_text("#source")


def test_page_escapes_the_issuer_name(page: Any) -> None:
    assert "Example Agency <Training>" in page.inner_text("header")
    assert page.query_selector("header training") is None


def test_hostile_text_is_the_literal_constant() -> None:
    assert "<img" in HOSTILE and "\x1b" in HOSTILE  # the vector really is hostile


def test_page_reflows_at_200_percent_zoom_and_labels_every_control(
    browser: Any, page_url: str
) -> None:
    # 200 % zoom of a 1280-pixel window is a 640-CSS-pixel viewport; a phone is narrower still.
    for width in (640, 360):
        context = browser.new_context(viewport={"width": width, "height": 800})
        pg = context.new_page()
        pg.goto(page_url)
        _check(pg, next(v for v in VECTORS if v.name == "genuine").token)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scrolling at {width}px"
        unlabeled = pg.evaluate(
            "[...document.querySelectorAll('input, textarea')]"
            ".filter(e => !document.querySelector(`label[for='${e.id}']`)).length"
        )
        assert unlabeled == 0
        assert pg.get_attribute("#verdict", "role") == "status"
        assert pg.evaluate("document.activeElement.id") == "verdict"  # the result is announced
        context.close()
