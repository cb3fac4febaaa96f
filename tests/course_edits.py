"""Courses as they look after someone edited a module file, for tests of what happens then."""

from __future__ import annotations

from trainer.bank.model import Course


def with_module_changed(course: Course, module_id: str) -> Course:
    """``course`` as if ``module_id``'s file had been edited since: the same questions, but
    another file hash, which is how the records tell module versions apart."""
    edited = course.module(module_id)._replace(sha256="0" * 64)
    return course._replace(module_map={**course.module_map, module_id: edited})
