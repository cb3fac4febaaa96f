"""One rule in both front ends (#21): each decision is made once, in trainer/service/, so
the terminal app and plain mode agree. Each test drives both over the same records.

The rules: names are matched case-folded; the engine's error on opening a module is said,
not raised; the history is the course's; the certificate has one default path and takes
the issuer key from the settings. Plain mode's learner prompt searches a large roster.
"""

from __future__ import annotations

import io
from argparse import Namespace
from pathlib import Path

import pytest

from tests.tui_fixtures import SIZE, make_app, press, screen_text, settle
from trainer.bank.model import Course
from trainer.plain import run_plain
from trainer.records.store import RecordsStore
from trainer.service import certificate
from trainer.session import Session
from trainer.settings import Settings
from trainer.tui.screens.history import HistoryScreen
from trainer.tui.screens.intro import ModuleIntroScreen


def plain(
    course: Course, store: RecordsStore, lines: list[str], learner: str | None = None, **kw: object
) -> str:
    out = io.StringIO()
    status = run_plain(
        course,
        store,
        learner,
        io.StringIO("\n".join(lines) + "\n"),
        out,
        **kw,  # type: ignore[arg-type]
    )
    assert status == 0, out.getvalue()
    return out.getvalue()


async def test_a_name_matched_ignoring_capitals_is_refused_in_both(
    course: Course, store: RecordsStore
) -> None:
    store.add_learner("Alice Smith", "employee", external_id="E-1")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        for key in "alice":
            await pilot.press(key)
        await pilot.press("space", *"SMITH", "enter", "E", "minus", "2", "ctrl+s")  # another ID
        await settle(pilot)
        assert "A learner named Alice Smith already exists" in screen_text(app)
    out = plain(course, store, ["2", "alice smith", "Other Name", "", "", "1", "q"])
    assert "A learner named Alice Smith already exists" in out
    assert sorted(lr.name for lr in store.learners()) == ["Alice Smith", "Other Name"]


async def test_the_engines_error_on_opening_a_module_is_said_in_both(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_scenario(*args: object, **kwargs: object) -> Session:
        raise ValueError("module 'signs' has no scenarios for role 'employee'")

    monkeypatch.setattr(Session, "start_or_resume", no_scenario)
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, ModuleIntroScreen)  # still there, and told why
        messages = [str(n.message) for n in app._notifications]
        assert any("cannot be opened" in m and "no scenarios" in m for m in messages), messages
    out = plain(course, store, ["1", "1", "q"], learner="Ana Smith")
    assert "Reading the signs cannot be opened for the role employee" in out
    assert "Nothing was started" in out and "Traceback" not in out
    assert store.attempts() == []


async def test_the_history_is_the_courses_in_both(course: Course, store: RecordsStore) -> None:
    ana = store.add_learner("Ana Smith", "employee")
    other = course._replace(id="another-course")
    for c in (other, course):
        Session.start_or_resume(store, c, c.module("signs"), ana)
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        assert "1 attempt, newest first" in screen_text(app)
        assert "another-course" not in screen_text(app)
    out = plain(course, store, ["a", "q"], learner="Ana Smith")
    assert "Attempt history for Ana Smith: 1 attempt." in out


async def test_the_certificate_has_one_default_path_and_the_settings_key_in_both(
    course: Course, store: RecordsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    ana = store.add_learner("Ana Smith", "employee")
    session = Session.start_or_resume(store, course, course.module("signs"), ana)
    while (question := session.current) is not None:
        session.answer(question.step.correct_ids)
    named_key = tmp_path / "no-such-key.pem"  # named: must exist, never made
    settings = Settings.resolve(
        Namespace(issuer_key=str(named_key), data_dir=str(tmp_path / "data")), environ={}
    )
    default = certificate.default_path(ana, course)
    assert default.parent == tmp_path / "home" / "Documents"
    app = make_app(course, store, learner_name="Ana Smith", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        assert app.screen.query_one("#cert-path").value == str(default)  # type: ignore[attr-defined]
        await press(pilot, "enter")
        text = screen_text(app)
        assert "✘ Not saved: the issuer key cannot be used" in text, text
    out = plain(course, store, ["c", "", "q"], learner="Ana Smith", settings=settings)
    assert f"Suggested file: {default}" in out
    assert "No certificate was saved: the issuer key cannot be used" in out
    assert not named_key.exists() and not default.exists() and store.certificates() == []


def test_plain_mode_searches_a_large_roster_instead_of_reading_it_out(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        store.add_learner(f"Learner {i:02d}", "employee", external_id=f"E{i:03d}")

    def read_all() -> None:
        raise AssertionError("the whole roster was read")

    monkeypatch.setattr(store, "learners", read_all)
    out = plain(course, store, ["zz", "E01", "again", "learner 2", "1", "q"])
    assert "30 learners use this computer" in out
    assert "Learner 00" not in out  # never listed: only matches are
    assert "No learner matches zz." in out
    assert "10 learners match E01:" in out and "Learner 19, employee, ID E019" in out
    assert "More than 20 learners match learner 2" not in out
    assert "10 learners match learner 2:" in out
    assert "Dashboard for Learner 20, role employee." in out
    out = plain(course, store, ["learner", "q"])
    assert "More than 20 learners match learner; here are the first 20." in out
    out = plain(course, store, ["add", "New Person", "", "", "1", "q"])
    assert "Added learner New Person, role employee." in out


def _set(store: RecordsStore, learner_id: str, **columns: str) -> None:
    """Set columns a roster import sets (managed_by, due_date) directly in the records."""
    import sqlite3

    db = sqlite3.connect(store.path)
    for column, value in columns.items():
        db.execute(f"UPDATE learners SET {column} = ? WHERE uid = ?", (value, learner_id))
    db.commit()
    db.close()


async def test_a_due_date_within_30_days_is_said_in_both(
    course: Course, store: RecordsStore
) -> None:
    from datetime import date, timedelta

    ana = store.add_learner("Ana Smith", "employee")
    due = date.today() + timedelta(days=10)
    _set(store, ana.id, due_date=due.isoformat())
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"⚠ Due on {due.isoformat()} (in 10 days)" in screen_text(app)
    out = plain(course, store, ["q"], learner="Ana Smith")
    assert "in 10 days: complete the required modules by then." in out
    _set(store, ana.id, due_date=(date.today() + timedelta(days=31)).isoformat())
    assert "Due on" not in plain(course, store, ["q"], learner="Ana Smith")


async def test_a_roster_managed_learner_is_not_renamed_from_the_app(
    course: Course, store: RecordsStore
) -> None:
    ana = store.add_learner("Ana Smith", "employee", "Navy", "N-1")
    _set(store, ana.id, managed_by="roster")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "managed by the roster import" in screen_text(app)  # said before any typing
        await pilot.press("end", "x", "ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "✘ Ana Smith's name cannot be changed here" in text and "Nothing was changed" in text
    (learner,) = store.learners()
    assert learner.name == "Ana Smith"
    assert [h.change for h in store.learner_history(learner.id)] == ["created"]
