"""Run code in a fresh interpreter, for tests about what gets imported or built at start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def fresh_python_json(code: str) -> Any:
    """Run ``code`` in a new Python process from the repository root; return the JSON it
    prints. A failing process fails the test with its error output."""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def run_trainer_without(args: list[str], modules: tuple[str, ...]) -> None:
    """Run ``trainer args`` in a new Python process; it must succeed and import none of
    ``modules`` (a test of what a command's start-up costs)."""
    code = (
        "import sys; from trainer.cli import main\n"
        f"rc = main({args!r})\n"
        f"bad = [m for m in {modules!r} if m in sys.modules]\n"
        "print(bad); sys.exit(rc or (3 if bad else 0))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
