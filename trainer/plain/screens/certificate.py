"""The certificate screen: issue the completion certificate as a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trainer.plain.words import safe_name
from trainer.progress import CourseProgress

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def save_certificate(app: PlainApp, progress: CourseProgress) -> None:
    ui = app.ui
    assert app.learner is not None
    try:
        from trainer.certificates.issue import CertificateRefused, issue_certificate
        from trainer.certificates.keys import default_issuer_key_path
    except ImportError:
        ui.say("Certificates are not available in this version of trainer.")
        return
    if not progress.complete:
        ui.say(
            "No certificate yet: pass every required module first. The dashboard lists "
            "which modules are still to pass."
        )
        return
    default = Path.cwd() / f"certificate-{safe_name(app.learner.name)}.pdf"
    ui.say(f"The certificate will be saved as a PDF file. Suggested file: {default}")
    typed = ui.ask(
        "File name for the certificate. Press Enter to use the suggested file:",
        help_lines=["Type a file name or path ending in .pdf, or press Enter."],
    )
    out = Path(typed).expanduser() if typed else default
    if out.exists() and not ui.confirm(f"The file {out} already exists. Replace it?"):
        ui.say("No certificate was saved.")
        return
    data_dir = app.store.path.parent
    try:
        issued = issue_certificate(
            app.store,
            app.course,
            app.learner,
            out,
            issuer_key_path=default_issuer_key_path(data_dir),
        )
    except CertificateRefused as exc:
        ui.say(*[line.strip() for line in str(exc).splitlines() if line.strip()])
        return
    except OSError as exc:
        ui.say(f"The certificate could not be saved: {exc.strerror or exc}.")
        return
    except Exception as exc:  # e.g. an issuer key problem: say it, never a traceback
        ui.say(f"The certificate could not be issued: {exc}")
        return
    ui.say(f"Certificate saved: {issued.path}")
    ui.say(f"Certificate number: {issued.certificate_id}.")
