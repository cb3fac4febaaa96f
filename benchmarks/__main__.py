"""``python -m benchmarks`` (``make bench``): measure, print the table, write RESULTS.md.

Options: ``--quick`` (tiny inputs, a few seconds; used by the smoke test), ``--scale-full``
(the scale figures at 100,000 learners too; slow), ``--out FILE``
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
from benchmarks.figures_scale import scale_section
from benchmarks.harness import Row, console_table, machine, table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


# Standing explanations (from profiling with cProfile and -X importtime); the table above says
# whether each target was met in this run.
ANALYSIS = [
    "- **Cold start** (target ≤ 1.2×; 1.11-1.15× across runs here; 1.71× when first measured,"
    " 1.18-1.24× before the course's model was put off until after the first screen). Timed"
    " from spawn to the first screen being ready (CLOCK_MONOTONIC), not to process exit, and"
    " the ratio is the median of per-round ratios, each round starting hello-world then the"
    " trainer back to back, which cancels the machine's slow and fast phases. Children may"
    " write byte-code caches (this environment sets PYTHONDONTWRITEBYTECODE, which made every"
    " timed start compile the trainer from source while Textual's byte-code came with pip)."
    " What made it faster: only the chosen sub-command is imported; a cached course opens"
    " without PyYAML, and without the model at all: the cache entry's header holds the file"
    " hashes and the course title, and the model (its dataclasses and the unpickling, ~10 ms)"
    " is built 0.25 s after the first screen, or at once if a learner picks sooner; the app"
    " does not re-apply an unchanged theme (~30 ms); the learner list is the bottom screen, so"
    " no blank screen is built under it; footer keys start in the footer's style (no double"
    " restyle); garbage collection is paused from the entry point until after the first"
    " screen (its first pass over everything built at start-up is ~7 ms). Valgrind"
    " instruction counts to the first screen, trainer over hello-world: 1.265 → 1.177. What"
    " is left: argument parsing (~3 ms), sqlite3/hashlib imports and opening the store, parsing"
    " trainer.tcss (~5 ms, no dead rules), and styling and laying out the learner list and a"
    " six-key footer where hello-world has a one-key footer.",
    "- **Fair floors**: every floor runs under its figure's conditions. Garbage collection:"
    " `validate_paths` pauses it while a bank loads, so its floor (`yaml.compose`) runs with it"
    " paused too, in-process and in the subprocess; the trainer's entry point pauses it until"
    " the first screen, so the hello-world launcher pauses it as well. Warm-up: every"
    " in-process pair is interleaved after one untimed run of each, with a gc.collect() before"
    " each timed call; start-up pairs are both warm (byte-code and OS caches) or both first"
    " runs. Process vs in-process: process figures (start-up, `trainer validate`,"
    " `trainer certificate`, the scale commands) have process floors, in-process figures"
    " in-process floors.",
    "- **Bank validation** (target ≤ 1.5×): **not met against the fair floor**: 1.8-2.0× here"
    " (it read 1.24-1.51× only while the floor ran with garbage collection on and the"
    " validator with it paused). What is left over the floor is one Python pass over every"
    " node (the walker that keeps line/col and enforces the limits) plus the schema checks and"
    " model building; meeting 1.5× would need those fused into one pass, or a composer that"
    " records positions in C.",
    "- **Subprocess `trainer validate`** adds interpreter start and imports (CLI, loader, scoring)"
    " to both sides; the floor only imports PyYAML.",
    "- **Answer commit**: with WAL and synchronous=NORMAL a commit does not fsync (only"
    " checkpoints do), so it costs tens of microseconds on any local disk; the p99 shows the"
    " checkpoint commits.",
    "- **Records at scale**: `attempts_learner (learner_id, module_id)` already serves the"
    " dashboard and history lookups (see the query plan in the notes); the ORDER BY sorts ~20"
    " rows in a temporary B-tree, which is negligible. No new index is needed at this size; a"
    " covering index `(learner_id, course_id, started_at, id)` would remove the sort if learners"
    " ever have thousands of attempts.",
]


# Standing notes under the Scale table: what was changed, and what is left.
SCALE: list[str] = []


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
    out += ["", *scale_section(rows), *SCALE]
    out += ["", "## Reading the misses", "", *ANALYSIS]
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
    parser.add_argument(
        "--scale-full",
        action="store_true",
        help="also measure the scale figures at 100,000 learners (slow: tens of minutes)",
    )
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out not in (None, "-") else (None if args.out == "-" else RESULTS)
    started = time.perf_counter()
    rows: list[Row] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        cfg = Config.make(Path(tmp), args.quick, args.scale_full)
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
