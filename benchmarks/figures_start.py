"""Start-up figures: warm kiosk start, first-ever start, the deferred course build (first
Enter), and a certificate as a whole process. Every figure here is a process, timed from
spawn, and so is its floor."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks.genbank import write_course
from benchmarks.harness import Row, absolute_target, interleaved, median, ratio_target

LAUNCHER = Path(__file__).resolve().parent / "launch.py"
KIOSK_LEARNERS = ("Ada Example", "Ben Example", "Cai Example", "Dee Example")


def _report(text: str) -> dict[str, Any]:
    """The launcher's JSON line (its last line of output)."""
    return dict(json.loads(text.strip().splitlines()[-1]))


def _kiosk(data: Path) -> None:
    """A kiosk in use: four learners, so the first screen is the learner list."""
    from trainer.records.store import RecordsStore

    with RecordsStore.in_dir(data) as store:
        for name in KIOSK_LEARNERS:
            if store.find_learner(name) is None:
                store.add_learner(name, "employee")


def bench_startup(cfg: Any) -> list[Row]:
    from benchmarks.figures import ms, spawn

    course, what = cfg.course()
    work = cfg.tmp / "startup"
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    py = sys.executable
    hello = [py, str(LAUNCHER), "hello"]

    def trainer(folder: Path) -> list[str]:
        return [py, str(LAUNCHER), "trainer", "--course", str(course), "--data-dir", str(folder)]

    to_exit: dict[str, list[float]] = {"hello": [], "warm": []}

    def first_screen(key: str, argv: list[str]) -> tuple[float, dict[str, Any]]:
        """Seconds from spawning to the first screen being ready (what the target is about);
        the child's exit, which Python's teardown dominates, is kept in the notes."""
        from time import monotonic

        started = monotonic()
        wall, _kb, text = spawn(argv, work)
        report = _report(text)
        if key in to_exit:
            to_exit[key].append(wall)
        return report["ready_at"] - started, report

    _kiosk(data)
    # Untimed warm-up: byte-code caches, the OS file cache, the records database and the
    # course cache all exist afterwards, as on a kiosk that has started once before.
    if not cfg.quick:
        spawn(hello, work)
        spawn(trainer(data), work)
    results: dict[str, list[tuple[float, dict[str, Any]]]] = {
        "hello": [],
        "warm": [],
        "first": [],
        "cache": [],
    }
    for i in range(cfg.startup_runs):
        results["hello"].append(first_screen("hello", hello))
        results["warm"].append(first_screen("warm", trainer(data)))
        fresh = work / f"fresh-{i}"  # never used before: no records, no course cache
        results["first"].append(first_screen("first", trainer(fresh)))
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(data / "cache", ignore_errors=True)
        results["cache"].append(first_screen("cache", trainer(data)))
    shown = {r[1]["screen"] for r in results["warm"]}
    if shown & {"Screen", ""}:
        raise RuntimeError(f"trainer did not reach an interactive screen: {shown}")
    first_shown = sorted({r[1]["screen"] for r in results["first"]})

    def phases(key: str) -> str:
        rows = [r[1]["ms"] for r in results[key]]
        names = [k for k in rows[0] if k != "launcher"]
        return ", ".join(f"{n} {median([r[n] for r in rows]):.0f} ms" for n in names)

    def paired(key: str) -> float:
        pairs = zip(results[key], results["hello"], strict=True)
        return median([t[0] / h[0] for t, h in pairs])

    wall = {k: ms(median([r[0] for r in v])) for k, v in results.items()}
    cpu = {k: median([r[1]["cpu_ms"] for r in v]) for k, v in results.items()}
    cpu_note = (
        f"; CPU time of the process to the first screen (barely moved by other work on the "
        f"cores): hello {cpu['hello']:.0f} ms, warm {cpu['warm']:.0f} ms "
        f"({cpu['warm'] / cpu['hello']:.2f}×), first-ever {cpu['first']:.0f} ms "
        f"({cpu['first'] / cpu['hello']:.2f}×), course cache empty {cpu['cache']:.0f} ms "
        f"({cpu['cache'] / cpu['hello']:.2f}×)"
    )
    rss = {k: median([r[1]["kb"] for r in v]) / 1024 for k, v in results.items()}
    exits = {k: ms(median(v)) for k, v in to_exit.items()}
    floor = "Textual hello-world, same launcher, GC paused"
    pairing = (
        "; ratio: median of the per-round ratios (each round starts hello-world, then the "
        "trainer); both pause garbage collection until the first screen"
    )
    note = (
        f"{what}; first screen: {', '.join(sorted(shown))}; a kiosk with 4 learners, warm "
        f"(byte-code, OS cache, course cache); headless, size 100×36; timed from spawn to the "
        f"first frame that shows the first screen, filled (CLOCK_MONOTONIC); to process exit: "
        f"trainer {exits['warm']:.0f} ms, hello {exits['hello']:.0f} ms; phases since launcher "
        f"start — trainer: "
        f"{phases('warm')}; hello: {phases('hello')}"
    )
    return [
        ratio_target(
            "Warm kiosk start to first screen",
            wall["warm"],
            wall["hello"],
            "ms",
            floor,
            1.3,
            note + pairing + cpu_note,
            paired_ratio=paired("warm"),
        ),
        ratio_target(
            "First-ever start (empty data folder)",
            wall["first"],
            wall["hello"],
            "ms",
            floor,
            1.3,
            f"a data folder never used: no records database, no course cache (the app draws "
            f"the new-learner form first, then validates the course, writes its cache and "
            f"creates the database in a thread); first screen: {', '.join(first_shown)}, whose "
            f"first frame has the name field (the rest of the form: phase 'whole form'); "
            f"byte-code caches warm, as after an install; phases since launcher start: "
            f"{phases('first')}" + pairing,
            paired_ratio=paired("first"),
        ),
        Row(
            "Start after a course change (course cache empty)",
            wall["cache"],
            wall["hello"],
            "ms",
            floor,
            "info",
            None,
            "the kiosk's records, but the course cache removed: YAML parsed and validated, "
            "cache rewritten, before the first screen (the learner list shows the course's "
            "title)",
            paired_ratio=paired("cache"),
        ),
        ratio_target(
            "Peak memory after start-up (VmHWM)",
            rss["warm"],
            rss["hello"],
            "MB",
            "Textual hello-world, same launcher",
            1.3,
            "VmHWM of each child from /proc/self/status once its first screen is ready "
            "(a child's ru_maxrss on Linux includes the forked harness, so it is not used)",
        ),
        *_deferred_build(cfg, work, course, what),
    ]


