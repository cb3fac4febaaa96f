"""Question banks: safe YAML loading, validation and the domain model.

The loader (and with it PyYAML) is imported on first use, so a cached course opens without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trainer.bank.model import (
    ROLES,
    Choice,
    Course,
    CourseModule,
    Module,
    Resources,
    Role,
    Scenario,
    Source,
    Step,
)
from trainer.bank.problems import BankError, CourseLoad, Problem

if TYPE_CHECKING:
    from trainer.bank.loader import Validation, load_course, load_module, validate_paths

_LAZY = {"Validation", "load_course", "load_module", "validate_paths"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from trainer.bank import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'trainer.bank' has no attribute {name!r}")


__all__ = [
    "ROLES",
    "BankError",
    "Choice",
    "Course",
    "CourseLoad",
    "CourseModule",
    "Module",
    "Problem",
    "Resources",
    "Role",
    "Scenario",
    "Source",
    "Step",
    "Validation",
    "load_course",
    "load_module",
    "validate_paths",
]
