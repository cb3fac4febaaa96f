"""Cue statistics of an answer key, for ``trainer report cues`` (see trainer.authoring.cues).

They describe the key itself, whatever a learner does: how often the correct choice is the
longest or the shortest, how much longer it is than the distractors, whether it repeats the
prompt's words, where absolute words are, how true/false steps are keyed, and how many
options of each multi-select step are correct. Definitions are in the docstrings below and
in docs/authoring.md, "Answer-key audit".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from trainer.bank.model import Choice, Module, Step
from trainer.scoring import score_answer

MYTH_WORDS = frozenset({"myth", "false"})
FACT_WORDS = frozenset({"fact", "true"})


def tf_choice(step: Step, myth: bool) -> Choice:
    """The "myth" (or "fact") choice of a true/false step, recognised by its id or text."""
    words = MYTH_WORDS if myth else FACT_WORDS
    for c in step.choices:
        if c.id.strip().lower() in words or c.text.strip().lower() in words:
            return c
    return step.choices[1 if myth else 0]


# Not content words (besides every word of fewer than four letters).
_STOP_TEXT = """about after again also another because been before being both could does doing
    each even from have having here into just many more most much must other over same
    should since some such than that their them then there these they this those through
    under until very want were what when where which while will with within without would
    your yours you're it's she's he's they're isn't doesn't don't"""
STOPWORDS = frozenset(_STOP_TEXT.split())
# Absolute words ("specific determiners"): test-wise learners avoid options that use them.
_ABSOLUTE_TEXT = """always never only cannot can't all none nothing nobody every everyone must
    certainly definitely impossible guaranteed completely entirely"""
ABSOLUTES = frozenset(_ABSOLUTE_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
ECHO_SHARE = 0.5


def words(text: str) -> set[str]:
    """Content words: lower-case word tokens of 4+ letters that are not stop words, with a
    final "'s" or plural "s" taken off ("hotel's", "hotels" -> "hotel"; "access" stays)."""
    found = set()
    for token in _WORD.findall(text.lower().replace("’", "'")):
        if len(token) < 4 or token in STOPWORDS:
            continue
        if token.endswith("'s"):
            token = token[:-2]
        elif len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        found.add(token)
    return found


def overlap(choice: str, prompt: str) -> float:
    """Share of the choice's content words that also appear in the prompt (0 if it has none)."""
    mine = words(choice)
    return len(mine & words(prompt)) / len(mine) if mine else 0.0


def has_absolute(text: str) -> bool:
    """True when the text uses an absolute word (always, never, only, cannot, all, …)."""
    return bool(set(_WORD.findall(text.lower().replace("’", "'"))) & ABSOLUTES)


@dataclass(frozen=True, slots=True)
class MultiCue:
    """One multi-select step: its options, how many are correct, what ticking all earns."""

    scenario: str
    step: str
    options: int
    correct: int
    tick_all: float  # share of the step's points earned by ticking every option


@dataclass(frozen=True, slots=True)
class Cues:
    """Surface cues in a module's answer key (every scenario, whatever the role)."""

    single: int  # single-choice steps
    key_longest: int  # ... whose correct choice is strictly the longest
    key_shortest: int  # ... strictly the shortest (the over-correction)
    chance_longest: float  # expected count if the key's position by length were random
    length_ratio: float | None  # mean over single steps of len(key) / mean len(distractors)
    echo: int  # single steps whose key shares strictly more prompt words than any distractor
    echo_choices_correct: int  # choices (single, multi) with >= half their words in the prompt
    echo_choices_wrong: int
    absolute_keys: int  # single-step keys with an absolute word
    absolute_distractors: int  # single-step distractors with one
    distractors: int  # single-step distractors in all
    truefalse: int
    keyed_myth: int
    keyed_fact: int
    multi: tuple[MultiCue, ...]

    @property
    def multi_share_correct(self) -> float | None:
        options = sum(m.options for m in self.multi)
        return sum(m.correct for m in self.multi) / options if options else None

    @property
    def tick_all_mean(self) -> float | None:
        return sum(m.tick_all for m in self.multi) / len(self.multi) if self.multi else None


def _steps(module: Module) -> Iterable[tuple[str, Step]]:
    for scenario in module.scenarios:
        for step in scenario.steps:
            yield scenario.id, step


def module_cues(module: Module) -> Cues:
    """The cue statistics of every step of ``module`` (see :class:`Cues`)."""
    single = key_longest = key_shortest = echo = echo_ok = echo_bad = abs_keys = abs_dis = n_dis = 0
    chance = 0.0
    ratios: list[float] = []
    tf = myth = fact = 0
    multi: list[MultiCue] = []
    for scenario_id, step in _steps(module):
        if step.type == "truefalse":
            tf += 1
            if tf_choice(step, myth=True).correct:
                myth += 1
            else:
                fact += 1
            continue
        for c in step.choices:
            if overlap(c.text, step.prompt) >= ECHO_SHARE:
                echo_ok += c.correct
                echo_bad += not c.correct
        if step.type == "multi":
            everything = frozenset(c.id for c in step.choices)
            points, _ = score_answer(step, everything)
            multi.append(
                MultiCue(
                    scenario_id,
                    step.id,
                    len(step.choices),
                    len(step.correct_ids),
                    round(points / step.points, 3),
                )
            )
            continue
        single += 1
        chance += 1 / len(step.choices)
        key = next(c for c in step.choices if c.correct)
        others = [c for c in step.choices if not c.correct]
        if all(len(key.text) > len(c.text) for c in others):
            key_longest += 1
        if all(len(key.text) < len(c.text) for c in others):
            key_shortest += 1
        mean_other = sum(len(c.text) for c in others) / len(others)
        if mean_other:
            ratios.append(len(key.text) / mean_other)
        key_echo = overlap(key.text, step.prompt)
        if all(key_echo > overlap(c.text, step.prompt) for c in others):
            echo += 1
        abs_keys += has_absolute(key.text)
        abs_dis += sum(has_absolute(c.text) for c in others)
        n_dis += len(others)
    return Cues(
        single=single,
        key_longest=key_longest,
        key_shortest=key_shortest,
        chance_longest=round(chance, 2),
        length_ratio=round(sum(ratios) / len(ratios), 2) if ratios else None,
        echo=echo,
        echo_choices_correct=echo_ok,
        echo_choices_wrong=echo_bad,
        absolute_keys=abs_keys,
        absolute_distractors=abs_dis,
        distractors=n_dis,
        truefalse=tf,
        keyed_myth=myth,
        keyed_fact=fact,
        multi=tuple(multi),
    )
