"""The answer-key audit (``trainer report cues``) on small banks built here.

Every expected score below is worked out by hand from the bank in the test: the strategies
are deterministic where the bank leaves them no choice (no ties in length, no guessing), so
their scores are exact; random guessing is checked against its bounds and its repeatability.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from trainer.authoring.cues import MIN_SEEDS, audit, audit_role, fit_seeds, module_roles, seed_free
from trainer.authoring.cues_format import format_table, to_dict
from trainer.authoring.cues_stats import has_absolute, module_cues, overlap, words
from trainer.bank.loader import load_module, validate_paths
from trainer.bank.model import Module
from trainer.cli import main
from trainer.scoring import best_path_points, worst_path_points

SEEDS = 30


def choice(cid: str, text: str, correct: bool, nxt: str | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"id": cid, "text": text, "correct": correct, "feedback": "Because."}
    if nxt:
        c["next"] = nxt
    return c


def single(sid: str, key: str, others: list[str], nxt: str | None = None, points: int = 1):
    """A single-choice step: the key first as authored (the engine shuffles it)."""
    step: dict[str, Any] = {
        "id": sid,
        "type": "single",
        "prompt": f"What should you do at {sid}?",
        "points": points,
        "explanation": "Why.",
        "sources": ["K1"],
        "choices": [choice("k", key, True)]
        + [choice(f"d{i}", t, False) for i, t in enumerate(others)],
    }
    if nxt:
        step["next"] = nxt
    return step


def truefalse(sid: str, keyed_myth: bool, nxt: str | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {
        "id": sid,
        "type": "truefalse",
        "prompt": f"Myth or fact: statement {sid}.",
        "points": 1,
        "explanation": "Why.",
        "sources": ["K1"],
        "choices": [choice("fact", "Fact", not keyed_myth), choice("myth", "Myth", keyed_myth)],
    }
    if nxt:
        step["next"] = nxt
    return step


def multi(sid: str, right: list[str], wrong: list[str], nxt: str | None = None):
    step: dict[str, Any] = {
        "id": sid,
        "type": "multi",
        "prompt": "Select every sign present.",
        "points": 3,
        "explanation": "Why.",
        "sources": ["K1"],
        "choices": [choice(f"r{i}", t, True) for i, t in enumerate(right)]
        + [choice(f"w{i}", t, False) for i, t in enumerate(wrong)],
    }
    if nxt:
        step["next"] = nxt
    return step


def chain(*steps: dict[str, Any]) -> list[dict[str, Any]]:
    """Link steps in order with ``next`` (a straight scenario)."""
    for a, b in itertools.pairwise(steps):
        a.setdefault("next", b["id"])
    return list(steps)


def module_data(steps: list[dict[str, Any]], mid: str = "m", pass_mark: int = 70) -> dict:
    return {
        "kind": "module",
        "format": 1,
        "id": mid,
        "title": "Test module",
        "version": "1.0",
        "summary": "For tests.",
        "objectives": ["Test."],
        "pass_mark": pass_mark,
        "estimated_minutes": 5,
        "sources": {"K1": {"title": "22 U.S.C. 7102", "publisher": "U.S. Code"}},
        "scenarios": [
            {
                "id": "sc",
                "title": "A scenario",
                "tags": ["debt"],
                "narrative": "Something happens.",
                "start": steps[0]["id"],
                "steps": steps,
            }
        ],
    }


def write(tmp_path: Path, data: dict[str, Any], name: str = "m.yaml") -> Path:
    path = tmp_path / name
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's is much faster
    path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")
    return path


def load(tmp_path: Path, steps: list[dict[str, Any]], **kw: Any) -> Module:
    module, problems = load_module(write(tmp_path, module_data(steps, **kw)))
    assert not problems, problems
    assert module is not None
    return module


LONG = "Report it through the official channel and let investigators decide what it is"
MID = "Ask the hotel manager about it"
SHORT = "Do nothing"


def longest_wins(tmp_path: Path) -> Module:
    """Four single steps whose key is always strictly the longest choice."""
    return load(tmp_path, chain(*(single(f"s{i}", LONG, [MID, SHORT]) for i in range(4))))


def longest_loses(tmp_path: Path) -> Module:
    """Four single steps; the key is the longest in only one of them (s0)."""
    steps = [single("s0", LONG, [MID, SHORT])] + [
        single(f"s{i}", MID, [LONG, SHORT]) if i % 2 else single(f"s{i}", SHORT, [LONG, MID])
        for i in range(1, 4)
    ]
    return load(tmp_path, chain(*steps))


# --------------------------------------------------------------------------- strategies


def test_longest_key_everywhere_is_flagged(tmp_path: Path) -> None:
    module = longest_wins(tmp_path)
    r = audit_role(module, "employee", SEEDS)
    assert r.score("longest").mean == 100.0
    assert r.score("longest").pass_rate == 1.0
    assert r.score("shortest").mean == 0.0
    assert "longest" in r.passing and "best-mix" in r.passing
    assert r.mix == {"single": "longest"}


def test_key_longest_once_in_four_is_not_flagged(tmp_path: Path) -> None:
    module = longest_loses(tmp_path)
    r = audit_role(module, "employee", SEEDS)
    assert r.score("longest").mean == 25.0  # s0 only
    assert r.score("shortest").mean == 25.0  # s2 only (keyed SHORT)
    assert not r.passing


def test_random_guessing_is_repeatable_and_near_chance(tmp_path: Path) -> None:
    module = longest_loses(tmp_path)
    a = audit_role(module, "employee", 100).score("random")
    b = audit_role(module, "employee", 100).score("random")
    assert a == b  # fixed seeds: the same numbers every run
    assert a.low < a.mean < a.high
    assert 23 < a.mean < 43  # three choices: a third of the points on average


def test_myth_and_fact_on_true_false(tmp_path: Path) -> None:
    steps = chain(*(truefalse(f"t{i}", keyed_myth=i < 3) for i in range(4)))
    module = load(tmp_path, steps)
    r = audit_role(module, "employee", SEEDS)
    assert r.score("myth").mean == 75.0
    assert r.score("fact").mean == 25.0
    assert r.mix == {"truefalse": "myth"}
    assert r.passing == ("myth", "best-mix")  # pass mark 70
    cues = module_cues(module)
    assert (cues.truefalse, cues.keyed_myth, cues.keyed_fact) == (4, 3, 1)


def test_tick_all_and_longer_half_on_multi_select(tmp_path: Path) -> None:
    # 3 of 4 correct: ticking all earns 3 x (3 - 1) / 3 = 2 of 3 points.
    steps = chain(
        multi("m1", ["a longer correct sign", "another long sign", "third long sign"], ["no"]),
    )
    module = load(tmp_path, steps)
    r = audit_role(module, "employee", SEEDS)
    assert r.score("tick-all").mean == pytest.approx(66.7, abs=0.05)
    # longer half = the two longest options, both correct: 3 x 2 / 3 = 2 points
    assert r.score("longer-half").mean == pytest.approx(66.7, abs=0.05)
    assert r.score("longest").mean == pytest.approx(33.3, abs=0.05)
    assert r.score("shortest").mean == 0.0  # "no" is wrong: 1 miss, floored at 0


def test_tick_all_earns_nothing_when_correct_options_are_a_minority(tmp_path: Path) -> None:
    steps = chain(multi("m1", ["right one", "right two"], ["wrong a", "wrong b", "wrong c"]))
    module = load(tmp_path, steps)
    assert audit_role(module, "employee", SEEDS).score("tick-all").mean == 0.0
    (m,) = module_cues(module).multi
    assert (m.options, m.correct, m.tick_all) == (5, 2, 0.0)


def test_branching_decides_which_steps_a_strategy_meets(tmp_path: Path) -> None:
    # s1: the long choice is wrong and leads to s2 (1 point, key long); the short one is
    # right and leads to s3 (5 points, key short). Maximum 1 + 5 = 6.
    s1 = single("s1", "Wait", [LONG], points=1)
    s1["choices"][0]["next"] = "s3"
    s1["choices"][1]["next"] = "s2"
    steps = [s1, single("s2", LONG, [SHORT]), single("s3", SHORT, [LONG], points=5)]
    module = load(tmp_path, steps)
    r = audit_role(module, "employee", SEEDS)
    assert r.score("longest").mean == pytest.approx(100 * 1 / 6, abs=0.05)  # s1 wrong, s2 right
    assert r.score("shortest").mean == 100.0  # s1 right, s3 right


def test_best_mix_combines_the_best_strategy_per_step_type(tmp_path: Path) -> None:
    steps = chain(
        single("s1", LONG, [MID, SHORT]),
        single("s2", LONG, [MID, SHORT]),
        truefalse("t1", keyed_myth=True),
        truefalse("t2", keyed_myth=True),
        multi("m1", ["sign one", "sign two", "sign three"], ["x"]),
    )
    module = load(tmp_path, steps, pass_mark=95)
    r = audit_role(module, "employee", SEEDS)
    assert r.mix == {"single": "longest", "truefalse": "myth", "multi": "tick-all"}
    # 2 + 2 + 2 of 2 + 2 + 3 = 6 of 7 points
    assert r.score("best-mix").mean == pytest.approx(100 * 6 / 7, abs=0.05)
    assert r.score("best-mix").mean > max(s.mean for s in r.scores if s.strategy != "best-mix")
    assert not r.passing  # pass mark 95


def test_a_strategy_that_cannot_depend_on_the_seed_is_recognised(tmp_path: Path) -> None:
    module = longest_wins(tmp_path)
    assert seed_free(module, "employee", {"single": "longest"})
    assert not seed_free(module, "employee", {"single": "random"})
    tied = load(tmp_path, chain(single("s1", "Same length A", ["Same length B"])))
    assert not seed_free(tied, "employee", {"single": "longest"})


def test_a_long_chain_of_steps_scores_without_recursion(tmp_path: Path) -> None:
    # best/worst path points once recursed per step: 900 steps exceeded Python's limit.
    module = load(tmp_path, chain(*(single(f"s{i}", LONG, [SHORT]) for i in range(900))))
    (scenario,) = module.scenarios
    assert best_path_points(scenario) == 900.0
    assert worst_path_points(scenario) == 0.0
    last = scenario.steps[-1]._replace(next="s0")  # the validator refuses this; scoring too
    with pytest.raises(ValueError, match="cycle"):
        best_path_points(scenario._replace(steps=(*scenario.steps[:-1], last)))


def test_a_very_large_bank_gets_fewer_seeds(tmp_path: Path) -> None:
    module = load(tmp_path, chain(*(single(f"s{i}", LONG, [SHORT]) for i in range(400))))
    one_role = [(module, ("employee",))]
    assert fit_seeds(one_role, 100) == 100  # 400 steps x 8 strategies x 100 = 320,000
    assert fit_seeds(one_role, 200) == 400_000 // (400 * 8)
    # three roles meeting the same scenarios are played once
    assert fit_seeds([(module, ("employee", "contractor", "uniformed"))], 200) == 125
    assert fit_seeds(one_role * 10, 200) == MIN_SEEDS


def test_roles_come_from_the_course_and_the_scenarios(tmp_path: Path) -> None:
    # The course gives module m to contractors only (its scenario would suit employees too).
    data = module_data(chain(single("s1", LONG, [SHORT])))
    data["roles"] = data["scenarios"][0]["roles"] = ["employee", "contractor"]
    course = write_course(tmp_path, data, roles=["contractor"])
    result = validate_paths([course])
    assert not result.problems
    found = {m.id: roles for m, roles in module_roles(result.courses, result.modules)}
    assert found == {"m": ("contractor",), "base": ("employee", "contractor", "uniformed")}


def write_course(tmp_path: Path, data: dict[str, Any], roles: list[str]) -> Path:
    """A course of module ``data`` (for ``roles``) and a module "base" every role takes."""
    (tmp_path / "modules").mkdir()
    write(tmp_path / "modules", data, "m.yaml")
    write(tmp_path / "modules", module_data(chain(single("s1", MID, [SHORT])), "base"), "b.yaml")
    course: dict[str, Any] = {
        "kind": "course",
        "format": 1,
        "id": "c",
        "title": "Course",
        "version": "1.0",
        "certificate_title": "Cert",
        "issuer": "Office",
        "validity_months": 12,
        "resources": "resources.yaml",
        "modules": [
            {"file": "modules/b.yaml", "id": "base"},
            {"file": "modules/m.yaml", "id": "m", "roles": roles},
        ],
    }
    write(
        tmp_path,
        {
            "kind": "resources",
            "format": 1,
            "title": "Help",
            "contacts": [{"name": "DHS Blue Campaign", "url": "https://www.dhs.gov/blue-campaign"}],
            "sections": [{"heading": "What to do", "lines": ["Do not confront anyone."]}],
        },
        "resources.yaml",
    )
    return write(tmp_path, course, "course.yaml")


# --------------------------------------------------------------------------- cue statistics


def test_cue_statistics_by_hand(tmp_path: Path) -> None:
    module = longest_loses(tmp_path)
    c = module_cues(module)
    assert c.single == 4
    assert c.key_longest == 1
    assert c.key_shortest == 1  # s2
    assert c.chance_longest == pytest.approx(4 / 3, abs=0.01)
    lengths = {t: len(t) for t in (LONG, MID, SHORT)}
    expected = (
        lengths[LONG] / ((lengths[MID] + lengths[SHORT]) / 2)
        + 2 * lengths[MID] / ((lengths[LONG] + lengths[SHORT]) / 2)  # s1, s3
        + lengths[SHORT] / ((lengths[LONG] + lengths[MID]) / 2)  # s2
    ) / 4
    assert c.length_ratio == pytest.approx(expected, abs=0.01)
    assert c.distractors == 8
    assert not c.multi and c.multi_share_correct is None


def test_word_overlap_definition() -> None:
    assert words("The Hotel's manager, hotels, access and rooms!") == {
        "hotel",
        "manager",
        "access",
        "room",
    }
    assert overlap("Call the hotline now", "Should you call the hotline?") == 1.0
    assert overlap("Call the hotline now", "Tell her manager") == 0.0
    assert overlap("Do it", "anything") == 0.0  # no content words at all
    assert has_absolute("She can never leave") and not has_absolute("She may leave")


def test_echo_counts_keys_that_repeat_the_prompt(tmp_path: Path) -> None:
    step = single("s1", "Report the debt to investigators", ["Ignore it", "Wait a week"])
    step["prompt"] = "Who should hear about the debt she reports?"
    module = load(tmp_path, [step])
    c = module_cues(module)
    # key words: report, debt, investigator; prompt words: hear, debt, report
    assert c.echo == 1  # the key shares two words; the distractors share none
    assert (c.echo_choices_correct, c.echo_choices_wrong) == (1, 0)  # 2 of 3 >= half
    step["choices"][0]["text"] = "Tell investigators about it"
    assert module_cues(load(tmp_path, [step])).echo == 0


# --------------------------------------------------------------------------- output and CLI


def test_table_fits_80_columns_and_marks_flags_in_words(tmp_path: Path) -> None:
    module = longest_wins(tmp_path)
    text = format_table(audit([(module, ("employee", "contractor", "uniformed"))], SEEDS))
    assert all(len(line) < 80 for line in text.splitlines())
    assert "PASSABLE BLIND for employee: long" in text
    assert "100.0*" in text
    assert "3 of 3 module-roles passable blind" in text


JSON_SCHEMA = {
    "type": "object",
    "required": ["format", "seeds", "strategies", "passable_blind", "modules"],
    "properties": {
        "format": {"const": 1},
        "passable_blind": {
            "type": "array",
            "items": {"type": "object", "required": ["module", "role", "strategies"]},
        },
        "modules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["module", "title", "version", "path", "pass_mark", "roles", "cues"],
                "properties": {
                    "roles": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "role",
                                "passable_blind",
                                "passing_strategies",
                                "best_mix",
                                "scores",
                            ],
                            "properties": {
                                "scores": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "object",
                                        "required": ["mean", "min", "max", "pass_rate"],
                                    },
                                }
                            },
                        },
                    },
                    "cues": {
                        "type": "object",
                        "required": [
                            "single_steps",
                            "key_strictly_longest",
                            "key_strictly_shortest",
                            "key_length_ratio",
                            "keyed_myth",
                            "keyed_fact",
                            "multi_share_correct",
                            "multi",
                        ],
                    },
                },
            },
        },
    },
}


def test_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    longest_wins(tmp_path)
    path = tmp_path / "m.yaml"
    assert main(["report", "cues", str(path), "--format", "json", "--seeds", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, JSON_SCHEMA)
    assert data["passable_blind"][0] == {
        "module": "m",
        "role": "employee",
        "strategies": ["longest", "best-mix"],
    }
    scores = data["modules"][0]["roles"][0]["scores"]
    assert list(scores) == data["strategies"]
    assert scores["longest"]["mean"] == 100.0
    module = load_module(path)[0]
    assert module is not None
    assert data == to_dict(audit([(module, ("employee", "contractor", "uniformed"))], 5))


def test_strict_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "good").mkdir()
    longest_wins(tmp_path / "bad")
    longest_loses(tmp_path / "good")
    bad, good = str(tmp_path / "bad"), str(tmp_path / "good")
    assert main(["report", "cues", bad, "--seeds", "5"]) == 0
    assert main(["report", "cues", bad, "--seeds", "5", "--strict"]) == 1
    assert main(["report", "cues", good, "--seeds", "5", "--strict"]) == 0
    capsys.readouterr()
    assert main(["validate", good, "--strict"]) == 0
    assert main(["validate", bad]) == 0
    capsys.readouterr()
    assert main(["validate", bad, "--strict"]) == 1
    out = capsys.readouterr()
    assert "module 'm' is passable blind for role employee" in out.out
    assert "passable blind" in out.err


def test_default_path_is_the_configured_course(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = write_course(tmp_path, module_data(chain(single("s1", LONG, [SHORT]))), ["contractor"])
    assert main(["report", "cues", "--course", str(course), "--seeds", "3", "--module", "m"]) == 0
    out = capsys.readouterr().out
    assert "\n  contractor 100.0*   0.0 " in out and "employee" not in out
    assert main(["report", "cues", "--course", str(course), "--seeds", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("base (version 1.0") and "\nm (version 1.0" in out


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["/no/such/bank.yaml"], 2, "no such file or folder"),
        (["/no/\x1b[2Jbank.yaml"], 2, "no such file or folder: /no/\\x1b[2Jbank.yaml"),
        (["--module", "\x1b[2J"], 2, "no module '\\x1b[2J'"),
        (["--seeds", "0"], 2, "--seeds must be"),
        (["--module", "nope"], 2, "no module 'nope'"),
    ],
)
def test_bad_arguments_give_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], status: int, message: str
) -> None:
    longest_wins(tmp_path)
    if args[0].startswith("--"):
        args = [str(tmp_path), *args]
    assert main(["report", "cues", *args]) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "\x1b" not in err


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02binary\xff\xfe",
        b"kind: module\nformat: 1\nid: [unclosed\n",
        b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        b"kind: module\nformat: 1\nid: \x1b[31mred\n",
    ],
)
def test_hostile_files_give_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    (tmp_path / "evil.yaml").write_bytes(content)
    assert main(["report", "cues", str(tmp_path / "evil.yaml")]) == 1
    err = capsys.readouterr().err
    assert "fix these problems first" in err
    assert "\x1b" not in err and "Traceback" not in err


def test_the_report_command_repeats_the_cue_audits_default_seeds() -> None:
    """`trainer report` keeps its own copy of the default (so `report items` does not import
    the audit): the two must stay equal."""
    from trainer.authoring import cues
    from trainer.commands import report

    assert report.DEFAULT_SEEDS == cues.DEFAULT_SEEDS


def test_report_items_does_not_import_the_cue_audit_or_the_yaml_loader(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from trainer.cli import main\n"
        "try:\n"
        f"    main(['--data-dir', {str(tmp_path)!r}, 'report', 'items'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m in ('trainer.authoring.cues', "
        "'trainer.bank.loader')))"
    )
    from trainer.bank.cache import load_course_cached
    from trainer.paths import shipped_course

    # the course cache as a kiosk has it (a miss loads the YAML; read-only commands never write it)
    assert load_course_cached(shipped_course(), tmp_path / "cache", write=True).course is not None
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
