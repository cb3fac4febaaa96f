"""`trainer verify-page` and the config file's [certificates] verify_url (no browser needed)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import pytest

from tests.verify_vectors import ATTACKER, TRUSTED
from trainer.certificates.keys import create_issuer_key, fingerprint, public_key_pem
from trainer.certificates.webpage import PageKey, build_page
from trainer.cli import main
from trainer.config import Config, ConfigError, load_config

PAKO_SHA256 = "bbcaa5e569e289b4904c7e12c45b6785bc41745977091d105086a6cbb0faf832"


def _inline(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)


def test_page_allows_only_its_own_inline_code_and_requests_nothing() -> None:
    html = build_page([PageKey("k", TRUSTED.public_key())], "Agency")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = csp.group(1).replace("&#x27;", "'")
    assert "default-src 'none'" in policy
    for body in _inline(html, "script") + _inline(html, "style"):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)


def test_page_embeds_every_key_and_survives_hostile_issuer_names() -> None:
    html = build_page(
        [PageKey("new", TRUSTED.public_key()), PageKey("old", ATTACKER.public_key())],
        "</script><script>alert(1)</script>",
    )
    assert fingerprint(TRUSTED) in html and fingerprint(ATTACKER) in html
    assert html.count("</script>") == 3  # config, pako, page script: nothing injected
    assert "&lt;/script&gt;&lt;script&gt;" in html


def test_vendored_inflate_is_the_recorded_release() -> None:
    vendored = Path(__file__).parents[1] / "trainer" / "data" / "pako_inflate.min.js"
    assert hashlib.sha256(vendored.read_bytes()).hexdigest() == PAKO_SHA256
    assert (vendored.parent / "pako-LICENSE.txt").read_text().startswith("(The MIT License)")


def _keyfile(tmp_path: Path) -> Path:
    key = tmp_path / "pub.pem"
    key.write_text(public_key_pem(TRUSTED))
    return key


def test_command_writes_the_page_and_never_replaces_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "verify.html"
    key = _keyfile(tmp_path)
    assert main(["verify-page", "-o", str(out), "--public-key", str(key)]) == 0
    first = out.read_text()
    assert fingerprint(TRUSTED) in capsys.readouterr().out
    assert main(["verify-page", "-o", str(out), "--public-key", str(key), "--issuer", "X"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text() == first
    assert main(["verify-page", "-o", str(out), "--public-key", str(key), "--force"]) == 0


def test_command_refuses_a_symlink_and_bad_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "verify.html"
    link.symlink_to(target)
    key = _keyfile(tmp_path)
    assert main(["verify-page", "-o", str(link), "--public-key", str(key)]) == 2
    assert "already exists" in capsys.readouterr().err
    # --force replaces the link itself, as certificate -o does: the file it named is untouched.
    assert main(["verify-page", "-o", str(link), "--public-key", str(key), "--force"]) == 0
    assert target.read_text() == "keep me"
    assert not link.is_symlink() and "<!DOCTYPE html>" in link.read_text()
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"\x1b]0;x\x07 not a key")
    assert main(["verify-page", "-o", str(tmp_path / "p.html"), "--public-key", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\x1b" not in err
    empty = tmp_path / "data"
    rc = main(["verify-page", "-o", str(tmp_path / "q.html"), "--data-dir", str(empty)])
    assert rc == 2 and "no issuer key" in capsys.readouterr().err


def test_command_uses_the_issuer_key(tmp_path: Path) -> None:
    key = create_issuer_key(tmp_path / "issuer.pem")
    out = tmp_path / "v.html"
    assert main(["verify-page", "-o", str(out), "--issuer-key", str(tmp_path / "issuer.pem")]) == 0
    assert fingerprint(key) in out.read_text()


# ---- config file -----------------------------------------------------------------------
def _config(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_config_gives_the_verify_url(tmp_path: Path) -> None:
    path = _config(tmp_path, '[certificates]\nverify_url = "https://t.example.gov/verify.html"\n')
    assert load_config(str(path)).verify_url == "https://t.example.gov/verify.html"
    assert load_config(None, {"TRAINER_CONFIG": str(path)}).path == path


def test_missing_default_config_is_fine_but_a_named_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config(None, {}) == Config(None)
    default = tmp_path / "trainer" / "config.toml"
    default.parent.mkdir()
    default.write_text('[certificates]\nverify_url = "https://a.example/v.html"\n')
    assert load_config(None, {}) == Config(default, "https://a.example/v.html")
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(None, {"TRAINER_CONFIG": str(tmp_path / "nope.toml")})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[certificates]\nverify_url = 3\n", "must be a string"),
        ('[certificates]\nverify_url = "https://x/#a"\n', "without"),
        ('[certificates]\nverify_url = "javascript:alert(1)"\n', "http"),
        ('[certificates]\nverify_ur = "https://x/"\n', "unknown key"),
        ('[certificate]\nverify_url = "https://x/"\n', "unknown section"),
        ("[certificates\n", "not valid TOML"),
        (b"\xff\xfe", "not UTF-8"),
        ("x = " + "[" * 60000, "nested more than"),
        ("x = " + "{a=" * 20000, "nested more than"),
        ("x = " + "9" * 5000, "longer than"),
        (
            'x = "[[[[[[[[[[[[[[[[[[[[[[[[[["\n[certificates]\nverify_url = 1\n',
            "unknown setting 'x'",
        ),
    ],
)
def test_bad_config_files_are_refused_with_the_reason(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(str(_config(tmp_path, text)))


def test_config_must_be_a_small_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(str(fifo))
    with pytest.raises(ConfigError, match="too large"):
        load_config(str(_config(tmp_path, "#" * 70000)))


def test_certificate_with_a_verify_url_carries_it_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf import PdfReader

    from tests.test_certificates_issue import COURSE, MODULE, NAME, RESOURCES, _learner_with_pass
    from trainer.bank import load_course

    root = tmp_path / "bank"
    (root / "modules").mkdir(parents=True)
    (root / "course.yaml").write_text(COURSE, encoding="utf-8")
    (root / "resources.yaml").write_text(RESOURCES, encoding="utf-8")
    for n, x in enumerate("abc"):
        (root / "modules" / f"{x}.yaml").write_text(MODULE.format(x=x, n=n), encoding="utf-8")
    course = load_course(root / "course.yaml").course
    assert course is not None
    data = tmp_path / "data"
    _learner_with_pass(data, course)
    url = "https://training.example.gov/verify.html"
    config = _config(tmp_path, f'[certificates]\nverify_url = "{url}"\n')
    out = tmp_path / "c.pdf"
    common = ["--data-dir", str(data), "--course", str(root / "course.yaml")]
    argv = ["certificate", "--learner", NAME, "-o", str(out), *common, "--config", str(config)]
    assert main(argv) == 0
    assert url in str(PdfReader(out).metadata["/Subject"])  # type: ignore[index]
    capsys.readouterr()
    assert main(["verify", str(out), "--data-dir", str(data)]) == 0
    text = capsys.readouterr().out
    assert f"the QR code opens {url}" in text
    assert [ln for ln in text.splitlines() if ln.startswith("Verdict:")][-1].startswith(
        "Verdict: VALID"
    )
    token = str(PdfReader(out).metadata["/Keywords"])  # type: ignore[index]
    assert main(["verify", f"{url}#{token}", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    bad = _config(tmp_path, "[certificates]\nverify_url = 1\n")
    argv[-1] = str(bad)
    assert main([*argv, "--force"]) == 2
    assert "verify_url must be a string" in capsys.readouterr().err
