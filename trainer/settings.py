"""Every setting, resolved once at the entry point, with where each value came from.

Precedence: a command-line flag, else an environment variable, else the config file
(:mod:`trainer.config`), else the default. :meth:`Settings.resolve` is called once by
``trainer.cli`` and the result (frozen) is passed down as ``args.settings``; no other module
reads the environment (a test enforces it). The config file is read only when there is one,
so a start without it never imports ``tomllib``.

A config file that cannot be used does not stop the object being built:
:attr:`Settings.config_problem` says why, and the entry point refuses every command but
``trainer config`` and ``trainer doctor`` (which report it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from argparse import Namespace

    from trainer.config import Config

T = TypeVar("T")

ENV_DATA_DIR = "TRAINER_DATA_DIR"
ENV_COURSE = "TRAINER_COURSE"
ENV_CONFIG = "TRAINER_CONFIG"
ENV_RECORDS = "TRAINER_RECORDS"
ENV_ISSUER_KEY = "TRAINER_ISSUER_KEY"
ENV_PAPER = "TRAINER_PAPER"
ENV_PLAIN_WIDTH = "TRAINER_PLAIN_WIDTH"
PAPERS = ("letter", "a4")
DEFAULT = "default"


class SettingsError(Exception):
    """A setting that cannot be used; ``status`` is the exit status (2: usage)."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


# The settings' types are named tuples, not dataclasses: every command resolves them, and
# importing dataclasses (with inspect) and making frozen dataclasses cost a short command
# (trainer status) ~10 ms of its start; they are read, compared and replaced (``_replace``)
# as values, never changed.


class Sourced(NamedTuple, Generic[T]):
    """A setting's value and where it came from ('--data-dir', '$TRAINER_DATA_DIR',
    'config file PATH' or 'default')."""

    value: T
    source: str


