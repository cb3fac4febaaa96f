"""A first start (no records file yet): the new-learner form is drawn before the records are
created and before a course missing from the cache is validated; both are done right after,
or when first needed, and nothing is lost if the learner saves the form at once."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import trainer.tui.app
from tests.conftest import MODULE_YAML, write_bank
from tests.tui_fixtures import FIXTURE, SIZE, screen_text, settle
from trainer.bank.cache import LazyCourse, cache_file, open_course_lazily
from trainer.cli import main
from trainer.records.contract import Records
from trainer.records.opening import no_records_yet, open_store
from trainer.records.store import DB_NAME, RecordsStore
from trainer.tui.app import TrainerApp
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.learner_form import LearnerFormScreen
from trainer.tui.screens.learners import LearnerPickScreen


def _deferred(cache_dir: Path, course: Path = FIXTURE) -> LazyCourse:
    lazy = open_course_lazily(course, cache_dir, defer=True)
    assert isinstance(lazy, LazyCourse) and not lazy.is_checked
    return lazy


class _Opener:
    """Opens the records at ``path`` as the app's first start does, counting the calls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls = 0

    def __call__(self) -> Records:
        self.calls += 1
        return open_store(self.path)


def _first_start_app(lazy: LazyCourse, opener: Callable[[], Records]) -> TrainerApp:
    app = TrainerApp(course=lazy, open_records=opener)
    app.theme = "textual-dark"
    return app


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def test_the_form_is_drawn_first_and_a_save_at_once_creates_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trainer.tui.app, "AFTER_FIRST_SCREEN", 60.0)  # never, in this test
    db = tmp_path / "data" / DB_NAME
    assert no_records_yet(db)
    opener, lazy = _Opener(db), _deferred(tmp_path / "data" / "cache")
    app = _first_start_app(lazy, opener)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LearnerFormScreen)
            # Drawn with nothing created and nothing validated yet.
            assert opener.calls == 0 and not db.parent.exists()
            assert not lazy.is_checked
            await _type(pilot, "Ana Smith")
            await pilot.press("ctrl+s")  # at once: the save opens the records itself
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert "Ana Smith (Employee)" in screen_text(app)
            assert lazy.is_built  # validated when the dashboard needed it
    finally:
        app.close_records()
    assert opener.calls == 1
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    with RecordsStore(db) as store:
        (learner,) = store.learners()
        assert learner.name == "Ana Smith"
        assert store._one("PRAGMA journal_mode")[0] == "wal"  # type: ignore[index]
    assert cache_file(FIXTURE, tmp_path / "data" / "cache").is_file()  # cached for next time


async def test_after_the_form_is_drawn_the_course_is_checked_and_the_records_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trainer.tui.app, "AFTER_FIRST_SCREEN", 0.01)
    db = tmp_path / "data" / DB_NAME
    opener, lazy = _Opener(db), _deferred(tmp_path / "data" / "cache")
    app = _first_start_app(lazy, opener)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                if app.records_opened and lazy.is_built:
                    break
            assert app.records_opened and lazy.is_built and opener.calls == 1
            assert isinstance(app.screen, LearnerFormScreen)  # the learner is still typing
            await pilot.press("escape")  # cancelled: the (empty) list, under the title
            await settle(pilot)
            assert isinstance(app.screen, LearnerPickScreen)
            assert "Fixture course" in screen_text(app)
    finally:
        app.close_records()
    assert db.is_file() and opener.calls == 1


async def test_a_course_with_problems_found_after_the_form_ends_the_app_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trainer.tui.app, "AFTER_FIRST_SCREEN", 0.01)
    bad = write_bank(tmp_path / "bank", module=MODULE_YAML + "sumary: x\n")
    db = tmp_path / "data" / DB_NAME
    opener, lazy = _Opener(db), _deferred(tmp_path / "data" / "cache", bad)
    app = _first_start_app(lazy, opener)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.course_problems is not None:
                break
    assert app.course_problems and any("sumary" in str(p) for p in app.course_problems)
    assert opener.calls == 0 and not db.exists()  # nothing created for a course not used
    assert app.return_code == 1, app.return_code


# --------------------------------------------------------------------------- the command
def _headless(monkeypatch: pytest.MonkeyPatch, steps: Callable[[Any], Any]) -> None:
    """`trainer` with no command opens the app, as in a terminal: headless, driven by
    ``steps`` (an async function of the pilot)."""
    monkeypatch.setattr("trainer.settings._isatty", lambda stream: True)
    original = TrainerApp.run

    def run(self: TrainerApp, *args: Any, **kwargs: Any) -> Any:
        async def drive(pilot: Any) -> None:
            await steps(pilot)

        return original(self, headless=True, size=SIZE, auto_pilot=drive)

    monkeypatch.setattr(TrainerApp, "run", run)


async def _wait_for(pilot: Any, check: Callable[[], bool]) -> None:
    for _ in range(400):
        if check():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"not reached; screen {type(pilot.app.screen).__name__}")


def test_a_first_start_on_a_course_with_problems_says_each_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As before the first screen was drawn first: every problem with its file, line and
    column, exit status 1, and nothing created in the data folder but the cache folder."""
    bad = write_bank(tmp_path / "bank", module=MODULE_YAML + "sumary: x\n")
    data = tmp_path / "data"

    async def steps(pilot: Any) -> None:
        await _wait_for(pilot, lambda: isinstance(pilot.app.screen, LearnerFormScreen))
        await _wait_for(pilot, lambda: pilot.app.return_code is not None)  # leaves by itself

    _headless(monkeypatch, steps)
    status = main(["--course", str(bad), "--data-dir", str(data)])
    err = capsys.readouterr().err
    assert status == 1
    assert "trainer: the course has 2 problems (see also 'trainer validate'):" in err
    assert f"{bad.parent / 'demo.yaml'}:79:1: unknown key 'sumary' in module" in err
    assert not (data / DB_NAME).exists()


def test_a_first_start_whose_records_cannot_be_created_says_so_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "not-a-folder"
    data.write_text("a file where the data folder should be\n", encoding="utf-8")

    async def steps(pilot: Any) -> None:
        await _wait_for(pilot, lambda: pilot.app.return_code is not None)  # leaves by itself

    _headless(monkeypatch, steps)
    status = main(["--course", str(FIXTURE), "--data-dir", str(data)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("trainer: cannot use the records database") and "Not a directory" in err
    assert data.read_text(encoding="utf-8").startswith("a file")  # untouched


def test_a_first_start_through_the_command_saves_the_learner_typed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trainer.tui.app, "AFTER_FIRST_SCREEN", 60.0)  # only the save opens
    data = tmp_path / "data"
    seen: list[str] = []

    async def steps(pilot: Any) -> None:
        app = pilot.app
        await _wait_for(pilot, lambda: isinstance(app.screen, LearnerFormScreen))
        seen.append(f"records before: {(data / DB_NAME).exists()}")
        await _type(pilot, "Bo Lee")
        await pilot.press("ctrl+s")
        await _wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await settle(pilot)
        seen.append(screen_text(app))
        app.exit(0)

    _headless(monkeypatch, steps)
    assert main(["--course", str(FIXTURE), "--data-dir", str(data)]) == 0
    assert seen[0] == "records before: False"
    assert "Bo Lee (Employee)" in seen[1]
    with RecordsStore.in_dir(data) as store:
        assert [x.name for x in store.learners()] == ["Bo Lee"]
