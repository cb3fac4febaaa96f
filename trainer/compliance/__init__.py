"""Compliance administration: the organisation's roster (CSV in and out) and who is due.

Pure core (no UI): :mod:`trainer.compliance.roster_csv` reads a roster file into checked
entries; :mod:`trainer.compliance.status` works out each learner's state in one pass over the
records. The commands are ``trainer roster`` and ``trainer status`` (docs/compliance.md).
"""
