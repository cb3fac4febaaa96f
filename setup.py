"""Package layout that pyproject.toml cannot express on its own.

The shipped course is kept at the top of the repository in ``question_banks/`` (where
authors edit it) and installed as package data at ``trainer/_course/``, where
``trainer.paths.shipped_course_dir`` finds it through ``importlib.resources``. Mapping a
folder onto a subpackage needs an explicit package list, so the list is built here:
every regular package under ``trainer`` plus the course. Everything else is in
pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["trainer", "trainer.*"]), "trainer._course"],
    package_dir={"trainer._course": "question_banks"},
)
