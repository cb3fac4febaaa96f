"""Certificate export: when the course is complete, write the PDF in a worker thread."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from trainer.progress import CourseProgress, course_progress
from trainer.records.errors import StoreError
from trainer.safetext import terminal_safe
from trainer.standing import learner_role_changes
from trainer.tui.widgets.footer import KeyFooter
from trainer.tui.words import day_text, status_text

if TYPE_CHECKING:
    from trainer.records.store import LearnerRow
    from trainer.tui.app import TrainerApp


def certificates_available() -> bool:
    """Whether the certificate package is installed (without importing its heavy parts)."""
    try:
        return importlib.util.find_spec("trainer.certificates.issue") is not None
    except (ImportError, ValueError):
        return False


def default_pdf_path(learner: LearnerRow, course_id: str) -> Path:
    """The suggested PDF path: the same visible folder as plain mode (Documents or home)."""
    from trainer.certificates.location import default_certificate_path

    return default_certificate_path(learner.name, course_id)


def status_lines(progress: CourseProgress) -> str:
    lines = []
    for item in progress.modules:
        if item.required:
            lines.append(f"  {status_text(item.status)} · {item.module.title}")
    return "\n".join(lines)


class CertificateScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("f2", "app.resources", "Reporting", key_display="F2"),
        Binding("f1", "app.help", "Help", key_display="F1"),
    ]

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    def compose(self) -> ComposeResult:
        learner = self.trainer.learner
        assert learner is not None
        progress = course_progress(self.trainer.store, self.trainer.course, learner)
        self.ready = False
        with VerticalScroll(classes="dialog", id="certificate"):
            yield Static("Certificate", classes="heading")
            if not certificates_available():
                yield Static(
                    "Certificates are not available yet in this version.",
                    id="cert-status",
                    classes="para",
                )
            elif not progress.complete:
                yield Static(
                    Content(
                        "Not yet: pass every required module to get your certificate.\n"
                        + status_lines(progress)
                    ),
                    id="cert-status",
                    classes="para",
                )
            elif progress.expired():
                yield Static(
                    Content(
                        f"✘ Your completion expired on {day_text(progress.valid_until)}. "
                        "Retake the required modules to recertify."
                    ),
                    id="cert-status",
                    classes="para",
                )
            else:
                self.ready = True
                yield Static(
                    Content(
                        f"✔ Course complete on {day_text(progress.completed_on)}, valid until "
                        f"{day_text(progress.valid_until)}.\nSave a PDF certificate for "
                        f"{terminal_safe(learner.name)}. Enter saves it as shown; Shift+Tab "
                        "to type another file name:"
                    ),
                    id="cert-status",
                    classes="para",
                )
                with Horizontal(classes="field"):
                    yield Label("Save as", classes="field-label-short")
                    yield Input(
                        str(default_pdf_path(learner, self.trainer.course.id)),
                        id="cert-path",
                    )
                with Horizontal(classes="buttons"):
                    yield Button("Export PDF", variant="primary", id="export")
                    yield Button("Close", id="close")
            yield Static("", id="cert-result", classes="para")
            changes = learner_role_changes(self.trainer.store, self.trainer.course, learner)
            if changes:  # the role decides the required modules: say what a change changed
                yield Static(
                    Content("\n".join(c.text() for c in changes)),
                    id="cert-roles",
                    classes="help-text",
                )
            issued = self.trainer.store.certificates(learner_id=learner.id)
            if issued:
                yield Static(
                    Content(
                        "Issued before:\n"
                        + "\n".join(
                            f"  {c.id} · {day_text(c.issued_at)} · valid until {c.valid_until}"
                            for c in issued
                        )
                    ),
                    id="cert-issued",
                    classes="help-text",
                )
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.ready:
            self.query_one("#export", Button).focus()

    @on(Input.Submitted, "#cert-path")
    @on(Button.Pressed, "#export")
    def start_export(self) -> None:
        typed = self.query_one("#cert-path", Input).value.strip()
        try:
            path = Path(typed).expanduser().absolute()
        except RuntimeError:
            self.show_result(f"✘ {terminal_safe(typed)}: there is no such user's home folder.")
            return
        if not path.name or not typed:
            self.show_result("✘ Type a file name for the PDF.")
            return
        self.query_one("#export", Button).disabled = True
        self.show_result("… Writing the certificate…")
        self.export(path)

    @work(thread=True, exclusive=True, group="certificate")
    def export(self, path: Path) -> None:
        """Issue the certificate off the UI thread: it signs, renders a PDF and writes records."""
        learner = self.trainer.learner
        assert learner is not None
        try:
            from trainer.certificates.issue import CertificateRefused, issue_certificate
            from trainer.certificates.keys import CertificateKeyError
        except ImportError:
            self.app.call_from_thread(
                self.show_result, "Certificates are not available yet in this version."
            )
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            from trainer.config import certificate_verify_url
            from trainer.settings import certificate_options

            verify_url, problem = certificate_verify_url(self.trainer.config_file)
            if problem:
                self.app.call_from_thread(self.show_result, f"✘ Not saved: {problem}", failed=True)
                return
            key, may_create, paper = certificate_options(
                self.trainer.settings, self.trainer.store.path
            )
            issued = issue_certificate(
                self.trainer.store,
                self.trainer.course,
                learner,
                path,
                issuer_key_path=key,
                create_key=may_create,
                paper=paper,
                verify_url=verify_url,
            )
        except (CertificateRefused, CertificateKeyError, OSError, StoreError) as exc:
            # StoreError: e.g. the records locked by another program, a full disk.
            self.app.call_from_thread(self.show_result, f"✘ Not saved: {exc}", failed=True)
            return
        self.app.call_from_thread(
            self.show_result,
            f"✔ Saved: {issued.path}\nCertificate ID {issued.certificate_id}",
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
