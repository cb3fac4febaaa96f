"""Tests that need a service outside Python (a browser, a database server, an LRS).

Locally such a test is skipped with one line saying why; under CI (``CI=true``) a missing
service is a failure, so a CI run can never pass by skipping what it was meant to test.
"""

from __future__ import annotations

import os

import pytest


def service_missing(reason: str) -> None:
    """Skip (locally) or fail (under CI=true) because a service the test needs is missing."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)
