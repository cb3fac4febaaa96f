"""Where trainer keeps its data, and where it finds the shipped course.

The shipped course is the top-level ``question_banks/`` folder of the repository. A built
wheel carries it as package data at ``trainer/_course/`` (see ``setup.py``), found through
:mod:`importlib.resources`; a checkout (or an editable install) has no such folder, and uses
``question_banks/`` beside the ``trainer`` package instead. Nothing here depends on the
current folder, so an installed ``trainer`` behaves the same wherever it is started.

Which data folder and course are in use (flag, environment, config file or default) is
decided once, by :mod:`trainer.settings`; nothing here reads the environment.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "trainer"
COURSE_FILE = "course.yaml"
PACKAGED_COURSE_DIR = "_course"  # inside the installed package; setup.py maps it
CHECKOUT_COURSE_DIR = "question_banks"  # at the top of the repository


def user_data_folder() -> Path:
    """The platform's user data folder for trainer (the default data folder)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def shipped_course_dir() -> Path:
    """The folder of the course that ships with trainer.

    In an installed package it is package data (``trainer/_course``); in a checkout, the
    ``question_banks/`` folder next to the package."""
    here = Path(__file__).resolve().parent
    packaged = here / PACKAGED_COURSE_DIR
    if (packaged / COURSE_FILE).is_file():
        # Installed wheels are unpacked on disk, so the package data is a real folder
        # (found beside this file: importlib.resources and its zipfile import cost every
        # command a few milliseconds to say the same).
        return packaged
    return here.parent / CHECKOUT_COURSE_DIR


def shipped_course() -> Path:
    """The shipped course file (which may be missing from a broken installation)."""
    return shipped_course_dir() / COURSE_FILE
