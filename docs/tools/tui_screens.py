"""Regenerate docs/screens/*.txt: the terminal app driven in tmux at 80x24, screens captured.

Run from the repository root: ``.venv/bin/python docs/tools/tui_screens.py`` (needs tmux).
A throwaway data folder and home folder are used, and the shuffle seed is fixed (12345), so
the same course gives the same captures except for dates. Each capture is what
``tmux capture-pane -p`` prints: the screen's text, without colour.

``module-intro-updated.txt`` is not made here (it needs a module edited under an open
attempt; tests/tui/test_tui_flow.py::test_an_updated_module_says_it_starts_again covers it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "docs" / "screens"
COURSE = ROOT / "question_banks" / "course.yaml"
MODULE_1 = ROOT / "question_banks" / "modules" / "01-consent-and-control.yaml"
MODULE_2 = ROOT / "question_banks" / "modules" / "02-love-and-loyalty.yaml"
SOCKET = "trainer-docs-screens"
SEED = 12345
TIMEOUT_S = 20.0
# The app with a fixed shuffle seed (trainer.session.new_seed), then trainer's own main().
LAUNCH = (
    "import sys, trainer.session as s; s.new_seed = lambda: {seed}; "
    "from trainer.cli import main; sys.exit(main(sys.argv[1:]))"
)


class Tmux:
    """One tmux server of our own (``-L``), one session ``s`` at 80x24."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def run(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False
        )
        return proc.stdout

    def start(self, *argv: str) -> None:
        """Start trainer with ``argv`` in a new 80x24 session (the old one is closed)."""
        self.stop()
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        code = LAUNCH.format(seed=SEED)
        command = f"env {exports} {shlex.quote(sys.executable)} -c {shlex.quote(code)}"
        command += " " + " ".join(shlex.quote(a) for a in argv)
        self.run("new-session", "-d", "-s", "s", "-x", "80", "-y", "24", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "s")

    def keys(self, *keys: str, pause: float = 0.4) -> None:
        for key in keys:
            self.run("send-keys", "-t", "s", key)
            time.sleep(pause)

    def text(self, text: str) -> None:
        self.run("send-keys", "-t", "s", "-l", text)
        time.sleep(0.4)

    def wait(self, holds: str | Callable[[str], bool]) -> str:
        """Poll until the screen shows ``holds`` (a string, or a test); the screen."""
        test = holds if callable(holds) else (lambda screen: holds in screen)
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                time.sleep(0.5)  # let the screen settle
                return self.screen()
            time.sleep(0.2)
        raise RuntimeError(f"never saw {holds!r}; the screen was:\n{self.screen()}")

    def save(self, name: str, holds: str | Callable[[str], bool]) -> str:
        screen = self.wait(holds)
        (SCREENS / f"{name}.txt").write_text(screen, encoding="utf-8")
        print(f"captured {name}")
        return screen

    def stop(self) -> None:
        self.run("kill-server")
        time.sleep(0.3)


def choice_number(screen: str, wanted: bool, correct: list[str]) -> str:
    """The number shown for the first choice that is (``wanted``) or is not a correct one."""
    for match in re.finditer(r"(\d+)\. (?:\[.\] )?(.{20})", screen):
        is_correct = any(text.startswith(match.group(2)) for text in correct)
        if is_correct == wanted:
            return match.group(1)
    raise RuntimeError("no such choice on the screen")


def correct_texts(step_no: int) -> list[str]:
    """The correct choices' texts of module 1's first scenario, step ``step_no``."""
    from trainer.bank import load_course

    course = load_course(COURSE).course
    assert course is not None
    step = course.module("consent-and-control").scenarios[0].steps[step_no]
    return [c.text for c in step.choices if c.id in step.correct_ids]


def pass_every_module(data: Path, name: str) -> None:
    """Pass every module the learner's role requires, through trainer.session."""
    from trainer.bank import load_course
    from trainer.records.store import RecordsStore
    from trainer.session import Session

    course = load_course(COURSE).course
    assert course is not None
    with RecordsStore.in_dir(data) as store:
        learner = store.find_learner(name)
        assert learner is not None
        for entry in course.modules:
            if learner.role in entry.roles:
                session = Session.start_or_resume(store, course, course.module(entry.id), learner)
                while (question := session.current) is not None:
                    session.answer(question.step.correct_ids)


