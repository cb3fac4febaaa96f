"""The application layer (trainer/service/): each use case's decision, made once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.course_edits import with_module_changed
from tests.tui_fixtures import FIXTURE
from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.records.store import LearnerRow, RecordsStore
from trainer.service import certificate, learners, modules
from trainer.session import Session


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(FIXTURE)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RecordsStore]:
    with RecordsStore.in_dir(tmp_path / "data") as s:
        yield s


def take(store: RecordsStore, course: Course, learner: LearnerRow, *, right: bool = True) -> None:
    session = modules.start_module(store, course, course.module("signs"), learner, fresh=True)
    while (question := session.current) is not None:
        wrong = [c.choice.id for c in question.choices if not c.choice.correct][:1]
        session.answer(question.step.correct_ids if right or not wrong else wrong)


def roster_managed(learner: LearnerRow) -> LearnerRow:
    return dataclasses.replace(learner, managed_by="roster")


# --------------------------------------------------------------------------- learners
def test_names_are_matched_case_folded_when_adding_and_renaming(store: RecordsStore) -> None:
    alice = learners.add_learner(store, "Alice  Smith", "employee")
    assert alice.name == "Alice Smith"
    with pytest.raises(learners.LearnerRefused, match="already exists"):
        learners.add_learner(store, "alice smith", "contractor", external_id="E-2")
    bob = learners.add_learner(store, "Bob", "employee")
    with pytest.raises(learners.LearnerRefused, match="already exists"):
        learners.update_learner(store, bob, name="ALICE SMITH", role="employee")
    # A learner may correct the capitals of their own name.
    renamed = learners.update_learner(store, alice, name="alice smith", role="employee")
    assert renamed.name == "alice smith" and store.learner_count() == 2


def test_refused_names_say_why_and_record_nothing(store: RecordsStore) -> None:
    for bad in ("", "   ", "Ann\x1b[31m", "x" * 500):
        with pytest.raises(learners.LearnerRefused):
            learners.add_learner(store, bad, "employee")
    with pytest.raises(learners.LearnerRefused, match="organisation"):
        learners.add_learner(store, "Ann", "employee", organisation="o" * 300)
    assert store.learner_count() == 0


def test_roster_managed_learners_are_not_changed_from_the_app(store: RecordsStore) -> None:
    ann = roster_managed(learners.add_learner(store, "Ann", "employee", "Navy", "N-1"))
    for change in (
        {"name": "Anne", "role": "employee", "organisation": "Navy", "external_id": "N-1"},
        {"name": "Ann", "role": "uniformed", "organisation": "Navy", "external_id": "N-1"},
        {"name": "Ann", "role": "employee", "organisation": "Army", "external_id": "N-1"},
        {"name": "Ann", "role": "employee", "organisation": "Navy", "external_id": "N-2"},
    ):
        with pytest.raises(learners.LearnerRefused, match="managed by the roster import"):
            learners.update_learner(store, ann, **change)
    # Saving the same details changes nothing and is not refused.
    same = learners.update_learner(
        store, ann, name="Ann", role="employee", organisation="Navy", external_id="N-1"
    )
    assert same.name == "Ann" and same.organisation == "Navy"
    assert [h.change for h in store.learner_history(ann.id)] == ["created"]


def test_rename_by_name_refuses_unknown_taken_and_roster_managed(
    store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    learners.add_learner(store, "Ann", "employee")
    learners.add_learner(store, "Bo", "employee")
    with pytest.raises(learners.LearnerRefused, match="no learner named"):
        learners.rename_learner(store, "Nobody", "X")
    with pytest.raises(learners.LearnerRefused, match="already exists"):
        learners.rename_learner(store, "ann", "BO")
    before, after = learners.rename_learner(store, "ann", "Ann Lee")
    assert (before.name, after.name) == ("Ann", "Ann Lee")
    real = store.find_learner
    monkeypatch.setattr(store, "find_learner", lambda name: roster_managed(real(name)))
    with pytest.raises(learners.LearnerRefused, match="managed by the roster"):
        learners.rename_learner(store, "Bo", "Bob")


def test_the_pick_list_lists_a_small_roster_and_searches_a_large_one(
    store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(5):
        learners.add_learner(store, f"Learner {i:02d}", "employee", external_id=f"E{i:03d}")
    small = learners.choose_from(store, limit=5)
    assert small.listed_all and len(small.learners) == 5 and not small.more
    learners.add_learner(store, "Learner 05", "employee", external_id="E005")

    def read_all() -> None:
        raise AssertionError("the whole roster was read")

    monkeypatch.setattr(store, "learners", read_all)
    large = learners.choose_from(store, "E00", limit=5)
    assert not large.listed_all and large.more and len(large.learners) == 5
    assert large.total == 6
    one = learners.choose_from(store, "e003", limit=5)
    assert [lr.name for lr in one.learners] == ["Learner 03"] and not one.more
    assert learners.choose_from(store, "", limit=5).learners == ()  # nothing typed: ask


# --------------------------------------------------------------------------- modules
def test_dashboard_counts_only_this_courses_attempts(store: RecordsStore, course: Course) -> None:
    ann = learners.add_learner(store, "Ann", "employee")
    board = modules.dashboard(store, course, ann)
    assert not board.begun and board.due is None and board.expired == ()
    other = course._replace(id="another-course")
    take(store, other, ann)
    assert not modules.dashboard(store, course, ann).begun
    session = modules.start_module(store, course, course.module("signs"), ann)
    question = session.current
    assert question is not None
    session.answer(question.step.correct_ids)
    board = modules.dashboard(store, course, ann)
    assert board.begun and board.answered == {"signs": 1}
    assert board.number() == {"signs": 1, "extra": 2}


def test_due_date_notice_within_30_days_until_complete(store: RecordsStore, course: Course) -> None:
    today = date(2026, 12, 2)
    ann = learners.add_learner(store, "Ann", "employee")
    for days, notice in ((45, False), (30, True), (0, True), (-3, True)):
        due = (today + timedelta(days=days)).isoformat()
        row = dataclasses.replace(ann, due_date=due)
        board = modules.dashboard(store, course, row, today)
        assert board.due is not None
        assert (board.due.days_left, board.due.notice, board.due.overdue) == (
            days,
            notice,
            days < 0,
        )
    take(store, course, ann)
    row = dataclasses.replace(ann, due_date=today.isoformat())
    board = modules.dashboard(store, course, row)
    assert board.due is not None and not board.due.notice  # complete and current


def test_module_options_follow_the_records(store: RecordsStore, course: Course) -> None:
    ann = learners.add_learner(store, "Ann", "employee")
    signs = course.module("signs")
    assert modules.module_options(store, course, signs, ann).actions == ("start", "back")
    session = modules.start_module(store, course, signs, ann)
    question = session.current
    assert question is not None
    session.answer(question.step.correct_ids)
    options = modules.module_options(store, course, signs, ann)
    assert options.actions == ("resume", "restart", "back") and options.resumable_answers == 1
    changed = with_module_changed(course, "signs")
    options = modules.module_options(store, changed, changed.module("signs"), ann)
    assert options.changed_since == 1 and options.actions == ("start", "back")
    take(store, course, ann)
    assert modules.module_options(store, course, signs, ann).actions == (
        "retake",
        "results",
        "back",
    )


def test_the_engines_error_on_start_is_module_not_started(
    store: RecordsStore, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = learners.add_learner(store, "Ann", "employee")

    def no_scenario(*args: object, **kwargs: object) -> Session:
        raise ValueError("module 'signs' has no scenarios for role 'employee'")

    monkeypatch.setattr(Session, "start_or_resume", no_scenario)
    with pytest.raises(modules.ModuleNotStarted, match="Nothing was started"):
        modules.start_module(store, course, course.module("signs"), ann)
    assert store.attempts() == []


def test_history_is_of_this_course_and_past_results_say_why_not(
    store: RecordsStore, course: Course
) -> None:
    ann = learners.add_learner(store, "Ann", "employee")
    bo = learners.add_learner(store, "Bo", "employee")
    take(store, course._replace(id="another-course"), ann)
    take(store, course, ann, right=False)
    modules.start_module(store, course, course.module("signs"), ann, fresh=True)
    entries = modules.history(store, course, ann)
    assert [(e.attempt.status, e.title, e.answered) for e in entries] == [
        ("failed", "Reading the signs", None),
        ("in-progress", "Reading the signs", 0),
    ]
    finished, unfinished = (e.attempt for e in entries)
    past = modules.past_attempt_result(store, course, ann, finished.id)
    assert past is not None and past.why == "shown" and past.result is not None
    assert not past.result.passed
    assert modules.past_attempt_result(store, course, bo, finished.id) is None  # not Bo's
    past = modules.past_attempt_result(store, course, ann, unfinished.id)
    assert past is not None and past.why == "in-progress" and past.result is None
    changed = with_module_changed(course, "signs")
    past = modules.past_attempt_result(store, changed, ann, finished.id)
    assert past is not None and past.why == "changed" and past.result is None


# --------------------------------------------------------------------------- certificate
def test_certificate_status_and_one_default_path(store: RecordsStore, course: Course) -> None:
    ann = learners.add_learner(store, "Ann Lee", "employee")
    status = certificate.status(store, course, ann, date(2026, 12, 2))
    assert status.state == "incomplete" and not status.ready and status.issued == ()
    assert status.default_path.name == "certificate-tui-fixture-ann-lee-2026-12-02.pdf"
    assert status.default_path == certificate.default_path(ann, course, date(2026, 12, 2))
    take(store, course, ann)
    assert certificate.status(store, course, ann).ready


def test_output_path_refusals(tmp_path: Path) -> None:
    default = tmp_path / "default.pdf"
    assert certificate.output_path("  ", default) == default
    assert certificate.output_path(str(tmp_path / "a.pdf"), default) == tmp_path / "a.pdf"
    for typed in (str(tmp_path), "~no-such-user-xyz/a.pdf", "a\x00b.pdf", "x" * 5000):
        with pytest.raises(certificate.CertificateNotIssued) as caught:
            certificate.output_path(typed, default)
        assert caught.value.kind == "path"


def test_issue_never_overwrites_unless_asked_and_reports_one_kind_each(
    store: RecordsStore, course: Course, tmp_path: Path
) -> None:
    ann = learners.add_learner(store, "Ann Lee", "employee")
    out = tmp_path / "out" / "cert.pdf"
    with pytest.raises(certificate.CertificateNotIssued) as caught:
        certificate.issue(store, course, ann, out, settings=None)
    assert caught.value.kind == "refused" and not out.exists()
    take(store, course, ann)
    issued = certificate.issue(store, course, ann, out, settings=None)
    assert out.read_bytes().startswith(b"%PDF") and issued.path == out
    assert (tmp_path / "data" / "issuer-key.pem").exists()  # beside the records, no settings
    with pytest.raises(certificate.CertificateNotIssued) as caught:
        certificate.issue(store, course, ann, out, settings=None)
    assert caught.value.kind == "exists" and "already exists" in str(caught.value)
    again = certificate.issue(store, course, ann, out, settings=None, replace=True)
    assert again.certificate_id != issued.certificate_id
    assert len(store.certificates(learner_id=ann.id)) == 2


def test_issue_uses_the_settings_issuer_key_and_paper(
    store: RecordsStore, course: Course, tmp_path: Path
) -> None:
    from argparse import Namespace

    from trainer.settings import Settings

    ann = learners.add_learner(store, "Ann Lee", "employee")
    take(store, course, ann)
    missing = tmp_path / "named-key.pem"
    settings = Settings.resolve(
        Namespace(issuer_key=str(missing), paper="a4", data_dir=str(tmp_path / "data")),
        environ={},
    )
    with pytest.raises(certificate.CertificateNotIssued) as caught:
        certificate.issue(store, course, ann, tmp_path / "c.pdf", settings=settings)
    assert caught.value.kind == "key" and not missing.exists()  # a named key is never made
    assert certificate.issuer_options(settings, store) == (missing, False, "a4")


def test_the_cli_rename_follows_the_same_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from trainer.cli import main

    data = tmp_path / "records"
    with RecordsStore.in_dir(data) as s:
        s.add_learner("Ann", "employee")
        s.add_learner("Bo", "employee", "Navy", "N-1")
    db = sqlite3.connect(data / "records.sqlite3")
    db.execute("UPDATE learners SET managed_by = 'roster' WHERE name = 'Bo'")
    db.commit()
    db.close()
    assert main(["learners", "--data-dir", str(data), "rename", "ann", "BO"]) == 1
    assert "A learner named Bo already exists" in capsys.readouterr().err
    assert main(["learners", "--data-dir", str(data), "rename", "bo", "Bob"]) == 1
    err = capsys.readouterr().err
    assert "Bo's name cannot be changed here" in err and "roster import" in err
    assert main(["learners", "--data-dir", str(data), "rename", "ann", "ANN"]) == 0
    assert "renamed 'Ann' to 'ANN'" in capsys.readouterr().out


def test_issuer_key_and_paper_flags_reach_plain_mode(tmp_path: Path, course: Course) -> None:
    """`trainer --plain --issuer-key FILE` signs plain mode's certificate with that key (a
    named key must exist: here it does not, so nothing is saved and no key is made)."""
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    with RecordsStore.in_dir(data) as s:
        take(s, course, s.add_learner("Ann Lee", "employee"))
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("XDG_DOCUMENTS_DIR", None)
    key = tmp_path / "named-key.pem"
    argv = ["--plain", "--data-dir", str(data), "--course", str(FIXTURE), "--learner", "Ann Lee"]
    proc = subprocess.run(
        [sys.executable, "-m", "trainer", *argv, "--issuer-key", str(key), "--paper", "a4"],
        input="c\n\nq\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No certificate was saved: the issuer key cannot be used" in proc.stdout, proc.stdout
    assert not key.exists() and not (data / "issuer-key.pem").exists()
    assert not list((tmp_path / "home" / "Documents").iterdir())
