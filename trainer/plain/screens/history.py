"""The attempt history screen: every attempt of the learner in this course."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.plain.words import plural, points_text, sentence, spoken_time
from trainer.service.modules import history

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def show_history(app: PlainApp) -> None:
    """Every attempt of the learner in this course, oldest first, one line each."""
    ui = app.ui
    assert app.learner is not None
    entries = history(app.store, app.course, app.learner)
    ui.blank()
    ui.say(f"Attempt history for {app.learner.name}: {plural(len(entries), 'attempt')}.")
    for n, entry in enumerate(entries, start=1):
        row = entry.attempt
        if row.status in ("passed", "failed"):
            outcome = (
                f"{'Passed' if row.passed else 'Not passed'} with {row.percent} percent, "
                f"{points_text(row.score or 0)} of {points_text(row.max_score or 0)} points, "
                f"finished {spoken_time(row.finished_at)}."
            )
        elif row.status == "in-progress":
            outcome = f"In progress, {plural(entry.answered or 0, 'answer')} saved."
        else:
            outcome = "Closed without finishing."
        ui.say(
            f"Attempt {n}: {sentence(entry.title)} Version {row.module_version}. "
            f"Started {spoken_time(row.started_at)}. {outcome}"
        )
    ui.say("End of attempt history.")
