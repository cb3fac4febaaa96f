"""Where a learner's certificate PDF is saved by default: one visible folder, the same in the
terminal app and in plain mode.

The default is the user's Documents folder (``platformdirs.user_documents_dir()``: on Linux
``~/Documents`` or the XDG documents folder, on macOS ``~/Documents``, on Windows the
Documents library) when it exists, else the home folder. Never the hidden data folder and
never the folder the program happened to start in. Both front ends show the full path and
let the learner type another one.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path


def certificate_folder() -> Path:
    """The user's Documents folder when it exists, else the home folder."""
    from platformdirs import user_documents_dir

    documents = Path(user_documents_dir())
    if documents.is_dir():
        return documents
    return Path(os.path.expanduser("~"))


def certificate_file_name(learner_name: str, course_id: str, day: date) -> str:
    """``certificate-<course>-<learner>-<YYYY-MM-DD>.pdf``, in ASCII letters, digits and '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", learner_name.lower()).strip("-") or "learner"
    course = re.sub(r"[^a-z0-9]+", "-", course_id.lower()).strip("-") or "course"
    return f"certificate-{course}-{slug}-{day.isoformat()}.pdf"


def default_certificate_path(learner_name: str, course_id: str, day: date | None = None) -> Path:
    """The suggested PDF path for a learner's certificate (see the module docstring)."""
    name = certificate_file_name(learner_name, course_id, day or date.today())
    return certificate_folder() / name
