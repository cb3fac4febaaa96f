"""The benchmarks. Each function measures one figure and its floor in the same run."""

from __future__ import annotations

import asyncio
import gc
import io
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks.figures_certs import bench_certificates_batch
from benchmarks.figures_pg import bench_pg_commit, bench_pg_startup
from benchmarks.figures_scale import bench_records, bench_scale
from benchmarks.figures_start import bench_certificate_process, bench_startup
from benchmarks.figures_tty import bench_feedback_tty
from benchmarks.genbank import course_files, write_course
from benchmarks.harness import (
    Row,
    absolute_target,
    interleaved,
    median,
    percentile,
    ratio_target,
)
from benchmarks.hostile import bench_hostile_verify

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = Path(__file__).resolve().parent / "launch.py"
SHIPPED = ROOT / "question_banks" / "course.yaml"


@dataclass
class Config:
    quick: bool
    tmp: Path
    repeat: int  # repeats for in-process timings
    questions: int  # size of the generated bank
    startup_runs: int
    commits: int
    feedback_answers: int
    cert_runs: int
    learners: int
    attempts_per_learner: int
    answers_per_attempt: int
    query_samples: int
    big_questions: int = 20_000  # the large course whose deferred build is timed
    enter_runs: int = 5
    tty_answers: int = 24
    scale: tuple[int, ...] = (1_000, 10_000)  # learners in the scale figures
    # which growing paths the scale figures time (all by default; --scale-paths)
    scale_paths: tuple[str, ...] = ("export", "items", "status", "start", "queries")

    @classmethod
    def make(cls, tmp: Path, quick: bool, scale_full: bool = False) -> Config:
        if quick:
            return cls(quick, tmp, 2, 20, 1, 30, 2, 2, 10, 3, 5, 5, 60, 1, 2, (20,))
        scale = (1_000, 10_000, 100_000) if scale_full else (1_000, 10_000)
        return cls(quick, tmp, 9, 2000, 21, 2000, 40, 15, 1000, 20, 15, 60, 20_000, 5, 24, scale)

    def course(self) -> tuple[Path, str]:
        """The shipped course, or a generated stand-in while it does not exist yet."""
        if SHIPPED.is_file():
            return SHIPPED, "shipped course"
        path = write_course(self.tmp / "stand-in", questions=60)
        return path, "generated 60-question stand-in (question_banks/course.yaml missing)"


def ms(seconds: float) -> float:
    return seconds * 1000


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("TEXTUAL") or key.startswith("TRAINER_"):
            del env[key]
    # Children may write byte-code caches, so the untimed warm-ups leave them behind as an
    # installed kiosk has them (pip compiles Textual's at install; the editable trainer's are
    # only written on first import). Inherited, this would compile every trainer module on
    # every timed start, a cost the hello-world never pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def spawn(argv: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a child; return (wall seconds from spawn to exit, its ru_maxrss in KB, stdout)."""
    out = cwd / ".child-stdout"
    err = cwd / ".child-stderr"
    with out.open("wb") as fo, err.open("wb") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=_env()
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited {proc.returncode}:\n{text}\n{err.read_text(errors='replace')}"
        )
    return wall, usage.ru_maxrss, text


# --------------------------------------------------------------------------- validation


