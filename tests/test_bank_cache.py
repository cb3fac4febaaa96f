"""The course cache: hits on unchanged files, misses on any change, never trusts a bad file."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
from pathlib import Path

import pytest

from benchmarks.genbank import write_course
from tests.fresh_python import fresh_python_json
from trainer.bank import cache as cache_mod
from trainer.bank.cache import LazyCourse, cache_file, load_course_cached, open_course_lazily
from trainer.bank.loader import load_course


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "bank", questions=10)


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("course-*.pickle")) if cache_dir.exists() else []


def test_hit_returns_an_equal_course_without_loading(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "data" / "cache"
    first = load_course_cached(course, cache_dir)
    assert first.course is not None and not first.problems
    assert len(_entries(cache_dir)) == 1

    def boom(path: Path) -> None:
        raise AssertionError("a cache hit must not load the YAML")

    import trainer.bank.loader as loader_mod

    monkeypatch.setattr(loader_mod, "load_course", boom)  # the cache imports it on a miss only
    second = load_course_cached(course, cache_dir)
    assert second.course == first.course == load_course(course).course
    assert second.course is not None and second.course.sha256 == first.course.sha256
    assert [str(f) for f in second.files] == [str(f) for f in first.files]


def test_cache_files_are_private(course: Path, tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    load_course_cached(course, data / "cache")
    (entry,) = _entries(data / "cache")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "cache").stat().st_mode) == 0o700
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert not list((data / "cache").glob(".*tmp"))


def test_editing_a_module_file_invalidates(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    before = load_course_cached(course, cache_dir).course
    assert before is not None
    module = course.parent / "modules" / "01-bench.yaml"
    module.write_text(
        module.read_text().replace('title: "Benchmark module 1"', 'title: "Edited module"')
    )
    after = load_course_cached(course, cache_dir).course
    assert after is not None
    assert after.module("bench-01").title == "Edited module"
    assert after.sha256 != before.sha256
    # ...and the rewritten entry is a hit for the edited files.
    again = load_course_cached(course, cache_dir).course
    assert again == after


def test_editing_the_resources_file_invalidates(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    res = course.parent / "resources.yaml"
    res.write_text(res.read_text().replace("Benchmark resources", "Edited resources"))
    after = load_course_cached(course, cache_dir).course
    assert after is not None and after.resources.title == "Edited resources"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a pickle at all",
        b"trainer-course-cache\n" + b"\x80\x05garbage",
        b"trainer-course-cache\n" + pickle.dumps({"format": 1, "version": "x"}),
        # A pickle that would call os.system if it were unpickled without an allow-list.
        b"trainer-course-cache\n" + b"cos\nsystem\n(S'touch /tmp/trainer-pwned'\ntR.",
    ],
)
def test_a_corrupt_cache_file_is_ignored_and_rewritten(
    course: Path, tmp_path: Path, damage: bytes
) -> None:
    cache_dir = tmp_path / "cache"
    good = load_course_cached(course, cache_dir).course
    (entry,) = _entries(cache_dir)
    entry.write_bytes(damage)
    result = load_course_cached(course, cache_dir)
    assert result.course == good
    assert entry.read_bytes().startswith(b"trainer-course-cache\n")
    assert entry.read_bytes() != damage
    assert not Path("/tmp/trainer-pwned").exists()


def test_a_truncated_cache_file_is_ignored(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    good = load_course_cached(course, cache_dir).course
    (entry,) = _entries(cache_dir)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    assert load_course_cached(course, cache_dir).course == good


def test_problems_are_not_cached(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    module = course.parent / "modules" / "01-bench.yaml"
    module.write_text(module.read_text().replace("pass_mark: 70", "pass_mark: 700"))
    bad = load_course_cached(course, cache_dir)
    assert bad.course is None and bad.problems
    assert _entries(cache_dir) == []
    again = load_course_cached(course, cache_dir)
    assert again.course is None and again.problems == bad.problems


def test_an_unwritable_cache_folder_does_not_break_loading(course: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = load_course_cached(course, blocker / "cache")
    assert result.course is not None


def test_the_trainer_version_is_part_of_the_key(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    calls = []
    import trainer.bank.loader as loader_mod

    real = loader_mod.load_course
    monkeypatch.setattr(cache_mod, "__version__", "99.0")
    monkeypatch.setattr(loader_mod, "load_course", lambda p: calls.append(p) or real(p))
    assert load_course_cached(course, cache_dir).course is not None
    assert calls == [course]


def test_editing_the_model_source_is_part_of_the_key(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout whose model.py changed (no version bump) must not unpickle old objects."""
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    (entry,) = _entries(cache_dir)
    assert cache_mod._read_entry(entry) is not None
    monkeypatch.setattr(cache_mod, "_model_fingerprint", lambda: "edited model")
    edited = [[name, None if sig is None else (sig[0] + 1, *sig[1:])] for name, sig in
              cache_mod._model_files()]  # fmt: skip
    monkeypatch.setattr(cache_mod, "_model_files", lambda: edited)  # model.py touched
    assert cache_mod._read_entry(entry) is None


