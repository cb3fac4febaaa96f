"""The core never imports Textual; commands that don't need the UI start without it."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
