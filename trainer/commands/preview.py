"""``trainer preview``: work in progress."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("preview", help="(coming soon)")
    p.set_defaults(handler=lambda args: 2)
