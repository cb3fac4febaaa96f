"""Question banks: safe YAML loading, validation and the domain model."""

from trainer.bank.loader import (
    CourseLoad,
    Validation,
    load_course,
    load_module,
    validate_paths,
)
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
from trainer.bank.problems import BankError, Problem

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
