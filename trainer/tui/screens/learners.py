"""Who am I: pick a learner on a shared machine, or add one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static

from trainer.bank.roles import ROLES
from trainer.records.store import LearnerRow, StoreError
from trainer.safetext import terminal_safe
from trainer.service import learners as service
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.form_fields import FormField, NameField, again
from trainer.tui.widgets.marked_list import LearnerList
from trainer.tui.words import role_text

if TYPE_CHECKING:
    from trainer.service.modules import Dashboard
    from trainer.tui.app import TrainerApp

ADD = "__add__"
LIST_LIMIT = 50  # learners listed at once; a larger roster gets a search box instead


class SearchBox(Input):
    """A roster's search box. Enter moves to the list at once (not after the next refresh,
    as a message would), so an Enter typed right after it picks from the list."""

    async def action_submit(self) -> None:
        screen = self.screen
        if isinstance(screen, LearnerPickScreen) and screen.searched != self.value:
            # The list is not yet the matches for what is typed (typed fast, or their
            # search is still running): this Enter waits for them.
            if screen.searching != self.value or not screen.reading:
                screen.search(self.value)
            screen.hold_key("enter", "\r")
            return
        screen.set_focus(screen.query_one("#learners", LearnerList))


class LearnerPickScreen(ReadsRecords):
    """Pick a learner, or add one. With no learners yet, the add form opens at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add learner"),
        Binding("e", "edit", "Edit or rename"),
        Binding("r", "reread", "Read again", show=False),
    ]

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
        with Vertical(classes="page"):
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
            await self.query("#found").remove()  # a "Reading…" or error line: made again
            search = SearchBox(placeholder="Type part of your name or ID to find it", id="find")
            found_line = Static("", id="found", classes="help-text")
            await self.query_one("#learners").parent.mount(search, found_line, before="#learners")  # type: ignore[union-attr]
            self.set_focus(search)  # at once: what is typed already goes into it
        self.searched = ""
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
        self.show_search_error(terminal_safe(str(error)))

    def search(self, typed: str) -> None:
        """Find the learners matching ``typed`` in a thread; the newest search wins (an
        older one still running is cancelled, and its result never shown). Letters go on
        into the search box meanwhile; an Enter waits for the matches it picks from."""
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
        self.show_learners(list(found[:LIST_LIMIT]), more=len(found) > LIST_LIMIT)

    def passes_while_reading(self, event: events.Key) -> bool:
        # Typing in the search box goes on while it searches (the box takes letters
        # before the screen sees them; the editing keys must stay in step with them).
        return isinstance(self.focused, SearchBox) and event.key != "enter"

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
        if learner is not None:
            self.app.push_screen(
                LearnerFormScreen(existing=learner), lambda _: self.refresh_learners()
            )
        else:
            self.refresh_learners()


