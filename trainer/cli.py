"""Command line: ``trainer`` opens the app; subcommands validate, export and verify.

Each subcommand lives in ``trainer/commands/<name>.py`` with ``register(sub)``. Commands that
do not need the terminal UI never import Textual, so they start fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

# Command name -> one-line help. Only the command being run is imported (see build_parser),
# so `trainer` and `trainer validate` start without loading what they do not use.
COMMANDS: dict[str, str] = {
    "validate": "check bank files or folders (exit 0 valid, 1 problems, 2 usage)",
    "schema": "print the JSON Schema for bank files (for editors)",
    "banks": "list courses and modules in bank folders",
    "records": "attempt records (table, CSV, JSON, xAPI); carry them between machines",
    "learners": "list learners; correct a learner's name (kept in the learner history)",
    "new": "write a commented starter module or course (valid as written)",
    "paths": "list every path through every scenario with its score",
    "preview": "take a module as a learner would, recording nothing",
    "report": "item analysis from the records; answer-key audit of the banks (cues)",
    "certificate": "issue a signed PDF certificate for a passed course",
    "certificates": "list the certificates issued, or show one (learner, dates, payload hash)",
    "verify": "verify a certificate PDF or token (exit 0 valid, 1 invalid, 2 unreadable)",
    "keys": "issuer keys: print the public key, or generate an organisation key",
    "doctor": "check this installation: course, data folder, records, issuer key",
    "verify-page": "write the offline certificate verification page (HTML) to publish",
    "import": "import Moodle XML or GIFT questions into a new module file",
    "export": "export a module or course as Moodle XML or GIFT questions",
    "config": "print the effective settings and where each came from",
    "db": "PostgreSQL records: print the SQL for the kiosk and administrator roles",
    "roster": "import the organisation's roster (CSV) or export it",
    "status": "who has completed, is due, expired, in progress or not started (per learner)",
}

# Commands whose module name is not the command name ('import' is a Python keyword).
COMMAND_MODULES: dict[str, str] = {"import": "import_bank", "export": "export_bank"}


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any (the first word that is one)."""
    return next((word for word in argv if word in COMMANDS), None)


class _NotForTheAppAlone(Exception):
    """The command line is not one the app's own parser can take without a doubt."""


class _AppParser(argparse.ArgumentParser):
    """The parser of ``trainer`` with no command, without the commands: any error (a stray
    word, a bad value) is left to the full parser, which says it as it always has."""

    def error(self, message: str) -> NoReturn:
        raise _NotForTheAppAlone(message)


def parse_arguments(words: list[str]) -> argparse.Namespace:
    """The parsed command line. Building every command's parser takes argparse 10-20 ms
    here, a tenth of a short command's run: a command line is first parsed by a lean
    parser (the app's options, and only the command it names, if any); when that parse is
    clean it is exactly what the full parser gives, and otherwise (help, errors, a word
    taken for a command that is an option's value) the full parser parses it and says
    what it always has."""
    if not {"-h", "--help"} & set(words):
        try:
            args, rest = build_parser(words, lean=True).parse_known_args(words)
        except _NotForTheAppAlone:
            rest = ["?"]
        if not rest:
            return args
    return build_parser(words).parse_args(words)


