"""``trainer import FILE -o module.yaml``: Moodle XML or GIFT questions → a new module file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.safetext import terminal_safe


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import",
        help="import Moodle XML or GIFT questions into a new module file",
        description="Read a Moodle XML (<quiz>) or GIFT file and write a bank-format module "
        "that 'trainer validate' accepts: each category becomes a scenario, each multiple-"
        "choice or true/false question a step. Other question types are skipped, one line "
        "each. Every step cites a source entry saying where it was imported from; replace it "
        "with the real source before learners see it. Exit status: 0 written, 1 refused "
        "(bad input, or the output exists), 2 usage or unreadable input.",
    )
    p.add_argument("file", metavar="FILE", help="Moodle XML (.xml) or GIFT (.gift, .txt) file")
    p.add_argument("-o", "--output", metavar="MODULE.yaml", required=True, help="file to write")
    p.add_argument(
        "--format",
        choices=("moodle-xml", "gift"),
        help="input format (default: from the extension, else from the content)",
    )
    p.add_argument("--id", dest="module_id", metavar="ID", help="module id (default: file name)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.set_defaults(handler=run)


def _line_number(message: str) -> int:
    """The line of a ``file:line: …`` message (0 when it has none), to report in file order."""
    parts = message.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


def _say(line: str) -> None:
    print(terminal_safe(line))


def run(args: argparse.Namespace) -> int:
    from trainer.authoring.templates import id_from_path
    from trainer.bank.schema import ID_RE
    from trainer.commands.common import not_a_file
    from trainer.exchange.convert import WriteRefused, detect_format, import_bytes, write_new
    from trainer.exchange.items import ImportRefused

    source, output = Path(args.file), Path(args.output)
    if not source.is_file():
        print(f"trainer import: {not_a_file(source)}", file=sys.stderr)
        return 2
    if output.suffix not in (".yaml", ".yml"):
        print("trainer import: the output should end in .yaml", file=sys.stderr)
        return 2
    module_id = args.module_id or id_from_path(output)
    if not ID_RE.match(module_id):
        print(f"trainer import: --id {terminal_safe(module_id)!r} is not an identifier "
              "(lowercase letters, digits, - and _)", file=sys.stderr)  # fmt: skip
        return 2
    if output.is_symlink() or (output.exists() and not args.force):
        what = "is a symbolic link" if output.is_symlink() else "already exists"
        hint = "" if output.is_symlink() else " (use --force to overwrite)"
        print(
            f"trainer import: {terminal_safe(str(output))} {what}; nothing was written{hint}",
            file=sys.stderr,
        )
        return 1
    try:
        data = source.read_bytes()
    except OSError as exc:
        print(f"trainer import: cannot read {terminal_safe(str(source))}: {exc.strerror}",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        fmt = args.format or detect_format(source, data)
        result = import_bytes(data, source, output, fmt, module_id)
        write_new(output, result.text, force=args.force)
    except ImportRefused as exc:
        _say(str(exc))
        print("trainer import: nothing was written", file=sys.stderr)
        return 1
    except WriteRefused as exc:
        print(f"trainer import: {terminal_safe(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"trainer import: cannot write {terminal_safe(str(output))}: {exc.strerror}",
              file=sys.stderr)  # fmt: skip
        return 1
    for line in sorted(result.skipped + result.notes, key=_line_number):
        _say(line)
    scenarios = len(result.module.scenarios)
    print(
        f"imported {result.imported} question{'s' * (result.imported != 1)} into "
        f"{terminal_safe(str(output))} ({scenarios} scenario{'s' * (scenarios != 1)}); "
        f"skipped {len(result.skipped)}; {len(result.notes)} note{'s' * (len(result.notes) != 1)}",
        file=sys.stderr,
    )
    print(
        f"next: replace the IMPORTED citation, then trainer validate {terminal_safe(str(output))}",
        file=sys.stderr,
    )
    return 0
