"""Fixtures of the Pilot tests of the terminal app: the small fixture course, a throwaway
records store, and a terminal environment pinned as on a usual terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui_fixtures import FIXTURE
from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.records.store import RecordsStore


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(FIXTURE)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[RecordsStore]:
    with RecordsStore.in_dir(data_dir) as s:
        yield s
