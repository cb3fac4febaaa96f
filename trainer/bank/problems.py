"""Problems found in a bank: one line each, ``path:line:col: message``.

Named tuples, not dataclasses: a command that checks only the course file (an export with
no course cache) imports this module, and ``dataclasses`` brings ``inspect`` (~10 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    from trainer.bank.model import Course


class Problem(NamedTuple):
    """One thing wrong with a bank file, at a 1-based line and column; problems sort by
    file, line, column and message."""

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


class CourseLoad(NamedTuple):
    """Result of loading a course: the model (None when invalid), every problem, its files.

    It lives here, not in the loader, so a cached course can be unpickled without importing
    the YAML machinery (see trainer.bank.cache).
    """

    course: Course | None
    problems: list[Problem]
    files: list[Path]
