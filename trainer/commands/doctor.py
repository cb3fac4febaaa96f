"""``trainer doctor``: check an installation, one line per check; and ``trainer --version``.

Required checks (exit 1 if any fails): the course is found and valid, the data folder is
writable, the records are reachable (opened read-only: nothing is created or changed), the
issuer key, when there is one, is private (mode 0600, owned by the user running trainer) and
loads, and the config file, when there is one, is valid. Optional pieces are reported but
never fail the check. Every line is terminal-safe: paths come from the environment and course
text from files. Paths come from :class:`trainer.settings.Settings` (``trainer config`` says
where each came from).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainer import __version__
from trainer.paths import shipped_course
from trainer.safetext import terminal_safe
from trainer.settings import DEFAULT, RecordsUrl, Settings, settings_of

MAX_PROBLEM_LINES = 10


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one check: ``ok`` or not, a label, what was found, and detail lines."""

    ok: bool
    label: str
    text: str
    details: tuple[str, ...] = ()
    required: bool = True

    def lines(self) -> list[str]:
        """The check as terminal-safe lines: a status word first, never colour alone."""
        status = ("ok" if self.ok else "PROBLEM") if self.required else "optional"
        head = f"{status:<9}{self.label}: {self.text}"
        return [terminal_safe(head)] + [f"           {terminal_safe(d)}" for d in self.details]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "doctor",
        help="check this installation: course, data folder, records, issuer key",
        description="Check this installation, one line per check: the course is found and "
        "valid, the data folder is writable, the records open (read-only), the issuer key is "
        "private, the config file (if any) is valid, and which optional pieces are present. "
        "Nothing is created or changed. Exit status: 0 when every required check passes, "
        "1 otherwise.",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    folder = settings.data_dir.value
    course = settings.course
    origin = "shipped with trainer" if course.source == DEFAULT else course.source
    checks: list[Callable[[], Check]] = [
        lambda: check_course(course.value, origin),
        lambda: check_data_folder(folder),
        lambda: check_records(settings.records.value),
        lambda: check_issuer_key(settings.issuer_key.value),
        lambda: check_config(settings),
        check_postgres_driver,
        lambda: check_lrs(settings),
    ]
    print(terminal_safe(f"trainer {__version__} (Python {sys.version.split()[0]})"))
    failed = 0
    for make in checks:
        check = make()
        failed += check.required and not check.ok
        print("\n".join(check.lines()))
    if failed:
        print(f"{plural(failed, 'required check')} failed")
        return 1
    print("all required checks passed")
    return 0


def check_course(path: Path, origin: str) -> Check:
    """The course file exists and it and its modules load without problems."""
    if not path.is_file():
        return Check(False, "course", f"not found: {path} ({origin}; use --course FILE)")
    from trainer.bank.loader import load_course

    result = load_course(path)
    course = result.course
    if course is None or result.problems:
        n = len(result.problems)
        shown = [str(p) for p in result.problems[:MAX_PROBLEM_LINES]]
        if n > MAX_PROBLEM_LINES:
            shown.append(f"… and {n - MAX_PROBLEM_LINES} more: trainer validate {path}")
        return Check(False, "course", f"{path} ({origin}) has {plural(n, 'problem')}", tuple(shown))
    count = len(course.modules)
    return Check(
        True,
        "course",
        f"{course.id} version {course.version}, {plural(count, 'module')}, valid "
        f"({origin}: {path})",
    )


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_data_folder(folder: Path) -> Check:
    """The data folder exists and a file can be created in it (or it can be created)."""
    if folder.exists() and not folder.is_dir():
        return Check(False, "data folder", f"{folder} is not a folder")
    if not folder.exists():
        parent = _nearest_existing(folder.parent)
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return Check(True, "data folder", f"{folder} (not created yet; created on first use)")
        return Check(False, "data folder", f"{folder} does not exist and cannot be created")
    try:
        fd, probe = tempfile.mkstemp(prefix=".doctor-", dir=folder)
    except OSError as exc:
        return Check(False, "data folder", f"{folder} is not writable ({exc.strerror})")
    os.close(fd)
    os.unlink(probe)
    return Check(True, "data folder", f"{folder} (writable)")


