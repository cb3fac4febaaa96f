"""Config keys for xAPI and the LRS: [xapi] homepage, [lrs] endpoint/username/password.

The password is read only from a file that is private to its owner (as ssh does with keys);
the environment's TRAINER_LRS_USERNAME / TRAINER_LRS_PASSWORD override the file; the password
never appears in the Config's repr or in any error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainer.config import Config, ConfigError, load_config

SECRET = "pa55-w0rd-never-shown"


def _config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


FULL = f"""
[xapi]
homepage = "https://lms.example.gov"

[lrs]
endpoint = "https://lrs.example.gov/xAPI/"
username = "trainer"
password = "{SECRET}"
"""


def test_xapi_and_lrs_keys_are_read(tmp_path: Path) -> None:
    config = load_config(str(_config(tmp_path, FULL)), {})
    assert config.xapi_homepage == "https://lms.example.gov"
    assert config.lrs_endpoint == "https://lrs.example.gov/xAPI/"
    assert (config.lrs_username, config.lrs_password) == ("trainer", SECRET)
    assert SECRET not in repr(config)


def test_no_file_means_no_lrs_but_the_environment_still_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config = load_config(None, {"TRAINER_LRS_PASSWORD": "from-env"})
    assert config == Config(None, lrs_password="from-env")
    assert load_config(None, {}) == Config(None)


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = _config(tmp_path, FULL)
    env = {"TRAINER_LRS_USERNAME": "svc", "TRAINER_LRS_PASSWORD": "env-secret"}
    config = load_config(str(path), env)
    assert (config.lrs_username, config.lrs_password) == ("svc", "env-secret")
    assert load_config(str(path), {"TRAINER_LRS_USERNAME": ""}).lrs_username == "trainer"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_password_in_a_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = _config(tmp_path, FULL, mode)
    with pytest.raises(ConfigError) as refused:
        load_config(str(path), {})
    message = str(refused.value)
    assert f"permissions {mode:04o} are too open" in message and "chmod 600" in message
    assert SECRET not in message


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_without_a_password_the_file_may_be_readable(tmp_path: Path) -> None:
    text = '[lrs]\nendpoint = "https://lrs.example.gov/xAPI"\nusername = "u"\n'
    config = load_config(str(_config(tmp_path, text, 0o644)), {"TRAINER_LRS_PASSWORD": "p"})
    assert (config.lrs_username, config.lrs_password) == ("u", "p")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[xapi]\nhomepage = "lms.example.gov"\n', "homepage must be an http"),
        ('[xapi]\nhomepage = "https://lms.example.gov/a b"\n', "homepage must be"),
        ('[xapi]\nhomepage = "https://lms.example.gov/#x"\n', "homepage must be"),
        ("[xapi]\nhomepage = 3\n", "homepage must be a string"),
        ('[xapi]\nhome_page = "https://x.example"\n', "unknown key 'home_page' in \\[xapi\\]"),
        ('[lrs]\nendpoint = "ftp://lrs.example.gov"\n', "endpoint must be an http"),
        ('[lrs]\nendpoint = "urn:lrs:x"\n', "endpoint must be an http"),
        ('[lrs]\nendpoint = "https://u:pw@lrs.example.gov/"\n', "user name in it"),
        ('[lrs]\nendpoint = "https://lrs.example.gov/xAPI?key=1"\n', "a '\\?' or '#'"),
        ("[lrs]\nusername = 1\n", "username must be a string"),
        ('[lrs]\ntoken = "x"\n', "unknown key 'token' in \\[lrs\\]"),
        ('lrs = "https://lrs.example.gov"\n', "lrs must be a \\[lrs\\] table"),
    ],
)
def test_bad_values_are_refused_with_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(str(_config(tmp_path, text)), {})


def test_records_push_reports_a_bad_config_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from trainer.cli import main

    path = _config(tmp_path, FULL, 0o644)
    argv = ["records", "push", "--config", str(path), "--data-dir", str(tmp_path / "d")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "too open" in err and SECRET not in err and "Traceback" not in err
