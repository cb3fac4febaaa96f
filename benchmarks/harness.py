"""Timing helpers, the results table, and the machine description."""

from __future__ import annotations

import gc
import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Row:
    """One line of the table: a figure, the floor it is compared with, and the target."""

    name: str
    figure: float  # in ``unit``
    floor: float | None  # same unit, measured in the same run (None: no floor)
    unit: str
    floor_name: str
    target: str  # e.g. "≤ 1.2× floor" or "≤ 20 ms"
    met: bool | None  # None: informational
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    paired_ratio: float | None = None  # median of per-round ratios, where runs are paired

    @property
    def ratio(self) -> float:
        if self.paired_ratio is not None:
            return self.paired_ratio
        if not self.floor:
            return float("nan")
        return self.figure / self.floor


def ratio_target(
    row_name: str,
    figure: float,
    floor: float,
    unit: str,
    floor_name: str,
    limit: float,
    note: str = "",
    paired_ratio: float | None = None,
) -> Row:
    """A figure whose target is a ratio to its floor.

    ``paired_ratio``, when given, is the median of ratios of runs made back to back (figure,
    floor, figure, floor, …): it cancels the slow and fast phases of a shared machine that a
    ratio of two medians does not.
    """
    ratio = paired_ratio if paired_ratio is not None else (figure / floor if floor else math.inf)
    return Row(
        row_name,
        figure,
        floor,
        unit,
        floor_name,
        f"≤ {limit:g}× floor",
        ratio <= limit,
        note,
        paired_ratio=paired_ratio,
    )


def absolute_target(
    row_name: str,
    figure: float,
    floor: float | None,
    unit: str,
    floor_name: str,
    limit: float,
    note: str = "",
) -> Row:
    return Row(
        row_name, figure, floor, unit, floor_name, f"≤ {limit:g} {unit}", figure <= limit, note
    )


def time_calls(
    fn: Callable[[], object],
    repeat: int,
    *,
    setup: Callable[[], object] | None = None,
    collect: bool = True,
) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls (``setup`` runs untimed before each)."""
    out = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        if collect:
            gc.collect()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def interleaved(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Time several functions alternately, so a noisy neighbour hurts them all alike."""
    out: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for key, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            out[key].append(time.perf_counter() - start)
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(xs)
    k = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[k]


# --------------------------------------------------------------------------- machine


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def disk_of(path: str) -> str:
    """The file system type of ``path`` (from /proc/mounts), or ''."""
    try:
        best = ("", "")
        real = os.path.realpath(path)
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) > 2 and real.startswith(parts[1]) and len(parts[1]) > len(best[0]):
                    best = (parts[1], parts[2])
        return best[1]
    except OSError:
        return ""


def machine(tmp: str) -> list[tuple[str, str]]:
    import textual
    import yaml

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return [
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{cpu_model()} ({os.cpu_count()} logical cores)"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("SQLite", sqlite3.sqlite_version),
        (
            "Textual / PyYAML",
            f"{textual.__version__} / {yaml.__version__} "
            f"(libyaml {'yes' if getattr(yaml, '__with_libyaml__', False) else 'no'})",
        ),
        ("Temp disk", f"{tmp} ({disk_of(tmp) or 'unknown fs'})"),
        ("Load average at start", " ".join(f"{x:.2f}" for x in load)),
    ]


# --------------------------------------------------------------------------- table


def _fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "s":
        return f"{value:.2f} s"
    if value < 1:
        return f"{value:.3f} {unit}"
    if value < 10:
        return f"{value:.2f} {unit}"
    return f"{value:.1f} {unit}"


def table(rows: list[Row]) -> str:
    head = ["Figure", "Median", "Floor (same run)", "Floor value", "Ratio", "Target", "Met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        ratio = "—" if math.isnan(r.ratio) else f"{r.ratio:.2f}×"
        met = {True: "yes", False: "**no**", None: "info"}[r.met]
        lines.append(
            "| "
            + " | ".join(
                [
                    r.name,
                    _fmt(r.figure, r.unit),
                    r.floor_name,
                    _fmt(r.floor, r.unit),
                    ratio,
                    r.target,
                    met,
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def console_table(rows: list[Row]) -> str:
    width = max(len(r.name) for r in rows)
    out = [f"{'figure':<{width}}  {'median':>11}  {'floor':>11}  {'ratio':>7}  {'target':<14} met"]
    for r in rows:
        ratio = "—" if math.isnan(r.ratio) else f"{r.ratio:.2f}x"
        met = {True: "yes", False: "NO", None: "info"}[r.met]
        out.append(
            f"{r.name:<{width}}  {_fmt(r.figure, r.unit):>11}  {_fmt(r.floor, r.unit):>11}  "
            f"{ratio:>7}  {r.target:<14} {met}"
        )
    return "\n".join(out)
