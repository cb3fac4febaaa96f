"""Courses as they look after someone edited a module file, for tests of what happens then."""

from __future__ import annotations

import dataclasses

from trainer.bank.model import Course


def with_module_changed(course: Course, module_id: str) -> Course:
    """``course`` as if ``module_id``'s file had been edited since: the same questions, but
    another file hash, which is how the records tell module versions apart."""
    edited = dataclasses.replace(course.module(module_id), sha256="0" * 64)
    return dataclasses.replace(course, module_map={**course.module_map, module_id: edited})
