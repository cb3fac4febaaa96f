"""The terminal app and the records: closed attempts, a full disk, names, renames, history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_fixtures import SIZE, make_app, press, screen_text, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.session import Session
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.player import PlayerScreen


async def test_an_answer_into_an_attempt_closed_in_another_window_is_refused_and_said(
    course: Course, store: RecordsStore, data_dir: Path
) -> None:
    learner = store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter", "enter")  # one answer, next question
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen)
        module = app.screen.session.module
        with RecordsStore.in_dir(data_dir) as window_b:  # "Start again" in window B
            Session.start_new(window_b, course, module, learner)
        await pilot.press("1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        messages = [n.message for n in app._notifications]
        assert any("closed in another window" in m and "not saved" in m for m in messages)
    first, second = store.attempts(learner_id=learner.id)
    assert first.status == "abandoned" and len(store.answers(first.id)) == 1
    assert second.status == "in-progress" and store.answers(second.id) == []


async def test_a_full_disk_keeps_the_question_and_the_answer_can_be_given_again(
    course: Course, store: RecordsStore
) -> None:
    learner = store.add_learner("Ana Smith", "employee")
    filler = store.start_attempt(learner.id, "other", "m", "1", "h", "employee", 1)
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen)
        db = store._db
        limit = db.execute("PRAGMA max_page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        with pytest.raises(Exception, match="full"):
            for seq in range(1, 10_000):
                store.record_answer(filler.id, seq, "scenario", "s1", ("a",), 1.0, 1, "correct")
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen) and app.screen.feedback is None
        assert "Answer not saved" in screen_text(app) and "disk is full" in screen_text(app)
        db.execute(f"PRAGMA max_page_count = {limit}")  # space again
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.feedback is not None
    mine = [a for a in store.attempts(learner_id=learner.id) if a.course_id == course.id]
    assert len(store.answers(mine[0].id)) == 1


async def test_names_stored_with_escape_sequences_are_shown_escaped(
    course: Course, store: RecordsStore
) -> None:
    import sqlite3

    db = sqlite3.connect(store.path)
    db.execute(
        "INSERT INTO learners (name, role, created_at, uid) "
        "VALUES (?, 'employee', '2025-01-01T00:00:00Z', '5c1e0f4e-3a1b-4c2d-9e8f-7a6b5c4d3e2f')",
        ("Eve\x1b]0;owned\x07\x1b[2J",),
    )
    db.commit()
    db.close()
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Eve\\x1b]0;owned\\x07\\x1b[2J" in text and "\x1b" not in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "\x1b" not in screen_text(app) and "\x1b" not in app.sub_title


async def test_a_name_is_corrected_and_kept_in_the_history(
    course: Course, store: RecordsStore
) -> None:
    from textual.widgets import Input

    from trainer.tui.screens.history import HistoryScreen
    from trainer.tui.screens.learner_form import LearnerFormScreen
    from trainer.tui.screens.learners import LearnerPickScreen

    store.add_learner("Ana Smyth", "contractor")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        app.screen.query_one("#name", Input).value = "Ana Smith"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        assert "Ana Smith  (Contractor)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "renamed from 'Ana Smyth' to 'Ana Smith'" in screen_text(app)
    (learner,) = store.learners()
    assert learner.name == "Ana Smith"
    assert [h.change for h in store.learner_history(learner.id)] == ["created", "name"]


async def test_a_name_the_certificate_cannot_print_is_said_when_it_is_entered(
    course: Course, store: RecordsStore
) -> None:
    from textual.widgets import Input

    from trainer.tui.screens.learner_form import LearnerFormScreen

    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        app.screen.query_one("#name", Input).value = "王小明"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        assert "certificate cannot print" in screen_text(app)
        assert store.learners() == []
        await pilot.press("ctrl+s")  # kept as typed, knowingly
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert [lr.name for lr in store.learners()] == ["王小明"]


async def test_dashboard_says_what_a_role_change_changed_and_what_to_retake(
    course: Course, store: RecordsStore
) -> None:
    from datetime import date

    from trainer.months import add_months

    learner = store.add_learner("Ana Smith", "contractor")
    store.update_learner(learner.id, organisation="", external_id="", role="employee")
    module = course.required_for("employee")[0]
    old = store.start_attempt(learner.id, course.id, module.id, "1", "h", "employee", 1)
    store.finish_attempt(old.id, 5.0, 5.0, 100, True)
    months = course.validity_months + 1
    past = add_months(date.today(), -months).isoformat() + "T09:00:00Z"
    db = store._db
    db.execute("UPDATE attempts SET finished_at = ?, started_at = ?", (past, past))
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Role changed from Contractor to Employee on" in text
        assert "✘ Expired on" in text and "retake it" in text
        assert f"To recertify, retake: {module.title}." in text
        assert module.title in text
        await pilot.press("c")
        await settle(pilot)
        assert "Role changed from Contractor to Employee on" in screen_text(app)


async def test_a_full_disk_when_opening_a_module_is_said_and_nothing_is_lost(
    course: Course, store: RecordsStore
) -> None:
    from trainer.tui.screens.intro import ModuleIntroScreen

    learner = store.add_learner("Ana Smith", "employee")
    filler = store.start_attempt(learner.id, "other", "m", "1", "h", "employee", 1)
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ModuleIntroScreen)
        db = store._db
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        with pytest.raises(Exception, match="full"):
            for seq in range(1, 10_000):
                store.record_answer(filler.id, seq, "scenario", "s1", ("a",), 1.0, 1, "correct")
        with pytest.raises(Exception, match="full"):
            for n in range(1, 10_000):  # fill the attempts table's pages too
                store.start_attempt(learner.id, "other", f"m{n}", "1", "h", "employee", 1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ModuleIntroScreen)
        messages = [n.message for n in app._notifications]
        assert any("disk is full" in m for m in messages), messages


def test_completion_line_counts_expired_passes_as_not_current(course: Course) -> None:
    from datetime import date

    from trainer.progress import CourseProgress, ModuleProgress
    from trainer.standing import ExpiredModule
    from trainer.tui.screens.dashboard import completion_line

    module = course.modules_for("employee")[0][1]
    entries = [course.modules[0]._replace(required=True) for _ in range(2)]
    passed = ModuleProgress(entries[0], module, "passed", 90, None, object(), 1)  # type: ignore[arg-type]
    todo = ModuleProgress(entries[1], module, "not-started", None, None, None, 0)
    progress = CourseProgress(course, None, (passed, todo), None, None)  # type: ignore[arg-type]
    lapsed = ExpiredModule(module, date(2024, 1, 10), date(2025, 1, 10), True)
    line = completion_line(progress, expired=[lapsed])
    assert line.startswith("○ Course not complete yet: 0 of 2 required modules passed and current")
    assert f"1 expired (retake: {module.title})" in line
    assert "1 of 2 required modules passed." in completion_line(progress, expired=[])
