"""Plain mode in-process: invalid input, commands, learners, retake, history, preview."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.course_edits import with_module_changed
from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.plain import Console, parse_answer, run_plain, run_plain_preview
from trainer.records.store import RecordsStore
from trainer.session import Session

COURSE = Path(__file__).resolve().parent / "fixtures" / "plain_course" / "course.yaml"
NEW_LEARNER = ["", "Test Org", "1"]
PERFECT = ["1", "1", "2", "", "1,3", "", "1", "", ""]  # dashboard 1, start, answers, back


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def store(tmp_path: Path):
    with RecordsStore.in_dir(tmp_path) as s:
        yield s


def drive(
    course: Course, store: RecordsStore, lines: list[str], learner: str | None = "Ann", **kwargs
) -> tuple[int, str]:
    out = io.StringIO()
    status = run_plain(course, store, learner, io.StringIO("\n".join(lines) + "\n"), out, **kwargs)
    return status, out.getvalue()


def test_plain_invalid_input_reprompts(course: Course, store: RecordsStore) -> None:
    lines = [
        *NEW_LEARNER,
        "1",
        "1",
        "b",
        "0",
        "99",
        "",
        "1 2",
        "2",
        "",
        "x,1",
        "1 and 3",
        "",
        "1",
        "",
        "",
        "q",
    ]
    status, out = drive(course, store, lines)
    assert status == 0
    assert "You typed b. That is not a number. Type 1 or 2, or type help." in out
    assert "There is no choice 0. Type 1 or 2." in out
    assert "There is no choice 99. Type 1 or 2." in out
    assert "Nothing was typed. Type 1 or 2, or type help." in out
    assert "This question takes one answer. Type one number: 1 or 2." in out
    assert "You typed x,1. That is not a number. Type a number from 1 to 4, or type help." in out
    assert out.count("Answer for question 1:") == 6  # five refusals, then the answer
    assert "Result: passed." in out
    (attempt,) = store.attempts()
    assert [a.choice_ids for a in store.answers(attempt.id)] == [("b",), ("a", "c"), ("myth",)]


def test_plain_menu_invalid_input_reprompts(course: Course, store: RecordsStore) -> None:
    status, out = drive(course, store, [*NEW_LEARNER, "zero", "0", "8", "", "q"])
    assert status == 0
    how = "Type the number or letter shown before your choice"
    assert f"There is no choice zero. {how}, or type repeat to hear the list." in out
    assert f"There is no choice 8. {how}, or type repeat to hear the list." in out
    assert f"Nothing was typed. {how}, or type help." in out
    assert out.count("Dashboard choice:") == 5


def test_plain_commands_help_resources_repeat(course: Course, store: RecordsStore) -> None:
    lines = [*NEW_LEARNER, "1", "1", "help", "resources", "repeat", "2", "repeat", "", "pause"]
    status, out = drive(course, store, lines)
    assert status == 0
    assert "Type the number of your answer and press Enter." in out
    assert "pause: save and stop." in out
    assert "Reporting resources." in out and "  Phone: 555-0100" in out
    # repeat shows the scenario and the question again before the answer
    assert out.count("What matters most here?") == 2
    assert out.count("Scenario 1 of 2: The market stall.") == 2
    # repeat after feedback repeats the feedback
    assert out.count("Correct. 2 of 2 points.") == 2
    assert "Paused at question 2 of Basics for testing." in out


def test_plain_menu_command_returns_to_dashboard(course: Course, store: RecordsStore) -> None:
    status, out = drive(course, store, [*NEW_LEARNER, "1", "1", "2", "", "menu", "q"])
    assert status == 0
    assert "Back to the dashboard. The module stays open where you left it." in out
    assert "Status: in progress, 1 question answered." in out


def test_plain_back_from_module_intro_records_nothing(course: Course, store: RecordsStore) -> None:
    status, out = drive(course, store, [*NEW_LEARNER, "1", "2", "q"])
    assert status == 0
    assert "Content note: This test module mentions pressure and debt, without detail." in out
    assert "Objective 1: Answer a branching question." in out
    assert store.attempts() == []


def test_plain_choose_existing_or_new_learner(course: Course, store: RecordsStore) -> None:
    store.add_learner("Zed Person", "contractor", "Acme")
    status, out = drive(course, store, ["2", "New Person", "E-1", "", "3", "q"], learner=None)
    assert status == 0
    assert "1. Zed Person, contractor, Acme" in out
    assert "2. Add a new learner." in out
    assert "Added learner New Person, role uniformed." in out
    row = store.find_learner("New Person")
    assert row is not None and row.external_id == "E-1" and row.role == "uniformed"
    status, out = drive(course, store, ["1", "q"], learner=None)
    assert "Dashboard for New Person, role uniformed." in out  # sorted by name: New before Zed


def test_plain_duplicate_learner_name_asks_again(course: Course, store: RecordsStore) -> None:
    store.add_learner("Zed Person", "employee")
    status, out = drive(course, store, ["2", "zed person", "Other", "", "", "1", "q"], learner=None)
    assert status == 0
    assert "A learner named Zed Person already exists (names are matched ignoring capitals)" in out
    assert store.find_learner("Other") is not None


def test_plain_retake_history_and_results(course: Course, store: RecordsStore) -> None:
    lines = [
        *NEW_LEARNER,
        "1",
        "1",
        "1",
        "",
        "2",
        "",
        "2",
        "",
        "2",
        "",
        "",  # fail
        "1",
        "2",  # module menu: results of last attempt
        "1",
        *PERFECT[2:],  # the module menu again: retake, and pass
        "a",
        "q",
    ]
    status, out = drive(course, store, lines)
    assert status == 0
    assert "Result: not passed. You need 80 percent to pass. You can retake the module." in out
    assert "Decisions to review: 4." in out
    assert "Results of your attempt started" in out
    assert "1. Retake the module." in out
    assert "Attempt history for Ann: 2 attempts." in out
    assert "Not passed with 0 percent" in out and "Passed with 100 percent" in out
    assert [a.status for a in store.attempts()] == ["failed", "passed"]


def test_plain_restart_unfinished_attempt(course: Course, store: RecordsStore) -> None:
    drive(course, store, [*NEW_LEARNER, "1", "1", "1", "", "pause"])
    _, out = drive(course, store, ["1", "2", *PERFECT[2:], "q"])
    assert "2. Start again from the beginning. The unfinished attempt is closed." in out
    assert [a.status for a in store.attempts()] == ["abandoned", "passed"]


def test_plain_says_why_an_updated_module_starts_again(course: Course, store: RecordsStore) -> None:
    drive(course, store, [*NEW_LEARNER, "1", "1", "1", "", "pause"])  # one answer, then pause
    updated = with_module_changed(course, course.modules[0].id)
    _, out = drive(updated, store, ["1", "1", *PERFECT[2:], "q"])
    assert (
        "This module has been updated since you began it. Your answer from then stays in your "
        "records, but the updated module starts again from the beginning." in out
    )
    assert "1. Start the module." in out and "Resume the module" not in out
    assert [a.status for a in store.attempts()] == ["abandoned", "passed"]


def test_plain_certificate_refused_then_issued(
    course: Course, store: RecordsStore, tmp_path: Path
) -> None:
    pdf = tmp_path / "cert.pdf"
    status, out = drive(course, store, [*NEW_LEARNER, "c", *PERFECT, "c", str(pdf), "q"])
    assert status == 0
    assert "No certificate yet: pass every required module first." in out
    assert f"Certificate saved: {pdf}" in out
    assert pdf.read_bytes().startswith(b"%PDF")
    assert len(store.certificates()) == 1


def test_plain_certificate_qr_opens_the_configured_verification_page(
    course: Course, store: RecordsStore, tmp_path: Path
) -> None:
    """The verification page's address comes from the run's settings (the config file is
    read once, at start-up): an edit to the file later does not reach this run."""
    from argparse import Namespace

    from pypdf import PdfReader

    from trainer.settings import Settings

    config = tmp_path / "config.toml"
    config.write_text('[certificates]\nverify_url = "https://t.example.gov/verify.html"\n')
    settings = Settings.resolve(
        Namespace(config=str(config), data_dir=str(tmp_path / "data")), environ={}
    )
    config.write_text("[certificates\n")  # broken after start-up: this run is not affected
    pdf = tmp_path / "cert.pdf"
    lines = [*NEW_LEARNER, *PERFECT, "c", str(pdf), "q"]
    status, out = drive(course, store, lines, settings=settings)
    assert status == 0 and f"Certificate saved: {pdf}" in out
    subject = str(PdfReader(pdf).metadata["/Subject"])  # type: ignore[index]
    assert "https://t.example.gov/verify.html" in subject


def test_plain_existing_learner_and_wrapping(course: Course, store: RecordsStore) -> None:
    store.add_learner("Ann", "employee")
    _, out = drive(course, store, ["1", "1", "q"], width=40)
    assert "Learner: Ann, role employee." in out
    assert all(len(line.rstrip()) <= 40 for line in out.splitlines() if " " in line.strip())


def test_plain_eof_at_every_prompt_exits_zero(course: Course, store: RecordsStore) -> None:
    full = [*NEW_LEARNER, *PERFECT, "q"]
    for cut in range(len(full)):
        with RecordsStore(store.path.parent / f"cut{cut}.sqlite3") as s:
            status, out = drive(course, s, full[:cut])
        assert status == 0, cut
        assert "Goodbye." in out


def test_parse_answer_accepts_choice_words(course: Course) -> None:
    module = course.module("basics")
    session = Session.preview(module, "employee")
    session.answer_numbers([2])
    multi = session.current
    assert multi is not None and multi.step.type == "multi"
    assert parse_answer("3, 1, 3", multi) == ([3, 1], None)
    session.answer_numbers([1, 3])
    tf = session.current
    assert tf is not None
    assert parse_answer("myth", tf) == ([1], None)
    assert parse_answer("Fact.", tf) == ([2], None)


def test_console_strips_control_characters() -> None:
    out = io.StringIO()
    Console(io.StringIO(""), out).say("a\x1b[31mred\x1b[0m\x07 b")
    assert out.getvalue() == "a[31mred[0m b\n"


def test_plain_preview_records_nothing(course: Course, tmp_path: Path) -> None:
    module = course.module("basics")
    out = io.StringIO()
    lines = ["", "2", "", "1,3", "", "1", ""]
    status = run_plain_preview(module, "employee", io.StringIO("\n".join(lines) + "\n"), out)
    text = out.getvalue()
    assert status == 0
    assert text.startswith("PREVIEW — nothing is recorded.")
    assert "Objective 1: Answer a branching question." in text
    assert "Preview finished: Basics for testing." in text
    assert "Score: 6 of 6 points, 100 percent." in text
    assert text.rstrip().endswith("PREVIEW ended — nothing was recorded.")
    assert list(tmp_path.iterdir()) == []


def test_plain_preview_start_step_and_eof(course: Course) -> None:
    module = course.module("basics")
    out = io.StringIO()
    status = run_plain_preview(
        module,
        "employee",
        io.StringIO("resources\n"),
        out,
        start_step="market/s2",
        resources=course.resources.as_lines(),
    )
    text = out.getvalue()
    assert status == 0
    assert "Select every sign of control present." in text
    assert "What matters most here?" not in text
    assert "Fixture Test Line" in text
    assert text.rstrip().endswith("PREVIEW stopped — nothing was recorded.")
    out = io.StringIO()
    assert run_plain_preview(module, "employee", io.StringIO(""), out, start_step="nope") == 2
    assert "There is no step nope" in out.getvalue()


def test_plain_dashboard_not_reread_after_history(course: Course, store: RecordsStore) -> None:
    status, out = drive(course, store, [*NEW_LEARNER, "a", "repeat", "q"])
    assert status == 0
    assert out.count("Dashboard for Ann, role employee.") == 2  # at first, then on repeat only
    assert (
        "Back at the dashboard. Type a module number or a letter, or type repeat to hear the "
        "dashboard again." in out
    )


def test_plain_dashboard_names_expired_passes_to_retake(
    course: Course, store: RecordsStore
) -> None:
    from datetime import date

    from trainer.months import add_months

    drive(course, store, [*NEW_LEARNER, *PERFECT, "q"])  # pass the first module
    past = add_months(date.today(), -(course.validity_months + 1)).isoformat() + "T09:00:00Z"
    store._db.execute("UPDATE attempts SET finished_at = ?, started_at = ?", (past, past))
    _, out = drive(course, store, ["q"])
    title = course.module(course.modules[0].id).title
    assert f"Passes that have expired, to retake: {title.rstrip('.')}." in out
    line = next(ln for ln in out.splitlines() if ln.lstrip("0123456789. ").startswith(title))
    assert "passed, but expired on" in line and "retake it" in line
