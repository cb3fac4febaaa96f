"""The course cache's body: the pickled :class:`~trainer.bank.problems.CourseLoad`.

Apart from :mod:`trainer.bank.cache` so that a command that needs only the course's facts
from the entry's header does not import :mod:`pickle`. The body is unpickled with an
allow-list (the model's own classes and paths), so a planted file cannot run code.
"""

from __future__ import annotations

import io
import pickle
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainer.bank.problems import CourseLoad

_BODY_ALLOWED = {
    ("trainer.bank.problems", "CourseLoad"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    *(
        ("trainer.bank.model", name)
        for name in (
            "Choice",
            "Contact",
            "Course",
            "CourseModule",
            "Module",
            "Resources",
            "ResourceSection",
            "Scenario",
            "Source",
            "Step",
        )
    ),
}


class _Unpickler(pickle.Unpickler):
    """Unpickles only the classes in ``allowed``."""

    def __init__(self, file: io.BytesIO, allowed: set[tuple[str, str]]) -> None:
        super().__init__(file)
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a course cache")
        return super().find_class(module, name)


def dumps(load: CourseLoad) -> bytes | None:
    """The body for ``load``, or None when it cannot be pickled."""
    try:
        return pickle.dumps(load, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def loads(body: bytes) -> CourseLoad | None:
    """The course load in ``body``, or None when it is damaged or names a class not allowed."""
    from trainer.bank.model import Course
    from trainer.bank.problems import CourseLoad

    try:
        load = _Unpickler(io.BytesIO(body), _BODY_ALLOWED).load()
    except Exception:  # any corruption: treat as a miss
        return None
    if not isinstance(load, CourseLoad) or not isinstance(load.course, Course):
        return None
    return load
