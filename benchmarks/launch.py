"""Start an app headless, note the first frame that shows its first screen, then exit.

Run as a script (not ``-m``), so both apps pay exactly the same launcher cost:

    python benchmarks/launch.py hello
    python benchmarks/launch.py trainer [trainer arguments...]
    python benchmarks/launch.py trainer-enter [trainer arguments...]   (+ the first Enter)
    python benchmarks/launch.py trainer-enter-late [...]   (the Enter 1 s after the screen)

``trainer`` goes through the real entry point (``trainer.cli.main``): argument parsing,
``open_course`` (with its cache), ``open_store``, ``TrainerApp``. Only two things are changed
from outside: ``App.run`` is made headless with an autopilot that exits once the first screen
is ready, and standard input and output say they are a terminal (they are not, here), so the
trainer opens its app rather than plain mode. One JSON line is
printed: the screen shown (so the harness can check it reached an interactive screen) and
milliseconds since the launcher started at each phase.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from typing import Any

MARKS: dict[str, float] = {"launcher": time.perf_counter()}
ENTER = False  # "trainer-enter": also time the first Enter after the first screen
# Seconds between the checks for a screen shown. Not 0: ``asyncio.sleep(0)`` spins without
# ever waiting in select(), so this thread keeps the GIL and a screen's worker thread reading
# the records gets it only every switch interval (5 ms): the app's own reads were starved,
# and a first Enter measured 0.4-4.8 s. A short wait lets them run as in a real terminal.
POLL = 0.0005
LATE = False  # "trainer-enter-late": press it 1 s after the first screen instead


def peak_kb() -> int:
    """Peak resident memory of this process image (VmHWM), in KiB.

    ``ru_maxrss`` of a child is no good here: Linux carries the forked parent's peak across
    ``exec``, so every child would report at least the harness's own size.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _filled(screen: Any) -> bool:
    """Whether the learner list shows the learners (at least "add a learner"), or the
    dashboard the learner's modules: a screen may read them in a worker thread after it is
    mounted, and a figure is the time until the learner sees them."""
    for name in ("#learners", "#modules"):
        found = screen.query(name)
        if found and not getattr(found.first(), "option_count", 1):
            return False
    return True


def _shows(app: Any, screen: Any) -> bool:
    """Whether ``screen``, in a frame being drawn, is the first screen ready: mounted, and
    for the trainer not Textual's bare default screen and filled (see _filled)."""
    if not screen.is_mounted:
        return False
    if type(app).__name__ == "HelloApp":
        return True
    return type(screen).__name__ != "Screen" and _filled(screen)