class LearnerFormScreen(ModalScreen[LearnerRow | None]):
    """Add a learner: name as on the certificate, optional ID, organisation and role."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("f2", "app.resources", "Reporting", key_display="F2"),
        Binding("f1", "app.help", "Help", key_display="F1"),
    ]

    def __init__(self, name: str = "", existing: LearnerRow | None = None) -> None:
        super().__init__()
        self.initial_name = existing.name if existing else name
        self.existing = existing
        self.warned_for: str | None = None  # the name whose warnings were shown once
        self._held: list[events.Key] = []  # keys typed before the whole form was there

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def compose(self) -> ComposeResult:
        # The first frame has the heading and the name field only: the rest of the form
        # (two more fields, the role picker, the buttons) is mounted just after it (see
        # mount_rest), which about halves the time to a first start's first screen.
        with VerticalScroll(classes="dialog", id="learner-form"):
            old = self.existing
            yield Label("Edit learner details" if old else "Add a learner", classes="heading")
            locked = old and service.roster_refusal(old, "name, ID, organisation and role")
            yield Static(
                Content(terminal_safe(locked))
                if locked
                else "Correct the name, ID, organisation or role. Each change is kept in your "
                "history (shown to compliance staff)."
                if old
                else "Your name as it should appear on your certificate. The rest is optional.",
                classes="help-text",
            )
            with Horizontal(classes="field"):
                yield Label("Name for certificate", classes="field-label")
                yield NameField(self.initial_name, placeholder="Full name", id="name")
        yield KeyFooter()

    def rest_of_form(self) -> list[Widget]:
        """The fields after the name, the error line and the buttons."""
        old = self.existing

        def field(label: str, widget: Widget) -> Horizontal:
            return Horizontal(Label(label, classes="field-label"), widget, classes="field")

        return [
            field(
                "Employee/contr. ID",
                FormField(old.external_id if old else "", placeholder="optional", id="external-id"),
            ),
            field(
                "Organisation",
                FormField(
                    old.organisation if old else "", placeholder="optional", id="organisation"
                ),
            ),
            field(
                "Role",
                Select(
                    [(role_text(role), role) for role in ROLES],
                    value=old.role if old and old.role in ROLES else ROLES[0],
                    allow_blank=False,
                    id="role",
                ),
            ),
            Static("", id="form-error", classes="error"),
            Horizontal(
                Button("Save and continue", variant="primary", id="save"),
                Button("Cancel", id="cancel"),
                classes="buttons",
            ),
        ]

    complete = False  # the rest of the form is mounted
    # Keys that need the rest of the form (the next field, a save) wait for it, in order,
    # with every key typed after them.
    WAITS_FOR_FORM: ClassVar[frozenset[str]] = frozenset({"tab", "shift+tab", "enter", "ctrl+s"})

    def on_mount(self) -> None:
        # The name first, also when editing: "e Edit or rename" must not put a new name
        # typed at once into the ID field (found in QA).
        self.query_one("#name", Input).focus()
        self.call_after_refresh(self.first_frame_drawn)

    _waits_for_first_frame = 0
    _redrawn = False

    async def first_frame_drawn(self) -> None:
        """Mount the rest of the form once the first frame is on the terminal: queued, not
        awaited here, so that nothing else waiting for that frame waits for the rest too.
        (Textual 8.2 composes but does not show the frames made while the app batches its
        start-up, as when this form is a first start's first screen, and runs their
        after-refresh callbacks at once: so the form is drawn once more, after the batch.
        While the batch lasts, each check first lets the app's own task run, which ends
        the batch: run at once, the checks alone kept the event loop busy until their
        limit, and the rest of the form was mounted before the first frame.)"""
        if self._waits_for_first_frame < 1000:
            self._waits_for_first_frame += 1
            if self.app._batch_count or not self._redrawn:
                if self.app._batch_count:
                    await asyncio.sleep(0)
                self._redrawn = not self.app._batch_count
                self.refresh()
                self.call_after_refresh(self.first_frame_drawn)
                return
        self.call_next(self.mount_rest)

    async def mount_rest(self) -> None:
        """Mount the rest of the form once its first frame is drawn; once it is laid out,
        the keys that waited for it act, in the order they were typed."""
        await self.query_one("#learner-form").mount_all(self.rest_of_form())
        # Laid out first: Textual orders the focus chain by where the widgets are.
        self.call_after_refresh(self.form_complete)

    def form_complete(self) -> None:
        self.complete = True
        held, self._held = self._held, []
        for index, key in enumerate(held):
            if not self.is_current:  # closed by a key before (a save): the rest go on
                for later in held[index:]:
                    self.app.post_message(again(self.app, later))
                return
            self.replay(key)

    def holds(self, event: events.Key) -> bool:
        """Whether ``event``, typed in the name field, must wait for the rest of the form:
        a key that needs it, and every key typed after one that does."""
        if self.complete:
            return False
        if self._held or event.key in self.WAITS_FOR_FORM:
            self._held.append(event)
            return True
        return False

    def replay(self, key: events.Key) -> None:
        """Do what ``key`` does on the whole form, now: the focus moves at once, so the
        next key held goes to the field it was typed into."""
        focused = self.focused
        if key.key == "tab":
            self.focus_next()
        elif key.key == "shift+tab":
            self.focus_previous()
        elif key.key == "enter" and isinstance(focused, Input):
            self.focus_next()  # what Input.Submitted does here (next_field)
        elif key.key == "ctrl+s":
            self.action_save()
        elif key.is_printable and isinstance(focused, Input) and key.character is not None:
            focused.insert_text_at_cursor(key.character)
        else:  # anything else (Enter on a button, Esc, ...): routed as typed
            self.app.post_message(again(self.app, key))

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    saving = False  # the form is being saved (in a worker)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.saving:
            return  # Ctrl+S twice is one save
        if not self.complete:  # the focus is not on the name (a click): waits as it would
            self._held.append(events.Key("ctrl+s", None))
            return
        role = self.query_one("#role", Select).value
        self.saving = True
        self.save(
            self.query_one("#name", Input).value,
            str(role) if role in ROLES else ROLES[0],
            self.query_one("#organisation", Input).value,
            self.query_one("#external-id", Input).value,
        )

    @work(exclusive=True, group="learner-save")
    async def save(self, name: str, role: str, organisation: str, external_id: str) -> None:
        """Check and record the learner in a thread (records on a server may be slow); the
        form closes once the records hold it, or says why not."""
        try:
            learner, warnings = await asyncio.to_thread(
                self.save_now, name, role, organisation, external_id, self.warned_for
            )
        except (service.LearnerRefused, StoreError) as exc:
            self.show_error(f"✘ {terminal_safe(str(exc))}")
            self.query_one("#name", Input).focus()
            return
        finally:
            self.saving = False
        if learner is None:  # worth a second look: said once, saved on the next Ctrl+S
            self.warned_for = name
            self.show_error("⚠ " + " ".join(warnings) + " Save again to keep the name as typed.")
            self.query_one("#name", Input).focus()
            return
        self.dismiss(learner)

    def save_now(
        self, name: str, role: str, organisation: str, external_id: str, warned_for: str | None
    ) -> tuple[LearnerRow | None, list[str]]:
        """(the learner saved, []) or (None, the warnings to show before saving this name)."""
        store = self.trainer.store
        old = self.existing
        if old is None or " ".join(name.split()) != old.name:
            # Refused names (and names taken, matched ignoring capitals) are said before any
            # warning.
            service.check_new_name(store, name, learner_id=old.id if old else None)
            warnings = service.warnings_for(name) if warned_for != name else []
            if warnings:
                return None, warnings
        if old is None:
            learner = service.add_learner(
                store, name, role, organisation=organisation, external_id=external_id
            )
        else:
            learner = service.update_learner(
                store,
                old,
                name=name,
                role=role,
                organisation=organisation,
                external_id=external_id,
            )
        return learner, []

    def show_error(self, text: str) -> None:
        self.query_one("#form-error", Static).update(Content(text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
