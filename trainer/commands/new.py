"""``trainer new module|course PATH``: write a commented starter that validates as written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trainer.authoring.templates import (
    SCHEMA_NAME,
    StarterExists,
    find_schema,
    plan_course,
    plan_module,
    write_planned,
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "new",
        help="write a commented starter module or course (valid as written)",
        description="Write a commented starter file that passes 'trainer validate' as written. "
        "Existing files are never overwritten unless --force is given.",
    )
    kinds = p.add_subparsers(dest="new_kind", metavar="KIND", required=True)
    m = kinds.add_parser("module", help="a module with a branch, a multi-select and a true/false")
    m.add_argument("path", metavar="PATH", help="module file to write, e.g. modules/07-new.yaml")
    m.add_argument(
        "--id", dest="new_id", metavar="ID", help="module id (default: from the file name)"
    )
    c = kinds.add_parser(
        "course",
        help="a course file, plus resources.yaml and modules/01-starter.yaml beside it",
    )
    c.add_argument("path", metavar="PATH", help="course file to write, e.g. mycourse/course.yaml")
    c.add_argument(
        "--id", dest="new_id", metavar="ID", help="course id (default: from the file name)"
    )
    for q in (m, c):
        q.add_argument("--force", action="store_true", help="overwrite existing files")
        q.add_argument(
            "--schema",
            metavar="FILE",
            help=f"JSON Schema the '$schema' comment points at (default: an existing "
            f"schema/{SCHEMA_NAME} in this or a parent folder, else {SCHEMA_NAME} written "
            "next to the new file; 'trainer schema -o FILE' writes one)",
        )
        q.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.suffix not in (".yaml", ".yml"):
        print(f"trainer new: {path} should end in .yaml", file=sys.stderr)
        return 2
    if path.exists() and path.is_dir():
        print(f"trainer new: {path} is a folder; give a file name ending in .yaml", file=sys.stderr)
        return 2
    schema = (
        Path(args.schema)
        if args.schema
        else (find_schema(path.parent) or path.parent / SCHEMA_NAME)
    )
    if args.new_kind == "module":
        planned = plan_module(path, schema=schema, module_id=args.new_id)
    else:
        planned = plan_course(path, schema=schema, course_id=args.new_id)
    try:
        written = write_planned(planned, schema=schema, force=args.force)
    except StarterExists as exc:
        for existing in exc.paths:
            print(
                f"trainer new: {existing} already exists; nothing was written "
                "(use --force to overwrite)",
                file=sys.stderr,
            )
        return 1
    except OSError as exc:
        print(f"trainer new: cannot write: {exc}", file=sys.stderr)
        return 1
    for p in written:
        print(f"wrote {p}")
    print(f"next: trainer validate {path}", file=sys.stderr)
    return 0