def _patch_run() -> None:
    from textual.app import App

    original = App.run

    original_display = App._display
    # the first frame that shows the first screen ("at", "cpu"); "from": the screen the
    # timed Enter is pressed on
    frame: dict[str, Any] = {}

    def display(self: Any, screen: Any, renderable: Any) -> None:
        # Every frame the app composes goes through App._display (which writes it to the
        # terminal; headless, it writes nothing): the first one that shows the first screen
        # ready is the moment the figure is about, whichever task noticed it.
        original_display(self, screen, renderable)
        if renderable is None or self._batch_count or screen is not self.screen:
            return
        if "ready" not in MARKS and _shows(self, screen):
            MARKS["ready"] = time.perf_counter()
            frame["at"] = time.monotonic()
            frame["cpu"] = time.process_time()
        if "ready" in MARKS and "whole form" not in MARKS and getattr(screen, "complete", False):
            # The new-learner form draws its name field first and mounts the rest of the
            # form just after: the frame that shows the whole form is reported too.
            MARKS["whole form"] = time.perf_counter()
        if (
            "enter" in MARKS
            and "enter frame" not in MARKS
            and screen is not frame.get("from")
            and _shows(self, screen)
        ):  # the first frame of the Enter's screen, filled
            MARKS["enter frame"] = time.perf_counter()

    async def first_screen_then_exit(pilot: Any) -> None:
        # Called once the app has mounted (its on_mount has pushed the first screen), which
        # may be after the first screen's first frame: wait for that frame (see display),
        # without Pilot's idle polling (it sleeps in 20 ms steps).
        app = pilot.app
        deadline = time.perf_counter() + 10
        while "ready" not in MARKS and time.perf_counter() < deadline:
            await asyncio.sleep(POLL)
        ready_at = frame.get("at", time.monotonic())
        first = app.screen
        report = {
            "screen": type(first).__name__,
            "kb": peak_kb(),
            # CPU time of this process so far (interpreter start included): unlike the wall
            # time it hardly moves when other work shares the cores.
            "cpu_ms": round(frame.get("cpu", time.process_time()) * 1000, 1),
            # CLOCK_MONOTONIC is system-wide: the harness subtracts the moment it spawned us.
            "ready_at": ready_at,
        }
        while hasattr(first, "complete") and "whole form" not in MARKS:
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(POLL)
        if ENTER:
            # The first Enter after the first screen, as a learner presses it at once: the
            # highlighted learner is picked and the dashboard needs the course's model, the
            # work put off until after the first screen. Timed to the first frame of the
            # next screen with the learner's modules in it: that frame is the whole screen
            # (tests/tui/test_tui_first_frames.py: the frames after it, as it settles, show
            # the same), as the start-up figures end at the first screen's first frame.
            # The time until it has settled (no refresh pending) is reported as well.
            if LATE:  # the same Enter once the course's model is built (0.25 s after)
                await asyncio.sleep(1.0)
            frame["from"] = first
            start = MARKS["enter"] = time.perf_counter()
            app.simulate_key("enter")
            while app.screen is first or not app.screen.is_mounted or not _filled(app.screen):
                if time.perf_counter() - start > 120:
                    break
                await asyncio.sleep(POLL)
            shown = asyncio.Event()
            app.screen.call_after_refresh(shown.set)
            await shown.wait()
            settled = time.perf_counter()
            shown = MARKS.get("enter frame", settled)
            report["enter_ms"] = round((shown - start) * 1000, 2)
            report["enter_settled_ms"] = round((settled - start) * 1000, 2)
            report["after_enter"] = type(app.screen).__name__
            report["kb_after_enter"] = peak_kb()
        base = MARKS["launcher"]
        report["ms"] = {k: round((v - base) * 1000, 2) for k, v in MARKS.items()}
        print(json.dumps(report), flush=True)
        app.exit(0)

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        MARKS["app.run"] = time.perf_counter()
        kwargs["headless"] = True
        kwargs["auto_pilot"] = first_screen_then_exit
        kwargs.setdefault("size", (100, 36))
        return original(self, *args, **kwargs)

    App.run = run  # type: ignore[method-assign]
    App._display = display  # type: ignore[method-assign]
    MARKS["textual imported"] = time.perf_counter()


def hello() -> int:
    # The same conditions as the trainer: its entry point pauses garbage collection before
    # anything is built and turns it back on only after the first screen (trainer.cli.main,
    # TrainerApp), so the floor pauses it too.
    gc.disable()
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class HelloApp(App[int]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("Hello, world")
            yield Footer()

    app = HelloApp()
    app.run()
    return app.return_code or 0


class _Terminal:
    """Standard input or output that says it is a terminal, so the trainer opens its app
    rather than plain mode, exactly as when a person starts it; everything else is the
    real stream. (Patching the trainer's own modules would import them before its entry
    point runs, which is not the order a real start has.)"""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def trainer(argv: list[str]) -> int:
    sys.stdin = _Terminal(sys.stdin)
    sys.stdout = _Terminal(sys.stdout)
    from trainer.cli import main

    return main(argv)


if __name__ == "__main__":
    _patch_run()
    if sys.argv[1] == "hello":
        sys.exit(hello())
    ENTER = sys.argv[1] in ("trainer-enter", "trainer-enter-late")
    LATE = sys.argv[1] == "trainer-enter-late"
    sys.exit(trainer(sys.argv[2:]))
