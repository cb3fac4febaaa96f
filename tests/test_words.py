"""Shared wording: sentences the front ends say the same way."""

from __future__ import annotations

from trainer.words import module_updated_note


def test_module_updated_note_agrees_in_number() -> None:
    assert "Your answer from then stays in your records" in module_updated_note(1)
    assert "Your 3 answers from then stay in your records" in module_updated_note(3)
