"""The certificate screen: issue the completion certificate as a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trainer.certificates.location import default_certificate_path
from trainer.progress import CourseProgress

if TYPE_CHECKING:
    from trainer.plain.app import PlainApp


def save_certificate(app: PlainApp, progress: CourseProgress) -> None:
    """Issue the certificate as a PDF once the course is complete; say where it was saved."""
    ui = app.ui
    assert app.learner is not None
    try:
        from trainer.certificates.issue import CertificateRefused, issue_certificate
    except ImportError:
        ui.say("Certificates are not available in this version of trainer.")
        return
    if not progress.complete:
        ui.say(
            "No certificate yet: pass every required module first. The dashboard lists "
            "which modules are still to pass."
        )
        return
    default = default_certificate_path(app.learner.name, app.course.id)
    ui.say(f"The certificate will be saved as a PDF file. Suggested file: {default}")
    while True:
        typed = ui.ask(
            "File name for the certificate. Press Enter to use the suggested file:",
            help_lines=["Type a file name or path ending in .pdf, or press Enter."],
        )
        out, problem = _output_path(typed, default)
        if problem is None:
            break
        ui.say(problem)
    if out.exists() and not ui.confirm(f"The file {out} already exists. Replace it?"):
        ui.say("No certificate was saved.")
        return
    from trainer.settings import certificate_options

    key, may_create, paper = certificate_options(app.settings, app.store.path)
    try:
        from trainer.config import certificate_verify_url

        verify_url, problem = certificate_verify_url(app.config_file)
        if problem:
            ui.say(f"No certificate was saved: {problem}")
            return
        issued = issue_certificate(
            app.store,
            app.course,
            app.learner,
            out,
            issuer_key_path=key,
            create_key=may_create,
            paper=paper,
            verify_url=verify_url,
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
    ui.say(f"Certificate saved: {Path(issued.path).absolute()}")
    ui.say(f"Certificate number: {issued.certificate_id}.")


def _output_path(typed: str, default: Path) -> tuple[Path, str | None]:
    """The path typed (or the default), absolute; or why it cannot be used."""
    if not typed:
        return default, None
    try:
        out = Path(typed).expanduser().absolute()
        out.exists()  # a name too long for the file system raises here, not later
    except (RuntimeError, OSError, ValueError) as exc:
        reason = "there is no such user" if isinstance(exc, RuntimeError) else str(exc)
        return default, f"That file name cannot be used ({reason}). Type another one."
    if out.is_dir():
        return default, f"{out} is a folder. Type a file name ending in .pdf."
    return out, None
