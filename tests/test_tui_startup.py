"""The app starts fast: importing it loads Textual but nothing heavy, and no data."""

from __future__ import annotations

from tests.fresh_python import fresh_python_json


def test_importing_the_app_loads_no_certificate_or_pdf_machinery() -> None:
    code = (
        "import json, sys; import trainer.tui.app; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('reportlab', 'cryptography', 'pypdf', 'yaml', 'sqlite3') "
        "or m.startswith('trainer.certificates'))))"
    )
    assert fresh_python_json(code) == []


def test_screens_are_only_imported_when_shown() -> None:
    code = (
        "import json, sys; import trainer.tui.app; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('trainer.tui.screens.'))))"
    )
    assert fresh_python_json(code) == []


def test_the_first_screen_needs_neither_the_model_nor_the_yaml_loader() -> None:
    """Everything up to the learner list imports no model classes: a cached course's model
    is built after the first screen is drawn (see trainer.bank.cache.open_course_lazily)."""
    code = (
        "import json, sys; import trainer.commands.app, trainer.tui.app, "
        "trainer.tui.screens.learners; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('trainer.bank.'))))"
    )
    assert fresh_python_json(code) == ["trainer.bank.cache", "trainer.bank.filesig"]


def test_the_learner_list_does_not_build_the_new_learner_form() -> None:
    """Most starts show the list; the form (its module, its field widgets) comes with 'a'."""
    code = (
        "import json, sys; import trainer.tui.app, trainer.tui.screens.learners; "
        "print(json.dumps(sorted(m for m in sys.modules if m in "
        "('trainer.tui.screens.learner_form', 'trainer.tui.widgets.form_fields'))))"
    )
    assert fresh_python_json(code) == []
