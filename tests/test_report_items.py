"""Item analysis from real records, checked against statistics worked out by hand.

Fixture: tests/fixtures/authoring/stats (module ``stats``: q1 single 1 pt, q2 true/false
1 pt in scenario ``debt`` [tag debt]; q3 multi-select 2 pts, proportional, in scenario
``paid`` [tag payment]; maximum 4, pass mark 50). Five learners, played through
Session.start_or_resume into a RecordsStore:

    learner  q1   q2    q3        points q1,q2,q3   total
    L1       a    myth  a+b       1, 1, 2            4
    L2       a    myth  a         1, 1, 1 (partial)  3
    L3       b    myth  a+b       0, 1, 2            3
    L4       a    fact  a+c       1, 0, 0            1   (retake; the first attempt was all right)
    L5       c    fact  b         0, 0, 1 (partial)  1

Discrimination r = corr(item score x = points/max, rest y = (total - points)/(4 - max)).
Dividing y by a constant does not change r, so the raw rest scores are used below.

q1: x = 1,1,0,1,0   rest = 3,2,3,0,1   mean x .6, mean rest 1.8
    dx = .4,.4,-.6,.4,-.6   dy = 1.2,.2,1.2,-1.8,-.8
    Sxy = .48+.08-.72-.72+.48 = -0.4;  Sxx = 1.2;  Syy = 1.44+.04+1.44+3.24+.64 = 6.8
    r = -0.4 / sqrt(1.2 * 6.8) = -0.4 / 2.85657 = -0.1400      facility 3/5 = 0.6
q2: x = 1,1,1,0,0   rest = 3,2,2,1,1   mean rest 1.8
    dy = 1.2,.2,.2,-.8,-.8;  Sxy = .48+.08+.08+.48+.48 = 1.6;  Syy = 2.8
    r = 1.6 / sqrt(1.2 * 2.8) = 1.6 / 1.83303 = 0.8729         facility 3/5 = 0.6
q3: x = 1,.5,1,0,.5   rest = 2,2,1,1,0   mean x .6, mean rest 1.2
    dx = .4,-.1,.4,-.6,-.1   dy = .8,.8,-.2,-.2,-1.2
    Sxy = .32-.08-.08+.12+.12 = 0.4;  Sxx = .70;  Syy = 2.8
    r = 0.4 / sqrt(.7 * 2.8) = 0.4 / 1.4 = 0.2857              facility 2/5 = 0.4, mean .6
Choices picked: q1 a 3, b 1, c 1; q2 myth 3, fact 2; q3 a 4 (L1 L2 L3 L4),
                b 3 (L1 L3 L5), c 1 (L4).
Misconceptions (latest attempt, >=1 tagged decision with outcome incorrect):
    debt: L3 (q1), L4 (q2), L5 (q1, q2) -> 3 of 5 = 0.6
    payment: L4 only (L2 and L5 were partly correct) -> 1 of 5 = 0.2
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from pathlib import Path

import pytest
from fixtures.authoring.play import Clock, play

from trainer.authoring.items import _flags, item_report, pearson
from trainer.bank.loader import load_course, load_module
from trainer.cli import main
from trainer.records.store import RecordsStore

FIXTURE = Path(__file__).parent / "fixtures" / "authoring" / "stats"

ANSWERS = {
    "L1": [["a"], ["myth"], ["a", "b"]],
    "L2": [["a"], ["myth"], ["a"]],
    "L3": [["b"], ["myth"], ["a", "b"]],
    "L4": [["a"], ["fact"], ["a", "c"]],
    "L5": [["c"], ["fact"], ["b"]],
}


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def data(bank: Path, tmp_path: Path) -> Path:
    """Records of the five learners, an earlier attempt by L4 and an unfinished one by L6."""
    folder = tmp_path / "data"
    course = load_course(bank / "course.yaml").course
    assert course is not None
    module = course.module("stats")
    clock = Clock("2026-03-01T09:00:00")
    with RecordsStore.in_dir(folder, now=clock) as store:
        learners = {name: store.add_learner(name, "employee", "Acme") for name in ANSWERS}
        first = play(store, course, module, learners["L4"], [["a"], ["myth"], ["a", "b"]])
        assert first.result().percent == 100
        for name, answers in ANSWERS.items():
            play(store, course, module, learners[name], answers, retake=name == "L4")
        l6 = store.add_learner("L6", "employee", "Acme")
        play(store, course, module, l6, [["b"]])  # in progress: never counted
    return folder


def _open(data: Path) -> RecordsStore:
    return RecordsStore.in_dir(data)


def test_pearson_matches_hand_values() -> None:
    assert pearson([1, 1, 0, 1, 0], [3, 2, 3, 0, 1]) == pytest.approx(-0.4 / math.sqrt(8.16))
    assert pearson([1, 1, 1], [1, 2, 3]) is None  # no variance in x
    assert pearson([1], [1]) is None


def test_item_statistics_match_hand_computation(data: Path, bank: Path) -> None:
    module, _ = load_module(bank / "modules" / "stats.yaml")
    assert module is not None
    with _open(data) as store:
        report = item_report(store, modules=[module])
    (group,) = report.groups
    assert group.module_id == "stats" and group.module_sha256 == module.sha256
    assert (group.attempts, group.learners) == (5, 5)
    items = {i.step_id: i for i in group.items}
    assert [i.step_id for i in group.items] == ["q1", "q2", "q3"]
    assert {k: i.n for k, i in items.items()} == {"q1": 5, "q2": 5, "q3": 5}
    assert items["q1"].facility == pytest.approx(0.6)
    assert items["q2"].facility == pytest.approx(0.6)
    assert items["q3"].facility == pytest.approx(0.4)
    assert items["q3"].mean_score == pytest.approx(0.6)
    assert items["q1"].discrimination == pytest.approx(-0.14003, abs=1e-4)
    assert items["q2"].discrimination == pytest.approx(0.87287, abs=1e-4)
    assert items["q3"].discrimination == pytest.approx(0.28571, abs=1e-4)
    picked = {k: {c.choice_id: c.picked for c in i.choices} for k, i in items.items()}
    assert picked == {
        "q1": {"a": 3, "b": 1, "c": 1},
        "q2": {"myth": 3, "fact": 2},
        "q3": {"a": 4, "b": 3, "c": 1},
    }
    assert [c.correct for c in items["q3"].choices] == [True, True, False]
    tags = {t.tag: (t.learners, t.holders, t.share) for t in group.tags}
    assert tags == {"debt": (5, 3, pytest.approx(0.6)), "payment": (5, 1, pytest.approx(0.2))}
    # Five answers are below the default minimum sample of 10: nothing is flagged.
    assert all(i.flags == () for i in group.items)


def test_flags_appear_once_the_sample_is_large_enough(data: Path, bank: Path) -> None:
    module, _ = load_module(bank / "modules" / "stats.yaml")
    with _open(data) as store:
        report = item_report(store, modules=[module] if module else [], min_sample=5)
    flags = {i.step_id: i.flags for i in report.groups[0].items}
    assert flags == {"q1": ("negative-discrimination",), "q2": (), "q3": ()}


def test_flag_thresholds() -> None:
    assert _flags(10, 0.9, 0.2, 10) == ()
    assert _flags(10, 0.91, 0.2, 10) == ("too-easy",)
    assert _flags(10, 0.3, 0.2, 10) == ()
    assert _flags(10, 0.29, -0.01, 10) == ("too-hard", "negative-discrimination")
    assert _flags(9, 0.0, -1.0, 10) == ()
    assert _flags(10, 0.5, None, 10) == ()


def test_attempt_policies_first_and_all(data: Path) -> None:
    with _open(data) as store:
        first = item_report(store, policy="first")
        every = item_report(store, policy="all")
    q2_first = next(i for i in first.groups[0].items if i.step_id == "q2")
    assert q2_first.n == 5 and q2_first.facility == pytest.approx(4 / 5)  # L4's first: myth
    q1_all = next(i for i in every.groups[0].items if i.step_id == "q1")
    assert q1_all.n == 6 and q1_all.facility == pytest.approx(4 / 6)


def test_versions_are_kept_apart_and_since_filters(data: Path, bank: Path) -> None:
    path = bank / "modules" / "stats.yaml"
    path.write_text(path.read_text().replace('version: "1.0"', 'version: "1.1"'))
    course = load_course(bank / "course.yaml").course
    assert course is not None
    v2 = course.module("stats")
    clock = Clock("2026-04-01T09:00:00")
    with RecordsStore.in_dir(data, now=clock) as store:
        learner = store.find_learner("L1")
        assert learner is not None
        play(store, course, v2, learner, [["b"], ["fact"], ["c"]], retake=True)
        report = item_report(store, modules=[v2])
        later = item_report(store, since="2026-03-15")
        earlier = item_report(store, until="2026-03-01")
    assert [(g.module_version, g.attempts) for g in report.groups] == [("1.0", 5), ("1.1", 1)]
    assert report.groups[0].module_sha256 != report.groups[1].module_sha256
    assert report.groups[0].tags == ()  # the 1.0 file is gone: no tags without it
    assert any("was not found" in n for n in report.notes)
    assert report.groups[1].items[0].facility == 0.0
    assert [g.module_version for g in later.groups] == ["1.1"]
    assert [g.module_version for g in earlier.groups] == ["1.0"]


def test_report_items_cli_formats(
    data: Path, bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["report", "items", "--data-dir", str(data), "--course", str(bank / "course.yaml")]
    assert main([*base, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["step_id"], r["n"], r["facility"], r["discrimination"]) for r in rows] == [
        ("q1", "5", "0.6", "-0.14"),
        ("q2", "5", "0.6", "0.873"),
        ("q3", "5", "0.4", "0.286"),
    ]
    assert rows[2]["choices"] == "a*=4; b*=3; c=1"
    assert main([*base, "--format", "json", "--min-sample", "5"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["groups"][0]["items"][0]["flags"] == ["negative-discrimination"]
    assert doc["groups"][0]["tags"][0] == {"tag": "debt", "learners": 5, "holders": 3, "share": 0.6}
    assert main([*base, "--min-sample", "5"]) == 0
    table = capsys.readouterr().out
    assert "debt/q1" in table and "negative-discrimination" in table
    assert "file " + doc["groups"][0]["module_sha256"][:12] in table
    assert main([*base, "--module", "stats", "--since", "2030-01-01"]) == 0
    assert "no finished attempts match" in capsys.readouterr().out


def test_report_tags_cli_csv(data: Path, bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "report",
                "tags",
                "--data-dir",
                str(data),
                "--course",
                str(bank / "course.yaml"),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["tag"], r["learners"], r["holders"], r["share"]) for r in rows] == [
        ("debt", "5", "3", "0.6"),
        ("payment", "5", "1", "0.2"),
    ]


def test_an_unknown_module_is_said_not_reported_as_empty(
    data: Path, bank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from trainer.cli import main as cli_main

    common = ["--data-dir", str(data), "--course", str(bank / "course.yaml")]
    assert cli_main(["report", "items", "--module", "nope\x1b[2J", *common]) == 2
    err = capsys.readouterr().err
    assert "no module 'nope\\x1b[2J' in the course or the records" in err and "stats" in err
    assert cli_main(["report", "items", "--module", "stats", *common]) == 0