def learner_journey(t: Tmux, data: Path) -> None:
    """First start to results, history, certificate, help and resources."""
    t.start("--data-dir", str(data))
    t.wait("Add a learner")
    t.text("Ana Smith")
    t.keys("Tab")
    t.text("E-1042")
    t.keys("Tab")
    t.text("Acme Hotels")
    t.keys("Tab", "Enter", "Down", "Enter")
    t.save("learner-add", "Contractor")
    t.keys("C-s")
    t.save("dashboard", "0 of 7 required")
    t.keys("Enter")
    t.save("module-intro", "Press Enter to start")
    t.keys("Enter")
    screen = t.save("question", "Question 1")
    t.keys(choice_number(screen, False, correct_texts(0)), "Enter")
    t.save("feedback", "Incorrect")
    t.keys("Enter")
    screen = t.wait("Question 2")
    t.keys(choice_number(screen, True, correct_texts(1)))
    t.keys(choice_number(screen, False, correct_texts(1)))
    t.save("multi-select", "[x]")
    t.keys("q")  # quit before submitting: one answer saved, resumed at question 2
    t.start("--data-dir", str(data), "--learner", "Ana Smith")
    t.wait("In progress")
    t.keys("Enter")
    t.save("module-intro-in-progress", "1 answer saved")
    t.keys("Enter")
    t.save("resumed", "Resumed where you left off")
    for _ in range(60):  # the rest of the module: choice 1 at every question
        screen = t.wait(lambda s: "Question" in s or "Results" in s)
        if "Results" in screen:
            break
        t.keys("1" if "Submit answer" in screen else "Enter", pause=0.2)
        if "Submit answer" in screen:
            t.keys("Enter", pause=0.3)
    t.save("results", "NOT PASSED YET")
    t.keys("Escape")
    t.wait("Not passed yet")
    t.keys("c")
    t.save("certificate-not-yet", "Not yet")
    t.keys("Escape", "?")
    t.save("help", "Keys")
    t.keys("Escape", "F2")
    t.save("resources", "Reporting and help")
    t.keys("Escape", "q")


def complete_course(t: Tmux, data: Path) -> None:
    """The course passed: dashboard, certificate, history; then the learner list."""
    pass_every_module(data, "Ana Smith")
    t.start("--data-dir", str(data), "--learner", "Ana Smith")
    t.save("dashboard-complete", "Course complete")
    t.keys("c")
    t.save("certificate", "Export PDF")
    t.keys("Enter")
    t.save("certificate-saved", "Saved")
    t.keys("Escape", "h")
    t.save("history", "History")
    t.keys("Enter")
    t.save("history-results", "PASSED")
    t.keys("Escape", "Escape", "q")
    t.start("--data-dir", str(data))
    t.save("learner-pick", "Who is taking the training?")
    t.keys("q")


def preview(t: Tmux, data: Path) -> None:
    """trainer preview: the question screen (module 1) and the step list (module 2)."""
    t.start("--data-dir", str(data), "preview", str(MODULE_1))
    t.wait("Press Enter to start")
    t.keys("Enter")
    t.save("preview", "Question 1")
    t.keys("q")
    t.start("--data-dir", str(data), "preview", str(MODULE_2))
    t.wait("Press Enter to start")
    t.keys("Enter")
    t.wait("Question 1")
    t.keys("g")
    t.save("preview-steps", "Go to a step")
    t.keys("Escape", "q")


def main() -> None:
    # A fixed folder (emptied first), so the certificate path in the captures stays the same.
    tmp = Path(tempfile.gettempdir()) / "trainer-screens"
    shutil.rmtree(tmp, ignore_errors=True)
    home = tmp / "home"
    home.mkdir(parents=True)
    env = {
        "HOME": str(home),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "PATH": os.environ.get("PATH", ""),
    }
    t = Tmux(env)
    try:
        learner_journey(t, tmp / "data")
        complete_course(t, tmp / "data")
        preview(t, tmp / "data")
    finally:
        t.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
