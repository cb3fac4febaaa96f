"""Plain mode end to end: `python -m trainer --plain` fed through a pipe; records checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from trainer.records.store import RecordsStore

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "tests" / "fixtures" / "plain_course" / "course.yaml"
NEW_LEARNER = ["", "Test Org", "1"]  # ID (blank), organisation, role 1 = employee
ANSI = re.compile(r"\x1b|\x9b")


def run_plain(
    data_dir: Path,
    lines: list[str],
    learner: str = "Ann Example",
    *,
    close_with_newline: bool = True,
) -> subprocess.CompletedProcess[str]:
    text = "\n".join(lines) + ("\n" if close_with_newline and lines else "")
    env = {**os.environ, "TERM": "xterm-256color", "FORCE_COLOR": "1", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    env.pop("TRAINER_PLAIN_WIDTH", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "trainer",
            "--plain",
            "--data-dir",
            str(data_dir),
            "--course",
            str(COURSE),
            "--learner",
            learner,
        ],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=30,
    )


def records(data_dir: Path):
    with RecordsStore.in_dir(data_dir) as store:
        learner = store.find_learner("Ann Example")
        assert learner is not None
        attempts = store.attempts(learner_id=learner.id)
        return learner, attempts, {a.id: store.answers(a.id) for a in attempts}


def test_plain_completes_module_and_records_score(tmp_path: Path) -> None:
    # Q1 wrong (branch to s1b), s1b right, s2 one of two right (partial), t1 right.
    lines = [*NEW_LEARNER, "1", "1", "1", "", "1", "", "1", "", "1", "", "", "q"]
    proc = run_plain(tmp_path, lines)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout
    assert "Incorrect. The correct answer was 2: Whether the debt now keeps her working." in out
    assert "Partly correct: 1.5 of 3 points." in out
    assert "You did not select 3, which is right: Her boss takes her wages." in out
    assert "Scenario 2 of 2: Myth or fact." in out
    assert "Score: 3.5 of 6 points, 58 percent." in out
    assert "Result: not passed." in out
    assert "Topic Initial consent: 42 percent" in out  # 2.5 of 6 points on that scenario
    learner, attempts, answers = records(tmp_path)
    assert learner.organisation == "Test Org" and learner.role == "employee"
    (attempt,) = attempts
    assert attempt.status == "failed"
    assert attempt.score == 3.5 and attempt.max_score == 6 and attempt.percent == 58
    rows = answers[attempt.id]
    assert [(r.step_id, r.choice_ids, r.points, r.outcome) for r in rows] == [
        ("s1", ("a",), 0, "incorrect"),
        ("s1b", ("t",), 1, "correct"),
        ("s2", ("a",), 1.5, "partial"),
        ("t1", ("myth",), 1, "correct"),
    ]


def test_plain_output_has_no_escape_sequences(tmp_path: Path) -> None:
    lines = [*NEW_LEARNER, "1", "1", "2", "", "1,3", "", "1", "", "", "a", "r", "help", "x", "q"]
    proc = run_plain(tmp_path, lines)
    assert proc.returncode == 0, proc.stderr
    assert "Result: passed." in proc.stdout
    assert "Attempt history for Ann Example: 1 attempt." in proc.stdout
    assert "Fixture Test Line" in proc.stdout  # the reporting resources were shown
    assert not ANSI.search(proc.stdout), "plain mode must not write escape sequences"
    assert not ANSI.search(proc.stderr)
    for line in proc.stdout.splitlines():  # no box drawing or block glyphs either
        assert not re.search(r"[\u2500-\u259f\u2713-\u2718]", line), line


def test_plain_pause_then_resume_at_same_question(tmp_path: Path) -> None:
    first = run_plain(tmp_path, [*NEW_LEARNER, "1", "1", "2", "", "pause"])
    assert first.returncode == 0, first.stderr
    assert "Paused at question 2 of Basics for testing." in first.stdout
    _, attempts, answers = records(tmp_path)
    assert [a.status for a in attempts] == ["in-progress"]
    assert [r.step_id for r in answers[attempts[0].id]] == ["s1"]

    second = run_plain(tmp_path, ["1", "1", "1,3", "", "1", "", "", "q"])
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert "Status: in progress, 1 question answered." in out
    assert "1. Resume the module at question 2." in out
    assert "Resuming Basics for testing: 1 answer already saved." in out
    # The first question shown is the one that was pending, with its scenario for context.
    first_question = out[out.index("Resuming") :].split("Answer for question")[0]
    assert "Question 2 of 3." in first_question
    assert "Scenario 1 of 2: The market stall." in first_question
    assert "What matters most here?" not in first_question
    assert "Result: passed." in out
    _, attempts, answers = records(tmp_path)
    (attempt,) = attempts
    assert attempt.status == "passed" and attempt.score == 6
    assert [(r.step_id, r.choice_ids) for r in answers[attempt.id]] == [
        ("s1", ("b",)),
        ("s2", ("a", "c")),
        ("t1", ("myth",)),
    ]


def test_plain_eof_mid_question_pauses_cleanly(tmp_path: Path) -> None:
    # Input ends while question 2 is waiting for an answer.
    proc = run_plain(tmp_path, [*NEW_LEARNER, "1", "1", "2", ""])
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert "Traceback" not in proc.stdout
    tail = [line.rstrip() for line in proc.stdout.rstrip().splitlines()[-4:]]
    assert tail == [
        "Answer for question 2:",
        "End of input.",
        "Paused at question 2 of Basics for testing. Your answers so far are saved; choose "
        "this module again to continue at the same question.",
        "Goodbye.",
    ]
    _, attempts, answers = records(tmp_path)
    assert [a.status for a in attempts] == ["in-progress"]
    assert len(answers[attempts[0].id]) == 1
