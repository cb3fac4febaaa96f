"""Where trainer keeps its data and finds the shipped course."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "TRAINER_DATA_DIR"
ENV_COURSE = "TRAINER_COURSE"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$TRAINER_DATA_DIR``, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("trainer", appauthor=False))


def default_course(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The course file: ``--course``, else ``$TRAINER_COURSE``, else the shipped course."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_COURSE)
    if env:
        return Path(env).expanduser()
    local = Path("question_banks") / "course.yaml"
    if local.is_file():
        return local
    return Path(__file__).resolve().parent.parent / "question_banks" / "course.yaml"
