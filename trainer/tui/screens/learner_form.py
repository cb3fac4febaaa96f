"""The learner form: add a learner (name as on the certificate, optional ID, organisation and
role), or correct one. Its own module, so that the learner list (most starts' first screen)
does not build it, and a first start's form does not build the list."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from trainer.bank.roles import ROLES
from trainer.records.store import LearnerRow, StoreError
from trainer.safetext import terminal_safe
from trainer.service import learners as service
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.widgets.form_fields import FormField, NameField, again
from trainer.tui.words import role_text

if TYPE_CHECKING:
    from trainer.tui.app import TrainerApp


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
