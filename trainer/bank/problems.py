"""Problems found in a bank: one line each, ``path:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.bank.model import Course


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with a bank file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        """The problem as one terminal-safe line: a path or a value quoted from the file
        (a key, an id) shows control characters as visible escapes such as ``\x1b``."""
        from trainer.safetext import terminal_safe

        return terminal_safe(f"{self.path}:{self.line}:{self.col}: {self.message}")


class BankError(Exception):
    """Raised when a bank cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class CourseLoad:
    """Result of loading a course: the model (None when invalid), every problem, its files.

    It lives here, not in the loader, so a cached course can be unpickled without importing
    the YAML machinery (see trainer.bank.cache).
    """

    course: Course | None
    problems: list[Problem]
    files: list[Path]
