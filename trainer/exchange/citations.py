"""The warning ``trainer validate`` gives for imported items that still lack a real citation.

``trainer import`` makes every step cite :data:`~trainer.exchange.items.IMPORT_KEY`, a
source entry that only says where the item came from. That is not a citation a learner can
check, so validation warns (exit status unchanged) until the key is replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trainer.bank.loader import display_path
from trainer.bank.model import Module
from trainer.exchange.items import IMPORT_KEY
from trainer.safetext import terminal_safe

_KEY_LINE = re.compile(rf"^(\s*){IMPORT_KEY}:", re.MULTILINE)


def _where(module: Module) -> tuple[int, int]:
    """Line and column of the placeholder source entry in the module file (1, 1 if unknown)."""
    try:
        text = module.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1, 1
    match = _KEY_LINE.search(text)
    if match is None:
        return 1, 1
    return text.count("\n", 0, match.start()) + 1, len(match.group(1)) + 1


def import_warnings(modules: Iterable[Module]) -> list[str]:
    """One ``path:line:col: warning: …`` line per module whose steps cite the placeholder."""
    lines = []
    for module in modules:
        steps = sum(1 for s in module.scenarios for st in s.steps if IMPORT_KEY in st.sources)
        if not steps:
            continue
        line, col = _where(module)
        lines.append(
            f"{terminal_safe(display_path(module.path))}:{line}:{col}: warning: {steps} "
            f"imported step{'s' * (steps != 1)} of module '{terminal_safe(module.id)}' still "
            f"cite{'s' * (steps == 1)} the import placeholder {IMPORT_KEY}; check each item and "
            "give it its real source before learners see it"
        )
    return lines