def _deferred_build(cfg: Any, work: Path, course: Path, what: str) -> list[Row]:
    """The first Enter after the first screen: picking a learner needs the course's model,
    which start-up puts off. Shipped course, and a large generated one vs validating it."""
    from benchmarks.figures import ms, spawn
    from trainer.bank.loader import validate_paths

    py = sys.executable
    rows = []
    big = write_course(work / "big-course", questions=cfg.big_questions)
    for label, path in (("shipped", course), ("big", big)):
        data = work / f"enter-{label}"
        _kiosk(data)
        argv = [py, str(LAUNCHER), "trainer-enter", "--course", str(path), "--data-dir", str(data)]
        if not cfg.quick:  # untimed: writes the course cache, as a kiosk's first start did
            spawn(argv, work)
        late_argv = [py, str(LAUNCHER), "trainer-enter-late", *argv[3:]]
        runs, late = [], []
        for _ in range(cfg.enter_runs):
            runs.append(_report(spawn(argv, work)[2]))
            if label == "shipped":
                late.append(_report(spawn(late_argv, work)[2]))
        after = sorted({r["after_enter"] for r in runs})
        enter = median([r["enter_ms"] for r in runs])
        first = median([r["ms"]["ready"] for r in runs])
        kb = median([r["kb"] for r in runs]) / 1024
        kb_after = median([r["kb_after_enter"] for r in runs]) / 1024
        common = (
            f"first screen at {first:.0f} ms after launcher start, peak memory {kb:.0f} MB "
            f"→ {kb_after:.0f} MB after the Enter; next screen: {', '.join(after)}; "
            f"median of {len(runs)} warm starts (course cache hit)"
        )
        if label == "shipped":
            rows.append(
                absolute_target(
                    "First Enter after the first screen (deferred course build)",
                    enter,
                    median([r["enter_ms"] for r in late]),
                    "ms",
                    "same Enter 1 s later (model already built)",
                    100,
                    f"{what}; from the Enter posted at once to the dashboard's first frame, "
                    f"which is the whole dashboard (it settles, no refresh pending, at "
                    f"{median([r['enter_settled_ms'] for r in runs]):.1f} ms; the floor at "
                    f"{median([r['enter_settled_ms'] for r in late]):.1f} ms); the "
                    f"floor is the same Enter pressed once the deferred build has run, so the "
                    f"difference is what the deferral moves onto the first Enter; {common}",
                )
            )
            continue
        validate = lambda p=path.parent: validate_paths([p])  # noqa: E731
        times = interleaved({"validate": validate}, cfg.enter_runs)
        rows.append(
            ratio_target(
                f"First Enter, {cfg.big_questions:,}-question course",
                enter,
                ms(median(times["validate"])),
                "ms",
                "validate_paths of the same course, in-process",
                1.0,
                f"generated course; {common}",
            )
        )
    return rows


