"""One settings object (trainer.settings): precedence flag > environment > config file >
default, ``trainer config``, records URLs, and no module but the settings reads the
environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fresh_python import ROOT
from trainer.cli import build_parser, main
from trainer.records.store import RecordsStore
from trainer.settings import (
    Secret,
    Settings,
    SettingsError,
    parse_records_url,
)

PASSWORD = "s3cret-Pa55"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No TRAINER_* variable or user config file from the machine leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith("TRAINER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))


def resolve(argv: list[str], env: dict[str, str], tty: bool = True) -> Settings:
    args = build_parser(argv).parse_args(argv)
    return Settings.resolve(args, env, interactive=tty)


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


FULL_CONFIG = f"""
[app]
data_dir = "cfg-data"
course = "cfg-course.yaml"
plain_width = 60

[records]
url = "sqlite:///srv/cfg/records.sqlite3"

[certificates]
issuer_key = "cfg-key.pem"
paper = "a4"
verify_url = "https://t.example.gov/verify.html"

[lrs]
endpoint = "https://lrs.example.gov/xAPI/"
username = "trainer"
password = "{PASSWORD}"
"""


def test_each_source_wins_in_turn(tmp_path: Path) -> None:
    config = write_config(tmp_path, FULL_CONFIG)
    env = {
        "TRAINER_CONFIG": str(config),
        "TRAINER_DATA_DIR": "/env/data",
        "TRAINER_COURSE": "/env/course.yaml",
        "TRAINER_RECORDS": "sqlite:///env/records.sqlite3",
        "TRAINER_ISSUER_KEY": "/env/key.pem",
        "TRAINER_PAPER": "letter",
        "TRAINER_PLAIN_WIDTH": "70",
    }
    flags = [
        "--data-dir=/flag/data",
        "--course=/flag/course.yaml",
        "--records=sqlite:///flag/records.sqlite3",
    ]
    cert = ["certificate", "--learner", "A", "-o", "x.pdf", "--issuer-key=/flag/key.pem"]
    s = resolve([*flags, *cert, "--paper", "a4"], env)
    assert (s.data_dir.value, s.data_dir.source) == (Path("/flag/data"), "--data-dir")
    assert (s.course.value, s.course.source) == (Path("/flag/course.yaml"), "--course")
    assert s.records.value.path == Path("/flag/records.sqlite3")
    assert s.records.source == "--records"
    assert (s.issuer_key.value, s.issuer_key.source) == (Path("/flag/key.pem"), "--issuer-key")
    assert (s.paper.value, s.paper.source) == ("a4", "--paper")

    s = resolve(cert[:5], env)
    assert (s.data_dir.value, s.data_dir.source) == (Path("/env/data"), "$TRAINER_DATA_DIR")
    assert (s.course.value, s.course.source) == (Path("/env/course.yaml"), "$TRAINER_COURSE")
    assert s.records.value.path == Path("/env/records.sqlite3")
    assert s.records.source == "$TRAINER_RECORDS"
    assert s.issuer_key.value == Path("/env/key.pem") and not s.issuer_key_may_be_created
    assert (s.paper.value, s.paper.source) == ("letter", "$TRAINER_PAPER")
    assert (s.plain_width.value, s.plain_width.source) == (70, "$TRAINER_PLAIN_WIDTH")
    assert s.config_file.value == config and s.config_file.source == "$TRAINER_CONFIG"

    s = resolve([], {"TRAINER_CONFIG": str(config)})
    from_file = f"config file {config}"
    assert s.data_dir.value == tmp_path / "cfg-data"  # relative to the config file's folder
    assert s.course.value == tmp_path / "cfg-course.yaml"
    assert s.records.value.path == Path("/srv/cfg/records.sqlite3")
    assert s.issuer_key.value == tmp_path / "cfg-key.pem"
    assert (s.paper.value, s.plain_width.value) == ("a4", 60)
    sources = {s.data_dir.source, s.course.source, s.records.source, s.issuer_key.source}
    assert sources | {s.paper.source, s.plain_width.source} == {from_file}
    assert s.verify_url.value == "https://t.example.gov/verify.html"
    assert s.lrs_username.value == "trainer" and s.lrs_password.value == Secret(PASSWORD)

    s = resolve([], {})
    assert s.config_file.value is None and s.config_problem is None
    assert s.data_dir.source == s.course.source == s.records.source == "default"
    assert s.records.value.path == s.data_dir.value / "records.sqlite3"
    assert s.issuer_key.value == s.data_dir.value / "issuer-key.pem"
    assert s.issuer_key_may_be_created
    assert (s.paper.value, s.plain_width.value) == ("letter", None)


def test_terminal_kind() -> None:
    assert resolve([], {}, tty=True).terminal.value == "full screen"
    assert resolve(["--plain"], {}, tty=True).terminal.source == "--plain"
    dumb = resolve([], {"TERM": "dumb"}, tty=True)
    assert (dumb.terminal.value, dumb.terminal.source) == ("plain", "$TERM=dumb")
    piped = resolve([], {"TERM": "xterm"}, tty=False)
    assert piped.plain and piped.terminal.source == "input or output is not a terminal"


@pytest.mark.parametrize("width", ["abc", "5", "99999", "9" * 5000, "0"])
def test_unusable_plain_width_is_ignored(width: str) -> None:
    s = resolve([], {"TRAINER_PLAIN_WIDTH": width})
    assert (s.plain_width.value, s.plain_width.source) == (None, "default")


def test_records_urls() -> None:
    assert parse_records_url("sqlite:///a/b.sqlite3").path == Path("/a/b.sqlite3")
    pg = parse_records_url("postgresql://trainer@db.example.gov/training?sslmode=require")
    assert pg.scheme == "postgresql" and pg.path is None
    for bad in ("sqlite://host/x", "sqlite:///x?mode=ro", "records.sqlite3", "mysql://a/b"):
        with pytest.raises(SettingsError):
            parse_records_url(bad)
    for secret in (f"postgresql://u:{PASSWORD}@h/db", f"postgresql://u@h/db?password={PASSWORD}"):
        with pytest.raises(SettingsError) as caught:
            parse_records_url(secret)
        assert PASSWORD not in str(caught.value) and "PGPASSFILE" in str(caught.value)


def test_records_flag_chooses_the_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "elsewhere" / "r.sqlite3"
    db.parent.mkdir()
    with RecordsStore(db) as store:
        store.add_learner("Records Flag Learner", "employee")
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["learners", "list", *data, "--records", f"sqlite://{db}"]) == 0
    assert "Records Flag Learner" in capsys.readouterr().out
    assert main(["learners", "list", *data]) == 0
    assert "Records Flag Learner" not in capsys.readouterr().out


def test_postgresql_url_is_used_and_an_absent_server_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "no-server"  # a socket folder with no server in it: refused at once
    monkeypatch.setenv("TRAINER_RECORDS", f"postgresql://trainer@/training?host={gone}")
    assert main(["config", "--data-dir", str(tmp_path)]) == 0
    assert "$TRAINER_RECORDS" in capsys.readouterr().out
    assert main(["learners", "list", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "Traceback" not in err
    monkeypatch.setenv("TRAINER_RECORDS", f"postgresql://trainer:{PASSWORD}@localhost/training")
    assert main(["config"]) == 2
    captured = capsys.readouterr()
    assert "password" in captured.err and PASSWORD not in captured.out + captured.err


def test_config_command_shows_sources_never_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, FULL_CONFIG)
    monkeypatch.setenv("TRAINER_PAPER", "letter")
    assert main(["config", "--config", str(config), "--data-dir", "/flag/data"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines()}
    assert rows["data folder"].endswith("/flag/data  (--data-dir)")
    assert rows["paper"].endswith("letter  ($TRAINER_PAPER)")
    assert rows["course"].endswith(f"cfg-course.yaml  (config file {config})")
    assert rows["LRS password"].endswith(f"set  (config file {config})")
    assert PASSWORD not in out

    monkeypatch.setenv("TRAINER_LRS_PASSWORD", PASSWORD + "-env")
    assert main(["config", "--config", str(config), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = {row["name"]: row for row in json.loads(out)["settings"]}
    assert data["LRS password"] == {
        "name": "LRS password",
        "value": "set",
        "source": "$TRAINER_LRS_PASSWORD",
    }
    assert data["plain width"]["value"] == "60" and PASSWORD not in out


def test_config_command_is_terminal_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "--data-dir", str(tmp_path / "evil\x1b]0;title\x07")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b" in out


def test_a_broken_config_file_is_said_and_stops_other_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "[app]\ndata_dir = 5\n")
    assert main(["config", "--config", str(config)]) == 1
    assert "[app] data_dir must be a string" in capsys.readouterr().err
    assert main(["banks", "--config", str(config)]) == 2
    assert "the config file cannot be used" in capsys.readouterr().err
    typo = write_config(tmp_path, "[records]\nurl = 'sqlite:///x'\nuri = 'y'\n")
    assert main(["config", "--config", str(typo)]) == 1
    assert "unknown key 'uri' in [records]" in capsys.readouterr().err


def test_config_file_values_are_checked(tmp_path: Path) -> None:
    for text in ("[app]\nplain_width = 5\n", "[certificates]\npaper = 'a3'\n"):
        s = Settings.resolve(None, {"TRAINER_CONFIG": str(write_config(tmp_path, text))})
        assert s.config_problem is not None and s.plain_width.source == "default"


def test_start_up_reads_no_config_machinery_without_a_config_file(tmp_path: Path) -> None:
    """Without a config file, tomllib and trainer.config are never imported; with one, they
    are (so the check can fail)."""
    code = (
        "import sys; from trainer.cli import main; main(['banks', '/no/such/folder']); "
        "print(sorted(m for m in ('tomllib', 'trainer.config') if m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stderr
    (tmp_path / "trainer").mkdir()
    (tmp_path / "trainer" / "config.toml").write_text("[app]\nplain_width = 72\n")
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert run.stdout.strip().splitlines()[-1] == "['tomllib', 'trainer.config']", run.stderr


# That no module but trainer/settings.py and trainer/config.py reads the environment is
# checked (on the parsed source) by tests/test_layout.py.


def test_the_lrs_password_is_kept_for_use_and_never_shown(tmp_path: Path) -> None:
    config = write_config(tmp_path, FULL_CONFIG)
    s = Settings.resolve(None, {"TRAINER_CONFIG": str(config)}, interactive=False)
    assert s.lrs == ("https://lrs.example.gov/xAPI/", "trainer", PASSWORD)
    password = s.lrs_password.value
    assert isinstance(password, Secret) and password.reveal() == PASSWORD
    for shown in (repr(s), str(s), str(password), repr(s.lrs_password), repr(s.rows())):
        assert PASSWORD not in shown
    env = {"TRAINER_CONFIG": str(config), "TRAINER_LRS_PASSWORD": "from-env"}
    s = Settings.resolve(None, env, interactive=False)
    assert s.lrs is not None and s.lrs[2] == "from-env"
    assert s.lrs_password.source == "$TRAINER_LRS_PASSWORD"
    s = Settings.resolve(None, {}, interactive=False)
    assert s.lrs is None and s.lrs_password.value is None


def test_plain_mode_certificate_uses_the_settings_key_and_paper(tmp_path: Path) -> None:
    """The issuer key and paper reach the app's certificates, not only the CLI's."""
    from cryptography.hazmat.primitives import serialization
    from pypdf import PdfReader

    from tests.test_plain_flows import COURSE, NEW_LEARNER, PERFECT, drive
    from trainer.bank.loader import load_course
    from trainer.certificates.keys import create_issuer_key

    course = load_course(COURSE).course
    assert course is not None
    key_path = tmp_path / "org" / "org-key.pem"
    key_path.parent.mkdir()
    key = create_issuer_key(key_path)
    env = {"TRAINER_ISSUER_KEY": str(key_path), "TRAINER_PAPER": "a4"}
    settings = Settings.resolve(None, env, interactive=False)
    pdf = tmp_path / "cert.pdf"
    with RecordsStore.in_dir(tmp_path / "data") as store:
        lines = [*NEW_LEARNER, *PERFECT, "c", str(pdf), "q"]
        status, out = drive(course, store, lines, settings=settings)
        assert status == 0 and f"Certificate saved: {pdf}" in out, out[-500:]
        (cert,) = store.certificates()
    public = tmp_path / "org-public.pem"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    assert main(["verify", cert.token, "--public-key", str(public)]) == 0  # signed with it
    assert not (tmp_path / "data" / "issuer-key.pem").exists()
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 (landscape)
