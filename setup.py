"""Package layout that pyproject.toml cannot express on its own.

The shipped course is kept at the top of the repository in ``question_banks/`` (where
authors edit it) and installed as package data at ``trainer/_course/``, where
``trainer.paths.shipped_course_dir`` finds it through ``importlib.resources``. Mapping a
folder onto a subpackage needs an explicit package list, so the list is built here: every
folder under ``trainer`` (data-only folders such as ``fonts`` included, as namespace
packages) plus the course and its folders. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

COURSE = "question_banks"

course_packages = ["trainer._course"] + [
    "trainer._course." + ".".join(folder.relative_to(COURSE).parts)
    for folder in sorted(Path(COURSE).rglob("*"))
    if folder.is_dir() and not folder.name.startswith((".", "__"))
]

setup(
    packages=[
        *find_namespace_packages(include=["trainer", "trainer.*"], exclude=["*__pycache__*"]),
        *course_packages,
    ],
    package_dir={"trainer._course": COURSE},
)
