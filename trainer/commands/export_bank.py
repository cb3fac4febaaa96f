"""``trainer export FILE.yaml --format moodle-xml|gift -o OUT``: a module or course → Moodle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.safetext import terminal_safe


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="export a module or course as Moodle XML or GIFT questions",
        description="Write every scenario step of a module file (or of every module of a "
        "course file) as one Moodle question: the story so far as its text, choices with "
        "Moodle fractions, the explanation and citations as general feedback, a category per "
        "module and scenario. Moodle cannot branch: the summary names branching scenarios and "
        "each question carries its route in a comment, which 'trainer import' reads back. "
        "Exit status: 0 written, 1 invalid bank or output exists, 2 usage or unreadable input.",
    )
    p.add_argument("file", metavar="FILE.yaml", help="module or course file")
    p.add_argument("--format", choices=("moodle-xml", "gift"), required=True, help="output format")
    p.add_argument(
        "-o", "--output", metavar="OUT", required=True, help="file to write ('-': stdout)"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from trainer.bank.loader import build_module, kind_of, load_course, read_yaml
    from trainer.commands.common import not_a_file
    from trainer.exchange.convert import LABELS, WriteRefused, export_modules, write_new

    source = Path(args.file)
    if not source.is_file():
        print(f"trainer export: {not_a_file(source)}", file=sys.stderr)
        return 2
    loaded = read_yaml(source)
    if kind_of(loaded) == "course":
        result = load_course(source)
        problems = result.problems
        modules = list(result.course.module_map.values()) if result.course else []
    else:
        module = build_module(loaded) if loaded.value is not None else None
        problems = sorted(loaded.problems)
        modules = [module] if module else []
    if problems or not modules:
        for problem in problems:
            print(terminal_safe(str(problem)))
        print("trainer export: the bank has problems (see trainer validate); nothing was written",
              file=sys.stderr)  # fmt: skip
        return 1
    out = export_modules(modules, args.format)
    try:
        if args.output == "-":
            sys.stdout.write(out.text)
        else:
            write_new(Path(args.output), out.text, force=args.force)
    except WriteRefused as exc:
        print(f"trainer export: {terminal_safe(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"trainer export: cannot write: {exc.strerror}", file=sys.stderr)
        return 1
    report = sys.stderr if args.output == "-" else sys.stdout
    for note in out.notes:
        print(terminal_safe(note), file=report)
    if out.branching:
        n = len(out.branching)
        print(
            f"branching cannot be expressed in Moodle: {n} scenario{'s' * (n != 1)} "
            f"branch{'es' * (n == 1)} ({', '.join(out.branching)}); Moodle asks "
            "every question of a category in turn. Each question carries its route in a comment, "
            "which trainer import reads back.",
            file=report,
        )
    where = "standard output" if args.output == "-" else terminal_safe(args.output)
    plural = "s" * (out.modules != 1)
    print(
        f"exported {out.questions} questions from {out.modules} module{plural} to {where} "
        f"({LABELS[args.format]})",
        file=sys.stderr,
    )
    return 0
