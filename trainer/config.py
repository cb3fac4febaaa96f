"""The organisation's config file (TOML): where it is, reading it safely, the keys it may hold.

Which file: ``--config FILE``, else ``$TRAINER_CONFIG``, else ``config.toml`` in the platform
config folder (``platformdirs.user_config_dir("trainer")``) when it exists. A missing default
file is not an error; a named file that is missing is.

Keys (:mod:`trainer.settings` gathers them with the flags and environment into one object)::

    [app]
    data_dir = "/srv/trainer"          # records, issuer key, course cache (else the user folder)
    course = "course.yaml"             # relative paths: from this file's folder
    plain_width = 72                   # plain mode wraps lines at this width (20-1000)

    [records]
    url = "sqlite:///srv/trainer/records.sqlite3"   # never a password: PGPASSFILE / ~/.pgpass

    [certificates]
    verify_url = "https://training.example.gov/verify.html"   # the published verification page
    issuer_key = "/srv/trainer/issuer-key.pem"   # must exist; mode 0600
    paper = "a4"                                 # or "letter" (the default)

    [xapi]
    homepage = "https://lms.example.gov"     # account.homePage of learners in xAPI statements

    [lrs]
    endpoint = "https://lrs.example.gov/xAPI/"   # the LRS's xAPI base ('statements' is added)
    username = "trainer"
    password = "..."     # only in a file of mode 0600 owned by the user; or the environment

``$TRAINER_LRS_USERNAME`` and ``$TRAINER_LRS_PASSWORD`` override the file's credentials.

The file is bounded (64 KiB), must be UTF-8 TOML, and unknown sections or keys are refused so
that a typo is not silently ignored.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_CONFIG_BYTES = 64 * 1024
KNOWN: dict[str, set[str]] = {
    "app": {"data_dir", "course", "plain_width"},
    "records": {"url"},
    "certificates": {"verify_url", "issuer_key", "paper"},
    "xapi": {"homepage"},
    "lrs": {"endpoint", "username", "password"},
}


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Config:
    path: Path | None  # the file read, or None when there is none
    verify_url: str | None = None
    xapi_homepage: str | None = None
    lrs_endpoint: str | None = None
    lrs_username: str | None = None
    lrs_password: str | None = field(default=None, repr=False)  # never shown
    data_dir: Path | None = None  # [app]; paths relative to the config file's folder
    course: Path | None = None
    plain_width: int | None = None
    records_url: str | None = None  # [records] url, checked by trainer.settings
    issuer_key: Path | None = None  # [certificates]
    paper: str | None = None


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("trainer", appauthor=False)) / "config.toml"


def config_path(flag: str | None, environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The file to read and whether it was named explicitly (a named file must exist)."""
    env = os.environ if environ is None else environ
    if flag:
        return Path(flag).expanduser(), True
    if env.get("TRAINER_CONFIG"):
        return Path(env["TRAINER_CONFIG"]).expanduser(), True
    return default_config_path(), False


