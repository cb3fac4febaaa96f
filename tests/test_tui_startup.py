"""The app starts fast: importing it loads Textual but nothing heavy, and no data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_app_loads_no_certificate_or_pdf_machinery() -> None:
    code = (
        "import json, sys; import trainer.tui.app; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('reportlab', 'cryptography', 'pypdf', 'yaml', 'sqlite3') "
        "or m.startswith('trainer.certificates'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_screens_are_only_imported_when_shown() -> None:
    code = (
        "import json, sys; import trainer.tui.app; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('trainer.tui.screens.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
