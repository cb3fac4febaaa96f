"""Who a learner is, for deciding which modules and scenarios they take.

Its own module so the learner screens can offer the roles without building the model.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["employee", "contractor", "uniformed"]
ROLES: tuple[Role, ...] = ("employee", "contractor", "uniformed")
