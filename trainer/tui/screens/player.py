"""The scenario player: narrative and question together, then feedback, step by step.

The one path an answer takes: ChoiceList → take_answer → Session.answer in a worker thread
(engine scores and branches; the store commits, which may take a while on a server) →
feedback shown here. This screen decides nothing about scoring or branching.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Static

from trainer.engine import AnswerError
from trainer.records.store import AttemptClosed, StoreError
from trainer.safetext import terminal_safe
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.choice_list import ChoiceItem, ChoiceList
from trainer.tui.widgets.feedback_view import FeedbackView, outcome_banner
from trainer.tui.widgets.flat import FlatVertical, FlatVerticalScroll
from trainer.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from trainer.engine import Feedback, Question
    from trainer.session import Session

HOW_TO = {
    "single": "Choose one answer: ↑↓ or {first}–{last}, then Enter to submit.",
    "truefalse": "Myth or fact? ↑↓ or {first}–{last}, then Enter to submit.",
    "multi": "Select every answer that applies: Space or {first}–{last} to tick, Enter to submit.",
}


def progress_text(question: Question) -> str:
    return (
        f"Scenario {question.scenario_number} of {question.scenario_count} · "
        f"Step {question.step_number} · Question {question.question_number}"
    )


class FeedbackScroll(FlatVerticalScroll):
    """The feedback's scroll. It always draws the focus bar (the stylesheet's
    ``#feedback-scroll``): whenever it is shown it has the focus, as nothing else on the
    feedback can take it. So gaining or losing the focus changes none of its styles, and
    it is not restyled for it (~2 ms of the feedback's frame here)."""

    def watch_has_focus(self, has_focus: bool) -> None:
        return


class _FeedbackParts(NamedTuple):
    question_pane: FlatVertical
    pane: FlatVertical
    outcome: Static
    scroll: FeedbackScroll
    view: FeedbackView
    hint: Static
    footer: KeyFooter
    resumed: Static | None


class PlayerScreen(ReadsRecords):
    """Keys typed before the first question is shown (with the Enter that opened the
    module) wait for it (ReadsRecords); the player reads nothing itself."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter first, so the footer reads "⏎ … esc Pause" on the question and the feedback.
        Binding("enter", "continue", "Continue"),
        Binding("escape", "pause", "Pause"),
        # While a question is shown, its keys reach the choices whatever has the focus (the
        # story after a click, or nothing yet): the choice list's own bindings come first
        # when it has the focus, these only when it has not (see choices_keys).
        Binding("enter", "choices('submit')", show=False),
        Binding("space", "choices('toggle_choice')", show=False),
        *(Binding(str(n), f"choices('pick', {n})", show=False) for n in range(1, 10)),
    ]

    # Textual repaints the whole screen as the focus moves, after the frame that moved it:
    # a second full-screen write right after the feedback's. Here every widget whose
    # look depends on the focus repaints itself (Widget._on_focus and _on_blur).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.feedback: Feedback | None = None
        self._choices: ChoiceList | None = None  # the shown question's
        # What show_feedback changes, found once (a query walks the screen's widgets).
        self._fb = _FeedbackParts(
            FlatVertical(id="question-pane"),
            FlatVertical(id="feedback-pane"),
            Static(id="outcome", classes="outcome"),
            FeedbackScroll(id="feedback-scroll"),
            FeedbackView(),  # every answer's feedback, shown in turn
            Static(id="continue-hint", classes="help-text"),
            KeyFooter(),
            Static(
                "↻ Resumed where you left off. Your earlier answers are kept.",
                id="resumed",
                classes="notice",
            )
            if session.resumed
            else None,
        )

    def compose(self) -> ComposeResult:
        parts = self._fb
        yield Static(id="progress", classes="title-bar")
        if parts.resumed is not None:
            yield parts.resumed
        with parts.question_pane:
            with FlatVerticalScroll(id="story"):
                yield Static(id="scenario-title", classes="heading")
                yield Static(id="narrative", classes="para")
            yield Static(id="prompt", classes="prompt")
            yield Static(id="hint", classes="help-text")
        with parts.pane:
            yield parts.outcome
            with parts.scroll:
                yield parts.view
            yield parts.hint
        yield parts.footer

    async def on_mount(self) -> None:
        if self.session.finished:  # resumed an attempt whose last answer was already given
            self.show_results()
            return
        await self.show_question()
        self.reading = False  # the question is shown: keys typed already go to it
        self._send_held()

    # ------------------------------------------------------------------ question
    async def show_question(self) -> None:
        question = self.session.current
        assert question is not None
        self.feedback = None
        self._fb.pane.display = False
        self._fb.question_pane.display = True
        self.query_one("#progress", Static).update(
            Content(f"{self.session.module.title} · {progress_text(question)}")
        )
        self.query_one("#scenario-title", Static).update(Content(question.scenario.title))
        self.query_one("#narrative", Static).update(Content(question.scenario.narrative))
        self.query_one("#story", VerticalScroll).scroll_home(animate=False)
        self.query_one("#prompt", Static).update(Content(question.step.prompt))
        numbers = [pc.number for pc in question.choices]
        self.query_one("#hint", Static).update(
            HOW_TO[question.step.type].format(first=min(numbers), last=max(numbers))
        )
        self._choices = None
        for old in self.query(ChoiceList):
            await old.remove()
        choices = ChoiceList(
            [ChoiceItem(pc.number, pc.choice.id, pc.choice.text) for pc in question.choices],
            multi=question.step.type == "multi",
            id="choices",
        )
        await self._fb.question_pane.mount(choices, before=self.query_one("#hint"))
        self._choices = choices
        # The focus is set at once, so that the question's first frame has it on the
        # choices, and again by focus(), which waits for a refresh: set at once alone, it
        # was found elsewhere now and then in a real terminal (the footer without "Submit
        # answer", 1 question in 50). Keys typed in one burst with the Enter that showed
        # this question ("Enter 1 Enter") have their bindings looked up as soon as that
        # Enter's action returns: the screen's choice bindings take them whatever has the
        # focus then.
        self.set_focus(choices, scroll_visible=False)
        choices.focus()
        self.refresh_bindings()

    def question_choices(self) -> ChoiceList | None:
        """The choices of the question on the screen; None while feedback is shown."""
        if self.feedback is not None:
            return None
        return self._choices

    def action_choices(self, action: str, *args: int) -> None:
        """A choice key pressed while the choice list did not have the focus."""
        choices = self.question_choices()
        if choices is None:
            raise SkipAction()
        self.set_focus(choices)
        getattr(choices, f"action_{action}")(*args)

    def take_answer(self, choice_list: ChoiceList, choice_ids: tuple[str, ...]) -> None:
        """An answer submitted: ChoiceList.action_submit calls this at once (a message
        up the DOM to the screen took 1-3 ms of the feedback here), so keys typed from
        now on wait for its feedback (ReadsRecords), as if scoring and saving were
        instant."""
        if self.saving:
            return  # the answer before is still being saved; its feedback lets keys go on
        if choice_list is not self.question_choices():
            return  # a hidden list (its question was answered): never an answer to another
        self.saving = True
        self.reading = True  # keys typed meanwhile wait for the feedback (ReadsRecords)
        if self.session.store is not None:
            # Said only when the save takes long enough to notice (records on a slow
            # server): a local save is over before this, and repainting the hint for it
            # would cost a full-screen write in a real terminal before the feedback's own.
            self._saving_note = self.set_timer(0.15, self.say_saving)
        self.save_answer(choice_ids)

    def keys_go_on(self) -> None:
        self.reading = False
        self._send_held()

    def say_saving(self) -> None:
        if self.saving:
            self.query_one("#hint", Static).update(Content("… Saving your answer…"))

    saving = False  # an answer is being committed (in a worker)

    def answer_now(self, choice_ids: tuple[str, ...]) -> tuple[Feedback | None, Exception | None]:
        """Score and commit the answer: the feedback, or the error that stopped it."""
        try:
            return self.session.answer(choice_ids), None
        except (AnswerError, StoreError) as exc:
            return None, exc

    @work(exclusive=True, group="answer")
    async def save_answer(self, choice_ids: tuple[str, ...]) -> None:
        """Commit the answer in a thread (records on a server may take a while); the
        session moves on only once the records hold it (trainer.session)."""
        if self.session.store is None:  # a preview records nothing: nothing to wait for
            feedback, error = self.answer_now(choice_ids)
        else:
            feedback, error = await asyncio.to_thread(self.answer_now, choice_ids)
        await self.answered(feedback, error)
        # Keys typed while it was saved act now, as if the save had been instant: an Enter
        # typed with the answer goes on from the feedback, never lost.
        self.keys_go_on()

    async def answered(self, feedback: Feedback | None, error: Exception | None) -> None:
        """Show the feedback, or say why the answer was not taken."""
        self.saving = False
        note = getattr(self, "_saving_note", None)
        if note is not None:
            note.stop()
        if isinstance(error, AnswerError):
            self.app.bell()
            message = str(error)
            if self.session.current and self.session.current.step.type == "multi":
                message += " (Space or a number ticks a choice)"
            self.query_one("#hint", Static).update(
                Content(f"✘ {message[:1].upper()}{message[1:]}.")
            )
            return
        if isinstance(error, AttemptClosed):
            # Closed meanwhile (e.g. "Start again" in another window on this learner). Leave
            # the module: opening it again continues the attempt the records hold now.
            self.app.pop_screen()
            self.app.notify(
                terminal_safe(str(error)),
                title="Answer not saved: attempt closed",
                severity="error",
                timeout=20,
            )
            return
        if error is not None:
            # Full disk, read-only folder, locked database...: the session did not move on,
            # so the same answer can be given again once the cause is fixed.
            message = terminal_safe(str(error))
            self.app.bell()
            self.query_one("#hint", Static).update(
                Content(f"✘ Answer not saved. {message} Press Enter to try again, Esc to pause.")
            )
            self.app.notify(message, title="Answer not saved", severity="error", timeout=20)
            return
        assert feedback is not None
        await self.show_feedback(feedback)

    # ------------------------------------------------------------------ feedback
    async def show_feedback(self, feedback: Feedback) -> None:
        """Swap the question for its feedback in one frame: repaints are held until the
        feedback is complete (``batch_update``). Without that the terminal drew the banner
        over the last answer's feedback, or an empty body, with the question's footer
        for a frame or two first. The feedback is shown in the one :class:`FeedbackView`
        the screen has: no widget is mounted or removed for an answer."""
        parts = self._fb
        if self._choices is not None:
            self._choices.retired = True
        self.feedback = feedback
        with self.app.batch_update():
            if parts.resumed is not None:
                parts.resumed.display = False  # said once, on the first question after resuming
            parts.question_pane.display = False
            parts.pane.display = True
            parts.outcome.update(outcome_banner(feedback))
            parts.view.show(feedback)
            if self.session.finished:
                then = "see your results"
            elif feedback.scenario_finished:
                nxt = feedback.question.scenario_number + 1
                then = f"go on to scenario {nxt} of {feedback.question.scenario_count}"
            else:
                then = "go on to the next step"
            parts.hint.update(Content(f"Press Enter to {then} · ↑↓ scroll"))
            parts.scroll.scroll_home(animate=False)
            # At once: the hidden choices must not take the next keys. The scroll is in
            # view: nothing to scroll to.
            self.set_focus(parts.scroll, scroll_visible=False)
            self.refresh_bindings()
            parts.footer.update_keys()  # the feedback's keys in the same frame

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self.feedback is not None
        return True

    async def action_continue(self) -> None:
        if self.feedback is None:
            return
        if self.session.finished:
            self.show_results()
        else:
            await self.show_question()

    def show_results(self) -> None:
        from trainer.tui.screens.results import ResultsScreen

        self.app.switch_screen(ResultsScreen(self.session))

    # ------------------------------------------------------------------ other keys
    def action_scroll_story(self, direction: int) -> None:
        story = self.query_one("#story", VerticalScroll)
        if direction < 0:
            story.scroll_page_up()
        else:
            story.scroll_page_down()

    def action_pause(self) -> None:
        if self.saving:
            return  # leave once the answer being saved is saved (or refused)
        self.app.pop_screen()
        self.app.notify("Paused. Your answers are saved; open the module to continue.")
