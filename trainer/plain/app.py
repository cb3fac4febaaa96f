"""The plain-mode app: learner choice, then the dashboard, until the learner pauses or quits."""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING

from trainer.bank.model import Course
from trainer.engine import AnswerError, ReplayError
from trainer.plain.console import BackToDashboard, Console, Paused, plain_width, prepare_output
from trainer.plain.screens.dashboard import dashboard
from trainer.plain.screens.learners import add_learner, choose_learner
from trainer.plain.words import sentence
from trainer.records.store import LearnerRow, StoreError
from trainer.service import learners as service

if TYPE_CHECKING:
    from trainer.records.contract import Records
    from trainer.settings import Settings


class PlainApp:
    """The state the plain-mode screens share: course, store, console and current learner."""

    def __init__(
        self,
        course: Course,
        store: Records,
        ui: Console,
        settings: Settings | None = None,
    ) -> None:
        self.course = course
        self.store = store
        self.ui = ui
        self.settings = settings  # issuer key and paper for certificates (trainer.settings)
        self.learner: LearnerRow | None = None

    def run(self, learner_name: str | None) -> int:
        """Choose (or add) the learner, then run the dashboard until pause or quit."""
        ui = self.ui
        ui.say(f"Plain mode. Course: {sentence(self.course.title)}")
        ui.say("Type help at any prompt to hear the commands. Type pause to save and stop.")
        if learner_name:
            self.learner = service.find_learner(self.store, learner_name)
            if self.learner is not None:
                ui.say(f"Learner: {self.learner.name}, role {self.learner.role}.")
            else:
                ui.say(f"There is no learner named {' '.join(learner_name.split())} yet.")
        while self.learner is None:
            try:
                if learner_name:
                    self.learner = add_learner(self, " ".join(learner_name.split()))
                else:
                    self.learner = choose_learner(self)
            except BackToDashboard:
                ui.say("The dashboard comes once a learner is chosen. Starting again.")
        dashboard(self)
        return 0


def _finish_paused(ui: Console, hint: str | None) -> None:
    """Say why plain mode stops (what was saved), then goodbye."""
    if hint:
        ui.say(hint)
    ui.say("Goodbye.")


def run_plain(
    course: Course,
    store: Records,
    learner_name: str | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    *,
    width: int | None = None,
    settings: Settings | None = None,
) -> int:
    """Run the whole course in plain mode; return the exit status (0 after pause or quit).

    ``stdin``/``stdout`` default to the process's; ``width`` wraps long lines (default: not
    wrapped; ``trainer.settings`` gives ``$TRAINER_PLAIN_WIDTH`` or the config file's).
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    prepare_output(stdout)
    ui = Console(
        stdin,
        stdout,
        resources=course.resources.as_lines(),
        width=plain_width(width),
        menu_command=True,
    )
    app = PlainApp(course, store, ui, settings)
    try:
        return app.run(learner_name)
    except Paused:
        if app.learner is None:  # input ended before a learner was chosen or added
            _finish_paused(ui, "No learner was chosen, so nothing was saved.")
        else:
            _finish_paused(ui, ui.pause_hint or "Your progress is saved.")
        return 0
    except KeyboardInterrupt:
        ui.blank()
        _finish_paused(ui, "Stopped. Your answers so far are saved.")
        return 130
    except StoreError as exc:
        ui.say(f"The records could not be saved: {exc}")
        return 1
    except (AnswerError, ReplayError) as exc:  # pragma: no cover - defensive
        ui.say(f"Something went wrong with this module: {exc}")
        return 1
