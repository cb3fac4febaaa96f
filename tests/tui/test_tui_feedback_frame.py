"""The feedback replaces its question in one frame (#20).

The feedback used to be built on the screen: the terminal was sent a frame with the new
outcome banner over an empty body (and, from the second answer on, the last answer's
"Press Enter to" line with the question's footer) before the frame with the feedback,
20-60 ms later, and the footer kept the question's keys a frame longer. A learner saw it
flicker; a screen reader could read the half-built page, and the keypress benchmark timed
that frame as the feedback.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Static

from tests.tui_fixtures import SIZE, make_app, on_feedback, press
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.player import PlayerScreen
from trainer.tui.widgets.feedback_view import FeedbackView
from trainer.tui.widgets.footer import KeyFooter


def _frame_problem(screen: PlayerScreen) -> str | None:
    """What is wrong with the player screen as it would be drawn now, or None."""
    if not screen.query_one("#feedback-pane").display:
        return None
    if screen.feedback is None:
        return "the feedback pane is shown with no answer's feedback"
    views = list(screen.query_one("#feedback-scroll").query(FeedbackView))
    if [v.feedback for v in views] != [screen.feedback]:
        return "the feedback pane is shown without this answer's feedback in it"
    hint = str(screen.query_one("#continue-hint", Static).content)
    if not hint.startswith("Press Enter to"):
        return "the feedback pane is shown without its continue line"
    if screen.query_one("#question-pane").display:
        return "the question and its feedback are shown together"
    if screen.focused is not screen.query_one("#feedback-scroll"):
        return "the feedback is shown without the focus (its bar; the keys that scroll it)"
    if "Continue" not in [key.description for key in screen.query_one(KeyFooter).keys]:
        return "the feedback is shown with the question's keys in the footer"
    return None


async def test_no_frame_shows_a_half_built_feedback(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    problems: list[str] = []
    frames = 0
    refresh = Screen._compositor_refresh

    def checked(self: Screen[Any]) -> None:  # every frame the screen sends the terminal
        nonlocal frames
        if isinstance(self, PlayerScreen) and self.is_current and not self.app._batch_count:
            frames += 1
            problem = _frame_problem(self)
            if problem is not None:
                problems.append(problem)
        refresh(self)

    monkeypatch.setattr(Screen, "_compositor_refresh", checked)
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter")  # the module, then its first question
        for keys in (("2", "enter"), ("enter", "1", "enter"), ("enter", "2", "enter")):
            await press(pilot, *keys)
            on_feedback(app)
    assert frames > 6  # frames were drawn while answering (the check saw them)
    assert problems == []


@pytest.mark.parametrize("width", [12, 30, 57, 75, 98])
def test_the_feedback_fits_its_width_and_wraps_choices_under_their_text(
    course: Course, width: int
) -> None:
    """FeedbackView wraps the feedback itself: every line fits the width, a choice's
    text and its feedback wrap under the text (7 columns in, past "  ✔ 2. "), and nothing
    of the feedback is lost or changed by the wrapping."""
    from trainer.engine import Attempt
    from trainer.tui.widgets.feedback_view import _choice_lines

    (_entry, module), *_ = course.modules_for("employee")
    attempt = Attempt(module, "employee", 7)
    seen_multiline_choice = False
    while (question := attempt.current) is not None:
        feedback = attempt.answer([question.choices[0].choice.id])
        for prompt in (False, True):
            view = FeedbackView(feedback, with_prompt=prompt)
            lines = view.lines(width)
            assert lines and all(line.cell_length <= width for line in lines)
            # every character but spaces, in order (a word longer than a line is folded)
            assert "".join("".join(ln.plain.split()) for ln in lines) == "".join(view.plain.split())
        for choice in feedback.chosen:
            drawn = _choice_lines(1, choice, width, with_feedback=True)
            assert drawn[0].plain.startswith("  ✔ 1. " if choice.correct else "  ✘ 1. ")
            assert all(ln.plain.startswith(" " * 7) for ln in drawn[1:])
            seen_multiline_choice |= len(drawn) > 1
    assert seen_multiline_choice  # the course's choices have feedback lines to wrap
    assert FeedbackView(None).lines(width) == [] and FeedbackView(feedback).lines(0) == []


async def test_the_feedback_has_its_focus_bar_on_every_line(
    course: Course, store: RecordsStore
) -> None:
    """The feedback's scroll is not restyled as it gains the focus (FeedbackScroll): its
    bar, the mark of the focus that works without colour, is drawn by its own rule."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "1", "enter")
        screen = on_feedback(app)
        scroll = screen.query_one("#feedback-scroll")
        assert screen.focused is scroll
        lines = [strip.text for strip in scroll.render_lines(scroll.region.reset_offset)]
        assert len(lines) == scroll.size.height > 3
        assert {line[0] for line in lines} == {"█"}  # Textual's "thick" left border
