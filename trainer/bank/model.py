"""The domain model of a course: named tuples, built only by the loader.

Named tuples, not frozen dataclasses: the app imports this module as the learner's first
Enter opens the dashboard, and defining a frozen slots dataclass costs ~1.3 ms (its methods
are compiled from source) against ~0.2 ms for a named tuple; ten of them were ~15 ms of that
Enter on this VM in a slow spell. They are as immutable, hash and compare by value (every
field, ``path`` too), pickle (the course cache) and unpickle faster. A model object is also
a tuple, so code that walks values must not take every tuple for a sequence of them.

No ``from __future__ import annotations`` here: a named tuple's string annotations are each
compiled into a ForwardRef as the class is made (~2 ms of this module's ~3 ms)."""

from pathlib import Path
from typing import Literal, NamedTuple

from trainer.bank.roles import ROLES as ROLES  # re-exported: code using the model finds them here
from trainer.bank.roles import Role as Role

StepType = Literal["single", "multi", "truefalse"]
Scoring = Literal["proportional", "all-or-nothing"]


class Source(NamedTuple):
    """A cited source: the key scenarios refer to it by, and how to cite it."""

    key: str
    title: str
    publisher: str
    year: int | None = None
    url: str | None = None

    def citation(self) -> str:
        """One-line citation: title, publisher, year and URL where known."""
        parts = [self.title, self.publisher]
        if self.year:
            parts.append(str(self.year))
        text = ", ".join(p for p in parts if p)
        return f"{text}. {self.url}" if self.url else text


class Choice(NamedTuple):
    """One answer a learner can pick, whether it is right, its feedback and where it leads."""

    id: str
    text: str
    correct: bool
    feedback: str
    next: str | None = None


class _StepFields(NamedTuple):
    id: str
    type: StepType
    prompt: str
    points: int
    choices: tuple[Choice, ...]
    explanation: str
    sources: tuple[str, ...]
    shuffle: bool
    scoring: Scoring
    next: str | None
    correct_ids: frozenset[str]  # the ids of the correct choices (scoring asks on every path)


class Step(_StepFields):
    """One decision in a scenario: the prompt, the choices, the explanation and its sources."""

    __slots__ = ()

    def __new__(
        cls,
        id: str,
        type: StepType,
        prompt: str,
        points: int,
        choices: tuple[Choice, ...],
        explanation: str,
        sources: tuple[str, ...],
        shuffle: bool = True,
        scoring: Scoring = "proportional",
        next: str | None = None,
        correct_ids: frozenset[str] | None = None,
    ) -> "Step":
        """``correct_ids`` is worked out from ``choices`` when not given (a caller that
        gives it, as unpickling does, gives the same set)."""
        if correct_ids is None:
            correct_ids = frozenset(c.id for c in choices if c.correct)
        return tuple.__new__(
            cls,
            (
                id,
                type,
                prompt,
                points,
                choices,
                explanation,
                sources,
                shuffle,
                scoring,
                next,
                correct_ids,
            ),
        )

    def choice(self, choice_id: str) -> Choice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)

    def next_after(self, choice_ids: frozenset[str]) -> str | None:
        """The step an answer leads to, or None when the scenario ends."""
        if self.type == "multi" or not choice_ids:
            return self.next
        (only,) = choice_ids
        chosen = self.choice(only)
        return chosen.next if chosen.next is not None else self.next


class Scenario(NamedTuple):
    """A situation told as a narrative, played through one or more branching steps."""

    id: str
    title: str
    narrative: str
    tags: tuple[str, ...]
    start: str
    steps: tuple[Step, ...]
    roles: tuple[Role, ...]

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


class Module(NamedTuple):
    """A module file: its scenarios, pass mark, objectives, sources and who takes it."""

    id: str
    title: str
    version: str
    summary: str
    objectives: tuple[str, ...]
    roles: tuple[Role, ...]
    pass_mark: int
    estimated_minutes: int
    sources: dict[str, Source]
    scenarios: tuple[Scenario, ...]
    content_note: str | None = None
    path: Path = Path()
    sha256: str = ""

    def scenarios_for(self, role: Role) -> tuple[Scenario, ...]:
        """The scenarios a learner in ``role`` takes, in order."""
        return tuple(s for s in self.scenarios if role in s.roles)

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(scenario_id)

    @property
    def step_count(self) -> int:
        return sum(len(s.steps) for s in self.scenarios)


class CourseModule(NamedTuple):
    """A module's place in a course: its order, whether it is required, and for whom."""

    id: str
    file: str
    required: bool
    roles: tuple[Role, ...]


class Contact(NamedTuple):
    """Somewhere to report to: a hotline or tip line, as written in the resources file."""

    name: str
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    note: str | None = None


class ResourceSection(NamedTuple):
    """A heading and its lines in the reporting resources (what to do, what not to do)."""

    heading: str
    lines: tuple[str, ...]
    sources: tuple[str, ...] = ()


class Resources(NamedTuple):
    """The reporting resources shown on every screen: contacts and guidance sections."""

    title: str
    sections: tuple[ResourceSection, ...]
    contacts: tuple[Contact, ...]
    sources: dict[str, Source]

    def as_lines(self) -> list[str]:
        """The resources as plain lines that read well aloud, one fact per line."""
        lines = [self.title, ""]
        for contact in self.contacts:
            lines.append(contact.name)
            if contact.phone:
                lines.append(f"  Phone: {contact.phone}")
            if contact.text:
                lines.append(f"  Text: {contact.text}")
            if contact.url:
                lines.append(f"  Web: {contact.url}")
            if contact.note:
                lines.append(f"  {contact.note}")
        for section in self.sections:
            lines.extend(["", section.heading])
            lines.extend(f"  - {line}" for line in section.lines)
        return lines


class Course(NamedTuple):
    """A course: its modules in order, who must take which, resources and certificate terms."""

    id: str
    title: str
    version: str
    certificate_title: str
    issuer: str
    validity_months: int
    modules: tuple[CourseModule, ...]
    module_map: dict[str, Module]
    resources: Resources
    path: Path = Path()
    sha256: str = ""
    summary: str = ""

    def modules_for(self, role: Role) -> list[tuple[CourseModule, Module]]:
        """Modules a learner in ``role`` sees, in course order."""
        return [(cm, self.module_map[cm.id]) for cm in self.modules if role in cm.roles]

    def required_for(self, role: Role) -> list[Module]:
        return [m for cm, m in self.modules_for(role) if cm.required]

    def module(self, module_id: str) -> Module:
        return self.module_map[module_id]
