"""``trainer doctor``, ``trainer --version``, ``trainer banks`` problems and course lookup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import MODULE_YAML, write_bank
from tests.fresh_python import ROOT
from trainer import __version__, paths
from trainer.certificates.keys import create_issuer_key, default_issuer_key_path
from trainer.cli import main
from trainer.records.store import DB_NAME, RecordsStore
from trainer.settings import ENV_COURSE, ENV_DATA_DIR, Settings

ENV_CONFIG = "TRAINER_CONFIG"
BROKEN_TWICE = MODULE_YAML + "estimated_minute: 5\nsumary: typo\n"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No course, data folder or config file from the environment leaks in."""
    for name in (ENV_COURSE, ENV_DATA_DIR, ENV_CONFIG):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(["doctor", *args])
    return status, capsys.readouterr().out.splitlines()


def line(lines: list[str], label: str) -> str:
    return next(x for x in lines if x[9:].startswith(label + ":"))


def test_doctor_passes_a_good_installation_without_creating_anything(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 0, lines
    assert line(lines, "course").startswith("ok")
    assert "demo-course version 1.0, 1 module, valid" in line(lines, "course")
    for label in ("data folder", "records", "issuer key", "config file"):
        assert line(lines, label).startswith("ok"), label
    assert line(lines, "LRS").startswith("optional") and "not configured" in line(lines, "LRS")
    assert "PostgreSQL driver (psycopg)" in "\n".join(lines)
    assert lines[-1] == "all required checks passed"
    assert not data.exists()  # a check changes nothing


def test_doctor_lists_every_course_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = write_bank(tmp_path / "bank", module=BROKEN_TWICE)
    status, lines = doctor(capsys, "--course", str(course), "--data-dir", str(tmp_path / "d"))
    assert status == 1
    head = line(lines, "course")
    assert head.startswith("PROBLEM")
    count = int(head.split(" has ")[1].split()[0])
    assert head.endswith(f"has {count} problems") and count >= 2
    details = lines[lines.index(head) + 1 : lines.index(head) + 1 + count]
    assert all(d.startswith("           ") and ":" in d for d in details)
    assert any("estimated_minute" in d for d in details)
    assert any("sumary" in d for d in details)
    assert lines[-1] == "1 required check failed"


def test_doctor_missing_course_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "course.yaml"
    status, lines = doctor(capsys, "--course", str(missing), "--data-dir", str(tmp_path / "d"))
    assert status == 1
    assert line(lines, "course").startswith("PROBLEM") and str(missing) in line(lines, "course")


def test_doctor_opens_existing_records_read_only(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as store:
        store.add_learner("Ana Diaz", "employee")
        store.add_learner("Ben Ode", "contractor")
    before = (data / DB_NAME).read_bytes()
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 0, lines
    assert "2 learners" in line(lines, "records") and "read-only" in line(lines, "records")
    assert (data / DB_NAME).read_bytes() == before


def test_doctor_refuses_a_damaged_records_file_and_leaves_it(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"not a database at all")
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 1
    assert line(lines, "records").startswith("PROBLEM")
    assert (data / DB_NAME).read_bytes() == b"not a database at all"


def test_doctor_data_folder_that_is_a_file(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.write_text("x")
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 1
    assert line(lines, "data folder").startswith("PROBLEM")
    assert "is not a folder" in line(lines, "data folder")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_doctor_issuer_key_permissions(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    key = default_issuer_key_path(data)
    create_issuer_key(key)
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 0, lines
    assert "mode 0600, owned by you; fingerprint" in line(lines, "issuer key")

    key.chmod(0o644)
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 1
    text = line(lines, "issuer key")
    assert text.startswith("PROBLEM") and "0644" in text and "chmod 600" in text

    key.chmod(0o600)
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    assert status == 1 and line(lines, "issuer key").startswith("PROBLEM")


def test_doctor_checks_the_config_file(
    course_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[certificates]\nverify_url = "https://example.org/verify.html"\n')
    monkeypatch.setenv(ENV_CONFIG, str(config))
    common = ("--course", str(course_file), "--data-dir", str(tmp_path / "d"))
    status, lines = doctor(capsys, *common)
    assert status == 0 and line(lines, "config file") == f"ok       config file: {config} (valid)"

    config.write_text("[certificates\n")
    status, lines = doctor(capsys, *common)
    assert status == 1
    assert line(lines, "config file").startswith("PROBLEM") and "not valid TOML" in "\n".join(lines)

    named = tmp_path / "other.toml"
    named.write_text('[certificates]\nverify_url = "https://example.org/v.html"\n')
    status, lines = doctor(capsys, *common, "--config", str(named))  # the flag wins
    assert status == 0 and line(lines, "config file") == f"ok       config file: {named} (valid)"


def test_doctor_output_is_terminal_safe(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "evil\x1b[2Jname\u202e"
    status, lines = doctor(capsys, "--course", str(course_file), "--data-dir", str(data))
    text = "\n".join(lines)
    assert status == 0
    assert "\x1b" not in text and "\u202e" not in text
    assert "evil\\x1b[2Jname\\u202e" in text


def test_version_names_course_data_folder_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = yaml.safe_load(paths.shipped_course().read_text(encoding="utf-8"))
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(tmp_path / "d"), "--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"trainer {__version__}"
    assert out[1].startswith(f"course: {shipped['id']} version {shipped['version']} (shipped: ")
    assert out[2] == f"data folder: {tmp_path / 'd'}"
    config = tmp_path / "config-home" / "trainer" / "config.toml"
    if sys.platform.startswith("linux"):
        assert out[3] == f"config file: {config} (none)"

    named = tmp_path / "mine.toml"
    named.write_text("", encoding="utf-8")
    monkeypatch.setenv(ENV_CONFIG, str(named))
    with pytest.raises(SystemExit):
        main(["--version"])
    assert f"config file: {named}\n" in capsys.readouterr().out


def test_version_imports_neither_the_app_nor_the_bank_loader() -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from trainer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--version'])\n"
        "heavy = ('textual', 'reportlab', 'cryptography', 'pypdf', 'trainer.bank.loader')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_banks_lists_each_problem_with_plurals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = tmp_path / "two" / "demo.yaml"
    twice.parent.mkdir()
    twice.write_text(BROKEN_TWICE, encoding="utf-8")
    assert main(["banks", str(twice.parent)]) == 1
    out = capsys.readouterr().out
    assert "2 problems in 1 file:" in out
    listed = out.split("2 problems in 1 file:\n")[1].splitlines()
    assert len(listed) == 2 and all(f"{twice}:" in x for x in listed)
    assert "estimated_minute" in listed[0] + listed[1] and "sumary" in listed[0] + listed[1]
    assert "run 'trainer validate'" not in out

    once = tmp_path / "one" / "demo.yaml"
    once.parent.mkdir()
    once.write_text(MODULE_YAML + "sumary: typo\n", encoding="utf-8")
    assert main(["banks", str(once.parent)]) == 1
    assert "1 problem in 1 file:" in capsys.readouterr().out


def test_banks_defaults_to_the_course_in_use(
    course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["banks", "--course", str(course_file)]) == 0
    assert "demo-course  Demo course" in capsys.readouterr().out
    assert main(["banks", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_shipped_course_does_not_depend_on_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoy = write_bank(tmp_path / "question_banks")
    monkeypatch.chdir(tmp_path)
    assert Settings.resolve(None, {}).course.value == ROOT / "question_banks" / "course.yaml"
    assert paths.shipped_course() != decoy.resolve()
    assert Settings.resolve(None, {ENV_COURSE: str(decoy)}).course.value == decoy


def test_packaged_course_is_preferred_when_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a wheel the course is package data, beside the package's modules."""
    package = tmp_path / "site" / "trainer"
    write_bank(package / paths.PACKAGED_COURSE_DIR)
    monkeypatch.setattr(paths, "__file__", str(package / "paths.py"))
    assert paths.shipped_course() == package / "_course" / "course.yaml"
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "checkout" / "trainer" / "paths.py"))
    assert paths.shipped_course() == tmp_path / "checkout" / "question_banks" / "course.yaml"


def test_commands_name_every_course_problem_with_a_plural_that_agrees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = write_bank(tmp_path / "bank", module=MODULE_YAML + "sumary: x\n")
    common = ["--course", str(course), "--data-dir", str(tmp_path / "d")]
    status = main(["certificate", "--learner", "Ana", "-o", str(tmp_path / "c.pdf"), *common])
    err = capsys.readouterr().err
    assert status == 1
    head = next(x for x in err.splitlines() if "the course has" in x)
    count = int(head.split("the course has ")[1].split()[0])
    assert head.endswith(f"{count} problem{'s' * (count != 1)} (see also 'trainer validate'):")
    listed = err.split(head + "\n")[1].splitlines()
    assert len(listed) == count and any("unknown key 'sumary'" in x for x in listed)


def test_doctor_names_the_configured_lrs_and_never_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[lrs]\nendpoint = "https://lrs.example.gov/xapi/"\nusername = "agency"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TRAINER_LRS_PASSWORD", "s3cret-Word")
    status, lines = doctor(capsys, "--config", str(config), "--data-dir", str(tmp_path / "d"))
    assert status == 0, lines
    lrs = line(lines, "LRS")
    assert "https://lrs.example.gov/xapi/ as agency" in lrs and "not configured" not in lrs, lrs
    assert "s3cret-Word" not in "\n".join(lines)