def _compose_files(files: list[Path]) -> None:
    """The validation floor, under the validator's own conditions: ``validate_paths`` pauses
    garbage collection while a bank loads, so the floor runs with it paused too (with it on,
    collection alone makes this floor ~1.3× slower, which flattered the ratio)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for f in files:
            yaml.compose(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    finally:
        if was_enabled:
            gc.enable()


def bench_validation(cfg: Config) -> list[Row]:
    from trainer.bank.loader import validate_paths

    bank = cfg.tmp / "bank"
    course = write_course(bank, questions=cfg.questions)
    files = course_files(course)
    size = sum(f.stat().st_size for f in files)
    result = validate_paths([bank])
    steps = sum(m.step_count for m in result.modules)
    if result.problems or steps != cfg.questions:
        raise RuntimeError(f"generated bank is not valid: {result.problems[:3]}")
    pairs = cfg.repeat if cfg.quick else 21  # this VM's speed moves within seconds
    times = interleaved(
        {"validate": lambda: validate_paths([bank]), "compose": lambda: _compose_files(files)},
        pairs,
    )
    ratios = [v / c for v, c in zip(times["validate"], times["compose"], strict=True)]
    py = sys.executable
    compose_cmd = [
        py,
        "-c",
        "import gc, sys, yaml\n"
        "gc.disable()  # as trainer validate does while a bank loads\n"
        "for f in sys.argv[1:]:\n"
        "    yaml.compose(open(f, encoding='utf-8').read(), Loader=yaml.CSafeLoader)\n",
        *map(str, files),
    ]
    validate_cmd = [py, "-m", "trainer", "validate", str(bank)]
    sub: dict[str, list[float]] = {"validate": [], "compose": []}
    for _ in range(max(1, cfg.repeat // 2)):
        sub["validate"].append(spawn(validate_cmd, cfg.tmp)[0])
        sub["compose"].append(spawn(compose_cmd, cfg.tmp)[0])
    what = f"{cfg.questions:,} questions, {len(files)} files, {size / 1e6:.2f} MB"
    return [
        ratio_target(
            "Bank validation (validate_paths, in-process)",
            ms(median(times["validate"])),
            ms(median(times["compose"])),
            "ms",
            "yaml.compose, CSafeLoader, same files, GC paused",
            1.5,
            f"{what}; both sides run with garbage collection paused (validate_paths pauses it"
            " itself) and after a gc.collect(), interleaved in one process; ratio: the median"
            f" of {pairs} back-to-back pairs' ratios (ratios {min(ratios):.2f}-{max(ratios):.2f})",
            paired_ratio=median(ratios),
        ),
        Row(
            "Bank validation (`trainer validate`, subprocess)",
            ms(median(sub["validate"])),
            ms(median(sub["compose"])),
            "ms",
            "python -c yaml.compose (CSafeLoader), GC paused",
            "info",
            None,
            f"{what}; includes interpreter start and imports on both sides; GC paused on both",
        ),
    ]


# --------------------------------------------------------------------------- warm load


def _hash_files(files: list[Path]) -> None:
    import hashlib

    for f in files:
        hashlib.sha256(f.read_bytes()).hexdigest()


def bench_warm_load(cfg: Config) -> list[Row]:
    from trainer.bank.cache import load_course_cached

    rows = []
    course, what = cfg.course()
    for label, path, note in (
        ("Warm load, unchanged course (cache hit)", course, what),
        (
            f"Warm load, generated {cfg.questions:,}-question bank",
            cfg.tmp / "bank" / "course.yaml",
            "the validation bank",
        ),
    ):
        if not path.is_file():
            write_course(path.parent, questions=cfg.questions)
        cache_dir = cfg.tmp / "cache" / label[:10].replace(" ", "-")
        first = load_course_cached(path, cache_dir)
        if first.course is None:
            raise RuntimeError(f"{path} has problems: {first.problems[:3]}")
        files = [Path(f) for f in first.files]
        times = interleaved(
            {
                "hit": lambda p=path, c=cache_dir: load_course_cached(p, c),  # type: ignore[misc]
                "hash": lambda fs=files: _hash_files(fs),
            },  # type: ignore[misc]
            cfg.repeat * 3,
        )
        hit = ms(median(times["hit"]))
        floor = ms(median(times["hash"]))
        if path == course:
            rows.append(
                absolute_target(label, hit, floor, "ms", "read + SHA-256 of its files", 20, note)
            )
        else:
            rows.append(
                Row(label, hit, floor, "ms", "read + SHA-256 of its files", "info", None, note)
            )
    return rows


# --------------------------------------------------------------------------- answer commit


def bench_answer_commit(cfg: Config) -> list[Row]:
    from trainer.records.store import RecordsStore

    folder = cfg.tmp / "commit"
    folder.mkdir(parents=True, exist_ok=True)
    store = RecordsStore.in_dir(folder / "data")
    learner = store.add_learner("Bench Learner", "employee")
    attempt = store.start_attempt(
        learner.id, "bench-course", "bench-01", "1.0.0", "0" * 64, "employee", 1
    )
    bare = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = NORMAL")
    bare.execute(
        "CREATE TABLE IF NOT EXISTS answers (attempt_id INTEGER, seq INTEGER, scenario_id TEXT, "
        "step_id TEXT, choice_ids TEXT, points REAL, max_points INTEGER, outcome TEXT, "
        "answered_at TEXT, PRIMARY KEY (attempt_id, seq))"
    )
    store_times, bare_times = [], []
    gc.collect()
    for seq in range(1, cfg.commits + 1):
        start = time.perf_counter()
        store.record_answer(
            attempt.id, seq, "sc-0001", f"s{seq % 5 + 1}", ("a", "c"), 1.5, 2, "partial"
        )
        store_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.execute("BEGIN")
        bare.execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                1,
                seq,
                "sc-0001",
                f"s{seq % 5 + 1}",
                '["a", "c"]',
                1.5,
                2,
                "partial",
                "2026-01-01T00:00:00Z",
            ),
        )
        bare.execute("COMMIT")
        bare_times.append(time.perf_counter() - start)
    store.close()
    bare.close()
    note = (
        f"{cfg.commits:,} answers, one transaction each (BEGIN IMMEDIATE … COMMIT, WAL, "
        "synchronous=NORMAL), file DB in the temp dir"
    )
    return [
        absolute_target(
            "Answer commit (RecordsStore.record_answer), median",
            ms(median(store_times)),
            ms(median(bare_times)),
            "ms",
            "bare sqlite3 INSERT+COMMIT, WAL, sync=NORMAL",
            1,
            note,
        ),
        Row(
            "Answer commit, p99",
            ms(percentile(store_times, 99)),
            ms(percentile(bare_times, 99)),
            "ms",
            "bare INSERT+COMMIT p99",
            "info",
            None,
            "tail: WAL checkpoints (every ~1,000 pages) land on some commits",
        ),
    ]


# --------------------------------------------------------------------------- feedback


async def key_to_render(app: Any, key: str, done: Any) -> float:
    """Seconds from posting ``key`` to the app until ``done()`` holds and the screen showing it
    has been refreshed (laid out and composited). No Pilot idle-polling inside the timing."""
    gc.collect()
    start = time.perf_counter()
    app.simulate_key(key)
    while not done():
        if time.perf_counter() - start > 60:
            raise RuntimeError(f"{key!r} pressed, but the screen never showed its result")
        await asyncio.sleep(0)
    refreshed = asyncio.Event()
    app.screen.call_after_refresh(refreshed.set)
    await refreshed.wait()
    return time.perf_counter() - start


async def _settle(app: Any, pilot: Any) -> None:
    """Let the app finish what the last key started (the app saves answers and opens
    modules in worker threads; a learner waits for the next question before answering)."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _feedback_times(cfg: Config, course_path: Path) -> list[float]:
    from trainer.bank.loader import load_course
    from trainer.records.store import RecordsStore
    from trainer.session import Session
    from trainer.tui.app import TrainerApp
    from trainer.tui.screens.player import PlayerScreen
    from trainer.tui.widgets.feedback_view import FeedbackView

    course = load_course(course_path).course
    assert course is not None
    store = RecordsStore.in_dir(cfg.tmp / "feedback")
    learner = store.add_learner("Pilot Learner", "employee")
    app = TrainerApp(course=course, store=store, learner_name=learner.name)
    times: list[float] = []
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        for _entry, module in course.modules_for("employee"):
            session = Session.start_new(store, course, module, learner, seed=7)
            screen = PlayerScreen(session)
            await app.push_screen(screen)
            await pilot.pause()
            while session.current is not None and len(times) < cfg.feedback_answers:
                question = session.current
                # Untimed: the keys go to the choices. Headless, the Pilot can press the next
                # key before the focus has moved from the hidden feedback pane to the new
                # choices (a real terminal's keys come later: the tmux figure has no such
                # wait); this wait is outside the timed Enter.
                for _ in range(100):
                    if app.focused is screen.query_one("#choices"):
                        break
                    screen.query_one("#choices").focus()
                    await pilot.pause()
                await pilot.press(str(question.choices[0].number))  # highlight (or tick) one
                await _settle(app, pilot)
                pane = screen.query_one("#feedback-pane")
                view = screen.query_one(FeedbackView)
                assert not pane.display
                answered = len(session.attempt.answers)

                def shown(p: Any = pane, v: Any = view, n: int = answered, s: Any = screen) -> bool:
                    """The pane is shown with this answer's feedback in it (not a frame
                    before it is filled in: the tmux figure's harness once timed one)."""
                    done = len(s.session.attempt.answers) > n and s.feedback is not None
                    return bool(p.display and done and v.feedback is s.feedback)

                # Enter submits: ChoiceList → Session.answer (engine + commit) → feedback pane.
                try:
                    times.append(await key_to_render(app, "enter", shown))
                except RuntimeError as exc:
                    hint = screen.query_one("#hint").render()
                    hint = f"{hint} [focused: {app.focused!r}; saving: {screen.saving}]"
                    raise RuntimeError(
                        f"{exc} (module {module.id}, a {question.step.type} step, answer"
                        f" {len(times) + 1}; the screen says: {str(hint)[:200]!r})"
                    ) from None
                await pilot.press("enter")  # continue (untimed)
                await _settle(app, pilot)
                if app.screen is not screen:
                    break
            while len(app.screen_stack) > 2:
                app.pop_screen()
                await pilot.pause()
            if len(times) >= cfg.feedback_answers:
                break
    store.close()
    return times


