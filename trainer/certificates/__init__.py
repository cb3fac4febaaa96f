"""Completion certificates: signed payload, issuer keys, PDF rendering and verification.

Pure core: nothing here imports textual. The TUI and CLI call
:func:`trainer.certificates.issue.issue_certificate` and
:func:`trainer.certificates.verify.verify_input`.
"""