def _passed_data(cfg: Any, course_path: Path) -> tuple[Path, str]:
    from benchmarks.figures import _passed_learner
    from trainer.bank.loader import load_course
    from trainer.records.store import RecordsStore

    course = load_course(course_path).course
    assert course is not None
    data = cfg.tmp / "cert-process"
    with RecordsStore.in_dir(data) as store:
        learner = _passed_learner(store, course, "Process Learner")
    return data, learner.name


_BARE_PDF = (
    "import sys\n"
    "from reportlab.pdfgen.canvas import Canvas\n"
    "c = Canvas(sys.argv[1])\n"
    "c.drawString(72, 720, 'Hello, world')\n"
    "c.showPage()\n"
    "c.save()\n"
)


def bench_certificate_process(cfg: Any) -> list[Row]:
    """``trainer certificate`` as a user runs it: spawn to exit, a fresh process each time."""
    from benchmarks.figures import ms, spawn

    course, what = cfg.course()
    data, name = _passed_data(cfg, course)
    py = sys.executable
    out = cfg.tmp / "cert-process"
    argv = [py, "-m", "trainer", "certificate", "--course", str(course), "--data-dir", str(data)]
    argv += ["--learner", name, "--force", "-o"]
    spawn([*argv, str(out / "warm.pdf")], out)  # creates the issuer key; byte-code caches
    times: dict[str, list[float]] = {"cert": [], "bare": []}
    for i in range(1 if cfg.quick else cfg.cert_runs):
        times["cert"].append(spawn([*argv, str(out / f"c{i}.pdf")], out)[0])
        times["bare"].append(spawn([py, "-c", _BARE_PDF, str(out / "bare.pdf")], out)[0])
    return [
        Row(
            "Certificate: `trainer certificate` process (spawn to exit)",
            ms(median(times["cert"])),
            ms(median(times["bare"])),
            "ms",
            "python -c reportlab one-line PDF, process",
            "info",
            None,
            f"what a user waits for: interpreter start, imports, course (cache), records, "
            f"key, render, sign, write; {what}; {cfg.cert_runs} runs interleaved with the floor",
        )
    ]
