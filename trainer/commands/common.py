"""Helpers shared by commands: opening the course and the records store with clear errors."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from trainer.bank.cache import load_course_cached
from trainer.bank.model import Course
from trainer.paths import data_dir, default_course
from trainer.records.store import RecordsStore, StoreError


class CommandError(Exception):
    """A message for the user and the exit status to leave with."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def open_course(args: argparse.Namespace) -> Course:
    path = default_course(getattr(args, "course", None))
    if not path.is_file():
        raise CommandError(f"course file not found: {path} (use --course FILE)", 2)
    # --- course cache (benchmarks helper): unchanged banks load from data_dir/cache ---
    result = load_course_cached(path, data_dir(getattr(args, "data_dir", None)) / "cache")
    # --- end course cache ---
    if result.course is None:
        lines = [str(p) for p in result.problems]
        raise CommandError("the course has problems; run 'trainer validate':\n" + "\n".join(lines))
    return result.course


def open_store(args: argparse.Namespace) -> RecordsStore:
    try:
        return RecordsStore.in_dir(data_dir(getattr(args, "data_dir", None)))
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
