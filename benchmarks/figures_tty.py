"""Keypress → feedback in a real terminal: tmux at 80×24, the real app, Enter sent with
``tmux send-keys``, the feedback detected on the screen with ``tmux capture-pane`` polling;
the floor is a bare Textual key → update app in the same tmux, measured the same way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import Row, median, ratio_target
from benchmarks.tty_app import MARKER

APP = Path(__file__).resolve().parent / "tty_app.py"
POLL_S = 0.002
TIMEOUT_S = 60.0


class Tmux:
    """A private tmux server (its own socket) holding one 80×24 session."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout

    def start(self, argv: list[str], env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        command = f"env {exports} {' '.join(_quote(a) for a in argv)}"
        self.run("new-session", "-d", "-s", "b", "-x", "80", "-y", "24", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "b")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "b", *keys)

    def wait(self, holds: Any) -> tuple[float, str]:
        """Poll the screen until ``holds(text)``; the monotonic time it was first seen, and
        that screen."""
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            text = self.screen()
            if holds(text):
                return time.monotonic(), text
            time.sleep(POLL_S)
        raise RuntimeError(f"screen never showed what was awaited; last screen:\n{self.screen()}")

    def stop(self) -> None:
        """End the server and remove its socket file (kill-server leaves it behind)."""
        path = subprocess.run(
            ["tmux", "-L", self.socket, "display-message", "-p", "#{socket_path}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)
        if path.endswith(self.socket):
            Path(path).unlink(missing_ok=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _answer(tmux: Tmux, highlight: bool, ready: str, shown: str) -> float:
    """Answer the question on screen: (highlight choice 1,) Enter, timed to the feedback on
    screen (its continue line and ``shown``, a line of its body: a frame with the one but
    not the other is not the feedback yet), then Enter again to go on (untimed) to the
    next question (after the module's last, the app takes the module again)."""
    if highlight:
        tmux.keys("1")
        time.sleep(0.15)  # let the highlight land; untimed
    start = time.monotonic()
    tmux.keys("Enter")
    seen, _screen = tmux.wait(lambda s: MARKER in s and shown in s)
    time.sleep(0.2)  # the feedback finishes drawing; untimed
    tmux.keys("Enter")
    tmux.wait(lambda s: MARKER not in s and ready in s)
    time.sleep(0.1)
    return seen - start


TtyApp = tuple[Tmux, bool, str, str]  # tmux, highlight a choice first, question, feedback line


def _paired_answers(apps: dict[str, TtyApp], n: int) -> dict[str, list[float]]:
    """``n`` answers in each app, taken in turns (bare, trainer, then trainer, bare, …) so
    both meet the same phases of a shared machine, whose speed moves within seconds."""
    for tmux, _highlight, ready, _shown in apps.values():
        tmux.wait(lambda s, ready=ready: ready in s and MARKER not in s)
    times: dict[str, list[float]] = {key: [] for key in apps}
    order = list(apps)
    for i in range(n):
        for key in order if i % 2 == 0 else order[::-1]:
            tmux, highlight, ready, shown = apps[key]
            times[key].append(_answer(tmux, highlight, ready, shown))
    return times


def _env() -> dict[str, str]:
    from benchmarks.figures import ROOT

    env = {"PYTHONPATH": str(ROOT), "TERM": "tmux-256color", "LANG": "C.UTF-8"}
    if "PATH" in os.environ:
        env["PATH"] = os.environ["PATH"]
    return env


def bench_feedback_tty(cfg: Any) -> list[Row]:
    from benchmarks.figures import ms

    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed (apt-get install tmux)")
    course, what = cfg.course()
    py = sys.executable
    n = cfg.tty_answers
    apps: dict[str, TtyApp] = {}
    try:
        for key, argv, highlight, ready, shown in (
            ("bare", [py, str(APP), "bare"], False, "Question?", "Feedback"),
            (
                "trainer",
                [py, str(APP), "trainer", str(course), str(cfg.tmp / "tty")],
                True,
                "Submit answer",
                "You chose",
            ),
        ):
            apps[key] = (Tmux(f"trainer-bench-{os.getpid()}-{key}"), highlight, ready, shown)
            apps[key][0].start(argv, _env())
        results = _paired_answers(apps, n)
    finally:
        for tmux, *_rest in apps.values():
            tmux.stop()
    trainer, bare = results["trainer"], results["bare"]
    pairs = [a / b for a, b in zip(trainer, bare, strict=True)]
    return [
        ratio_target(
            "Keypress → feedback in a real terminal (tmux 80×24)",
            ms(median(trainer)),
            ms(median(bare)),
            "ms",
            "bare Textual app: key → Static.update, same tmux method",
            3,
            f"{len(trainer)} answers in the longest employee module of the {what} (taken"
            f" again after its last question), the real "
            f"TrainerApp with its terminal driver; from `tmux send-keys Enter` to the feedback's "
            f"'{MARKER.strip()}' line and its 'You chose' line first seen by `tmux capture-pane`"
            f" (polled every {POLL_S * 1000:g} ms, each poll a tmux client process; the floor"
            f" pays the same); "
            f"includes Session.answer's commit; the two apps run side by side and answer in"
            f" turns, the ratio is the median of the {len(pairs)} adjacent pairs' ratios",
            paired_ratio=median(pairs),
        )
    ]