def load_config(flag: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    path, named = config_path(flag, environ)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if named:
            raise ConfigError(f"{path}: config file not found") from None
        return _with_env(Config(None), env_of(environ))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{path}: not a regular file")
    if st.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: too large for a config file (over {MAX_CONFIG_BYTES} bytes)")
    try:
        with open(path, "rb") as fh:
            text = fh.read(MAX_CONFIG_BYTES + 1).decode("utf-8")
        _check_bounds(path, text)
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    known = _known(path, data)
    config = Config(
        path,
        verify_url=_verify_url(path, known),
        xapi_homepage=_xapi_homepage(path, known),
        **_lrs(path, known, st),
        **_app(path, known),
    )
    return _with_env(config, env_of(environ))


MAX_DEPTH = 16  # nested arrays/tables; tomllib recurses, so deep nesting is refused first
MAX_DIGITS = 64  # int() refuses over 4,300 digits; no setting needs more than a few


def _check_bounds(path: Path, text: str) -> None:
    """Refuse nesting and number lengths tomllib cannot take, before it parses (a rough scan
    that skips quoted text; it can only refuse a file, never accept a bad one)."""
    depth = digits = 0
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote or ch == "\n":
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{path}: nested more than {MAX_DEPTH} levels deep")
        elif ch in "]}":
            depth = max(0, depth - 1)
        digits = digits + 1 if ch.isdigit() else 0
        if digits > MAX_DIGITS:
            raise ConfigError(f"{path}: a number longer than {MAX_DIGITS} digits")


def _known(path: Path, data: dict[str, object]) -> dict[str, dict[str, object]]:
    for section, value in data.items():
        if section not in KNOWN:
            what = f"section [{section}]" if isinstance(value, dict) else f"setting {section!r}"
            raise ConfigError(f"{path}: unknown {what}")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {section} must be a [{section}] table")
        for key in value:
            if key not in KNOWN[section]:
                raise ConfigError(f"{path}: unknown key {key!r} in [{section}]")
    return data  # type: ignore[return-value]


def _verify_url(path: Path, data: dict[str, dict[str, object]]) -> str | None:
    url = data.get("certificates", {}).get("verify_url")
    if url is None:
        return None
    if not isinstance(url, str):
        raise ConfigError(f"{path}: [certificates] verify_url must be a string")
    parts = urlsplit(url)
    if (
        parts.scheme not in ("https", "http", "file")
        or parts.fragment
        or any(ch.isspace() or ord(ch) < 0x20 for ch in url)
    ):
        raise ConfigError(
            f"{path}: [certificates] verify_url must be an http(s) or file address without "
            "spaces or a '#' part (the certificate token is added after '#')"
        )
    if len(url) > 200:
        raise ConfigError(f"{path}: [certificates] verify_url is too long (over 200 characters)")
    return url


def env_of(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _bad_iri(url: str) -> bool:
    """Not an absolute http(s)/urn address, or holding spaces, controls or a '#' part."""
    parts = urlsplit(url)
    return (
        parts.scheme not in ("https", "http", "urn")
        or (parts.scheme != "urn" and not parts.netloc)
        or bool(parts.fragment)
        or "#" in url
        or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url)
        or len(url) > 200
    )


def _text(path: Path, data: dict[str, dict[str, object]], section: str, key: str) -> str | None:
    value = data.get(section, {}).get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: [{section}] {key} must be a string")
    return value


def _xapi_homepage(path: Path, data: dict[str, dict[str, object]]) -> str | None:
    url = _text(path, data, "xapi", "homepage")
    if url is not None and _bad_iri(url):
        raise ConfigError(
            f"{path}: [xapi] homepage must be an http(s) or urn: address without spaces or a "
            "'#' part, at most 200 characters (the home page of your learners' accounts)"
        )
    return url


def _lrs(path: Path, data: dict[str, dict[str, object]], st: os.stat_result) -> dict[str, Any]:
    endpoint = _text(path, data, "lrs", "endpoint")
    parts = urlsplit(endpoint or "")
    if endpoint is not None and (
        _bad_iri(endpoint) or parts.scheme == "urn" or "@" in parts.netloc or parts.query
    ):
        raise ConfigError(
            f"{path}: [lrs] endpoint must be an http(s) address without spaces, a '?' or '#' "
            "part or a user name in it (put the credentials under username and password)"
        )
    password = _text(path, data, "lrs", "password")
    if password is not None and (st.st_mode & 0o077 or st.st_uid != _uid()):
        raise ConfigError(
            f"{path}: permissions {stat.S_IMODE(st.st_mode):04o} are too open for a file "
            "holding the LRS password (or it is not owned by you); it must be readable by you "
            f"alone: chmod 600 {path} (or set TRAINER_LRS_PASSWORD instead)"
        )
    return {
        "lrs_endpoint": endpoint,
        "lrs_username": _text(path, data, "lrs", "username"),
        "lrs_password": password,
    }


def _app(path: Path, data: dict[str, dict[str, object]]) -> dict[str, Any]:
    """[app] data_dir, course, plain_width; [records] url; [certificates] issuer_key, paper.
    Relative paths are taken from the config file's folder, not the current one."""

    def file(section: str, key: str) -> Path | None:
        text = _text(path, data, section, key)
        if text is None:
            return None
        if not text or "\x00" in text or len(text) > 4096:
            raise ConfigError(f"{path}: [{section}] {key} must be a path")
        try:
            return path.parent / Path(text).expanduser()
        except RuntimeError:
            raise ConfigError(f"{path}: [{section}] {key}: no such user in {text!r}") from None

    width = data.get("app", {}).get("plain_width")
    if width is not None and (type(width) is not int or not 20 <= width <= 1000):
        raise ConfigError(f"{path}: [app] plain_width must be a whole number from 20 to 1000")
    paper = _text(path, data, "certificates", "paper")
    if paper is not None and paper not in ("letter", "a4"):
        raise ConfigError(f'{path}: [certificates] paper must be "letter" or "a4"')
    url = _text(path, data, "records", "url")
    if url is not None and (len(url) > 1000 or any(ord(ch) < 0x20 for ch in url)):
        raise ConfigError(f"{path}: [records] url must be one line of at most 1000 characters")
    return {
        "data_dir": file("app", "data_dir"),
        "course": file("app", "course"),
        "plain_width": width,
        "records_url": url,
        "issuer_key": file("certificates", "issuer_key"),
        "paper": paper,
    }


def _uid() -> int:
    getuid = getattr(os, "getuid", None)
    return int(getuid()) if getuid else 0  # no owner check where there are no uids


def _with_env(config: Config, env: Mapping[str, str]) -> Config:
    """``$TRAINER_LRS_USERNAME`` / ``$TRAINER_LRS_PASSWORD`` override the file."""
    user, password = env.get("TRAINER_LRS_USERNAME"), env.get("TRAINER_LRS_PASSWORD")
    return replace(
        config,
        lrs_username=user if user else config.lrs_username,
        lrs_password=password if password else config.lrs_password,
    )
