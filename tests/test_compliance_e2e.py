"""Issue #16, done when: a roster of 50; three machines (three SQLite files) each take part of
the course for different learners; their files are brought into one PostgreSQL store and into
one SQLite store; ``trainer status`` shows the right state for every learner (never started
and expired included); ``certificate --all`` issues exactly the complete ones and a re-run
none; a second import of the same files changes nothing.

Everything goes through the real command line (``trainer.cli.main``) except the learners'
own sessions, which go through :class:`trainer.session.Session` as the app does.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_certificates_issue import COURSE, MODULE, RESOURCES
from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.cli import main
from trainer.records import RecordsStore, open_store
from trainer.session import Session

N = 50
COMPLETE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 21}
EXPIRED = {20}
IN_PROGRESS = {16, 17, 22}


def _role(n: int) -> str:
    return "contractor" if n % 4 == 0 else "employee"  # contractors need mod-a and mod-b


def _id(n: int) -> str:
    return f"E{n:03d}"


def _expected(n: int) -> str:
    if n in COMPLETE:
        return "complete"
    if n in EXPIRED:
        return "expired"
    return "in-progress" if n in IN_PROGRESS else "not-started"


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path, Course]:
    bank = tmp_path / "bank"
    (bank / "modules").mkdir(parents=True)
    (bank / "course.yaml").write_text(COURSE, encoding="utf-8")
    (bank / "resources.yaml").write_text(RESOURCES, encoding="utf-8")
    for n, x in enumerate("abc"):
        (bank / "modules" / f"{x}.yaml").write_text(MODULE.format(x=x, n=n), encoding="utf-8")
    loaded = load_course(bank / "course.yaml")
    assert loaded.course is not None, loaded.problems
    roster = tmp_path / "roster.csv"
    lines = ["name,external_id,organisation,role"]
    lines += [
        f"Learner {n:02d},{_id(n)},{'Org A' if n <= 25 else 'Org B'},{_role(n)}"
        for n in range(1, N + 1)
    ]
    roster.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return bank / "course.yaml", roster, loaded.course


def _cli(*words: str) -> int:
    return main(list(words))


def _take(store: RecordsStore, course: Course, n: int, module: str, *, ok: bool = True) -> None:
    learner = store.find_by_external_id("Org A" if n <= 25 else "Org B", _id(n))
    assert learner is not None
    session = Session.start_new(store, course, course.module(module), learner, seed=n)
    while not session.finished:
        q = session.current
        assert q is not None
        session.answer([next(c.id for c in q.step.choices if c.correct == ok)])


def _machine(
    tmp_path: Path, name: str, course_file: Path, roster: Path, course: Course, now: str
) -> Path:
    """A machine with the roster, its learners' sessions, and the file it carries."""
    data = tmp_path / name
    assert _cli("roster", "import", str(roster), "--data-dir", str(data)) == 0
    with RecordsStore.in_dir(data) as store:
        if name == "m1":
            for n in range(1, 9):
                _take(store, course, n, "mod-a")
                if _role(n) == "contractor":
                    _take(store, course, n, "mod-b")
            _take(store, course, 12, "mod-a")  # 12 finishes mod-b on m2
        elif name == "m2":
            _take(store, course, 12, "mod-b")
            for n in (9, 10, 11, 13):
                _take(store, course, n, "mod-a")
            _take(store, course, 16, "mod-a")  # a contractor: mod-b still to do
            _take(store, course, 17, "mod-a", ok=False)  # failed: in progress
        else:
            _take(store, course, 21, "mod-a")
            learner = store.find_by_external_id("Org A", _id(22))
            assert learner is not None  # started, not answered: an open attempt
            Session.start_new(store, course, course.module("mod-a"), learner, seed=1)
    if name == "m3":  # 20 passed long ago, so that pass has run out: clock of the past
        with RecordsStore.in_dir(data, now=lambda: now) as old:
            _take(old, course, 20, "mod-a")
            _take(old, course, 20, "mod-b")
    usb = tmp_path / f"{name}-usb.sqlite3"
    assert _cli("records", "export-file", str(usb), "--data-dir", str(data)) == 0
    return usb


def _status(records: str, course_file: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    capsys.readouterr()
    assert _cli("status", "--format", "json", "--records", records, "--course",
                str(course_file)) == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)["learners"]
    return {r["external_id"]: r["state"] for r in rows}


def _certificates(
    records: str, course_file: Path, out: Path, admin: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, int]:
    capsys.readouterr()
    code = _cli("certificate", "--all", "-o", str(out), "--records", records, "--course",
                str(course_file), "--data-dir", str(admin), "--jobs", "2")  # fmt: skip
    assert code == 0
    last = capsys.readouterr().out.splitlines()[-1]
    found = re.match(r"(\d+) issued, (\d+) already issued", last)
    assert found, last
    return int(found[1]), int(found[2])


def _counts(records: str) -> tuple[int, ...]:
    with open_store(records, read_only=True) as store:
        return tuple(
            int(store._one(f"SELECT count(*) FROM {t}")[0])  # type: ignore[index]
            for t in ("learners", "learner_history", "attempts", "answers", "certificates")
        )


def test_three_machines_into_one_store_status_and_certificates(
    world: tuple[Path, Path, Course],
    tmp_path: Path,
    records_at: str | Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Into one PostgreSQL store, and (the other parameter) into one SQLite store."""
    course_file, roster, course = world
    long_ago = datetime.now(UTC) - timedelta(days=400)
    past = long_ago.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    files = [_machine(tmp_path, m, course_file, roster, course, past) for m in ("m1", "m2", "m3")]
    records = records_at if isinstance(records_at, str) else f"sqlite:///{records_at}"
    admin = tmp_path / "admin"
    assert _cli("roster", "import", str(roster), "--records", records) == 0
    for usb in files:
        capsys.readouterr()
        assert _cli("records", "import", str(usb), "--records", records) == 0
        out = capsys.readouterr().out
        assert "learners: 50 matched, 0 added, 0 unmatched" in out and "conflicts: 0" in out
    states = _status(records, course_file, capsys)
    assert states == {_id(n): _expected(n) for n in range(1, N + 1)}
    certs = tmp_path / "certs"
    assert _certificates(records, course_file, certs, admin, capsys) == (len(COMPLETE), 0)
    assert len(list(certs.iterdir())) == len(COMPLETE)
    with open_store(records, read_only=True) as store:
        holders = {store.get_learner(c.learner_id).external_id  # type: ignore[union-attr]
                   for c in store.certificates()}  # fmt: skip
    assert holders == {_id(n) for n in COMPLETE}
    assert _certificates(records, course_file, certs, admin, capsys) == (0, len(COMPLETE))
    before = _counts(records)
    for usb in files:  # the same files again: nothing changes
        capsys.readouterr()
        assert _cli("records", "import", str(usb), "--records", records) == 0
        assert "nothing new" in capsys.readouterr().out
    assert _counts(records) == before
    assert _status(records, course_file, capsys) == states
