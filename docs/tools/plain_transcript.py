"""Regenerate docs/plain-mode-transcript.txt: a scripted plain-mode session on the shipped course.

Run from the repository root: ``.venv/bin/python docs/tools/plain_transcript.py``. The
session uses a throwaway data folder and a fixed shuffle seed (12345), so the same course
gives the same transcript. The typed lines are in ``INPUT``; when the course changes, check
that each still lands at the prompt named in its comment.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import trainer.session
from trainer.cli import main

SEED = 12345
OUT = Path(__file__).resolve().parents[1] / "plain-mode-transcript.txt"

INPUT = [
    "",  # employee ID: blank
    "Example Agency",  # organisation
    "1",  # role: employee
    "1",  # dashboard: module 1
    "1",  # module menu: start
    "help",  # question 1
    "2",  # question 1: a wrong answer
    "",
    "1",  # question 2 (select every…): one of the right answers only
    "",
    "x",  # question 3: not a number
    "0",  # question 3: no such choice
    "1",
    "",
    "repeat",  # question 4
    "2",
    "",
    "1",  # question 5
    "",
    "3",  # question 6
    "",
    "1",  # question 7
    "",
    "2",  # question 8
    "",
    "1",  # question 9
    "",
    "",  # results: back to the dashboard
    "a",  # dashboard: history
    "r",  # dashboard: reporting resources
    "q",  # dashboard: quit
]

HEADER = """\
Plain-mode transcript (trainer --plain), generated {day} from the shipped course
by docs/tools/plain_transcript.py. A learner, Jordan Example, is added, takes module 1 with
wrong and partly correct answers, uses help, repeat and invalid input, reads the results,
the attempt history and the reporting resources, and quits. Typed input follows each prompt
on the same line (plain mode echoes input when it is not typed at a terminal). Choice order
is shuffled per attempt; this run used seed {seed}.
----------------------------------------------------------------------------------------------
"""


def run() -> str:
    """The session's output, as the learner would read it."""
    trainer.session.new_seed = lambda: SEED  # type: ignore[assignment]
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as data:
        sys.stdin = io.StringIO("\n".join(INPUT) + "\n")
        with contextlib.redirect_stdout(out):
            main(["--plain", "--learner", "Jordan Example", "--data-dir", data])
    return out.getvalue()


if __name__ == "__main__":
    body = run()
    day = datetime.now(UTC).date().isoformat()
    OUT.write_text(HEADER.format(day=day, seed=SEED) + body, encoding="utf-8")
    print(f"wrote {OUT} ({body.count(chr(10))} lines)")
