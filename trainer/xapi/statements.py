"""xAPI 1.0.3 statements for attempt records: answered, completed, passed/failed, course.

Shapes and examples: docs/records.md ("xAPI statements"). Ids: :mod:`trainer.xapi.ids`.
Every value from learners (names, organisations, IDs) goes into JSON strings, never into an
IRI; IRIs are built from the configured base and bank ids, percent-encoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from trainer import __version__
from trainer.bank.model import Course, Module, Role, Step
from trainer.months import add_months
from trainer.records.contract import Records
from trainer.records.store import AnswerRow, AttemptRow
from trainer.records.times import stamp
from trainer.xapi.ids import ids_of

XAPI_VERSION = "1.0.3"
DEFAULT_BASE = "urn:trainer:"
# The account's system when none is configured: the reserved '.invalid' domain (RFC 2606)
# names no real system, yet is an http(s) IRL as LRSs that check homePage expect.
DEFAULT_HOMEPAGE = "https://trainer.invalid/learners"
LANGUAGE = "en-US"
_ADL = "http://adlnet.gov/expapi"
VERBS = {name: f"{_ADL}/verbs/{name}" for name in ("answered", "completed", "passed", "failed")}
INTERACTION = f"{_ADL}/activities/cmi.interaction"
MODULE_TYPE = f"{_ADL}/activities/module"
COURSE_TYPE = f"{_ADL}/activities/course"


@dataclass(frozen=True)
class Options:
    """Where the ids point: ``base`` for activity and extension IRIs, ``homepage`` for the
    learners' accounts; ``course`` (optional) for activity definitions and course completion."""

    base: str = DEFAULT_BASE
    homepage: str = DEFAULT_HOMEPAGE
    course: Course | None = None


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, e.g. ``PT1H2M3S`` (never negative)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{secs}S" if secs or text == "PT" else "")


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _lang(text: str) -> dict[str, str]:
    return {LANGUAGE: text}