def check_records(records: RecordsUrl) -> Check:
    """The records database opens read-only (nothing is created or migrated on disk)."""
    from trainer.records.opening import open_store
    from trainer.records.store import RecordsStore, StoreError

    path = records.path
    if path is None:
        try:
            with open_store(records.url, read_only=True) as store:
                learners, version = store.learner_count(), store.schema_version
                where = store.location
        except StoreError as exc:
            return Check(False, "records", str(exc))
        noun = plural(learners, "learner")
        return Check(True, "records", f"PostgreSQL {where}, schema {version}, {noun} (read-only)")
    if not path.exists():
        return Check(True, "records", f"SQLite, none yet ({path} is created on first use)")
    try:
        with RecordsStore(path, read_only=True) as store:
            learners = store.learner_count()
            version = store.schema_version
    except StoreError as exc:
        return Check(False, "records", str(exc))
    except OSError as exc:
        return Check(False, "records", f"cannot read {path}: {exc.strerror}")
    noun = plural(learners, "learner")
    return Check(True, "records", f"SQLite {path}, schema {version}, {noun} (opened read-only)")


def check_issuer_key(path: Path) -> Check:
    """The issuer key, if any, is owned by this user, not readable by others, and loads."""
    from trainer.certificates.keys import CertificateKeyError

    if not path.exists():
        return Check(True, "issuer key", f"none yet ({path} is created 0600 on first certificate)")
    try:
        st = path.stat()
    except OSError as exc:
        return Check(False, "issuer key", f"cannot read {path}: {exc.strerror}")
    if os.name == "posix":
        mode = st.st_mode & 0o777
        if mode & 0o077:
            return Check(
                False,
                "issuer key",
                f"{path} has mode {mode:04o}; others can read it (chmod 600 {path})",
            )
        if st.st_uid != os.getuid():
            return Check(False, "issuer key", f"{path} is owned by user {st.st_uid}, not by you")
    from trainer.certificates.keys import fingerprint, load_issuer_key

    try:
        key = load_issuer_key(path)
    except CertificateKeyError as exc:
        return Check(False, "issuer key", str(exc))
    where = f"{path}, mode 0600, owned by you" if os.name == "posix" else str(path)
    return Check(True, "issuer key", f"{where}; fingerprint {fingerprint(key)}")


def check_config(settings: Settings) -> Check:
    """The config file (``--config``, ``$TRAINER_CONFIG`` or the default one, when it exists)
    is readable TOML with only known settings."""
    if settings.config_problem:
        return Check(False, "config file", settings.config_problem)
    path = settings.config_file
    if path.value is None:
        return Check(
            True, "config file", f"none ({settings.config_searched} is read when it exists)"
        )
    return Check(True, "config file", f"{path.value} (valid)")


def check_postgres_driver() -> Check:
    """Whether the PostgreSQL driver is importable (looked up, never imported)."""
    found = importlib.util.find_spec("psycopg") is not None
    text = "installed" if found else "not installed (needed only for PostgreSQL records)"
    return Check(found, "PostgreSQL driver (psycopg)", text, required=False)


def check_lrs(settings: Settings) -> Check:
    """Whether statements are sent to a learning record store (the [lrs] settings); the
    LRS itself is not contacted here (``trainer records push --status`` tells the outbox)."""
    endpoint = settings.lrs_endpoint.value
    if not endpoint:
        return Check(False, "LRS", "not configured ([lrs] endpoint)", required=False)
    who = settings.lrs_username.value
    account = f" as {who}" if who else ""
    return Check(
        True,
        "LRS",
        f"{endpoint}{account} ({settings.lrs_endpoint.source}); statements are sent after "
        "each module ('trainer records push --status' shows what is waiting)",
        required=False,
    )


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 problem``, ``2 problems``: the count and the noun that agrees with it."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def version_text(settings: Settings) -> str:
    """What ``trainer --version`` prints: version, shipped course, data folder, config file."""
    lines = [f"trainer {__version__}"]
    course = shipped_course()
    lines.append(f"course: {_course_identity(course)} (shipped: {course})")
    lines.append(f"data folder: {settings.data_dir.value}")
    none = "" if settings.config_file.value else " (none)"
    lines.append(f"config file: {settings.config_searched}{none}")
    return "\n".join(terminal_safe(line) for line in lines)


def _course_identity(path: Path) -> str:
    """``id version V`` read from the course file alone (modules are not loaded)."""
    from trainer.bank.safeyaml import YamlRefused, load_bytes

    try:
        value, problems = load_bytes(path.read_bytes(), str(path))
    except OSError:
        return "not found"
    except YamlRefused:
        value, problems = None, []
    if not isinstance(value, dict) or problems:
        return "unreadable (run 'trainer doctor')"
    return f"{value.get('id', '?')} version {value.get('version', '?')}"
