"""Plain mode: the whole course as plain lines, for screen readers, braille displays and scripts.

``trainer --plain`` (also chosen automatically when output is not a terminal or ``TERM=dumb``)
runs the same course through the same path as the terminal app — UI → :class:`Session`
→ engine → records store — but writes nothing except plain lines: no cursor movement, no
colour, no box drawing. Every line is meant to make sense when read aloud on its own.

The learner answers by typing a number (or several, separated by commas, for a multi-select
question) and pressing Enter. At every prompt these commands also work: ``help``,
``resources``, ``repeat`` and ``pause`` (also ``quit``). End of input behaves like ``pause``.
Answers are committed by :meth:`Session.answer` the moment they are given, so pausing only
has to exit cleanly; the next run resumes at the same question.

The package has the TUI's shape (trainer/tui/): a shared console (:mod:`.console`), the
wording (:mod:`.words`), the module runner (:mod:`.runner`), one module per screen
(:mod:`.screens`), the app (:mod:`.app`) and the preview (:mod:`.preview`).

Entry points:

* :func:`run_plain` — the full app (learner choice, dashboard, modules, results, history,
  retake, certificate, resources). Called by ``trainer/commands/app.py``.
* :func:`run_plain_preview` — one module, recording nothing.

Lines are not wrapped unless asked (``width`` or ``$TRAINER_PLAIN_WIDTH``): a screen reader
reads a logical line, and a hard-wrapped sentence would be split across two "lines"; the
terminal soft-wraps for sighted readers and a braille display pans by itself. See
docs/accessibility.md.

Core package: never imports textual.
"""

from __future__ import annotations

from trainer.plain.app import PlainApp, run_plain
from trainer.plain.console import BackToDashboard, Console, Option, Paused, number_error
from trainer.plain.preview import run_plain_preview
from trainer.plain.runner import ModuleRunner, parse_answer
from trainer.plain.screens.intro import show_module_intro
from trainer.plain.screens.results import show_result
from trainer.plain.words import plural, points_text, sentence, spoken_date, spoken_time

__all__ = [
    "BackToDashboard",
    "Console",
    "ModuleRunner",
    "Option",
    "Paused",
    "PlainApp",
    "number_error",
    "parse_answer",
    "plural",
    "points_text",
    "run_plain",
    "run_plain_preview",
    "sentence",
    "show_module_intro",
    "show_result",
    "spoken_date",
    "spoken_time",
]
