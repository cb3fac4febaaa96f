"""``trainer preview FILE``: take a module as a learner would; nothing is recorded."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from trainer.authoring.preview import run_preview
from trainer.bank.model import ROLES, Role
from trainer.settings import settings_of

TUI_PREVIEW_MODULE = "trainer.tui.preview"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "preview",
        help="take a module as a learner would, recording nothing",
        description="Preview a module file exactly as a learner takes it, with a banner saying "
        "it is a preview. Nothing is recorded. In the plain preview, type 'reload' after "
        "editing the file to re-read it and restart at the same step.",
    )
    p.add_argument("file", metavar="FILE", help="module file")
    p.add_argument(
        "--step",
        metavar="ID",
        help="start at this step: SCENARIO/STEP, a step id, or a scenario id",
    )
    p.add_argument(
        "--role", choices=ROLES, help="preview as this role (default: the module's first role)"
    )
    p.add_argument("--seed", type=int, default=0, help="choice-shuffling seed (default 0)")
    p.add_argument(
        "--plain",
        dest="preview_plain",
        action="store_true",
        help="line-by-line preview (automatic when not on a terminal)",
    )
    p.set_defaults(handler=run)


def _tui_preview() -> Callable[..., int] | None:
    """The TUI's preview entry point, when the TUI provides one."""
    try:
        module = importlib.import_module(TUI_PREVIEW_MODULE)
    except ImportError:
        return None
    entry = getattr(module, "run_preview", None)
    return cast(Callable[..., int], entry) if callable(entry) else None


def _want_plain(args: argparse.Namespace) -> bool:
    """``preview --plain``, or plain mode by the settings (--plain, TERM=dumb, no terminal)."""
    return bool(args.preview_plain) or settings_of(args).plain


def run(args: argparse.Namespace) -> int:
    from trainer.commands.common import not_a_file

    path = Path(args.file)
    if not path.is_file():
        print(f"trainer preview: {not_a_file(path)}", file=sys.stderr)
        return 2
    role = cast(Role | None, args.role)
    if not _want_plain(args):
        entry = _tui_preview()
        if entry is not None:
            kwargs: dict[str, Any] = {"role": role, "start_step": args.step, "seed": args.seed}
            return int(entry(path, **kwargs))
        print(
            "trainer preview: the TUI preview is coming; using the plain preview for now",
            file=sys.stderr,
        )
    width = settings_of(args).plain_width.value
    return run_preview(path, role, sys.stdin, sys.stdout, args.step, seed=args.seed, width=width)
