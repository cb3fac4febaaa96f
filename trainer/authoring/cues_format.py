"""Output of ``trainer report cues``: the table (80 columns) and the JSON document.

JSON keys (``format`` 1; stable, documented in docs/authoring.md, "Answer-key audit"):
``seeds``, ``strategies``, ``passable_blind`` (a list of ``{module, role, strategies}``) and
``modules``, each with ``module``, ``title``, ``version``, ``path``, ``pass_mark``, ``roles``
(``role``, ``passable_blind``, ``passing_strategies``, ``best_mix``, ``scores``: per strategy
``mean``, ``min``, ``max``, ``pass_rate``) and ``cues`` (see :func:`_cues_dict`).
"""

from __future__ import annotations

import textwrap
from typing import Any

from trainer.authoring.cues import ALL_STRATEGIES, CuesReport, ModuleAudit
from trainer.authoring.cues_stats import Cues
from trainer.safetext import terminal_safe

WIDTH = 80
SHORT = {
    "longest": "long",
    "shortest": "short",
    "myth": "myth",
    "fact": "fact",
    "tick-all": "all",
    "longer-half": "half",
    "random": "rand",
    "best-mix": "mix",
}
TYPE_NAMES = {"single": "single", "truefalse": "true/false", "multi": "multi"}


def to_dict(report: CuesReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "format": 1,
        "seeds": report.seeds,
        "strategies": list(ALL_STRATEGIES),
        "passable_blind": [
            {"module": m.module.id, "role": r.role, "strategies": list(r.passing)}
            for m, r in report.flagged
        ],
        "modules": [_module_dict(m) for m in report.modules],
    }


def _module_dict(m: ModuleAudit) -> dict[str, Any]:
    return {
        "module": m.module.id,
        "title": m.module.title,
        "version": m.module.version,
        "path": str(m.module.path),
        "pass_mark": m.module.pass_mark,
        "roles": [
            {
                "role": r.role,
                "passable_blind": bool(r.passing),
                "passing_strategies": list(r.passing),
                "best_mix": dict(r.mix),
                "scores": {
                    s.strategy: {
                        "mean": s.mean,
                        "min": s.low,
                        "max": s.high,
                        "pass_rate": s.pass_rate,
                    }
                    for s in r.scores
                },
            }
            for r in m.roles
        ],
        "cues": _cues_dict(m.cues),
    }


def _cues_dict(c: Cues) -> dict[str, Any]:
    return {
        "single_steps": c.single,
        "key_strictly_longest": c.key_longest,
        "key_strictly_shortest": c.key_shortest,
        "key_strictly_longest_by_chance": c.chance_longest,
        "key_length_ratio": c.length_ratio,
        "key_echoes_prompt_most": c.echo,
        "echo_choices_correct": c.echo_choices_correct,
        "echo_choices_wrong": c.echo_choices_wrong,
        "absolute_words_keys": c.absolute_keys,
        "absolute_words_distractors": c.absolute_distractors,
        "distractors": c.distractors,
        "truefalse_steps": c.truefalse,
        "keyed_myth": c.keyed_myth,
        "keyed_fact": c.keyed_fact,
        "multi_steps": len(c.multi),
        "multi_share_correct": _r(c.multi_share_correct),
        "multi_tick_all_mean": _r(c.tick_all_mean),
        "multi": [
            {
                "scenario": x.scenario,
                "step": x.step,
                "options": x.options,
                "correct": x.correct,
                "tick_all": x.tick_all,
            }
            for x in c.multi
        ],
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH - 1,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _cue_lines(c: Cues) -> list[str]:
    out: list[str] = []
    if c.single:
        ratio = f"; key {c.length_ratio:.2f}x the distractors' length" if c.length_ratio else ""
        out += _wrap(
            f"single-choice {c.single}: key strictly longest in {c.key_longest}, "
            f"strictly shortest in {c.key_shortest} (about {c.chance_longest:g} each by "
            f"chance){ratio}",
            "    ",
        )
        out += _wrap(
            f"key shares the most words with the prompt in {c.echo} of {c.single}; "
            f"absolute words (always, never, only...) in {c.absolute_keys} of {c.single} "
            f"keys, {c.absolute_distractors} of {c.distractors} distractors",
            "    ",
        )
    if c.echo_choices_correct or c.echo_choices_wrong:
        out += _wrap(
            f"choices repeating the prompt (half their words or more): "
            f"{c.echo_choices_correct} correct, {c.echo_choices_wrong} wrong",
            "    ",
        )
    if c.truefalse:
        out.append(f"    true/false {c.truefalse}: keyed myth {c.keyed_myth}, fact {c.keyed_fact}")
    if c.multi and c.multi_share_correct is not None and c.tick_all_mean is not None:
        out += _wrap(
            f"multi-select {len(c.multi)}: {_pct(c.multi_share_correct)} of options correct; "
            f"ticking everything earns {_pct(c.tick_all_mean)} on average",
            "    ",
        )
        per = ", ".join(
            f"{terminal_safe(x.scenario)}/{terminal_safe(x.step)} {x.correct} of {x.options} "
            f"-> {_pct(x.tick_all)}"
            for x in c.multi
        )
        out += _wrap(f"tick all, per step: {per}", "      ")
    return out


def _module_lines(m: ModuleAudit, seeds: int) -> list[str]:
    mod = m.module
    out = [
        f"{terminal_safe(mod.id)} (version {terminal_safe(mod.version)}, "
        f"pass mark {mod.pass_mark}%)",
        f"  mean score, % of the maximum, over {seeds} seeds (* reaches the pass mark)",
        "  " + f"{'role':<10}" + "".join(f"{SHORT[n]:>6} " for n in ALL_STRATEGIES).rstrip(),
    ]
    if not m.roles:
        out.append("  (no role takes a scenario of this module)")
    for r in m.roles:
        cells = "".join(f"{s.mean:>6.1f}{'*' if s.passes else ' '}" for s in r.scores).rstrip()
        out.append(f"  {r.role:<10}{cells}")
    for r in m.roles:
        mix = ", ".join(f"{TYPE_NAMES[t]} {n}" for t, n in r.mix.items())
        if r.passing:
            out += _wrap(
                f"PASSABLE BLIND for {r.role}: "
                + ", ".join(SHORT[s] for s in r.passing)
                + f" (mix: {mix})",
                "  ",
            )
    out.append("  cues in the answer key:")
    out += _cue_lines(m.cues)
    return out


def format_table(report: CuesReport) -> str:
    """The report as plain lines of at most 80 columns."""
    out: list[str] = []
    for m in report.modules:
        out += _module_lines(m, report.seeds)
        out.append("")
    total = sum(len(m.roles) for m in report.modules)
    flagged = report.flagged
    out.append(
        f"{len(flagged)} of {total} module-role{'s' * (total != 1)} passable blind"
        + (
            ": " + ", ".join(f"{terminal_safe(m.module.id)}/{r.role}" for m, r in flagged)
            if flagged
            else ""
        )
    )
    out.append(
        "strategies: long(est), short(est), myth, fact, all = tick every option, half = "
        "tick the longer half, rand(om), mix = best per step type; see docs/authoring.md"
    )
    return "\n".join(line for part in out for line in _fit(part)) + "\n"


def _fit(line: str) -> list[str]:
    return [line] if len(line) < WIDTH else _wrap(line, "")
