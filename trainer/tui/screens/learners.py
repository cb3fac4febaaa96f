"""Who am I: pick a learner on a shared machine, or add one (the form: learner_form.py)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static

from trainer.records.store import LearnerRow, StoreError
from trainer.safetext import terminal_safe
from trainer.service import learners as service
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.flat import FlatVertical
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.marked_list import LearnerList
from trainer.tui.words import role_text

if TYPE_CHECKING:
    from trainer.service.modules import Dashboard
    from trainer.tui.app import TrainerApp

ADD = "__add__"
LIST_LIMIT = 50  # learners listed at once; a larger roster gets a search box instead


class LearnerPickScreen(ReadsRecords):
    """Pick a learner, or add one. With no learners yet, the add form opens at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add learner"),
        Binding("e", "edit", "Edit or rename"),
        Binding("r", "reread", "Read again", show=False),
    ]
    # Keys that act on the list's highlighted learner or move the highlight: on a roster,
    # they wait until the list shows the matches for what is typed in the search box.
    LIST_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"enter", "e", "up", "down", "home", "end", "pageup", "pagedown"}
    )

    def __init__(
        self,
        add_name: str | None = None,
        *,
        auto_add: bool = True,
        listed: Sequence[LearnerRow] | None = None,
    ) -> None:
        """``listed``: the first learners (at most LIST_LIMIT + 1), already read: the app's
        first screen is shown with them, as start-up read them (TrainerApp)."""
        super().__init__()
        self.add_name = add_name
        self.auto_add = auto_add
        self._listed = listed

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(Content(self.trainer.course_title), classes="title-bar")
        with FlatVertical(classes="page"):
            yield Label("Who is taking the training?", classes="heading")
            yield Static(
                "Pick your name and press Enter, or add yourself. Several people can use "
                "this computer; each has their own records.",
                classes="help-text",
            )
            yield LearnerList(id="learners")
        yield KeyFooter()

    large: bool | None = None  # over LIST_LIMIT learners (None: not read yet)

    async def on_mount(self) -> None:
        listed, self._listed = self._listed, None
        if listed is None:
            self.read_first()
            return
        # Read by start-up (its one read of the records): shown before the first frame,
        # which so has the learners in it, without a worker thread's round trip.
        self._read_done()
        await self.show_first((len(listed), list(listed)))
        self._send_held()

    def read_first(self) -> None:
        """How many learners there are and, on a small machine, who: read in a thread
        (records on a server may be slow); keys typed meanwhile wait for it."""
        store = self.trainer.store

        def read() -> tuple[int, list[LearnerRow]]:
            # A roster is never listed (or read) whole: the first LIST_LIMIT are listed.
            count = service.learner_count(store)
            return count, list(service.search_learners(store, "", limit=LIST_LIMIT))

        self.read_records(read, self.show_first, self.unreadable)

    async def show_first(self, read: tuple[int, list[LearnerRow]]) -> None:
        count, found = read
        self.large = count > LIST_LIMIT
        if self.large:  # built only for a roster: a kiosk's first screen stays as light
            from trainer.tui.widgets.search_box import SearchBox

            await self.query("#found").remove()  # a "Reading…" or error line: made again
            search = SearchBox(placeholder="Type part of your name or ID to find it", id="find")
            found_line = Static("", id="found", classes="help-text")
            await self.query_one("#learners").parent.mount(search, found_line, before="#learners")  # type: ignore[union-attr]
            self.set_focus(search)  # at once: what is typed already goes into it
        self.searching = ""  # what the list shows: the first learners, as for ""
        self.show_found(found)
        if self.add_name is not None or (count == 0 and self.auto_add):
            self.call_after_refresh(self.action_add, self.add_name or "")
            self.add_name = None

    def action_reread(self) -> None:
        self.refresh_learners()

    @on(Input.Changed, "#find")
    def find(self) -> None:
        self.search(self.query_one("#find", Input).value)

    def refresh_learners(self) -> None:
        """Show the learners and "add a new learner": all of them on a small machine; on a
        large roster at most LIST_LIMIT, those matching what is typed in the search box
        (read in a worker: records on a server must not freeze the screen or the typing)."""
        if self.large is None:  # the first read failed (or is still running): again
            self.read_first()
        elif self.large:
            self.search(self.query_one("#find", Input).value)
        else:
            store = self.trainer.store
            self.read_records(
                partial(service.search_learners, store, "", limit=LIST_LIMIT),
                self.show_found,
                self.unreadable,
            )

    def say_reading(self, note: str) -> None:
        self.show_line(note)

    def unreadable(self, error: StoreError) -> None:
        """E.g. the records server is away: said here, not a crash."""
        if self.searching != self.searched:  # a search failed: its keys do not wait on
            self.failed_search = self.searching
        self.show_search_error(terminal_safe(str(error)))

    def search(self, typed: str) -> None:
        """Find the learners matching ``typed`` in a thread; the newest search wins (an
        older one still running is cancelled, and its result never shown). Letters go on
        into the search box meanwhile; a key for the list waits for the matches (on_key)."""
        store = self.trainer.store
        self.searching = typed
        self.read_records(
            partial(service.search_learners, store, typed, limit=LIST_LIMIT),
            self.show_found,
            self.unreadable,
        )

    searched: str | None = None  # what the learners listed were found for
    searching: str | None = None  # what the newest search is for

    def show_found(self, found: Sequence[LearnerRow]) -> None:
        self.searched = self.searching
        self.failed_search = None
        self.show_learners(list(found[:LIST_LIMIT]), more=len(found) > LIST_LIMIT)

    def passes_while_reading(self, event: events.Key) -> bool:
        # Typing in the search box goes on while it searches (the box takes letters
        # before the screen sees them; the editing keys must stay in step with them).
        focused = self.focused
        return focused is not None and focused.id == "find"

    def _search_for(self, typed: str) -> None:
        """Search for ``typed`` unless that search is already running."""
        if self.searching != typed or not self.reading:
            self.search(typed)

    failed_search: str | None = None  # what the newest search that failed was for

    def on_key(self, event: events.Key) -> None:
        """Before ReadsRecords.on_key (Textual calls each class's handler, this one first).
        A key for the list typed before the list shows the matches for what is in the search
        box ("Ann", Tab, Enter in one burst: the Enter reaches the list before the box's
        letters have started their search) starts that search, so that ReadsRecords holds
        the key until the matches are in. It never acts on the list as it was before."""
        box = self.query("#find")  # none yet while show_first mounts it (keys wait then)
        if not box or event.key not in self.LIST_KEYS or not self.is_current:
            return
        typed = box.first(Input).value
        if typed == self.searched:
            return
        if typed != self.failed_search or self.reading:
            self._search_for(typed)
            return
        # Its search failed (the screen says so; r reads again): nothing to act on.
        self.drop_in_turn(event)

    def show_search_error(self, message: str) -> None:
        self.show_line(f"✘ The records cannot be read now: {message}\nPress r to read them again.")

    def show_line(self, text: str) -> None:
        """Say ``text`` on the line above the list."""
        matches = self.query("#found")
        if matches:
            line = cast(Static, matches.first())
        else:  # a small machine's list has no search line: make one for the message
            line = Static("", id="found", classes="help-text")
            self.query_one("#learners").parent.mount(line, before="#learners")  # type: ignore[union-attr]
        line.update(Content(text))

    def show_learners(self, learners: list[LearnerRow], *, more: bool = False) -> None:
        if not getattr(self, "large", False):
            self.query("#found").remove()  # a message of a failed read, now out of date
        if getattr(self, "large", False):
            if not learners:
                note = "No learner matches. Check the spelling, or add yourself below."
            elif more:
                note = f"Showing the first {LIST_LIMIT}: type more of your name to narrow it."
            else:
                note = f"{len(learners)} found. Press Down to choose from the list."
            self.query_one("#found", Static).update(Content(note))
        items = []
        for learner in learners:
            details = ", ".join(x for x in (role_text(learner.role), learner.organisation) if x)
            shown = terminal_safe(f"{learner.name}  ({details})")
            items.append((str(learner.id), Content(shown)))
        items.append((ADD, Content("+ Add a new learner")))
        self.query_one("#learners", LearnerList).set_items(items)

    @on(OptionList.OptionSelected, "#learners")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option_id == ADD:
            self.action_add()
            return
        self.read_records(
            partial(self.trainer.read_for_dashboard, event.option_id or ""),
            self.use_picked,
            self.unreadable,
        )

    def use_picked(self, read: tuple[LearnerRow | None, Dashboard | None]) -> None:
        learner, board = read
        if learner is not None:
            self.trainer.use_learner(learner, board)
        else:  # gone meanwhile (e.g. merged elsewhere): the list as it is now
            self.refresh_learners()

    def action_add(self, name: str = "") -> None:
        from trainer.tui.screens.learner_form import LearnerFormScreen

        def added(learner: LearnerRow | None) -> None:
            if learner is not None:
                self.trainer.use_learner(learner)
            else:
                self.refresh_learners()

        self.app.push_screen(LearnerFormScreen(name=name), added)

    def action_edit(self) -> None:
        """Correct the highlighted learner's name, ID, organisation or role (kept in the
        learner history)."""
        option = self.query_one("#learners", LearnerList).highlighted_option
        if option is None or option.id == ADD:
            return
        self.read_records(
            partial(service.get_learner, self.trainer.store, option.id or ""),
            self.edit,
            self.unreadable,
        )

    def edit(self, learner: LearnerRow | None) -> None:
        from trainer.tui.screens.learner_form import LearnerFormScreen

        if learner is not None:
            self.app.push_screen(
                LearnerFormScreen(existing=learner), lambda _: self.refresh_learners()
            )
        else:
            self.refresh_learners()