def build_parser(
    argv: Sequence[str] | None = None, *, commands: bool = True, lean: bool = False
) -> argparse.ArgumentParser:
    """The parser. With ``argv``, only the command it names is imported and registered in
    full; the others are listed by name and help alone. Without ``argv``, all of them.
    ``commands=False``: the app's options alone. ``lean``: a parser that raises
    :class:`_NotForTheAppAlone` for anything it cannot take, with the app's options and
    only the command ``argv`` names (none if it names none; see :func:`parse_arguments`)."""
    wanted = chosen_command(argv) if argv is not None else None
    if lean and wanted is None:
        commands = False
    parser = (_AppParser if lean or not commands else argparse.ArgumentParser)(
        prog="trainer",
        description="Scenario-based training: recognising sex-trafficking victims who appear "
        "to consent. With no command, opens the course in the terminal app.",
    )
    parser.add_argument(
        "--version",
        action=VersionAction,
        help="show the version, the shipped course, the data folder and config file; exit",
    )
    add_common(parser)
    parser.add_argument("--learner", metavar="NAME", help="start as this learner (skip the pick)")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="line-by-line mode for screen readers and scripts (automatic when output is "
        "not a terminal or TERM=dumb)",
    )
    parser.add_argument("--high-contrast", action="store_true", help="use the high-contrast theme")
    parser.add_argument(  # the app's and plain mode's certificates, as 'trainer certificate'
        "--issuer-key",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="sign the app's certificates with this key (default: $TRAINER_ISSUER_KEY, the "
        "config file, or issuer-key.pem in the data folder)",
    )
    parser.add_argument(
        "--paper",
        choices=("letter", "a4"),
        default=argparse.SUPPRESS,
        help="the app's certificate paper (default: $TRAINER_PAPER, the config file, or letter)",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if argv is None or name == wanted:
            module = COMMAND_MODULES.get(name, name.replace("-", "_"))
            importlib.import_module(f"trainer.commands.{module}").register(sub)
        elif not lean:
            sub.add_parser(name, help=help_text)
    for command in sub.choices.values():
        add_common(command)  # --data-dir and --course work before or after the command
    return parser


class VersionAction(argparse.Action):
    """``--version``: the version, the shipped course's id and version, and where the data
    folder and config file are. Only what that needs is imported, so it stays fast."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from trainer.commands.doctor import version_text
        from trainer.settings import Settings, SettingsError

        try:
            settings = Settings.resolve(namespace)
        except SettingsError as exc:
            parser.exit(exc.status, f"trainer: {exc}\n")
        print(version_text(settings))
        parser.exit()


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="folder for the records database and issuer key (default: $TRAINER_DATA_DIR or "
        "the user data folder)",
    )
    parser.add_argument(
        "--course",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="course file (default: $TRAINER_COURSE or the course shipped with trainer)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="organisation config file, TOML (default: $TRAINER_CONFIG or config.toml in the "
        "user config folder; see 'trainer config')",
    )
    parser.add_argument(
        "--records",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="where the records are: sqlite:///PATH (default: $TRAINER_RECORDS, the config "
        "file, or records.sqlite3 in the data folder)",
    )


# What a terminal could obey: C0 controls but tab and line feed, DEL, C1 controls, and the
# bidi controls (the same set as trainer.safetext.is_dangerous, less tab and line feed).
_DANGEROUS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class TerminalSafe:
    """A text stream that writes every character a terminal could obey as a visible escape
    (ESC becomes ``\\x1b``). Messages quote file names, arguments and records; whatever a
    command forgets to escape, none of it can retitle, clear or reprogram a terminal."""

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(_DANGEROUS.sub(_escape, text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if chosen_command(words) is None:
        # Starting the app allocates many long-lived objects and few cycles: collecting
        # while it starts only costs time. The app turns collection back on once its first
        # screen is up (TrainerApp), plain mode before it starts, and we do on the way out.
        gc.disable()
    # Messages (stderr) always, and standard output when it is a terminal, are made
    # terminal-safe; output to a file or a pipe (CSV, JSON) is left exact.
    stdout, stderr = sys.stdout, sys.stderr
    sys.stderr = TerminalSafe(stderr)
    if _isatty(stdout):
        sys.stdout = TerminalSafe(stdout)
    try:
        return _run(words)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        gc.enable()


def entry() -> NoReturn:
    """The ``trainer`` command and ``python -m trainer``: :func:`main`, then exit.

    Everything the process built is frozen first, so the interpreter's last collection
    skips it instead of walking every object only to free memory the operating system
    takes back anyway (~8 ms of every command's exit here). Files and connections are
    closed by the commands themselves (``with``), never left to that collection."""
    try:
        code = main()
    finally:  # a usage error leaves main by SystemExit: the same way out
        gc.freeze()
    sys.exit(code)


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# Every argument value starting with '~' is checked as a path ('~user/...') first, except
# these, which are names and words, never paths (environment variables: trainer.settings).
_NOT_PATHS = frozenset(
    (
        "learner",
        "name",
        "organisation",
        "issuer",
        "old",
        "new",
        "id",
        "module",
        "step",
        "course_id",
        "records",
    )
)


def unusable_home(args: argparse.Namespace) -> str | None:
    """Why a path argument starting with '~user' cannot be used, or None.

    ``Path.expanduser`` raises RuntimeError for an unknown user: say so at the start, once,
    instead of a traceback from whichever command expands it first."""
    values: list[tuple[str, str]] = []
    for dest, given in vars(args).items():
        if dest in _NOT_PATHS:
            continue
        for value in given if isinstance(given, list) else [given]:
            if isinstance(value, str):
                values.append((dest.replace("_", "-"), value))
    for where, value in values:
        if value.startswith("~"):
            try:
                Path(value).expanduser()
            except RuntimeError:
                from trainer.safetext import terminal_safe

                user = value[1:].split("/", 1)[0]
                return (
                    f"{where}: cannot use '{terminal_safe(value)}': there is no user "
                    f"'{terminal_safe(user)}' whose home folder '~{terminal_safe(user)}' names"
                )
    return None


def _os_error_text(exc: OSError) -> str:
    """'cannot use FILE: reason' for an OSError no command turned into a message."""
    from trainer.safetext import terminal_safe

    name = exc.filename if isinstance(exc.filename, str) else None
    reason = exc.strerror or str(exc)
    if name is None:
        return f"cannot use a file or folder: {terminal_safe(reason)}"
    if len(name) > 120:
        name = name[:100] + "…"
    return f"cannot use '{terminal_safe(name)}': {terminal_safe(reason)}"


def _run(words: list[str]) -> int:
    args = parse_arguments(words)
    problem = unusable_home(args)
    if problem:
        print(f"trainer: {problem}", file=sys.stderr)
        return 2
    from trainer.settings import Settings, SettingsError

    try:
        args.settings = Settings.resolve(args)  # once; commands read args.settings only
    except SettingsError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return exc.status
    if args.settings.config_problem and args.command not in ("config", "doctor"):
        print(
            f"trainer: the config file cannot be used: {args.settings.config_problem} "
            "(see 'trainer config')",
            file=sys.stderr,
        )
        return 2
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from trainer.commands.app import run_app

            return run_app(args)
        return int(handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # The last line of defence: a file or folder that a command did not check (too long
        # a name, a folder where a file belongs, a missing parent folder).
        print(f"trainer: {_os_error_text(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:
        store = sys.modules.get("trainer.records.store")  # loaded if the records were used
        if store is None or not isinstance(exc, store.StoreError):
            raise
        from trainer.safetext import terminal_safe_multiline

        print(f"trainer: {terminal_safe_multiline(str(exc))}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
