"""The application layer: the use cases the app, plain mode and the CLI all call.

Each decision is made here once, and each front end only words the result:

* :mod:`.learners` — find (bounded search by name or ID), add, correct and rename learners;
  names matched case-folded everywhere; roster-managed learners' details refused, saying
  who manages them.
* :mod:`.modules` — the dashboard (modules, standing, passes expired, role changes, due
  date), a module's options (start, resume, start again, retake, results), starting a module
  (the engine's error is :class:`ModuleNotStarted` in every front end), the history (of the
  course being taken) and a past result.
* :mod:`.certificate` — the certificate's status, its one default path, and issuing it with
  the issuer key and paper from the settings and one set of handled errors.
* :mod:`.export` — the records export (``trainer records``): the course's recertification
  period from the course file alone, CSV and JSON streamed, the table, xAPI and the learner
  history whole, and a ``--learner`` name traced through its renames.

Functions take the store, the course and the learner explicitly and keep no state, so the
terminal app can call the ones that touch the records from a worker thread. A failure of
the records stays a :class:`~trainer.records.errors.StoreError`; a refusal the learner can
act on is this layer's own exception, with the reason as its message.

Core package: never imports textual. This file imports nothing, so a screen that needs
only :mod:`.learners` (the app's first screen) does not load the course model with
:mod:`.modules`.
"""
