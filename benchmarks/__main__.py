"""``python -m benchmarks`` (``make bench``): measure, print the table, write RESULTS.md.

Options: ``--quick`` (tiny inputs, a few seconds; used by the smoke test), ``--out FILE``
(where to write the Markdown; ``-`` for nowhere), ``--only NAME`` (repeatable).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.figures import ALL, Config
from benchmarks.harness import Row, console_table, machine, table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def render(
    rows: list[Row], info: list[tuple[str, str]], quick: bool, seconds: float, failures: list[str]
) -> str:
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks`"
        + (" --quick: tiny inputs, not representative" if quick else "")
        + f"); the whole run took {seconds:.0f} s. Each figure is the median of repeated runs; its"
        " floor is measured in the same run, interleaved with it, on the same machine and disk.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info),
        "",
        table(rows),
        "",
        "## Notes per figure",
        "",
        *(f"- **{r.name}**: {r.note}" for r in rows if r.note),
    ]
    if failures:
        out += ["", "## Benchmarks that failed to run", "", *(f"- {f}" for f in failures)]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny inputs (smoke test)")
    parser.add_argument(
        "--out", default=None, help=f"Markdown output (default {RESULTS.name}; '-' for none)"
    )
    parser.add_argument("--only", action="append", choices=sorted(ALL), help="run only these")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out not in (None, "-") else (None if args.out == "-" else RESULTS)
    started = time.perf_counter()
    rows: list[Row] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        cfg = Config.make(Path(tmp), args.quick)
        info = machine(tmp)
        for name, bench in ALL.items():
            if args.only and name not in args.only:
                continue
            t0 = time.perf_counter()
            print(f"… {name}", file=sys.stderr, flush=True)
            try:
                rows += bench(cfg)
            except Exception as exc:  # report and go on: one broken figure must not hide the rest
                traceback.print_exc()
                failures.append(f"{name}: {type(exc).__name__}: {exc}".splitlines()[0])
            print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    print(console_table(rows) if rows else "no figures")
    if failures:
        print("failed: " + "; ".join(failures), file=sys.stderr)
    if out is not None:
        out.write_text(render(rows, info, args.quick, seconds, failures), encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
