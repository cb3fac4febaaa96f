"""An app for the real-terminal keypress benchmark, run inside tmux by figures_tty.py.

    python benchmarks/tty_app.py trainer COURSE DATA_DIR   the real TrainerApp, on a question
    python benchmarks/tty_app.py bare                      a bare Textual key → update app

``trainer`` is the real app with the real terminal driver: the only thing done from outside
is that, once the app is up, the first employee module's player screen is pushed (as picking
the learner and the module would), so the harness can answer straight away, and that the
module is started again whenever its results are shown. Nothing here is
in the product's path; the harness reads the screen with ``tmux capture-pane``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MARKER = "Press Enter to "  # the feedback pane's continue hint; the bare app shows it too


def trainer(course_path: Path, data: Path) -> int:
    import gc

    from trainer.bank.loader import load_course
    from trainer.records.store import RecordsStore
    from trainer.session import Session
    from trainer.tui.app import TrainerApp
    from trainer.tui.screens.player import PlayerScreen

    # As `trainer` starts the app (trainer.cli.main): collection paused for start-up; the app
    # freezes what start-up built and resumes it once its first screen is up.
    gc.disable()
    course = load_course(course_path).course
    assert course is not None
    store = RecordsStore.in_dir(data)
    learner = store.find_learner("Terminal Learner") or store.add_learner(
        "Terminal Learner", "employee"
    )
    modules = [m for _e, m in course.modules_for("employee")]
    module = max(modules, key=lambda m: m.step_count)

    async def to_question(pilot: Any) -> None:
        """Open the module; each time its results are shown, take it again (a new
        attempt, as "Start again" would), so the harness can answer as often as it asks."""
        import asyncio

        from trainer.tui.screens.results import ResultsScreen

        await pilot.pause()
        session = Session.start_new(store, course, module, learner, seed=7)
        await pilot.app.push_screen(PlayerScreen(session))
        while True:
            await asyncio.sleep(0.05)
            if isinstance(pilot.app.screen, ResultsScreen):
                session = Session.start_new(store, course, module, learner, seed=7)
                await pilot.app.switch_screen(PlayerScreen(session))

    app = TrainerApp(course=course, store=store, learner_name=learner.name)
    with store:
        app.run(auto_pilot=to_question)
    return 0


def bare() -> int:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        BINDINGS = [Binding("enter", "toggle", "Submit")]  # noqa: RUF012
        count = 0

        def compose(self) -> ComposeResult:
            yield Static("Question? 1) yes 2) no", id="q")
            yield Static("", id="fb")
            yield Footer()

        def action_toggle(self) -> None:
            fb = self.query_one("#fb", Static)
            if self.count % 2 == 0:
                fb.update(f"Feedback {self.count // 2 + 1}: correct. {MARKER}go on")
            else:
                fb.update("")
            self.count += 1

    Bare().run()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        sys.exit(bare())
    sys.exit(trainer(Path(sys.argv[2]), Path(sys.argv[3])))
