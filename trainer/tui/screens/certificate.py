"""Certificate export: when the course is complete, write the PDF in a worker thread."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from trainer.progress import CourseProgress
from trainer.records.errors import StoreError
from trainer.safetext import terminal_safe
from trainer.service import certificate as service
from trainer.tui.screens.reading import ReadsRecords
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.words import day_text, status_text

if TYPE_CHECKING:
    from trainer.tui.app import TrainerApp


def certificates_available() -> bool:
    """Whether the certificate package is installed (without importing its heavy parts)."""
    return service.available()


def status_lines(progress: CourseProgress) -> str:
    lines = []
    for item in progress.modules:
        if item.required:
            lines.append(f"  {status_text(item.status)} · {item.module.title}")
    return "\n".join(lines)


class CertificateScreen(ReadsRecords, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("f2", "app.resources", "Reporting", key_display="F2"),
        Binding("f1", "app.help", "Help", key_display="F1"),
    ]

    ready = False  # the course is complete: the PDF can be saved
    replace_path: Path | None = None  # the existing file Export again replaces

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="certificate"):
            yield Static("Certificate", classes="heading")
            yield Static(id="cert-status", classes="para")
            yield Static("", id="cert-result", classes="para")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the certificate's status in a thread (records on a server may be slow);
        keys typed meanwhile wait for it, except Esc, which closes at once."""
        learner = self.trainer.learner
        assert learner is not None
        self.read_records(
            partial(service.status, self.trainer.store, self.trainer.course, learner),
            self.show_status,
            self.show_unreadable,
        )

    def say_reading(self, note: str) -> None:
        self.query_one("#cert-status", Static).update(Content(note))

    def show_unreadable(self, error: StoreError) -> None:
        """E.g. the records server is away: said here, not a crash."""
        self.query_one("#cert-status", Static).update(
            Content(
                f"✘ The records cannot be read now: {terminal_safe(str(error))}\n"
                "Press Esc to go back, then try again."
            )
        )

    async def show_status(self, status: service.CertificateStatus) -> None:
        learner = self.trainer.learner
        assert learner is not None
        progress = status.progress
        self.ready = status.ready
        line = self.query_one("#cert-status", Static)
        if status.state == "unavailable":
            line.update("Certificates are not available yet in this version.")
        elif status.state == "incomplete":
            line.update(
                Content(
                    "Not yet: pass every required module to get your certificate.\n"
                    + status_lines(progress)
                )
            )
        elif status.state == "expired":
            line.update(
                Content(
                    f"✘ Your completion expired on {day_text(progress.valid_until)}. "
                    "Retake the required modules to recertify."
                )
            )
        else:
            line.update(
                Content(
                    f"✔ Course complete on {day_text(progress.completed_on)}, valid until "
                    f"{day_text(progress.valid_until)}.\nSave a PDF certificate for "
                    f"{terminal_safe(learner.name)}. Enter saves it as shown; Shift+Tab "
                    "to type another file name:"
                )
            )
        dialog = self.query_one("#certificate", VerticalScroll)
        more: list[Widget] = []
        if status.role_changes:  # the role decides the required modules: say what changed
            more.append(
                Static(
                    Content("\n".join(c.text() for c in status.role_changes)),
                    id="cert-roles",
                    classes="help-text",
                )
            )
        if status.issued:
            more.append(
                Static(
                    Content(
                        "Issued before:\n"
                        + "\n".join(
                            f"  {c.id} · {day_text(c.issued_at)} · valid until {c.valid_until}"
                            for c in status.issued
                        )
                    ),
                    id="cert-issued",
                    classes="help-text",
                )
            )
        if more:
            await dialog.mount_all(more)
        if self.ready:
            export = Button("Export PDF", variant="primary", id="export")
            await dialog.mount_all(
                [
                    Horizontal(
                        Label("Save as", classes="field-label-short"),
                        Input(str(status.default_path), id="cert-path"),
                        classes="field",
                    ),
                    Horizontal(export, Button("Close", id="close"), classes="buttons"),
                ],
                after=line,
            )
            self.set_focus(export)  # at once: an Enter typed already presses it

    @on(Input.Submitted, "#cert-path")
    @on(Button.Pressed, "#export")
    def start_export(self) -> None:
        learner = self.trainer.learner
        assert learner is not None
        default = service.default_path(learner, self.trainer.course)
        typed = self.query_one("#cert-path", Input).value
        if not typed.strip():
            self.show_result("✘ Type a file name for the PDF.")
            return
        try:
            path = service.output_path(typed, default)
        except service.CertificateNotIssued as exc:
            self.show_result(f"✘ {exc}")
            return
        replace = path == self.replace_path
        self.query_one("#export", Button).disabled = True
        self.show_result("… Writing the certificate…")
        self.export(path, replace)

    @work(exclusive=True, group="certificate")
    async def export(self, path: Path, replace: bool = False) -> None:
        """Issue the certificate in a thread: it signs, renders a PDF and writes records."""
        learner = self.trainer.learner
        assert learner is not None
        try:
            issued = await asyncio.to_thread(
                partial(
                    service.issue,
                    self.trainer.store,
                    self.trainer.course,
                    learner,
                    path,
                    settings=self.trainer.settings,
                    replace=replace,
                )
            )
        except service.CertificateNotIssued as exc:
            if exc.kind == "exists":
                self.replace_path = path
                text = f"✘ Not saved: {exc}. Press Export again to replace it."
            else:
                text = f"✘ Not saved: {exc}"
            self.show_result(text, failed=True)
            return
        self.replace_path = None
        self.show_result(
            f"✔ Saved: {terminal_safe(str(issued.path))}\nCertificate ID {issued.certificate_id}"
        )

    def show_result(self, text: str, failed: bool = False) -> None:
        self.query_one("#cert-result", Static).update(Content(text))
        if failed:  # ready to try again: Enter presses Export once more
            button = self.query_one("#export", Button)
            button.disabled = False
            button.focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
