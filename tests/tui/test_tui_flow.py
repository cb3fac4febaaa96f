"""The terminal app driven by keys, as a learner would, checked against the records written.

Every test pins the terminal size (80×24), the theme and NO_COLOR, and uses a throwaway
records store and the small fixture course in tests/fixtures/tui_course/.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import trainer.tui.app
from tests.course_edits import with_module_changed
from tests.tui_fixtures import FIXTURE, SIZE, footer_text, make_app, press, screen_text, settle
from trainer.bank.cache import LazyCourse, open_course_lazily
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.session import Session
from trainer.tui.app import TrainerApp
from trainer.tui.screens.certificate import CertificateScreen
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.history import HistoryScreen
from trainer.tui.screens.intro import ModuleIntroScreen
from trainer.tui.screens.learner_form import LearnerFormScreen
from trainer.tui.screens.learners import LearnerPickScreen
from trainer.tui.screens.player import PlayerScreen
from trainer.tui.screens.resources import ResourcesScreen
from trainer.tui.screens.results import PastResultsScreen, ResultsScreen


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def attempts_of(store: RecordsStore, name: str):  # type: ignore[no-untyped-def]
    learner = store.find_learner(name)
    assert learner is not None
    return store.attempts(learner_id=learner.id)


# --------------------------------------------------------------------------- who am I
async def test_first_start_asks_who_the_learner_is(course: Course, store: RecordsStore) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        await type_text(pilot, "Ana Smith")
        await pilot.press("enter")  # next field: ID
        await type_text(pilot, "E-42")
        await pilot.press("enter")  # organisation
        await type_text(pilot, "Acme Hotels")
        await pilot.press("enter")  # role
        await pilot.press("enter", "down", "enter")  # open the role list, pick Contractor
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Ana Smith (Contractor)" in screen_text(app)
    (learner,) = store.learners()
    assert (learner.name, learner.external_id, learner.organisation, learner.role) == (
        "Ana Smith",
        "E-42",
        "Acme Hotels",
        "contractor",
    )


async def test_cancelling_the_first_form_shows_the_list_not_the_form_again(
    course: Course, store: RecordsStore
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        await pilot.pause(0.1)
        assert isinstance(app.screen, LearnerPickScreen)  # no loop back into the form
        assert "+ Add a new learner" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
    assert store.learners() == []


async def test_a_learner_without_a_name_is_refused(course: Course, store: RecordsStore) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        assert "needs a name" in screen_text(app)
    assert store.learners() == []


async def test_kiosk_pick_between_learners(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    store.add_learner("Bo Lee", "uniformed", organisation="Navy")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        text = screen_text(app)
        assert "▶ Ana Smith" in text and "Bo Lee  (Uniformed service member, Navy)" in text
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.learner is not None and app.learner.name == "Bo Lee"
        await pilot.press("l")  # change learner
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)


def _cached_course(tmp_path: Path) -> LazyCourse:
    """The fixture course as the app gets it on a normal start: a cache hit, not yet built."""
    cache_dir = tmp_path / "cache"
    open_course_lazily(FIXTURE, cache_dir)
    lazy = open_course_lazily(FIXTURE, cache_dir)
    assert isinstance(lazy, LazyCourse) and not lazy.is_built
    return lazy


async def test_a_cached_course_is_built_and_gc_resumed_after_the_first_screen(
    store: RecordsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    lazy = _cached_course(tmp_path)
    monkeypatch.setattr(trainer.tui.app, "AFTER_FIRST_SCREEN", 1.0)  # room for a slow CI
    gc.disable()  # as trainer.cli.main starts the app
    try:
        app = make_app(lazy, store)  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LearnerPickScreen)
            assert lazy.title in screen_text(app)  # the title needs no model
            assert not lazy.is_built and not gc.isenabled()
            for _ in range(100):
                await pilot.pause(0.05)
                if lazy.is_built:
                    break
            assert lazy.is_built and gc.isenabled()
    finally:
        gc.enable()


async def test_a_learner_picked_at_once_gets_the_course_built_then(
    store: RecordsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    lazy = _cached_course(tmp_path)
    monkeypatch.setattr(trainer.tui.app, "AFTER_FIRST_SCREEN", 60.0)  # never, in this test
    app = make_app(lazy, store)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert lazy.is_built
        assert "Reading the signs" in screen_text(app)


async def test_learner_details_can_be_corrected(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        assert "Edit learner details" in screen_text(app)
        await pilot.press("enter")  # the name stays; on to the ID
        await type_text(pilot, "C-7")
        await pilot.press("enter", "enter")  # to organisation, then to the role
        await pilot.press("enter", "down", "down", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        assert "Ana Smith  (Uniformed service member)" in screen_text(app)
    (learner,) = store.learners()
    assert (learner.name, learner.external_id, learner.role) == ("Ana Smith", "C-7", "uniformed")


async def test_learner_flag_skips_the_pick(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="ana smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_unknown_learner_flag_fills_in_the_add_form(
    course: Course, store: RecordsStore
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Cy New")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert store.find_learner("Cy New") is not None


# --------------------------------------------------------------------------- the main story
async def test_learner_takes_a_module_quits_resumes_retakes_and_sees_history(
    course: Course, records_at: str | Path
) -> None:
    """The whole flow, on each records backend (SQLite and PostgreSQL)."""
    from trainer.records import open_store

    with open_store(records_at) as store:
        store.add_learner("Ana Smith", "uniformed")
        app = make_app(course, store, learner_name="Ana Smith")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "1. Reading the signs" in text
            assert "○ Not started · Required · about 5 min" in text
            assert "○ Not started · Optional · about 3 min" in text
            await pilot.press("enter")
            assert isinstance(app.screen, ModuleIntroScreen)
            text = screen_text(app)
            assert "Notice signs of control." in text and "Content note" in text
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PlayerScreen)
            text = screen_text(app)
            assert "Scenario 1 of 2 · Step 1 · Question 1" in text
            assert "In a hotel lobby" in text and "What matters most here?" in text
            await pilot.press("2", "enter")  # the right answer, which branches to s2
            await settle(pilot)
            text = screen_text(app)
            assert "✔ Correct · 2 of 2 points" in text
            assert "Yes, that is the question." in text
            assert "Why: Agreeing at first" in text
            assert "Source: Fixture law, Fixture Code, 2020. https://example.org/law" in text
            await pilot.press("enter")
            await settle(pilot)
            assert "Step 2 · Question 2" in screen_text(app)
            assert "Select every sign of control." in screen_text(app)
            await pilot.press("1")  # tick one, then quit before submitting
            await pilot.press("q")
        (attempt,) = attempts_of(store, "Ana Smith")
        assert attempt.status == "in-progress" and attempt.role == "uniformed"
        answers = store.answers(attempt.id)
        assert [(a.step_id, a.choice_ids, a.outcome) for a in answers] == [
            ("s1", ("b",), "correct")
        ]

    # Next start, a new process: the same step, with the earlier answer kept.
    with open_store(records_at) as store:
        app = make_app(course, store, learner_name="Ana Smith")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "◐ In progress · Required" in screen_text(app)
            await press(pilot, "enter")  # the introduction, once its read is in
            assert "1 answer saved" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
            text = screen_text(app)
            assert "Resumed where you left off" in text
            assert "Scenario 1 of 2 · Step 2 · Question 2" in text
            await pilot.press("1", "3", "enter")  # the multi-select, both signs ticked
            await settle(pilot)
            assert "✔ Correct · 3 of 3 points" in screen_text(app)
            assert "go on to scenario 2 of 2" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
            assert "Scenario 2 of 2 · Step 1 · Question 3" in screen_text(app)
            await pilot.press("enter")  # "True" is highlighted first: the myth
            await settle(pilot)
            assert "✘ Incorrect · 0 of 1 point" in screen_text(app)
            assert "The correct answer:" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ResultsScreen)
            text = screen_text(app)
            assert "✔ PASSED · 5 of 6 points = 83% · pass mark 60%" in text
            assert "Free to leave: still to work on · 0% of the points" in text
            assert "“She wasn't locked up; she could have left.”" in text
            assert "Initial consent: understood · 100% of the points" in text
            assert "Decisions to review (1)" in text
            (attempt,) = attempts_of(store, "Ana Smith")
            assert (attempt.status, attempt.percent, attempt.score) == ("passed", 83, 5.0)
            assert [(a.seq, a.step_id, a.choice_ids) for a in store.answers(attempt.id)] == [
                (1, "s1", ("b",)),
                (2, "s2", ("a", "c")),
                (3, "p1", ("true",)),
            ]

            # Retake, taking the other branch this time.
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, PlayerScreen)
            assert not app.screen.session.resumed
            assert "Resumed" not in screen_text(app)
            await pilot.press("1", "enter")  # wrong: branches to s3
            await settle(pilot)
            assert "✘ Incorrect" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
            text = screen_text(app)
            assert "Step 2 · Question 2" in text and "agreeing at the start" in text
            await press(pilot, "down", "enter", "enter")  # False: right
            await settle(pilot)
            await press(pilot, "2", "enter", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ResultsScreen)
            assert "✘ NOT PASSED YET · 2 of 6 points = 33%" in screen_text(app)
            live_review = screen_text(app).splitlines()[1:-1]  # without heading and hint

            await pilot.press("h")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen)
            text = screen_text(app)
            assert "Reading the signs | ✘ Not passed yet | 33% (2/6)" in text
            assert "Reading the signs | ✔ Passed | 83% (5/6)" in text
            assert "⏎ Results" in footer_text(app)
            await pilot.press("enter")  # the newest attempt: its results, read-only
            await settle(pilot)
            assert isinstance(app.screen, PastResultsScreen)
            text = screen_text(app)
            assert "Results · Reading the signs · started" in text
            # The same review as when the attempt ended, rebuilt from the records.
            assert text.splitlines()[1:-1] == live_review
            assert "Decisions to review (1)" in text
            assert "esc Back" in footer_text(app) and "Retake" not in footer_text(app)
            await pilot.press("escape", "down", "enter")  # back, then the first attempt
            await settle(pilot)
            assert isinstance(app.screen, PastResultsScreen)
            assert "✔ PASSED · 5 of 6 points = 83%" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen)
            await pilot.press("escape", "escape")
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            text = screen_text(app)
            assert "✔ Passed (best 83%) · Required" in text
            assert "Course complete on" in text and "valid until" in text

    with open_store(records_at) as store:
        first, second = attempts_of(store, "Ana Smith")
        assert (first.status, second.status) == ("passed", "failed")
        assert [(a.step_id, a.choice_ids) for a in store.answers(second.id)] == [
            ("s1", ("a",)),
            ("s3", ("false",)),
            ("p1", ("false",)),
        ]


async def test_escape_pauses_and_reopening_continues(
    course: Course, any_store: RecordsStore
) -> None:
    store = any_store  # both backends
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter", "enter", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "◐ In progress" in screen_text(app)
        await press(pilot, "enter", "enter")
        await settle(pilot)
        assert "Resumed where you left off" in screen_text(app)
        assert app.screen.session.current.step.id == "s2"
    (attempt,) = attempts_of(store, "Ana Smith")
    assert len(store.answers(attempt.id)) == 1


async def test_an_updated_module_says_it_starts_again(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter", "enter", "escape")  # one answer
        await settle(pilot)
    updated = with_module_changed(course, course.modules[0].id)
    app = make_app(updated, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ModuleIntroScreen)
        text = screen_text(app)
        assert "⚠ This module has been updated since you began it. Your answer from" in text
        assert "◐ In progress:" not in text and "Press Enter to continue" not in text
        assert "Press Enter to start" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen)
        assert "Resumed where you left off" not in screen_text(app)
        assert app.screen.session.current.step.id == "s1"
    first, second = attempts_of(store, "Ana Smith")
    assert (first.status, second.status) == ("abandoned", "in-progress")
    assert len(store.answers(first.id)) == 1 and store.answers(second.id) == []


async def test_history_says_why_an_unfinished_attempt_has_no_results(
    course: Course, store: RecordsStore
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter", "enter", "escape")  # one answer, pause
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "◐ In progress | 1 answered" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)  # nothing to open
        messages = [n.message for n in app._notifications]
        assert any("not finished" in m and "dashboard" in m for m in messages), messages


async def test_empty_multi_select_is_not_recorded(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter", "enter")
        await settle(pilot)
        await pilot.press("space", "space", "enter")  # tick and untick: nothing chosen
        await settle(pilot)
        assert "Choose at least one answer" in screen_text(app)
        assert app.screen.session.current.step.id == "s2"
    (attempt,) = attempts_of(store, "Ana Smith")
    assert len(store.answers(attempt.id)) == 1


async def test_ctrl_c_quits_with_answers_kept(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter")
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert not app.is_running
    (attempt,) = attempts_of(store, "Ana Smith")
    assert attempt.status == "in-progress" and len(store.answers(attempt.id)) == 1


# --------------------------------------------------------------------------- help, resources
async def test_help_and_reporting_resources_on_every_screen(
    course: Course, store: RecordsStore
) -> None:
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerFormScreen)
        await pilot.press("f2")  # works while typing in a form
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        text = screen_text(app)
        assert "Fixture Tip Line" in text and "Phone: 000-000-0000" in text
        assert "If someone is in immediate danger" in text
        await pilot.press("escape")
        await type_text(pilot, "Ana Smith")
        await pilot.press("ctrl+s")
        await settle(pilot)
        for keys in ((), ("enter",), ("enter",)):  # dashboard, intro, question
            await pilot.press(*keys)
            await settle(pilot)
            back_to = type(app.screen)
            await pilot.press("f2")
            assert isinstance(app.screen, ResourcesScreen)
            await pilot.press("f2")  # F2 again closes
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            assert "Space" in screen_text(app) and "F2" in screen_text(app)
            await pilot.press("escape")
            assert type(app.screen) is back_to
        assert isinstance(app.screen, PlayerScreen)


# --------------------------------------------------------------------------- certificate
def pass_module(store: RecordsStore, course: Course, name: str) -> None:
    learner = store.find_learner(name)
    assert learner is not None
    session = Session.start_or_resume(store, course, course.module("signs"), learner)
    while (question := session.current) is not None:
        session.answer(question.step.correct_ids)
    assert session.result().passed


async def test_certificate_waits_for_a_complete_course(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CertificateScreen)
        text = screen_text(app)
        assert "Not yet" in text and "○ Not started · Reading the signs" in text
        assert not app.screen.query("#export")


async def test_certificate_export_saves_a_pdf_and_records_it(
    course: Course, store: RecordsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = tmp_path / "home" / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    store.add_learner("Ana Smith", "employee", organisation="Acme")
    pass_module(store, course, "Ana Smith")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the dashboard's read
        assert "✔ Course complete on" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "export"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await settle(pilot)
        text = screen_text(app)
        assert "✔ Saved:" in text, text
    (cert,) = store.certificates(learner_id=store.find_learner("Ana Smith").id)
    assert cert.id in text
    pdfs = list(documents.glob("*.pdf"))  # the visible Documents folder, as in plain mode
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert pdfs[0].name.startswith("certificate-")


async def test_certificate_qr_opens_the_configured_verification_page(
    course: Course, store: RecordsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The address comes from the run's settings, read once at start-up: a config file
    broken after start-up does not stop a certificate."""
    from argparse import Namespace

    from pypdf import PdfReader

    from trainer.settings import Settings

    (tmp_path / "home" / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    config = tmp_path / "config.toml"
    config.write_text('[certificates]\nverify_url = "https://t.example.gov/v.html"\n')
    settings = Settings.resolve(
        Namespace(config=str(config), data_dir=str(tmp_path / "data")), environ={}
    )
    config.write_text("[certificates]\nverify_url = 5\n")
    store.add_learner("Ana Smith", "employee", organisation="Acme")
    pass_module(store, course, "Ana Smith")
    app = make_app(course, store, learner_name="Ana Smith", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "export", app.focused
        await pilot.press("enter")
        # Under a loaded machine the worker may start after the press returns, so
        # wait_for_complete can find none yet: wait (bounded) for the result instead.
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if "✔ Saved:" in screen_text(app):
                break
        assert "✔ Saved:" in screen_text(app), screen_text(app)
    (pdf,) = (tmp_path / "home" / "Documents").glob("*.pdf")
    assert "https://t.example.gov/v.html" in str(PdfReader(pdf).metadata["/Subject"])  # type: ignore[index]


# --------------------------------------------------------------------------- qualities
async def test_high_contrast_theme(course: Course, store: RecordsStore) -> None:
    app = TrainerApp(course=course, store=store, high_contrast=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "trainer-high-contrast"
        assert app.current_theme.background == "#000000"


async def test_no_color_is_honoured_and_states_keep_their_words(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        assert "○ Not started" in screen_text(app)
        assert "▶ 1. Reading the signs" in screen_text(app)  # the cursor, not a colour


@pytest.mark.parametrize("size", [(200, 50), (160, 40), SIZE])
async def test_reading_width_is_capped_and_the_question_follows_the_story(
    course: Course, store: RecordsStore, size: tuple[int, int]
) -> None:
    """At 200x50 the text ran 195 columns wide with the question ~36 lines below the story."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=size) as pilot:
        dashboard = app.screen.query_one(".page").region
        assert dashboard.width <= 100
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#intro").region.width <= 100
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen)
        story = app.screen.query_one("#story").region
        prompt = app.screen.query_one("#prompt").region
        hint = app.screen.query_one("#hint").region
        assert app.screen.query_one("#choices").region.width <= 100
        assert prompt.y - story.bottom <= 1  # the question directly under the story
        assert hint.bottom <= size[1] - 1  # above the footer, also at 80x24
        await pilot.press("1", "enter")
        await settle(pilot)
        assert app.screen.query_one("#feedback-pane").region.width <= 100


async def test_footer_keys_fit_in_80_columns(course: Course, store: RecordsStore) -> None:
    from trainer.tui.widgets.footer import KeyFooter

    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        for keys in ((), ("enter",), ("enter",), ("2", "enter")):  # dashboard … feedback
            await pilot.press(*keys)
            await settle(pilot)
            footer = app.screen.query_one(KeyFooter)
            footer.render()  # each key's columns
            width = footer.region.width
            shown = [
                (key, end)
                for key, (start, end) in zip(footer.keys, footer._spans, strict=True)
                if start < width
            ]
            assert shown and all(end <= SIZE[0] for _, end in shown)
            assert any(key.description == "Reporting" for key, _ in shown), type(app.screen)
