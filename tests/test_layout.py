"""The code's layout rules, checked by reading the source (no import, nothing run):

- no file under trainer/ is over 500 lines (split it into cohesive modules instead);
- only trainer/records/ imports a database driver (sqlite3, psycopg);
- only trainer/settings.py and trainer/config.py read the process environment (the rest get
  what they need from the one frozen :class:`trainer.settings.Settings`).

The source is parsed, so a word in a docstring or comment is never taken for a use.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fresh_python import ROOT

MAX_LINES = 500
DRIVERS = {"sqlite3", "_sqlite3", "psycopg", "psycopg2", "psycopg_binary", "psycopg_c"}
ENVIRONMENT_READERS = {"trainer/settings.py", "trainer/config.py"}
ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def sources(root: Path = ROOT / "trainer") -> list[Path]:
    return sorted(root.rglob("*.py"))


def name_of(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:  # the checks' own probes, written elsewhere
        return str(path)


def over_length(paths: list[Path], limit: int = MAX_LINES) -> list[str]:
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{name_of(path)}: {lines} lines")
    return found


def _imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level module) for every import, including importlib.import_module("x")
    and __import__("x") with a literal name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module.split(".")[0]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            yield node.lineno, node.args[0].value.split(".")[0]


def driver_imports(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module in _imported(tree):
            if module in DRIVERS:
                found.append(f"{name_of(path)}:{line}: imports {module}")
    return found


def environment_reads(paths: list[Path]) -> list[str]:
    """os.environ / os.getenv / ... as attributes, names imported from os or posix, and the
    posix/nt modules themselves."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            what = None
            if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT_NAMES:
                what = f"...{node.attr}"
            elif isinstance(node, ast.ImportFrom) and node.module in ("os", "posix", "nt"):
                names = {a.name for a in node.names} & (ENVIRONMENT_NAMES | {"*"})
                what = f"from {node.module} import {', '.join(sorted(names))}" if names else None
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names} & {"posix", "nt"}
                what = f"import {', '.join(sorted(names))}" if names else None
            if what:
                found.append(f"{name_of(path)}:{node.lineno}: {what}")
    return found


def test_no_file_under_trainer_is_over_500_lines() -> None:
    too_long = over_length(sources())
    assert not too_long, f"split these into cohesive modules (≤ {MAX_LINES} lines):\n" + "\n".join(
        too_long
    )


def test_only_the_records_import_a_database_driver() -> None:
    records = ROOT / "trainer" / "records"
    outside = [p for p in sources() if records not in p.parents]
    found = driver_imports(outside)
    assert not found, "only trainer/records/ talks to the database:\n" + "\n".join(found)


def test_only_the_settings_read_the_environment() -> None:
    others = [p for p in sources() if name_of(p) not in ENVIRONMENT_READERS]
    found = environment_reads(others)
    assert not found, "read the environment through trainer.settings:\n" + "\n".join(found)


# The checks themselves can fail: each is run on a small file that breaks its rule.
Check = Callable[[list[Path]], list[str]]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("x = 1\n" * (MAX_LINES + 1), over_length),
        ("import sqlite3\n", driver_imports),
        ("from psycopg import sql\n", driver_imports),
        ("import psycopg.rows as r\n", driver_imports),
        ("import importlib\nimportlib.import_module('psycopg')\n", driver_imports),
        ("import os\nhome = os.environ['HOME']\n", environment_reads),
        ("import os\nhome = os.getenv('HOME')\n", environment_reads),
        ("from os import environ\n", environment_reads),
        ("import posix\n", environment_reads),
    ],
)
def test_each_check_finds_what_breaks_its_rule(tmp_path: Path, text: str, check: Check) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(text, encoding="utf-8")
    assert check([probe]), text


def test_words_in_docstrings_are_not_uses(tmp_path: Path) -> None:
    fine = tmp_path / "fine.py"
    fine.write_text(
        '"""os.environ, getenv and import sqlite3 are only words here."""\n'
        "import json\n\n# import psycopg\n",
        encoding="utf-8",
    )
    assert over_length([fine]) == driver_imports([fine]) == environment_reads([fine]) == []
