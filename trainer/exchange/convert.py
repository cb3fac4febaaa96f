"""Import and export as whole operations: detect the format, convert, check, write safely.

The commands (``trainer import`` / ``trainer export``) only parse arguments and print; the
work, and every rule about what may be written where, is here.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from trainer.bank.loader import Loaded, build_module, display_path
from trainer.bank.model import Module
from trainer.bank.safeyaml import YamlRefused, load_bytes
from trainer.exchange import gift, gift_write, moodle_xml
from trainer.exchange.frombank import export_module
from trainer.exchange.items import IMPORT_KEY, ImportRefused, Question
from trainer.exchange.tobank import build
from trainer.scoring import best_path_points, correct_path_points

Format = Literal["moodle-xml", "gift"]
FORMATS: tuple[Format, ...] = ("moodle-xml", "gift")
LABELS = {"moodle-xml": "Moodle XML", "gift": "GIFT"}


class WriteRefused(Exception):
    """The output file may not be written (exists without --force, is a symlink, …)."""


def detect_format(path: Path, data: bytes) -> Format:
    """The format named by the extension (.xml / .gift, .txt), else by the content."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "moodle-xml"
    if suffix in (".gift", ".txt"):
        return "gift"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "moodle-xml" if head.startswith(b"<") else "gift"


def read_questions(path: Path, data: bytes, fmt: Format) -> Any:
    """The reader's result for ``data`` (raises :class:`ImportRefused`)."""
    shown = display_path(path)
    reader = moodle_xml.read if fmt == "moodle-xml" else gift.read
    return reader(data, shown)


@dataclass(slots=True)
class ImportResult:
    """The module text, the model it loads as, and what the summary reports."""

    text: str
    module: Module
    imported: int
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_PASS_MARK = re.compile(r"^pass_mark: 1$", re.MULTILINE)

HEADER = """\
# Imported from {name} ({label}) by `trainer import`.
# Every step cites the source {key}: replace it with the real source of each item (and
# review the text, feedback and explanation) before learners see it. `trainer validate`
# warns about modules that still cite {key}. Format reference: docs/bank-format.md.
"""


def dump(data: dict[str, Any]) -> str:
    """Module data as YAML: keys in bank order, Unicode kept, long lines wrapped."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter is ~10x faster
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=96)


def check_module(text: str, path: Path) -> Module:
    """Load module text with the bank loader; a problem here is a bug in the importer."""
    shown = display_path(path)
    try:
        value, problems = load_bytes(text.encode("utf-8"), shown)
    except YamlRefused as exc:  # pragma: no cover - the importer writes plain YAML
        raise ImportRefused(shown, exc.problem.line, exc.problem.message) from None
    loaded = Loaded(path, shown, value, "", problems)
    module = build_module(loaded)
    if module is None:
        first = loaded.problems[0]
        raise ImportRefused(
            shown, first.line, f"imported module does not validate: {first.message}"
        )
    return module


def import_bytes(
    data: bytes, source: Path, output: Path, fmt: Format, module_id: str
) -> ImportResult:
    """The module for ``data`` (the content of ``source``), checked as ``output``."""
    shown = display_path(source)
    result = read_questions(source, data, fmt)
    built = build(result, path=shown, label=LABELS[fmt], module_id=module_id)
    if not built.data["scenarios"]:
        raise ImportRefused(
            shown, 1, f"no question could be imported ({len(built.skipped)} skipped); "
            "nothing was written"
        )  # fmt: skip
    header = HEADER.format(name=source.name, label=LABELS[fmt], key=IMPORT_KEY)
    text = header + dump(built.data)  # pass mark 1 for now: the loader checks everything else
    module = check_module(text, output)
    # The pass mark: at most 80%, and never above what answering everything correctly earns
    # (so the loader's pass-mark check holds by construction).
    correct = sum(correct_path_points(s) for s in module.scenarios)
    best = sum(best_path_points(s) for s in module.scenarios)
    pass_mark = max(1, min(80, math.floor(100 * correct / best + 1e-9)))
    text, n = _PASS_MARK.subn(f"pass_mark: {pass_mark}", text, count=1)
    assert n == 1, "the dumped module has one top-level pass_mark line"
    module = module._replace(pass_mark=pass_mark)
    return ImportResult(text, module, built.steps, built.skipped, built.notes)


def write_new(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``path`` atomically: never through a symlink, never over an existing
    file unless ``force``, never leaving a half-written file."""
    if path.is_symlink():
        raise WriteRefused(f"{path} is a symbolic link; refusing to write through it")
    if path.exists() and not force:
        raise WriteRefused(f"{path} already exists; nothing was written (use --force)")
    if path.exists() and not path.is_file():
        raise WriteRefused(f"{path} is not a regular file")
    folder = path.parent if str(path.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise WriteRefused(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)  # as `trainer new` does
    fd, tmp = tempfile.mkstemp(prefix=".trainer-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(slots=True)
class ExportResult:
    """The exported text and what the summary reports."""

    text: str
    questions: int
    modules: int
    branching: list[str]
    notes: list[str]


def _count_repeats(notes: list[str]) -> list[str]:
    """Each distinct note once, with how many steps it applies to when more than one."""
    counts: dict[str, int] = {}
    for note in notes:
        counts[note] = counts.get(note, 0) + 1
    return [f"{note} ({n} steps)" if n > 1 else note for note, n in counts.items()]


def export_modules(modules: list[Module], fmt: Format) -> ExportResult:
    """``modules`` as one Moodle XML or GIFT file."""
    questions: list[Question] = []
    branching: list[str] = []
    notes: list[str] = []
    for module in modules:
        out = export_module(module)
        questions += out.questions
        branching += out.branching
        notes += out.notes
    notes = _count_repeats(notes)
    if fmt == "gift" and any(q.points not in (None, 1.0) for q in questions):
        notes.append("GIFT has no marks: each question's points are left to Moodle's default (1)")
        for q in questions:
            q.points = None
    text = moodle_xml.write(questions) if fmt == "moodle-xml" else gift_write.write(questions)
    return ExportResult(text, len(questions), len(modules), branching, notes)