def test_entries_are_per_course_path(course: Path, tmp_path: Path) -> None:
    other = write_course(tmp_path / "other", questions=5)
    assert cache_file(course, tmp_path) != cache_file(other, tmp_path)
    cache_dir = tmp_path / "cache"
    a = load_course_cached(course, cache_dir).course
    b = load_course_cached(other, cache_dir).course
    assert a is not None and b is not None and a.sha256 != b.sha256
    assert load_course_cached(course, cache_dir).course == a


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_an_entry_owned_by_someone_else_is_ignored(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    (entry,) = _entries(cache_dir)
    os.chown(entry, 12345, 12345)
    assert cache_mod._read_entry(entry) is None


# --------------------------------------------------------------------------- lazy opening


def test_lazy_open_of_an_unchanged_course_builds_nothing_until_asked(
    course: Path, tmp_path: Path
) -> None:
    """A hit gives the title at once; the model's classes are not even imported until get()."""
    cache_dir = tmp_path / "cache"
    expected = load_course_cached(course, cache_dir).course
    assert expected is not None
    code = (
        "import json, sys\n"
        "from trainer.bank.cache import open_course_lazily\n"
        f"lazy = open_course_lazily({str(course)!r}, {str(cache_dir)!r})\n"
        "before = sorted(m for m in sys.modules if m.startswith('trainer.bank.'))\n"
        "built_before = lazy.is_built\n"
        "course = lazy.get()\n"
        "print(json.dumps([lazy.title, before, built_before, lazy.is_built, course.sha256]))\n"
    )
    title, before, built_before, built_after, sha = fresh_python_json(code)
    assert title == expected.title
    assert before == ["trainer.bank.cache", "trainer.bank.filesig"]  # no model, no loader
    assert (built_before, built_after) == (False, True)
    assert sha == expected.sha256


def test_lazy_open_gives_the_same_course_as_a_load(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = open_course_lazily(course, cache_dir)  # a miss: loaded and validated now
    assert isinstance(first, LazyCourse) and first.is_built
    second = open_course_lazily(course, cache_dir)  # a hit
    assert isinstance(second, LazyCourse) and not second.is_built
    assert second.title == first.get().title
    assert second.get() == first.get() == load_course(course).course


def test_lazy_open_of_a_course_with_problems_returns_them(course: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    open_course_lazily(course, cache_dir)  # cached while valid...
    module = course.parent / "modules" / "01-bench.yaml"
    module.write_text(module.read_text().replace("pass_mark: 70", "pass_mark: 700"))
    problems = open_course_lazily(course, cache_dir)  # ...then broken: never the stale copy
    assert isinstance(problems, list) and problems
    assert any("pass_mark" in str(p) and "01-bench.yaml" in str(p) for p in problems)


def test_a_damaged_body_is_caught_when_the_entry_is_read(course: Path, tmp_path: Path) -> None:
    """The body's hash is in the header, so damage to it is a miss at once, not a failure
    later when the course is first used."""
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    (entry,) = _entries(cache_dir)
    data = bytearray(entry.read_bytes())
    data[-40] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert cache_mod._read_entry(entry) is None
    lazy = open_course_lazily(course, cache_dir)
    assert isinstance(lazy, LazyCourse) and lazy.is_built  # loaded from the YAML instead
    assert lazy.get() == load_course(course).course


def test_the_header_is_one_line_of_json_and_the_body_allows_only_the_models_classes(
    course: Path, tmp_path: Path
) -> None:
    """A header is one line of JSON, read before anything else: a pickled header (the
    format before 4, or a planted one) is a miss and never unpickled, as is a header line
    past its limit or with values of the wrong types; the body is unpickled with the
    model's classes allowed, nothing else."""
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    (entry,) = _entries(cache_dir)
    magic, line, body = entry.read_bytes().split(b"\n", 2)
    header = json.loads(line)
    assert header["format"] == cache_mod.CACHE_FORMAT and cache_mod._read_entry(entry)

    def write(head: object, rest: bytes = body) -> None:
        text = head if isinstance(head, bytes) else json.dumps(head).encode()
        entry.write_bytes(magic + b"\n" + text + b"\n" + rest)

    entry.write_bytes(magic + b"\n" + pickle.dumps(header) + body)  # the old layout
    assert cache_mod._read_entry(entry) is None
    write(b" " * (1 << 20) + json.dumps(header).encode())  # past the header's limit
    assert cache_mod._read_entry(entry) is None
    for damaged in ({**header, "files": "x"}, {**header, "title": 1}, [header], b'{"a":'):
        write(damaged)
        assert cache_mod._read_entry(entry) is None
    planted = pickle.dumps({"x": Path()}) + pickle.dumps(os.system)
    write({**header, "body_sha256": hashlib.sha256(planted).hexdigest()}, planted)
    found = cache_mod._read_entry(entry)
    assert found is not None and found.load() is None  # read, then refused as it unpickles
    write(header)
    assert cache_mod._read_entry(entry) is not None and load_course_cached(course, cache_dir)


def test_settled_files_are_trusted_by_their_signature_and_an_edit_is_seen(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A course whose files had settled is found current by their signatures, no file read
    or hashed; a file edited afterwards (even with its old modification time put back, as
    ``cp -p`` or ``rsync -t`` do) is hashed again and the entry is stale."""
    from trainer.bank import filesig

    monkeypatch.setattr(filesig, "SETTLED_NS", 0)  # files this old count as settled
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    (entry,) = _entries(cache_dir)
    header = json.loads(entry.read_bytes().split(b"\n", 2)[1])
    assert header["files"] and all(sig is not None for _name, _h, sig in header["files"])
    assert header["model_files"] is not None

    def no_hashing(path: Path) -> str:
        raise AssertionError(f"{path} was hashed")

    monkeypatch.setattr(cache_mod, "_sha256", no_hashing)
    monkeypatch.setattr(cache_mod, "_model_fingerprint", no_hashing)
    assert cache_mod.course_requirements(course, cache_dir) is not None
    monkeypatch.undo()
    module = course.parent / "modules" / "01-bench.yaml"
    before = module.stat()
    text = module.read_bytes()
    module.write_bytes(text.replace(b"pass_mark: 70", b"pass_mark: 71"))  # same size
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert module.stat().st_size == before.st_size
    assert module.stat().st_mtime_ns == before.st_mtime_ns
    assert cache_mod.course_requirements(course, cache_dir) is None  # stale: rebuilt on use
    assert load_course_cached(course, cache_dir).course is not None


def test_a_file_changed_while_it_was_hashed_keeps_no_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a file left alone for a while gets a signature: one changed just now, or
    while it was being hashed, is hashed at every check."""
    from trainer.bank import filesig

    file = tmp_path / "f.yaml"
    file.write_bytes(b"a: 1\n")
    assert filesig.settled(file, lambda p: "h") == ("h", None)  # changed under 2 s ago
    monkeypatch.setattr(filesig, "SETTLED_NS", 0)
    assert filesig.settled(file, lambda p: "h") == ("h", filesig.signature(file))

    def changing(path: Path) -> str:
        path.write_bytes(b"a: 22\n")
        return "h"

    assert filesig.settled(file, changing) == ("h", None)
    assert filesig.signature(tmp_path / "missing") is None


@pytest.mark.parametrize("source", ["loader.py", "checker.py", "safeyaml.py", "schema.py"])
def test_editing_any_bank_source_invalidates(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """A checkout whose loader, checker, YAML reader or schema was edited must not keep
    serving the course as the old code checked it."""
    package = tmp_path / "bank-sources"
    package.mkdir()
    for file in Path(cache_mod.__file__).parent.glob("*.py"):
        (package / file.name).write_bytes(file.read_bytes())
    monkeypatch.setattr(cache_mod, "_BANK_SOURCES", package)
    cache_dir = tmp_path / "cache"
    load_course_cached(course, cache_dir)
    (entry,) = _entries(cache_dir)
    assert cache_mod._read_entry(entry) is not None
    edited = package / source
    edited.write_bytes(edited.read_bytes() + b"\n# edited in a checkout\n")
    cache_mod._sources_fingerprint.cache_clear()
    assert cache_mod._read_entry(entry) is None


def test_a_full_path_finds_its_entry_from_any_folder(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry written from one folder serves a command run from another when the course
    is named by its full path (a compliance job run from cron, say); a relative name is a
    different file from another folder, so it has its own entry."""
    cache_dir = tmp_path / "cache"
    monkeypatch.chdir(course.parent)
    load_course_cached(course, cache_dir)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert len(_entries(cache_dir)) == 1
    assert cache_mod.course_requirements(course, cache_dir) is not None  # found: a hit
    load_course_cached(course, cache_dir)
    assert len(_entries(cache_dir)) == 1
    monkeypatch.chdir(course.parent)
    relative = Path(course.name)
    here = cache_file(relative, cache_dir)
    monkeypatch.chdir(elsewhere)
    assert cache_file(relative, cache_dir) != here