class _Builder:
    """Builds the statements of one export (one database, one set of options)."""

    def __init__(self, store: Records, options: Options) -> None:
        self.store = store
        self.opt = options
        self.ids = ids_of(store)
        self.base = options.base + ("" if options.base.endswith((":", "/")) else "/")
        self.learners = {lr.id: lr for lr in store.learners()}
        self.attempts = {a.id: a for a in store.attempts()}
        self._completing: dict[str, set[str]] = {}
        self._learner_attempts: dict[str, list[AttemptRow]] | None = None
        self._iris: dict[tuple[str, ...], str] = {}
        self._actors: dict[str, dict[str, Any]] = {}
        self._contexts: dict[tuple[str, str], dict[str, Any]] = {}

    def _by_learner(self) -> dict[str, list[AttemptRow]]:
        """Every attempt, by learner (made on first use)."""
        if self._learner_attempts is None:
            self._learner_attempts = {}
            for b in self.attempts.values():
                self._learner_attempts.setdefault(b.learner_id, []).append(b)
        return self._learner_attempts

    def iri(self, *parts: str) -> str:
        iri = self._iris.get(parts)
        if iri is None:
            iri = self._iris[parts] = self.base + "/".join(quote(p, safe="") for p in parts)
        return iri

    def ext(self, name: str) -> str:
        return f"{self.base}extension/{name}"

    def actor(self, learner_id: str) -> dict[str, Any]:
        """The learner's actor (one object shared by their statements: only serialised)."""
        if learner_id not in self._actors:
            self._actors[learner_id] = self._actor(learner_id)
        return self._actors[learner_id]

    def _actor(self, learner_id: str) -> dict[str, Any]:
        lr = self.learners[learner_id]
        actor: dict[str, Any] = {"objectType": "Agent"}
        if lr.name.strip():
            actor["name"] = lr.name
        name = lr.external_id if lr.external_id.strip() else self.ids.learner(learner_id)
        actor["account"] = {"homePage": self.opt.homepage, "name": name}
        return actor

    def context(self, a: AttemptRow, level: str) -> dict[str, Any]:
        """``level``: ``answer`` (parent the module, grouping the course), ``module`` (parent
        the course) or ``course`` (no context activities). One object per attempt and level,
        shared by its statements (they are only serialised)."""
        key = (a.id, level)
        if key not in self._contexts:
            self._contexts = {key: self._context(a, level)}  # keep only the current attempt's
        return self._contexts[key]

    def _context(self, a: AttemptRow, level: str) -> dict[str, Any]:
        course = {"objectType": "Activity", "id": self.iri("course", a.course_id)}
        module = {
            "objectType": "Activity",
            "id": self.iri("course", a.course_id, "module", a.module_id),
        }
        extensions: dict[str, Any] = {
            self.ext("attempt"): self.ids.attempt(a.id),
            self.ext("role"): a.role,
            self.ext("module-version"): a.module_version,
            self.ext("module-sha256"): a.module_sha256,
            self.ext("app-version"): __version__,
        }
        organisation = self.learners[a.learner_id].organisation
        if organisation:
            extensions[self.ext("organisation")] = organisation
        context: dict[str, Any] = {"registration": self.ids.registration(a.learner_id, a.course_id)}
        if level == "answer":
            context["contextActivities"] = {"parent": [module], "grouping": [course]}
        elif level == "module":
            context["contextActivities"] = {"parent": [course]}
        return context | {"extensions": extensions, "language": LANGUAGE}

    def module(self, a: AttemptRow) -> Module | None:
        """The module as the attempt saw it (same file hash), for activity definitions."""
        course = self.opt.course
        if course is None or course.id != a.course_id or a.module_id not in course.module_map:
            return None
        module = course.module(a.module_id)
        return module if module.sha256 == a.module_sha256 else None

    def statement(self, sid: str, a: AttemptRow, verb: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {"id": sid, "version": XAPI_VERSION, "actor": self.actor(a.learner_id),
                "verb": _verb(verb), "object": obj}  # fmt: skip

    # ------------------------------------------------------------------ statements
    def answered(self, a: AttemptRow, answer: AnswerRow, module: Module | None) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": INTERACTION, "interactionType": "choice"}
        step = _step(module, answer)
        if step is not None:
            definition["description"] = _lang(step.prompt)
            definition["choices"] = [
                {"id": c.id, "description": _lang(c.text)} for c in step.choices
            ]
            definition["correctResponsesPattern"] = ["[,]".join(sorted(step.correct_ids))]
        obj = {
            "objectType": "Activity",
            "id": self.iri(
                "course",
                a.course_id,
                "module",
                a.module_id,
                "scenario",
                answer.scenario_id,
                "step",
                answer.step_id,
            ),
            "definition": definition,
        }
        s = self.statement(self.ids.statement(a.id, f"answer/{answer.seq}"), a, "answered", obj)
        s["result"] = {
            "response": "[,]".join(answer.choice_ids),
            "success": answer.outcome == "correct",
            "score": _score(answer.points, answer.max_points),
        }
        s["context"] = self.context(a, "answer")
        s["timestamp"] = stamp(answer.answered_at)
        return s

    def module_results(
        self, a: AttemptRow, answers: list[AnswerRow], module: Module | None
    ) -> list[dict[str, Any]]:
        """``completed`` and ``passed``/``failed`` for a finished (not abandoned) attempt."""
        if a.passed is None or a.finished_at is None:
            return []
        definition: dict[str, Any] = {"type": MODULE_TYPE}
        if module is not None:
            definition["name"] = _lang(module.title)
        obj = {
            "objectType": "Activity",
            "id": self.iri("course", a.course_id, "module", a.module_id),
            "definition": definition,
        }
        last = answers[-1].answered_at if answers else a.finished_at
        duration = iso_duration((last - a.started_at).total_seconds())
        done = self.statement(self.ids.statement(a.id, "completed"), a, "completed", obj)
        done["result"] = {"completion": True, "duration": duration}
        verb = "passed" if a.passed else "failed"
        result = self.statement(self.ids.statement(a.id, "result"), a, verb, obj)
        result["result"] = {
            "score": _score(a.score or 0, a.max_score or 0, a.percent),
            "success": bool(a.passed),
            "completion": True,
            "duration": duration,
        }
        for s in (done, result):
            s["context"] = self.context(a, "module")
            s["timestamp"] = stamp(a.finished_at)
        return [done, result]

    def course_results(self, a: AttemptRow) -> list[dict[str, Any]]:
        """The course's ``completed`` and ``passed``, if ``a`` is the pass that completed it."""
        course = self.opt.course
        if course is None or course.id != a.course_id or not a.passed:
            return []
        if a.learner_id not in self._completing:
            role: Role = self.learners[a.learner_id].role  # type: ignore[assignment]
            required = {m.id for m in course.required_for(role)}
            mine = self._by_learner().get(a.learner_id, [])
            self._completing[a.learner_id] = completions(
                [b for b in mine if b.course_id == course.id], required, course.validity_months
            )
        if a.id not in self._completing[a.learner_id]:
            return []
        obj = {
            "objectType": "Activity",
            "id": self.iri("course", a.course_id),
            "definition": {"type": COURSE_TYPE, "name": _lang(course.title)},
        }
        out = []
        assert a.finished_at is not None  # a pass is finished
        for verb, what in (("completed", "course-completed"), ("passed", "course-passed")):
            s = self.statement(self.ids.statement(a.id, what), a, verb, obj)
            s["result"] = {"completion": True} | ({"success": True} if verb == "passed" else {})
            s["context"] = self.context(a, "course")
            s["timestamp"] = stamp(a.finished_at)
            out.append(s)
        return out


def _step(module: Module | None, answer: AnswerRow) -> Step | None:
    if module is None:
        return None
    try:
        return module.scenario(answer.scenario_id).step(answer.step_id)
    except KeyError:
        return None


def _score(raw: float, top: float, percent: int | None = None) -> dict[str, Any]:
    """An xAPI score: ``scaled`` (``percent`` / 100, else raw / max) within -1..1."""
    scaled = percent / 100 if percent is not None else (raw / top if top else 0.0)
    return {"scaled": round(min(1.0, max(-1.0, scaled)), 4), "raw": raw, "min": 0, "max": top}


def completions(attempts: list[AttemptRow], required: set[str], months: int) -> set[str]:
    """The passes (attempt ids) that made the course complete, oldest first, as
    :mod:`trainer.progress` counts it: every required module passed, the course valid until
    the earliest latest pass runs out. A pass completes it when the course was not complete
    just before: never yet, or expired by the day of this pass (recertification)."""
    latest: dict[str, date] = {}
    valid_until: date | None = None
    done: set[str] = set()
    passes = sorted(
        (a for a in attempts if a.passed and a.finished_at and a.module_id in required),
        key=lambda a: (a.finished_at or a.started_at, a.started_at),  # then as given
    )
    for a in passes:
        day = (a.finished_at or a.started_at).date()
        was_complete = valid_until is not None and day <= valid_until
        latest[a.module_id] = day
        if len(latest) == len(required):
            valid_until = min(add_months(d, months) for d in latest.values())
            if not was_complete:
                done.add(a.id)
    return done


def statements(
    store: Records, rows: list[dict[str, Any]], options: Options | None = None
) -> Iterator[dict[str, Any]]:
    """The statements of the exported attempts ``rows`` (from :func:`record_rows`), in order."""
    b = _Builder(store, options or Options())
    for row in rows:
        a = b.attempts.get(str(row["attempt_id"]))
        if a is None:
            continue
        module = b.module(a)
        answers = store.answers(a.id)
        for answer in answers:
            yield b.answered(a, answer, module)
        yield from b.module_results(a, answers, module)
        yield from b.course_results(a)


def to_xapi(store: Records, rows: list[dict[str, Any]], options: Options | None = None) -> str:
    """The statements as a JSON array (UTF-8 text, values exact)."""
    return json.dumps(list(statements(store, rows, options)), indent=2, ensure_ascii=False) + "\n"
