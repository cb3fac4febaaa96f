"""`trainer certificates list|show` (issue #16): every issued certificate with its learner,
dates and payload hash; filters; CSV neutralised; terminal-safe; hostile IDs refused (exit 2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_certificates_batch import _all, _cast
from tests.test_certificates_issue import course, course_file, data_dir
from trainer.bank.model import Course
from trainer.cli import main
from trainer.commands.certificates import certificate_id_of
from trainer.records.store import DB_NAME, RecordsStore
from trainer.safetext import is_dangerous

__all__ = ["course", "course_file", "data_dir"]  # imported fixtures


@pytest.fixture
def issued(course: Course, course_file: Path, data_dir: Path, tmp_path: Path) -> list[str]:
    """Three certificates (Org A), one learner in Org B with none; their IDs, oldest first."""
    _cast(data_dir, course)
    assert _all(data_dir, course_file, tmp_path / "certs") == 0
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        return [c.id for c in store.certificates()]


def _certs(data_dir: Path, *args: str) -> list[str]:
    return ["certificates", *args, "--data-dir", str(data_dir)]


def test_list_shows_every_certificate_with_learner_dates_and_hash(
    issued: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(_certs(data_dir, "list", "--format", "json")) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = doc["certificates"]
    assert [r["certificate_id"] for r in rows] == issued
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        hashes = {c.id: c.payload_sha256 for c in store.certificates()}
    for r in rows:
        assert r["payload_sha256"] == hashes[r["certificate_id"]]
        assert r["organisation"] == "Org A" and r["course_id"] == "test-course"
        assert r["status"] == "valid" and r["valid_until"] > r["issued_at"][:10]
    assert sorted(r["learner"] for r in rows) == sorted(["Ada Complete", "../../etc/passwd",
                                                         "Ωμέγα Άλφα"])  # fmt: skip

    assert main(_certs(data_dir, "list")) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["certificate_id", "learner", "external_id"]
    assert all(cid in table for cid in issued) and table.endswith("3 certificates\n")


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        (["--organisation", "org a"], 3),
        (["--organisation", "Org B"], 0),
        (["--learner", "  ada   COMPLETE "], 1),
        (["--learner", "Ben Halfway"], 0),
        (["--course-id", "test-course"], 3),
        (["--course-id", "other"], 0),
        (["--since", "{today}", "--until", "{today}"], 3),
        (["--since", "{tomorrow}"], 0),
        (["--until", "{yesterday}"], 0),
    ],
)
def test_list_filters(
    issued: list[str], data_dir: Path, filters: list[str], count: int,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    today = dt.datetime.now(dt.UTC).date()
    days = {
        "today": today,
        "tomorrow": today + dt.timedelta(1),
        "yesterday": today - dt.timedelta(1),
    }
    args = [f.format(**{k: v.isoformat() for k, v in days.items()}) for f in filters]
    capsys.readouterr()
    assert main(_certs(data_dir, "list", "--format", "json", *args)) == 0
    assert len(json.loads(capsys.readouterr().out)["certificates"]) == count
    if count == 0:
        assert main(_certs(data_dir, "list", *args)) == 0
        assert capsys.readouterr().out == "no certificates match\n"


def test_learner_by_external_id(
    course: Course, course_file: Path, data_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from tests.test_certificates_issue import take

    with RecordsStore.in_dir(data_dir) as store:
        for ext in ("X-1", "X-2"):  # two people of one name: the ID tells them apart
            learner = store.add_learner(f"Sam {ext}", "employee", "Org", external_id=ext)
            take(store, course, learner, "mod-a", ok=True)
    assert _all(data_dir, course_file, tmp_path / "c") == 0
    capsys.readouterr()
    assert main(_certs(data_dir, "list", "--learner", "x-2", "--format", "csv")) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["learner"], r["external_id"]) for r in rows] == [("Sam X-2", "X-2")]


def _tamper(data_dir: Path, sql: str, *args: object) -> None:
    db = sqlite3.connect(data_dir / DB_NAME)
    with db:
        db.execute(sql, args)
    db.close()


def test_csv_and_table_are_neutralised_and_terminal_safe(
    issued: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Records from elsewhere (an old release, an imported file) may hold what the app refuses.
    _tamper(data_dir, "UPDATE learners SET name = ?, organisation = ? WHERE name = ?",
            "=cmd|' /C calc'!A0\x1b]0;pwned\x07", "@org\u202e", "Ada Complete")  # fmt: skip
    capsys.readouterr()
    assert main(_certs(data_dir, "list", "--format", "csv")) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    evil = next(r for r in rows if r["learner"].startswith("'"))
    assert evil["learner"].startswith("'=cmd") and evil["organisation"].startswith("'@org")
    for fmt in ("table", "csv"):
        assert main(_certs(data_dir, "list", "--format", fmt, "--organisation", "@org\u202e")) == 0
        text = capsys.readouterr().out
        if fmt == "table":  # a table is for a terminal: nothing in it can be obeyed
            assert not any(is_dangerous(ch) for ch in text.replace("\n", ""))
            assert "\\x1b]0;pwned\\x07" in text
    cid = next(r["certificate_id"] for r in rows if r["learner"].startswith("'"))
    assert main(_certs(data_dir, "show", cid)) == 0
    shown = capsys.readouterr().out
    assert not any(is_dangerous(ch) for ch in shown.replace("\n", ""))
    assert "renamed since" in shown  # the certificate still says 'Ada Complete'


def test_show_one_in_full(
    issued: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = issued[0]
    capsys.readouterr()
    sloppy = cid.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert main(_certs(data_dir, "show", sloppy)) == 0
    out = capsys.readouterr().out
    with RecordsStore.in_dir(data_dir, read_only=True) as store:
        cert = next(c for c in store.certificates() if c.id == cid)
    expected = (f"Certificate {cid}", "test-course version 2.1.0", "Module 1:", "Module a title",
                cert.payload_sha256, cert.token, cert.valid_until)  # fmt: skip
    for text in expected:
        assert text in out, text
    assert main(_certs(data_dir, "show", cid, "--format", "json")) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["token"] == cert.token and doc["signed"]["certificate_id"] == cid
    assert doc["problem"] is None


def test_show_says_when_the_token_does_not_match_its_hash(
    issued: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tamper(data_dir, "UPDATE certificates SET payload_sha256 = ? WHERE id = ?", "0" * 64,
            issued[0])  # fmt: skip
    capsys.readouterr()
    assert main(_certs(data_dir, "show", issued[0])) == 1
    assert "does not match the recorded payload hash" in capsys.readouterr().err
    _tamper(data_dir, "UPDATE certificates SET token = ? WHERE id = ?", "TRC1.\x1b[2J.x", issued[1])
    assert main(_certs(data_dir, "show", issued[1])) == 1
    captured = capsys.readouterr()
    assert "cannot be read" in captured.err and "\x1b" not in captured.out + captured.err


@pytest.mark.parametrize(
    "hostile",
    ["", "\x1b]0;pwned\x07", "../../etc/passwd", "C7KX-9M2P-QR4T-V8W", "C7KX-9M2P-QR4T-V8WZ9",
     "C7KX-9M2P-QR4T-V8WU", "C" * 100_000, "\u202eZW8V-T4RQ-P2M9-XK7C", "%s%n"],
)  # fmt: skip
def test_hostile_ids_exit_2_with_a_clear_message(
    issued: list[str], data_dir: Path, hostile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(_certs(data_dir, "show", hostile)) == 2
    err = capsys.readouterr().err
    assert "is not a certificate ID" in err and "C7KX-9M2P-QR4T-V8WZ" in err
    assert len(err) < 400 and not any(is_dangerous(ch) for ch in err.rstrip("\n"))


def test_unknown_id_exits_1(issued: list[str], data_dir: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert main(_certs(data_dir, "show", "AAAA-AAAA-AAAA-AAAA")) == 1
    assert "no certificate AAAA-AAAA-AAAA-AAAA in the records" in capsys.readouterr().err


def test_certificate_id_forms() -> None:
    assert certificate_id_of("c7kx9m2pqr4tv8wz") == "C7KX-9M2P-QR4T-V8WZ"
    assert certificate_id_of(" C7KX-9M2P -QR4T-V8WZ\n") == "C7KX-9M2P-QR4T-V8WZ"
    assert certificate_id_of("OIL0-0000-0000-0000") == "0110-0000-0000-0000"
    assert certificate_id_of("U000-0000-0000-0000") is None  # U is not Crockford
    assert certificate_id_of("-" * 70 + "C7KX9M2PQR4TV8WZ") is None  # not read past 64


def test_needs_an_action(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["certificates", "--data-dir", str(data_dir)])
    assert exit_.value.code == 2 and "ACTION" in capsys.readouterr().err
    assert not data_dir.exists()  # reading commands create nothing
