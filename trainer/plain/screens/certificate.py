"""The certificate screen: issue the completion certificate as a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trainer.progress import CourseProgress
from trainer.service import certificate as service

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def save_certificate(app: PlainApp, progress: CourseProgress) -> None:
    """Issue the certificate as a PDF once the course is complete; say where it was saved."""
    ui = app.ui
    assert app.learner is not None
    if not service.available():
        ui.say("Certificates are not available in this version of trainer.")
        return
    if not progress.complete:
        ui.say(
            "No certificate yet: pass every required module first. The dashboard lists "
            "which modules are still to pass."
        )
        return
    default = service.default_path(app.learner, app.course)
    ui.say(f"The certificate will be saved as a PDF file. Suggested file: {default}")
    while True:
        typed = ui.ask(
            "File name for the certificate. Press Enter to use the suggested file:",
            help_lines=["Type a file name or path ending in .pdf, or press Enter."],
        )
        try:
            out = service.output_path(typed, default)
            break
        except service.CertificateNotIssued as exc:
            ui.say(str(exc))
    replace = False
    if out.exists():
        if not ui.confirm(f"The file {out} already exists. Replace it?"):
            ui.say("No certificate was saved.")
            return
        replace = True
    try:
        issued = service.issue(
            app.store,
            app.course,
            app.learner,
            out,
            settings=app.settings,
            replace=replace,
        )
    except service.CertificateNotIssued as exc:
        if exc.kind == "refused":  # the reasons, one line each
            ui.say(*[line.strip() for line in str(exc).splitlines() if line.strip()])
        else:
            ui.say(f"No certificate was saved: {exc}.")
        return
    ui.say(f"Certificate saved: {Path(issued.path).absolute()}")
    ui.say(f"Certificate number: {issued.certificate_id}.")
