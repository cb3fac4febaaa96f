"""Deterministic generator of a large, valid course for the validation and cache benchmarks.

The text is synthetic filler ("Synthetic step 17 ..."): it is load, not content, and states no
facts. The shape follows the real bank format: every step type, branching choices, sources,
folded prose, and roughly 1 KB of YAML per question, so 2,000 questions make ~2 MB.
"""

from __future__ import annotations

import random
from pathlib import Path

STEPS_PER_SCENARIO = 5
STEPS_PER_MODULE = 250
_TEXT = (
    "the person worker manager debt phone travel hotel shift money documents message "
    "contract fee promise threat room night schedule passport agency driver client report "
    "signal control pressure choice help safety colleague supervisor policy record"
)
_WORDS = tuple(_TEXT.split())


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _folded(rng: random.Random, sentences: int, indent: str) -> str:
    text = " ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(sentences))
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > 88:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ">-\n" + "\n".join(indent + x for x in lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _step(
    rng: random.Random,
    n: int,
    sid: str,
    next_id: str | None,
    branch_to: str | None,
    keys: list[str],
) -> list[str]:
    kind = ("single", "multi", "truefalse")[n % 3]
    ind = "      "
    out = [
        f"{ind}- id: {sid}",
        f"{ind}  type: {kind}",
        f"{ind}  prompt: {_quote(f'Synthetic step {n}. ' + _sentence(rng, 14))}",
        f"{ind}  points: {1 + n % 3}",
    ]
    if next_id:
        out.append(f"{ind}  next: {next_id}")
    if kind == "multi":
        out.append(f"{ind}  scoring: {'proportional' if n % 2 else 'all-or-nothing'}")
    out.append(f"{ind}  explanation: {_folded(rng, 2, ind + '    ')}")
    out.append(f"{ind}  sources: [{', '.join(rng.sample(keys, 2))}]")
    out.append(f"{ind}  choices:")
    if kind == "truefalse":
        specs = [("fact", "Fact", True), ("myth", "Myth", False)]
    else:
        correct = {0, 2} if kind == "multi" else {0}
        specs = [(c, _sentence(rng, 8), i in correct) for i, c in enumerate("abcd")]
    for i, (cid, text, ok) in enumerate(specs):
        out.append(f"{ind}    - id: {cid}")
        out.append(f"{ind}      text: {_quote(text)}")
        out.append(f"{ind}      correct: {'true' if ok else 'false'}")
        out.append(f"{ind}      feedback: {_quote(_sentence(rng, 9))}")
        if kind == "single" and branch_to and i == 1:
            out.append(f"{ind}      next: {branch_to}")
    return out


def module_text(index: int, steps: int, seed: int = 0) -> str:
    """One module file with ``steps`` questions (rounded up to whole scenarios)."""
    rng = random.Random(f"{seed}-{index}")
    keys = [f"S{i}" for i in range(1, 9)]
    lines = [
        "kind: module",
        "format: 1",
        f"id: bench-{index:02d}",
        f'title: "Benchmark module {index}"',
        'version: "1.0.0"',
        f"summary: {_folded(rng, 3, '  ')}",
        "objectives:",
        *(f"  - {_sentence(rng, 10)}" for _ in range(3)),
        "roles: [employee, contractor, uniformed]",
        "pass_mark: 70",
        "estimated_minutes: 30",
        "sources:",
    ]
    for key in keys:
        lines += [
            f"  {key}:",
            f'    title: "Synthetic source {key}"',
            '    publisher: "Benchmark generator"',
            "    year: 2024",
        ]
    lines.append("scenarios:")
    n = 0
    for sc in range(max(1, -(-steps // STEPS_PER_SCENARIO))):
        lines += [
            f"  - id: sc-{sc:04d}",
            f"    title: {_quote(f'Synthetic scenario {sc}')}",
            f"    tags: [tag-{sc % 7}, tag-{(sc + 3) % 7}]",
            f"    narrative: {_folded(rng, 3, '      ')}",
            "    start: s1",
            "    steps:",
        ]
        for k in range(1, STEPS_PER_SCENARIO + 1):
            n += 1
            nxt = f"s{k + 1}" if k < STEPS_PER_SCENARIO else None
            branch = f"s{k + 2}" if k + 2 <= STEPS_PER_SCENARIO else None
            lines += _step(rng, n, f"s{k}", nxt, branch, keys)
    return "\n".join(lines) + "\n"


RESOURCES = """\
kind: resources
format: 1
title: "Benchmark resources"
contacts:
  - name: "Synthetic contact"
    url: "https://example.invalid/help"
    note: "Placeholder used only by the benchmarks."
sections:
  - heading: "What to do"
    lines:
      - "Placeholder line one."
      - "Placeholder line two."
"""


def write_course(folder: Path, questions: int = 2000, seed: int = 0) -> Path:
    """Write course.yaml, resources.yaml and modules/*.yaml under ``folder``; return the course.

    The same arguments always produce byte-identical files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "modules").mkdir(exist_ok=True)
    per = min(STEPS_PER_MODULE, questions)
    count = max(1, -(-questions // per))
    entries = []
    for i in range(1, count + 1):
        steps = min(per, questions - per * (i - 1))
        name = f"modules/{i:02d}-bench.yaml"
        (folder / name).write_text(module_text(i, steps, seed), encoding="utf-8")
        entries.append(f"  - file: {name}\n    id: bench-{i:02d}\n")
    (folder / "resources.yaml").write_text(RESOURCES, encoding="utf-8")
    course = (
        'kind: course\nformat: 1\nid: bench-course\ntitle: "Benchmark course"\n'
        'version: "1.0.0"\ncertificate_title: "Benchmark certificate"\n'
        'issuer: "Benchmark issuer"\nvalidity_months: 12\nresources: resources.yaml\n'
        "modules:\n" + "".join(entries)
    )
    path = folder / "course.yaml"
    path.write_text(course, encoding="utf-8")
    return path


def course_files(course: Path) -> list[Path]:
    """Every YAML file of a generated course, sorted."""
    return sorted(course.parent.rglob("*.yaml"))
