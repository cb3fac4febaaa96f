"""Type-checks loaded YAML against :mod:`trainer.bank.schema`, collecting every problem."""

from __future__ import annotations

from typing import Any

from trainer.bank.problems import Problem
from trainer.bank.safeyaml import Pos, YMap, YSeq
from trainer.bank.schema import ID_RE, KEY_RE, OBJECTS, F

_ROLES = ("employee", "contractor", "uniformed")
_TYPE_WORDS = {
    "str": "a line of text",
    "text": "text",
    "id": "an identifier",
    "key": "a source key",
    "int": "a whole number",
    "bool": "true or false",
    "ids": "a list of identifiers",
    "keys": "a list of source keys",
    "strs": "a list of text lines",
    "roles": "a list of roles",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# What a list item or mapping value of each kind is called in a message.
_KIND_WORDS = {
    "CourseModule": "module entry",
    "Scenario": "scenario",
    "Step": "step",
    "Choice": "choice",
    "Contact": "contact",
    "Section": "section",
    "Source": "source",
}


def item_label(kind: str, item: Any, index: int, parent: str) -> str:
    """How a message names item ``index`` (0-based) of a list of ``kind``: by its id when it
    has one ("step 's2' of scenario 'debt'"), else by its position ("module entry 2")."""
    word = _KIND_WORDS.get(kind, kind.lower())
    ident = item.get("id") if isinstance(item, dict) else None
    name = (
        f"{word} '{ident}'" if isinstance(ident, str) and ident.strip() else f"{word} {index + 1}"
    )
    return f"{name} of {parent}" if kind in ("Step", "Choice") else name


def _range_words(low: int | None, high: int | None) -> str:
    """'must be 1', 'must be between 1 and 120', 'must be at least 1'."""
    if low is not None and low == high:
        return f"must be {low}"
    if low is not None and high is not None:
        return f"must be between {low} and {high}"
    return f"must be at least {low}" if low is not None else f"must be at most {high}"


def suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """' — did you mean 'x'?' for the closest option, or ''."""
    import difflib  # only when a word is wrong

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


_PLANS: dict[str, tuple[frozenset[str], list[str], tuple[F, ...]]] = {}


def _plan(kind: str) -> tuple[frozenset[str], list[str], tuple[F, ...]]:
    """Field names (as a set and in order) and fields of an object kind, worked out once."""
    plan = _PLANS.get(kind)
    if plan is None:
        fields = OBJECTS[kind]
        names = [f.name for f in fields]
        plan = _PLANS[kind] = (frozenset(names), names, fields)
    return plan


# What each field type needs, for :func:`flawless` (codes, checked in order of frequency).
_Q_TEXT, _Q_ID, _Q_BOOL, _Q_INT, _Q_ONE_OF, _Q_LIST, _Q_WORDS, _Q_STRS, _Q_MAP, _Q_ROLES = range(10)
_Q_LATER = 10  # a field the caller checks itself (see :func:`_spec`)
# (known names, required names, name → (code, a, b)) for each object kind.
_Spec = tuple[frozenset[str], frozenset[str], dict[str, tuple[int, Any, Any]]]
_SPECS: dict[str, _Spec] = {}
_ROLE_SET = frozenset(_ROLES)


def _spec(kind: str) -> _Spec:
    """What :func:`flawless` checks in an object kind, worked out once.

    ``Kind-field`` (e.g. ``Module-scenarios``) is the kind with that one field left to the
    caller: it must be there if it is required, but its value is not looked at.
    """
    base, _, later = kind.partition("-")
    fields = OBJECTS[base]
    checks: dict[str, tuple[int, Any, Any]] = {}
    for f in fields:
        t = f.type
        a: Any = None
        b: Any = None
        if f.name == later:
            code = _Q_LATER
        elif t in ("str", "text"):
            code = _Q_TEXT
        elif t == "id":
            code = _Q_ID
        elif t == "bool":
            code = _Q_BOOL
        elif t == "int":
            code, a, b = _Q_INT, f.min, f.max
        elif t.startswith(("enum:", "const:")):
            code, a = _Q_ONE_OF, frozenset(t.split(":", 1)[1].split("|"))
        elif t.startswith("list:"):
            code, a = _Q_LIST, t[5:]
        elif t.startswith("map:"):
            code, a = _Q_MAP, t[4:]
        elif t == "strs":
            code = _Q_STRS
        elif t in ("ids", "keys"):
            code, a = _Q_WORDS, ID_RE if t == "ids" else KEY_RE
        elif t == "roles":
            code = _Q_ROLES
        else:  # a type only the full check knows: never flawless
            code = -1
        checks[f.name] = (code, a, b)
    spec = (
        frozenset(f.name for f in fields),
        frozenset(f.name for f in fields if f.required),
        checks,
    )
    _SPECS[kind] = spec
    return spec


def flawless(value: Any, kind: str) -> bool:
    """True when :meth:`Checker.check_object` would accept ``value`` as a ``kind`` and find
    nothing at all to report; False means "check it properly" (it may still be usable).

    One pass over the fields present, with no messages, positions or labels: a bank that is
    right (nearly every bank, nearly every time) is checked by this alone, and only what it
    does not pass goes through the full check, which finds and words every problem.
    """
    if value.__class__ is not YMap:
        return False
    known, required, checks = _SPECS.get(kind) or _spec(kind)
    keys = value.keys()
    if not (keys <= known and required <= keys):
        return False
    for name, v in value.items():
        code, a, b = checks[name]
        cls = v.__class__
        if code == _Q_TEXT:
            if cls is str:
                if not v.strip():
                    return False
            elif cls is not int and cls is not float:
                return False
        elif code == _Q_ID:
            if cls is not str or ID_RE.match(v) is None:
                return False
        elif code == _Q_BOOL:
            if cls is not bool:
                return False
        elif code == _Q_INT:
            if cls is not int or (a is not None and v < a) or (b is not None and v > b):
                return False
        elif code == _Q_ONE_OF:
            if cls is not str or v not in a:
                return False
        elif code == _Q_LIST:
            if cls is not YSeq or not v:
                return False
            for item in v:
                if not flawless(item, a):
                    return False
        elif code == _Q_WORDS:
            if cls is not YSeq or not v:
                return False
            for item in v:
                if item.__class__ is not str or a.match(item) is None:
                    return False
            if len(set(v)) != len(v):
                return False
        elif code == _Q_STRS:
            if cls is not YSeq or not v:
                return False
            for item in v:
                if item.__class__ is not str or not item.strip():
                    return False
        elif code == _Q_MAP:
            if cls is not YMap or not v:
                return False
            for key, item in v.items():
                if KEY_RE.match(key) is None or not flawless(item, a):
                    return False
        elif code == _Q_ROLES:
            if cls is not YSeq or not v:
                return False
            for item in v:
                if item.__class__ is not str or item not in _ROLE_SET:
                    return False
            if len(set(v)) != len(v):
                return False
        elif code != _Q_LATER:
            return False
    return True


class Checker:
    """Checks objects field by field; problems accumulate in ``self.problems``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], message))

    def check_object(self, value: Any, kind: str, pos: Pos, what: str) -> YMap | None:
        """Check a mapping of ``kind``; returns it when usable (missing fields are reported)."""
        if flawless(value, kind):
            return value  # type: ignore[no-any-return]
        if not isinstance(value, YMap):
            self.add(pos, f"{what} must be a mapping of keys to values, not {_describe(value)}")
            return None
        known, names, fields = _plan(kind)
        ok = True
        for key in value:
            if key not in known:
                self.add(
                    value.where_key(key),
                    f"unknown key '{key}' in {what}{suggest(key, names)}"
                    f" (allowed: {', '.join(names)})",
                )
        for f in fields:
            name = f.name
            if name not in value:
                if f.required:
                    self.add(value.pos, f"{what} is missing required key '{name}' ({f.doc})")
                    ok = False
                continue
            if not self.check_field(value, f, what):
                ok = False
        return value if ok else None

    def check_field(self, obj: YMap, f: F, what: str) -> bool:
        value = obj[f.name]
        pos = obj.where(f.name)
        t = f.type
        label = f"'{f.name}' in {what}"
        if t.startswith("list:"):
            kind = t[5:]
            if not isinstance(value, YSeq) or not value:
                self.add(pos, f"{label} must be a non-empty list of {kind.lower()} mappings")
                return False
            good = True
            for i, item in enumerate(value):
                if flawless(item, kind):
                    continue
                label = item_label(kind, item, i, what)
                if self.check_object(item, kind, value.where(i), label) is None:
                    good = False
            return good
        if t.startswith("map:"):
            kind = t[4:]
            if not isinstance(value, YMap) or not value:
                self.add(pos, f"{label} must be a non-empty mapping of key → {kind.lower()}")
                return False
            good = True
            for key in value:
                if KEY_RE.match(key) and flawless(value[key], kind):
                    continue
                if not KEY_RE.match(key):
                    self.add(
                        value.where_key(key),
                        f"source key '{key}' must be letters, digits, '-' or '_'",
                    )
                    good = False
                if (
                    self.check_object(
                        value[key],
                        kind,
                        value.where(key),
                        f"{_KIND_WORDS.get(kind, kind.lower())} '{key}'",
                    )
                    is None
                ):
                    good = False
            return good
        return self.check_scalar(value, pos, f, label)

    def check_scalar(self, value: Any, pos: Pos, f: F, label: str) -> bool:
        t = f.type
        expected = _TYPE_WORDS.get(t, t)
        if t in ("str", "text"):
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.add(pos, f"{label} must be {expected}, not {_describe(value)}")
                return False
            if not str(value).strip():
                self.add(pos, f"{label} must not be empty")
                return False
            return True
        if t == "id":
            if not isinstance(value, str) or not ID_RE.match(value):
                self.add(
                    pos,
                    f"{label} must be an identifier of lowercase letters, digits, '-' or '_' "
                    f"(got {_describe(value)})",
                )
                return False
            return True
        if t == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(pos, f"{label} must be a whole number, not {_describe(value)}")
                return False
            if (f.min is not None and value < f.min) or (f.max is not None and value > f.max):
                self.add(pos, f"{label} {_range_words(f.min, f.max)}, not {value}")
                return False
            return True
        if t == "bool":
            if not isinstance(value, bool):
                self.add(pos, f"{label} must be true or false, not {_describe(value)}")
                return False
            return True
        if t.startswith("enum:") or t.startswith("const:"):
            options = t.split(":", 1)[1].split("|")
            if value not in options:
                self.add(
                    pos,
                    f"{label} must be one of {', '.join(options)}, not {_describe(value)}"
                    f"{suggest(str(value), options)}",
                )
                return False
            return True
        if t in ("ids", "keys", "strs", "roles"):
            return self.check_list(value, pos, t, label)
        raise ValueError(t)  # pragma: no cover

    def check_list(self, value: Any, pos: Pos, t: str, label: str) -> bool:
        if not isinstance(value, YSeq) or not value:
            self.add(pos, f"{label} must be a non-empty list, e.g. [a, b], not {_describe(value)}")
            return False
        good = True
        seen: set[str] = set()
        for i, item in enumerate(value):
            ipos = value.where(i)
            if t == "strs":
                if not isinstance(item, str) or not item.strip():
                    self.add(ipos, f"item {i + 1} of {label} must be text, not {_describe(item)}")
                    good = False
                continue
            if t == "roles":
                if item not in _ROLES:
                    named = f"'{item}'" if isinstance(item, str) else f"({_describe(item)})"
                    self.add(
                        ipos,
                        f"unknown role {named} in {label}{suggest(str(item), _ROLES)}"
                        f" (roles: {', '.join(_ROLES)})",
                    )
                    good = False
            else:
                pattern = ID_RE if t == "ids" else KEY_RE
                if not isinstance(item, str) or not pattern.match(item):
                    self.add(
                        ipos,
                        f"item {i + 1} of {label} is not a valid identifier: {_describe(item)}",
                    )
                    good = False
            if isinstance(item, str):
                if item in seen:
                    self.add(ipos, f"'{item}' appears twice in {label}; remove the repeat")
                    good = False
                seen.add(item)
        return good
