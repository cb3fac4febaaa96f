"""Keys typed fast in the player are never lost nor given to the wrong question.

In a real terminal, ``tmux send-keys Enter 1 Enter`` delivers three keys at once. Textual
sends each key to the widget that has the focus when the key arrives, and looks its binding
up (from the focused widget up) only once the key has come back up to the app; so the "1"
and the second Enter were routed to the feedback pane before the first Enter had shown the
next question, and their bindings were looked up before the question's choices had the
focus (Widget.focus waits for the next refresh): both were lost. A key handler on the screen
could not help either: the keys pass the screen before the first Enter's action runs.
"""

from __future__ import annotations

from tests.tui_fixtures import SIZE, burst, make_app, on_feedback, press, screen_text, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.player import PlayerScreen
from trainer.tui.widgets.choice_list import ChoiceList


def answers(store: RecordsStore) -> list[tuple[str, tuple[str, ...]]]:
    learner = store.find_learner("Ana Smith")
    assert learner is not None
    (attempt,) = store.attempts(learner_id=learner.id)
    return [(a.step_id, a.choice_ids) for a in store.answers(attempt.id)]


async def test_keys_sent_with_the_enter_that_continues_answer_the_next_question(
    course: Course, store: RecordsStore
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter")  # the module, then its first question
        await press(pilot, "2", "enter")
        assert "✔ Correct" in screen_text(app)
        burst(app, "enter", "1", "enter")  # on to the multi-select: tick 1, submit
        await settle(pilot)
        assert answers(store) == [("s1", ("b",)), ("s2", ("a",))]
        assert "You chose:" in screen_text(app) and "Someone else holds" in screen_text(app)
        burst(app, "enter", "2", "enter")  # scenario 2's myth or fact: "False"
        await settle(pilot)
        assert answers(store) == [("s1", ("b",)), ("s2", ("a",)), ("p1", ("false",))]


async def test_choice_keys_reach_the_choices_when_the_story_has_the_focus(
    course: Course, store: RecordsStore
) -> None:
    """E.g. after a click on the story: the number keys and Enter still answer."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter")
        screen = app.screen
        assert isinstance(screen, PlayerScreen)
        screen.set_focus(screen.query_one("#story"))
        await pilot.pause()
        burst(app, "2", "enter")
        await settle(pilot)
        assert answers(store) == [("s1", ("b",))]
        assert "✔ Correct" in screen_text(app)


async def test_the_hidden_choices_of_an_answered_question_answer_nothing(
    course: Course, store: RecordsStore
) -> None:
    """The next question has choices with the same ids ("a", "b"): the answered question's
    list, hidden under the feedback, must never submit an answer to it."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "enter", "2", "enter")
        screen = on_feedback(app)
        hidden = screen.query_one(ChoiceList)
        assert app.focused is not hidden
        hidden.action_submit()
        await settle(pilot)
        assert answers(store) == [("s1", ("b",))]
        assert screen.feedback is not None and "✔ Correct" in screen_text(app)
        burst(app, "1", "space", "3")  # no question shown: these keys do nothing
        await settle(pilot)
        assert answers(store) == [("s1", ("b",))] and screen.feedback is not None


async def test_a_burst_from_the_dashboard_opens_starts_and_answers_as_typed(
    course: Course, store: RecordsStore
) -> None:
    """Open, start, pick 1, submit, go on, pick 1, submit: typed in one go on the
    dashboard. Each key waits for what the one before opened (the introduction's read,
    the module's start, the answer's save), then acts there; none is lost."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, learner_name="Ana Smith")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "enter", "enter", "1", "enter", "enter", "1", "enter")
        for _ in range(5):
            await settle(pilot)
        # s1: "1" is choice a (wrong, branches to s3, a myth or fact: "1" is "True").
        assert answers(store) == [("s1", ("a",)), ("s3", ("true",))]
        on_feedback(app)


async def test_a_choice_list_on_a_screen_that_takes_no_answers_only_rings() -> None:
    """The choice list hands its answer to its screen (the player's take_answer); on any
    other screen Enter rings the bell and nothing else happens (no traceback)."""
    from textual.app import App as BareApp
    from textual.app import ComposeResult

    from trainer.tui.widgets.choice_list import ChoiceItem

    class Bare(BareApp[None]):
        bells = 0

        def compose(self) -> ComposeResult:
            yield ChoiceList([ChoiceItem(1, "a", "Yes"), ChoiceItem(2, "b", "No")], multi=False)

        def bell(self) -> None:
            self.bells += 1

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ChoiceList).focus()
        await pilot.press("2", "enter")
        assert app.bells == 1 and app.query_one(ChoiceList).chosen_ids == ("b",)
