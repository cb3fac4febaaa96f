"""Every command and every plain-mode prompt against a table of hostile inputs.

The commands are read from the parser built from ``trainer.cli.COMMANDS`` (sub-commands
included), so a command added later is covered without touching this file. Each run fails
the test when it raises (a traceback), prints "Traceback", exits with a status other than
0, 1, 2 or 130, does not finish within a few seconds (a hang on a FIFO or /dev/zero), or
writes a raw ESC or BEL into a message (standard error).
Commands run in-process through :func:`trainer.cli.main` (fast); a few run in a
subprocess, where a traceback would really reach the terminal.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.cli import build_parser, main
from trainer.plain import run_plain
from trainer.records.store import RecordsStore
from trainer.session import Session

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLAIN_COURSE = FIXTURES / "plain_course" / "course.yaml"
ALLOWED = {0, 1, 2, 130}
SECONDS = 20  # per run; a hang is a failure, not a stuck suite
HUGE = "9" * 4400
CONTROL = "x\x1b]0;owned\x07\x1b[2J\x9b31m"
NO_USER = "~no-such-user-e2/x"


def hostile_values(root: Path) -> dict[str, str]:
    """Name -> a hostile command-line value (mostly paths), created under ``root``."""
    folder = root / "folder.yaml"
    folder.mkdir(parents=True)
    empty = root / "empty.yaml"
    empty.write_bytes(b"")
    bad_utf8 = root / "bad-utf8.yaml"
    bad_utf8.write_bytes(b"kind: module\ntitle: \xff\xfe\x00bad\n")
    deep = root / "deep.yaml"
    deep.write_text("kind: module\nx: " + "[" * 100_000 + "]" * 100_000 + "\n")
    huge_int = root / "huge-int.yaml"
    huge_int.write_text(f"kind: module\nformat: {HUGE}\n")
    values = {
        "nonexistent": str(root / "no-such-file.yaml"),
        "folder": str(folder),
        "dev-zero": "/dev/zero",
        "empty-file": str(empty),
        "invalid-utf8-file": str(bad_utf8),
        "deep-nesting-file": str(deep),
        "huge-int-file": str(huge_int),
        "huge-int": HUGE,
        "control-chars": CONTROL,
        "unknown-user-home": NO_USER,
    }
    if hasattr(os, "mkfifo"):
        fifo = root / "fifo.yaml"
        os.mkfifo(fifo)
        values["fifo"] = str(fifo)
    return values


def command_parsers() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """(words, parser) for every command and sub-command, from the real parser."""
    found: list[tuple[list[str], argparse.ArgumentParser]] = []

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if subs:
            for name, child in subs[0].choices.items():
                walk(child, [*words, name])
        elif words:
            found.append((words, parser))

    walk(build_parser(None), [])
    return found


def value_options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in parser._actions
        if a.option_strings and a.nargs != 0 and not isinstance(a, argparse._HelpAction)
    ]


def names_a_file(action: argparse.Action) -> bool:
    """True for an argument that takes a file or folder (by its metavar or name)."""
    words = f"{action.metavar or ''} {action.dest}".upper()
    return any(w in words for w in ("FILE", "DIR", "PATH", "OUT", ".", "BANK", "KEY", "SCHEMA"))


# Which hostile values each kind of option gets on its own (all of them go to positionals).
COMMON_OPTION_VALUES = ("dev-zero", "unknown-user-home", "huge-int")  # --course, --data-dir
FILE_OPTION_VALUES = (
    "folder",
    "fifo",
    "dev-zero",
    "invalid-utf8-file",
    "huge-int",
    "unknown-user-home",
)
OTHER_OPTION_VALUES = ("huge-int", "control-chars")


def option_values(option: argparse.Action, hostile: dict[str, str]) -> list[str]:
    if option.dest in ("course", "data_dir"):
        names: tuple[str, ...] = COMMON_OPTION_VALUES
    elif names_a_file(option):
        names = FILE_OPTION_VALUES
    else:
        names = OTHER_OPTION_VALUES
    if option.dest == "output":  # writing to a FIFO waits for a reader, as `cat > f` does
        names = tuple(n for n in names if n != "fifo")
    return [hostile[n] for n in names if n in hostile]


def invocations(root: Path, hostile: dict[str, str], benign: Path) -> list[list[str]]:
    """Command lines, without repeats: every positional and required option hostile; then
    each option taking a value hostile in turn, with benign positionals."""
    out = root / "out"
    runs: dict[tuple[str, ...], None] = {}
    for words, parser in command_parsers():
        positionals = [a for a in parser._actions if not a.option_strings]
        options = [a for a in value_options(parser) if a.choices is None]
        required = [a for a in value_options(parser) if a.required]
        for value in hostile.values():
            argv = [*words, *(value for _ in positionals)]
            for option in required:
                argv += [option.option_strings[0], next(iter(option.choices or [value]))]
            runs[tuple(argv)] = None
        fill = [str(benign) if names_a_file(a) else "x" for a in positionals]
        for n, option in enumerate(options):
            others = []
            for other in required:
                if other is not option:
                    default = next(iter(other.choices or [f"{out}{n}.out"]))
                    others += [other.option_strings[0], default]
            for value in option_values(option, hostile):
                runs[(*words, *fill, *others, option.option_strings[0], value)] = None
    return [list(argv) for argv in runs]


class TimedOut(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise TimedOut(f"no answer after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str]:
    """Run ``trainer ARGV`` in-process; (status, output). Status None: it raised."""
    status: int | None
    text = ""
    try:
        with time_limit(SECONDS):
            code = main(argv)
        status = code
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BaseException:  # a traceback: the very thing this test exists to catch
        status = None
        text = traceback.format_exc()
    out, err = capsys.readouterr()
    if "\x1b" in err or "\x07" in err:  # messages reach a terminal: nothing it would obey
        text += "\nRAW CONTROL CHARACTER IN A MESSAGE (stderr)"
    return status, out + err + text


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder, home and data folder of their own; empty standard input."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TRAINER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRAINER_COURSE", str(PLAIN_COURSE))  # small: quick to load
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    # argparse looks up a translation catalogue for every word of every parser it builds
    # (most of each run's time here); there is none to find, so skip the search.
    monkeypatch.setattr(argparse, "_", lambda text: text)
    return tmp_path


def failures(runs: list[tuple[list[str], int | None, str]]) -> list[str]:
    bad = []
    for argv, status, text in runs:
        if status not in ALLOWED or "Traceback" in text or "RAW CONTROL CHARACTER" in text:
            shown = [a if len(a) < 60 else a[:20] + "…" for a in argv]
            bad.append(f"trainer {' '.join(map(repr, shown))} -> {status}\n{text[-1500:]}")
    return bad


def test_every_command_has_help(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = []
    for words, _ in command_parsers():
        status, text = run_main([*words, "--help"], capsys)
        runs.append(([*words, "--help"], status, text))
        assert status == 0 and "usage: trainer" in text, (words, text)
    assert not failures(runs)
    assert len(runs) >= 15


def test_every_command_against_hostile_arguments(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = hostile_values(sandbox / "hostile")
    benign = sandbox / "module.yaml"
    shutil.copy(FIXTURES / "plain_course" / "modules" / "basics.yaml", benign)
    runs = []
    for argv in invocations(sandbox / "hostile", hostile, benign):
        status, text = run_main(argv, capsys)
        runs.append((argv, status, text))
    bad = failures(runs)
    assert not bad, f"{len(bad)} of {len(runs)} runs failed:\n\n" + "\n\n".join(bad[:10])


@pytest.mark.parametrize(
    "env",
    [
        {"TRAINER_DATA_DIR": NO_USER},
        {"TRAINER_COURSE": NO_USER},
        {"TRAINER_DATA_DIR": "/dev/zero"},
        {"TRAINER_COURSE": "/dev/zero"},
        {"TRAINER_PLAIN_WIDTH": HUGE},
    ],
    ids=lambda env: ",".join(f"{k}={v[:12]}" for k, v in env.items()),
)
def test_app_and_commands_with_hostile_environment(tmp_path: Path, env: dict[str, str]) -> None:
    """In a subprocess, as a user would start it: the app in plain mode, and records."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    base.update({"HOME": str(tmp_path), "TRAINER_DATA_DIR": str(tmp_path / "d"), **env})
    for argv in (["--plain", "--learner", "Ann"], ["records"]):
        proc = subprocess.run(
            [sys.executable, "-m", "trainer", *argv],
            input="\n\n1\nq\n",
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env=base,
        )
        assert proc.returncode in ALLOWED, (argv, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr, (argv, proc.stderr)


# --------------------------------------------------------------------------- damaged records
def passed_store(data: Path) -> None:
    """A data folder whose learner Ann passed the fixture course's required module."""
    loaded = load_course(PLAIN_COURSE)
    assert loaded.course is not None
    course = loaded.course
    with RecordsStore.in_dir(data) as store:
        learner = store.add_learner("Ann", "employee", "Org", "")
        session = Session.start_or_resume(store, course, course.module("basics"), learner)
        while (question := session.current) is not None:
            session.answer(question.step.correct_ids)


def damage(db: Path, how: str) -> None:
    if how == "zeroed-page":
        size = db.stat().st_size
        with db.open("r+b") as fh:
            page = 4096
            fh.seek(min(page, max(size - page, 0)))
            fh.write(b"\0" * page)
        return
    con = sqlite3.connect(db)
    try:
        if how == "bad-utf8-timestamp":
            con.execute("UPDATE attempts SET started_at = CAST(X'FFFE3230' AS TEXT)")
        elif how == "bad-json-choices":
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            table = "answers" if "answers" in tables else "answer"
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            col = next(c for c in cols if "choice" in c)
            con.execute("DROP TRIGGER IF EXISTS answers_no_update")  # as a hand-edit would
            con.execute(f"UPDATE {table} SET {col} = '[not json'")
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize("how", ["zeroed-page", "bad-utf8-timestamp", "bad-json-choices"])
def test_damaged_records_are_reported_not_raised(
    sandbox: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    data = sandbox / "data"
    passed_store(data)
    damage(data / "records.sqlite3", how)
    course = ["--course", str(PLAIN_COURSE)]
    runs = []
    for argv in (
        ["records", *course],
        ["records", "--format", "xapi", *course],
        ["records", "--format", "csv", *course],
        ["certificate", "--learner", "Ann", "-o", str(sandbox / "c.pdf"), *course],
        ["report", "items", *course],
        ["learners", "list", *course],
    ):
        status, text = run_main(argv, capsys)
        runs.append((argv, status, text))
    bad = failures(runs)
    assert not bad, "\n\n".join(bad)


# --------------------------------------------------------------------------- plain mode
HOSTILE_LINES: dict[str, bytes] = {
    "invalid-utf8": b"\xff\xfe\xfd",
    "long-line": b"7" * 100_000,
    "control-chars": CONTROL.encode(),
    "menu": b"menu",
    "superscript-two": "²".encode(),
    "huge-number": HUGE.encode(),
    "nul": b"1\x00",
}
# A path through every kind of prompt: the learner list, name, ID, organisation, role,
# dashboard, module menu, single and multi questions, "press Enter", certificate file name
# and the replace question (c.pdf exists, and is kept: no PDF is made, which keeps this quick).
SCRIPT = ["add", "Ann", "", "Org", "1", "1", "1", "2", "", "1,3", "", "1", "", "", "c", "c.pdf"]
SCRIPT += ["no"]


def plain_run(course: Course, store: RecordsStore, data: bytes) -> tuple[int, str]:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out = io.StringIO()
    with time_limit(SECONDS):
        status = run_plain(course, store, None, stdin, out)
    return status, out.getvalue()


def test_the_plain_script_reaches_every_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_course(PLAIN_COURSE)
    assert loaded.course is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 kept")
    with RecordsStore.in_dir(tmp_path / "data") as store:
        store.add_learner("Bo", "employee")
        status, text = plain_run(loaded.course, store, "".join(w + "\n" for w in SCRIPT).encode())
    assert status == 0
    for prompt in (
        "Learner number:",
        "Full name",
        "Employee or contract ID",
        "Organisation",
        "Role number:",
        "Dashboard choice:",
        "Module choice:",
        "Answer for question 3",
        "Press Enter to continue.",
        "File name for the certificate",
        "Replace it?",
    ):
        assert prompt in text, prompt
    assert "No certificate was saved." in text


@pytest.mark.parametrize("name", list(HOSTILE_LINES))
def test_every_plain_prompt_against_hostile_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    loaded = load_course(PLAIN_COURSE)
    assert loaded.course is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 kept")
    hostile = HOSTILE_LINES[name]
    store = RecordsStore.in_dir(tmp_path / "data")
    store.add_learner("Bo", "employee")  # so the learner list is the first prompt
    for cut in range(len(SCRIPT) + 1):
        # the hostile line at one prompt, then the rest of the script, then end of input;
        # a new learner each time (one records store: creating one costs more than a run)
        script = [SCRIPT[0], f"{SCRIPT[1]} {cut}", *SCRIPT[2:]]
        data = b"\n".join([w.encode() for w in script[:cut]] + [hostile]) + b"\n"
        data += "".join(w + "\n" for w in script[cut:]).encode()
        try:
            status, text = plain_run(loaded.course, store, data)
        except BaseException:
            store.close()
            pytest.fail(f"{name} at prompt {cut}:\n{traceback.format_exc()}")
        assert status in ALLOWED, (name, cut, text[-800:])
        assert "Traceback" not in text
        assert "\x1b" not in text and "\x07" not in text
    store.close()
    assert (tmp_path / "c.pdf").read_bytes() == b"%PDF-1.4 kept"


def test_unknown_user_in_data_dir_is_a_clear_message(
    sandbox: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINER_DATA_DIR", NO_USER)
    status, text = run_main(["records"], capsys)
    assert status == 2
    assert "$TRAINER_DATA_DIR: cannot use '~no-such-user-e2/x': there is no user" in text


def test_unusable_output_path_is_a_clear_message(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = sandbox / "a-folder"
    folder.mkdir()
    status, text = run_main(["schema", "-o", str(folder)], capsys)
    assert status == 2
    assert f"trainer: cannot use '{folder}': Is a directory" in text
    status, text = run_main(["validate", HUGE], capsys)
    assert status == 2 and "File name too long" in text and HUGE not in text