class Secret:
    """A password kept to be used (sent to the LRS), never shown: ``str`` and ``repr`` say
    only that it is set, so printing the settings, a traceback's locals or ``trainer config``
    cannot reveal it. :meth:`reveal` gives it to the one place that sends it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "set"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class RecordsUrl(NamedTuple):
    """Where the records are: ``sqlite:///path`` (``path`` set) or ``postgresql://…``.
    Never holds a password (refused when parsed), so ``url`` may be shown."""

    url: str
    scheme: str
    path: Path | None = None

    @property
    def location(self) -> str | Path:
        """What :func:`trainer.records.open_store` opens: the SQLite path, or the URL."""
        return self.path if self.path is not None else self.url


def parse_records_url(text: str) -> RecordsUrl:
    """Check a records URL; a password in it is refused (libpq's PGPASSFILE / ~/.pgpass)."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text) or len(text) > 1000:
        raise SettingsError("the records URL must be one line of at most 1000 characters")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = text[len("sqlite://") :]
        if parts.netloc or not path.startswith("/") or parts.query or parts.fragment:
            raise SettingsError(
                "a SQLite records URL is sqlite:///PATH with an absolute path, e.g. "
                "sqlite:///srv/trainer/records.sqlite3"
            )
        return RecordsUrl(text, "sqlite", Path(path))
    if scheme in ("postgresql", "postgres"):
        query = parse_qs(parts.query)
        if parts.password is not None or "password" in query:
            raise SettingsError(
                "the records URL must not hold a password: libpq reads it from PGPASSFILE "
                "or ~/.pgpass (or a service file)"
            )
        return RecordsUrl(text, "postgresql")
    raise SettingsError(
        "the records URL must start with sqlite:/// or postgresql:// "
        f"(not {parts.scheme + ':' if parts.scheme else 'a bare path'})"
    )


def _path(text: str, where: str) -> Path:
    """``text`` as a path, '~' expanded; an unknown '~user' is a message, not a traceback."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        from trainer.safetext import terminal_safe

        user = text[1:].split("/", 1)[0]
        raise SettingsError(
            f"{where}: cannot use '{terminal_safe(text)}': there is no user "
            f"'{terminal_safe(user)}' whose home folder '~{terminal_safe(user)}' names"
        ) from None


def _width(text: str) -> int | None:
    """``$TRAINER_PLAIN_WIDTH`` as a width from 20 to 1000, or None (ignored)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    width = int(text)
    return width if 20 <= width <= 1000 else None


class Settings(NamedTuple):
    """The effective settings of one run of trainer (see the module docstring)."""

    config_file: Sourced[Path | None]  # None when there is none (``config_searched`` is absent)
    config_searched: Path  # the file that is read, or would be read when it exists
    config_problem: str | None
    data_dir: Sourced[Path]
    course: Sourced[Path]
    course_fallback: Sourced[Path]  # the course without --course (certificate --course ID)
    records: Sourced[RecordsUrl]
    issuer_key: Sourced[Path]
    paper: Sourced[str]
    plain_width: Sourced[int | None]
    terminal: Sourced[str]  # "plain" or "full screen"
    verify_url: Sourced[str | None]
    xapi_homepage: Sourced[str | None]
    lrs_endpoint: Sourced[str | None]
    lrs_username: Sourced[str | None]
    lrs_password: Sourced[Secret | None]  # shown only as set / not set

    @property
    def plain(self) -> bool:
        return self.terminal.value == "plain"

    @property
    def lrs(self) -> tuple[str, str | None, str | None] | None:
        """(endpoint, username, password) of the LRS to send xAPI statements to, or None
        when no endpoint is configured."""
        endpoint = self.lrs_endpoint.value
        if not endpoint:
            return None
        password = self.lrs_password.value
        return endpoint, self.lrs_username.value, password.reveal() if password else None

    @property
    def config_flag(self) -> str | None:
        """The config file for the one reader that reads it again later (the verification
        page's address when a certificate is issued): named by flag or environment, or the
        default one when it exists."""
        path = self.config_file.value
        return str(path) if path is not None else None

    @property
    def issuer_key_may_be_created(self) -> bool:
        """The data folder's key is created on first use; a named one must exist."""
        return self.issuer_key.source == DEFAULT

    @classmethod
    def resolve(
        cls,
        args: Namespace | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        interactive: bool | None = None,
    ) -> Settings:
        """Build the settings from the parsed arguments, the environment (default: the
        process's) and the config file. Raises :class:`SettingsError` for a value that cannot
        be used (an unknown '~user', a records URL with a password)."""
        env = os.environ if environ is None else environ
        flags = vars(args) if args is not None else {}
        config_file, config, problem = _config(flags.get("config"), env)
        cfg_source = f"config file {config_file.value}"

        def cfg(name: str) -> Any:
            return getattr(config, name) if config is not None else None

        def pick(flag: str, var: str, from_config: object) -> tuple[object, str]:
            if flag and flags.get(flag):
                return flags[flag], "--" + flag.replace("_", "-")
            if env.get(var):
                return env[var], f"${var}"
            if from_config is not None:
                return from_config, cfg_source
            return None, DEFAULT

        def path(flag: str, var: str, from_config: Path | None) -> Sourced[Path] | None:
            value, source = pick(flag, var, from_config)
            if value is None:
                return None
            return Sourced(_path(str(value), source), source)

        data = path("data_dir", ENV_DATA_DIR, cfg("data_dir")) or Sourced(_user_data_dir(), DEFAULT)
        fallback = path("", ENV_COURSE, cfg("course")) or Sourced(_shipped_course(), DEFAULT)
        course = path("course", ENV_COURSE, cfg("course")) or fallback
        key = path("issuer_key", ENV_ISSUER_KEY, cfg("issuer_key")) or Sourced(
            data.value / "issuer-key.pem", DEFAULT
        )
        url, source = pick("records", ENV_RECORDS, cfg("records_url"))
        records = (
            Sourced(parse_records_url(str(url)), source)
            if url is not None
            else Sourced(_default_records(data.value), DEFAULT)
        )
        paper_value, paper_source = pick("paper", ENV_PAPER, cfg("paper"))
        if paper_value is not None and paper_value not in PAPERS:
            raise SettingsError(f"{paper_source}: the paper is letter or a4")
        width = _width(env.get(ENV_PLAIN_WIDTH, ""))
        plain_width: Sourced[int | None] = (
            Sourced(width, f"${ENV_PLAIN_WIDTH}")
            if width is not None
            else Sourced(cfg("plain_width"), cfg_source)
            if cfg("plain_width") is not None
            else Sourced(None, DEFAULT)
        )

        def from_config(value: str | None) -> Sourced[str | None]:
            return Sourced(value, cfg_source) if value is not None else Sourced(None, DEFAULT)

        lrs_user = from_config(cfg("lrs_username"))
        if env.get("TRAINER_LRS_USERNAME"):
            lrs_user = Sourced(env["TRAINER_LRS_USERNAME"], "$TRAINER_LRS_USERNAME")
        password: Sourced[Secret | None] = (
            Sourced(Secret(env["TRAINER_LRS_PASSWORD"]), "$TRAINER_LRS_PASSWORD")
            if env.get("TRAINER_LRS_PASSWORD")
            else Sourced(Secret(cfg("lrs_password")), cfg_source)
            if cfg("lrs_password")
            else Sourced(None, DEFAULT)
        )
        return cls(
            config_file=config_file,
            config_searched=config_file.value or _user_config_file(),
            config_problem=problem,
            data_dir=data,
            course=course,
            course_fallback=fallback,
            records=records,
            issuer_key=key,
            paper=Sourced(str(paper_value or "letter"), paper_source),
            plain_width=plain_width,
            terminal=_terminal(bool(flags.get("plain")), env, interactive),
            verify_url=from_config(cfg("verify_url")),
            xapi_homepage=from_config(cfg("xapi_homepage")),
            lrs_endpoint=from_config(cfg("lrs_endpoint")),
            lrs_username=lrs_user,
            lrs_password=password,
        )

    def rows(self) -> list[tuple[str, str | None, str]]:
        """(name, value as shown or None, source) for every setting; never a password."""

        def shown(value: object) -> str | None:
            if value is None:
                return None
            if isinstance(value, RecordsUrl):
                return value.url
            return str(value)

        rows = [
            ("config file", shown(self.config_file.value), self.config_file.source),
            ("data folder", shown(self.data_dir.value), self.data_dir.source),
            ("course", shown(self.course.value), self.course.source),
            ("records", shown(self.records.value), self.records.source),
            ("issuer key", shown(self.issuer_key.value), self.issuer_key.source),
            ("paper", shown(self.paper.value), self.paper.source),
            ("plain width", shown(self.plain_width.value), self.plain_width.source),
            ("terminal", self.terminal.value, self.terminal.source),
            ("verify page", shown(self.verify_url.value), self.verify_url.source),
            ("xAPI home page", shown(self.xapi_homepage.value), self.xapi_homepage.source),
            ("LRS endpoint", shown(self.lrs_endpoint.value), self.lrs_endpoint.source),
            ("LRS username", shown(self.lrs_username.value), self.lrs_username.source),
        ]
        password = "set" if self.lrs_password.value is not None else "not set"
        rows.append(("LRS password", password, self.lrs_password.source))
        return rows


def settings_of(args: Namespace) -> Settings:
    """The settings ``trainer.cli`` resolved once for this run (built here only when a
    command is called without the entry point, as some tests do)."""
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings.resolve(args)


def _config(
    flag: object, env: Mapping[str, str]
) -> tuple[Sourced[Path | None], Config | None, str | None]:
    """(the config file and its source, its contents or None, why it cannot be used).
    ``trainer.config`` (and with it tomllib) is imported only when there is a file to read."""
    if flag:
        where: Sourced[Path | None] = Sourced(_path(str(flag), "--config"), "--config")
    elif env.get(ENV_CONFIG):
        where = Sourced(_path(env[ENV_CONFIG], f"${ENV_CONFIG}"), f"${ENV_CONFIG}")
    else:
        default = _user_config_file()
        if not os.path.lexists(default):
            return Sourced(None, f"{DEFAULT} ({default} is read when it exists)"), None, None
        where = Sourced(default, DEFAULT)
    from trainer.config import ConfigError, load_config

    try:
        return where, load_config(str(where.value), {}), None
    except ConfigError as exc:
        return where, None, str(exc)


def _terminal(flag: bool, env: Mapping[str, str], interactive: bool | None) -> Sourced[str]:
    """Plain mode when asked for, when TERM is dumb, or when input or output is not a
    terminal; otherwise the full-screen app."""
    if flag:
        return Sourced("plain", "--plain")
    if env.get("TERM", "") == "dumb":
        return Sourced("plain", "$TERM=dumb")
    if interactive is None:
        interactive = _isatty(sys.stdin) and _isatty(sys.stdout)
    if not interactive:
        return Sourced("plain", "input or output is not a terminal")
    return Sourced("full screen", DEFAULT)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def _user_data_dir() -> Path:
    from trainer.paths import user_data_folder

    return user_data_folder()


def _user_config_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("trainer", appauthor=False)) / "config.toml"


def _shipped_course() -> Path:
    from trainer.paths import shipped_course

    return shipped_course()


def _default_records(folder: Path) -> RecordsUrl:
    path = folder / "records.sqlite3"
    return RecordsUrl(f"sqlite://{path.absolute().as_posix()}", "sqlite", path)
