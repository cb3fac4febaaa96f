"""The course cache: hits on unchanged files, misses on any change, never trusts a bad file."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest

from benchmarks.genbank import write_course
from trainer.bank import cache as cache_mod
from trainer.bank.cache import cache_file, load_course_cached
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
