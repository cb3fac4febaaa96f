"""The core never imports Textual; commands that don't need the UI start without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_bank
from tests.fresh_python import ROOT

CORE = [
    "trainer.bank",
    "trainer.engine",
    "trainer.session",
    "trainer.records",
    "trainer.progress",
    "trainer.export",
    "trainer.scoring",
    "trainer.cli",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_validate_command_does_not_import_textual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys; from trainer.cli import main; "
        f"rc = main(['validate', {str(tmp_path)!r}]); "
        "sys.exit(3 if 'textual' in sys.modules else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# psycopg (PostgreSQL records, issue 15) is imported only when a postgresql:// URL is used:
# help, the records package and the start-up path on SQLite records never load it.
_PSYCOPG_LOADED = (
    "bad = [m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_binary') "
    "or m.startswith('trainer.records.pg')]\n"
    "print(bad); sys.exit(3 if bad else 0)\n"
)


def _run_isolated(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter from the repository root, with no TRAINER_* settings
    and ``home`` as the home, data and config folders (no records URL configured)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAINER_", "PG"))}
    env.update(
        HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config")
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )


def test_importing_the_records_does_not_import_psycopg(tmp_path: Path) -> None:
    code = "import sys, trainer.records, trainer.records.store, trainer.settings\n"
    proc = _run_isolated(code + _PSYCOPG_LOADED, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_help_does_not_import_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from trainer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'usage' in out.getvalue(), out.getvalue()\n"
    )
    proc = _run_isolated(code + _PSYCOPG_LOADED, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_starting_on_sqlite_records_does_not_import_psycopg(tmp_path: Path) -> None:
    """The start path (plain mode with no input: it stops at the learner question), the
    app's modules, and record commands on the default SQLite store."""
    course = write_bank(tmp_path / "bank")
    code = (
        "import sys, contextlib, io\n"
        "from trainer.cli import main\n"
        "codes = []\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    for argv in (['--plain', '--course', {str(course)!r}], ['records'], ['learners']):\n"
        "        try:\n"
        "            codes.append(main(argv))\n"
        "        except SystemExit as exc:\n"
        "            codes.append(exc.code)\n"
        "import trainer.commands.app, trainer.tui.app\n"
        "assert 'trainer.records.store' in sys.modules, codes\n"
    )
    proc = _run_isolated(code + _PSYCOPG_LOADED, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "data" / "trainer" / "records.sqlite3").exists()  # SQLite was used