async def _floor_times(n: int) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        BINDINGS = [Binding("enter", "show", "Show")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            yield Static("Question?", id="q")
            yield Static("", id="fb")
            yield Footer()

        def action_show(self) -> None:
            self.count = getattr(self, "count", 0) + 1
            self.query_one("#fb", Static).update(f"Feedback {self.count}: correct.")

    times = []
    app = Bare()
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        for i in range(n):
            times.append(
                await key_to_render(app, "enter", lambda i=i: getattr(app, "count", 0) > i)
            )
            await pilot.pause()
    return times


def bench_feedback(cfg: Config) -> list[Row]:
    course, what = cfg.course()
    times = asyncio.run(_feedback_times(cfg, course))
    floor = asyncio.run(_floor_times(len(times)))
    return [
        absolute_target(
            "Answer to feedback (Pilot: Enter → feedback shown)",
            ms(median(times)),
            ms(median(floor)),
            "ms",
            "bare App: key → Static.update, same method",
            50,
            f"{len(times)} answers across the employee modules of the {what}; from posting the "
            "Enter key to the first screen refresh after the feedback pane is shown with the "
            "answer's feedback in it "
            "(Pilot/run_test, headless); includes Session.answer's commit",
        )
    ]


# --------------------------------------------------------------------------- certificate


def _passed_learner(store: Any, course: Any, name: str) -> Any:
    learner = store.add_learner(name, "employee", organisation="Benchmark Office")
    for module in course.required_for("employee"):
        row = store.start_attempt(
            learner.id, course.id, module.id, module.version, module.sha256, "employee", 1
        )
        store.finish_attempt(row.id, 9.0, 10.0, 90, True)
    return learner


def bench_certificate(cfg: Config) -> list[Row]:
    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    from trainer.bank.loader import load_course
    from trainer.certificates.issue import issue_certificate
    from trainer.certificates.keys import load_issuer_key
    from trainer.certificates.verify import read_input, verify_input
    from trainer.records.store import RecordsStore

    course_path, what = cfg.course()
    course = load_course(course_path).course
    assert course is not None
    folder = cfg.tmp / "certs"
    folder.mkdir(parents=True, exist_ok=True)
    store = RecordsStore.in_dir(folder / "data")
    learner = _passed_learner(store, course, "Certificate Learner")
    key_path = folder / "data" / "issuer.key"
    counter = iter(range(10**6))

    def issue() -> Any:
        return issue_certificate(
            store, course, learner, folder / f"c{next(counter)}.pdf", issuer_key_path=key_path
        )

    first = issue()  # creates the issuer key and registers fonts (untimed)
    public = load_issuer_key(key_path).public_key()
    pdf = str(first.path)

    def verify() -> None:
        result = verify_input(read_input(pdf), public)
        assert result.valid, result.failures

    def bare_pdf() -> None:
        buf = io.BytesIO()
        c = Canvas(buf)
        c.drawString(72, 720, "Hello, world")
        c.showPage()
        c.save()

    data = Path(pdf).read_bytes()

    def bare_read() -> None:
        PdfReader(io.BytesIO(data)).pages[0].extract_text()

    times = interleaved(
        {"issue": issue, "bare": bare_pdf, "verify": verify, "read": bare_read}, cfg.cert_runs
    )
    store.close()
    return [
        absolute_target(
            "Certificate: render + sign (issue_certificate)",
            ms(median(times["issue"])),
            ms(median(times["bare"])),
            "ms",
            "reportlab one-line page",
            100,
            f"end to end: progress query, sign, PDF with QR, write, record; {what}",
        ),
        absolute_target(
            "Certificate: verify PDF (read_input + verify_input)",
            ms(median(times["verify"])),
            ms(median(times["read"])),
            "ms",
            "pypdf open + extract_text, same PDF",
            150,
            "tokens, Ed25519 check, and the page compared with a page re-rendered from the "
            "payload (text, drawing, fonts, QR image: issue #13)",
        ),
    ]


ALL = {
    "validation": bench_validation,
    "warm": bench_warm_load,
    "commit": bench_answer_commit,
    "pg-commit": bench_pg_commit,
    "records": bench_records,
    "scale": bench_scale,
    "certificate": bench_certificate,
    "hostile-verify": bench_hostile_verify,
    "feedback": bench_feedback,
    "feedback-tty": bench_feedback_tty,
    "certificate-process": bench_certificate_process,
    "certificate-batch": bench_certificates_batch,
    "startup": bench_startup,
    "pg-startup": bench_pg_startup,
}
