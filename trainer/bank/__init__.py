"""Question banks: safe YAML loading, validation and the domain model.

Names are imported on first use, so opening a cached course needs neither the loader (and
with it PyYAML) nor, until the course is first used, the model's classes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainer.bank.loader import Validation, load_course, load_module, validate_paths
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

_WHERE = {
    **dict.fromkeys(("Validation", "load_course", "load_module", "validate_paths"), "loader"),
    **dict.fromkeys(
        (
            "ROLES",
            "Choice",
            "Course",
            "CourseModule",
            "Module",
            "Resources",
            "Role",
            "Scenario",
            "Source",
            "Step",
        ),
        "model",
    ),
    **dict.fromkeys(("BankError", "CourseLoad", "Problem"), "problems"),
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"trainer.bank.{_WHERE[name]}"), name)
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
