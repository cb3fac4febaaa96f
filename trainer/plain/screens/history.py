"""The attempt history screen: every attempt of the learner in this course."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.plain.words import plural, points_text, sentence, spoken_time

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def show_history(app: PlainApp) -> None:
    """Every attempt of the learner in this course, oldest first, one line each."""
    ui = app.ui
    assert app.learner is not None
    rows = app.store.attempts(learner_id=app.learner.id, course_id=app.course.id)
    ui.blank()
    ui.say(f"Attempt history for {app.learner.name}: {plural(len(rows), 'attempt')}.")
    for n, row in enumerate(rows, start=1):
        try:
            title = app.course.module(row.module_id).title
        except KeyError:
            title = row.module_id
        if row.status in ("passed", "failed"):
            outcome = (
                f"{'Passed' if row.passed else 'Not passed'} with {row.percent} percent, "
                f"{points_text(row.score or 0)} of {points_text(row.max_score or 0)} points, "
                f"finished {spoken_time(row.finished_at)}."
            )
        elif row.status == "in-progress":
            outcome = f"In progress, {plural(len(app.store.answers(row.id)), 'answer')} saved."
        else:
            outcome = "Closed without finishing."
        ui.say(
            f"Attempt {n}: {sentence(title)} Version {row.module_version}. "
            f"Started {spoken_time(row.started_at)}. {outcome}"
        )
    ui.say("End of attempt history.")
