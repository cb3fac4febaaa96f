"""Helpers shared by commands: opening the course and the records store with clear errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.records.opening import open_store as open_records
from trainer.records.store import StoreError
from trainer.safetext import terminal_safe
from trainer.settings import settings_of

if TYPE_CHECKING:  # the course cache (hashlib, pickle) only for commands that open the course
    from trainer.bank.cache import LazyCourse
    from trainer.bank.model import Course
    from trainer.records.contract import Records


class CommandError(Exception):
    """A message for the user and the exit status to leave with."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def course_path(args: argparse.Namespace) -> Path:
    path = settings_of(args).course.value
    if not path.is_file():
        raise CommandError(f"course file not found: {path} (use --course FILE)", 2)
    return path


def course_problems(problems: Sequence[object]) -> CommandError:
    """Every problem, one per line, under a count that agrees with it."""
    n = len(problems)
    lines = [terminal_safe(str(p)) for p in problems]
    head = f"the course has {n} problem{'s' * (n != 1)} (see also 'trainer validate'):"
    return CommandError("\n".join([head, *lines]))


def open_course(args: argparse.Namespace, *, read_only: bool = False) -> Course:
    """The course, loaded from the cache in the data folder when its files are unchanged
    (``read_only``: a command that only reads never writes a cache entry)."""
    path = course_path(args)
    cache = settings_of(args).data_dir.value / "cache"
    from trainer.bank.cache import load_course_cached

    result = load_course_cached(path, cache, write=not read_only)
    if result.course is None:
        raise course_problems(result.problems)
    return result.course


def open_lazy_course(args: argparse.Namespace, *, defer: bool = False) -> LazyCourse:
    """As :func:`open_course`, but an unchanged course's model is built on first use (and
    with ``defer``, a changed one is loaded and validated then: see open_course_lazily)."""
    path = course_path(args)
    from trainer.bank.cache import open_course_lazily

    opened = open_course_lazily(path, settings_of(args).data_dir.value / "cache", defer=defer)
    if isinstance(opened, list):
        raise course_problems(opened)
    return opened


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> Records:
    """The records store; ``read_only`` (commands that only report) never writes anything."""
    records = settings_of(args).records
    try:
        return open_records(records.value.location, read_only=read_only)
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot open the data folder: {exc}") from None


def fail(exc: CommandError) -> int:
    print(f"trainer: {exc}", file=sys.stderr)
    return exc.status


def iso_date(text: str) -> str:
    """argparse type for a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as an input file, in words: missing, a folder, or a
    device or FIFO (which is never opened: reading /dev/zero would not end)."""
    if not path.exists():
        return f"no such file: {terminal_safe(str(path))}"
    kind = "a folder" if path.is_dir() else "a device, FIFO or socket"
    return f"{terminal_safe(str(path))} is {kind}, not a regular file"


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal (False for anything that cannot say)."""
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
