"""The pieces of a first start that put work off until after the first screen: a course
opened with ``defer`` (validated on first use) and the check that no records exist yet."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.conftest import MODULE_YAML, write_bank
from trainer.bank import cache as cache_mod
from trainer.bank.cache import LazyCourse, cache_file, load_course_cached, open_course_lazily
from trainer.bank.loader import load_course
from trainer.bank.problems import BankError
from trainer.records.opening import no_records_yet
from trainer.records.store import DB_NAME, RecordsStore


def test_a_deferred_miss_reads_nothing_until_asked_then_validates_and_caches(
    course_file: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    lazy = open_course_lazily(course_file, cache_dir, defer=True)
    assert isinstance(lazy, LazyCourse)
    assert (lazy.title, lazy.is_checked, lazy.is_built) == ("", False, False)
    assert not cache_dir.exists()  # nothing read or written yet
    course = lazy.get()
    assert course == load_course(course_file).course and lazy.title == course.title
    assert lazy.is_checked and cache_file(course_file, cache_dir).is_file()
    hit = open_course_lazily(course_file, cache_dir, defer=True)  # cached now: a hit
    assert isinstance(hit, LazyCourse) and hit.is_checked and hit.title == course.title


def test_a_deferred_course_with_problems_raises_them_on_use_and_caches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write_bank(tmp_path / "bank", module=MODULE_YAML + "sumary: x\n")
    cache_dir = tmp_path / "cache"
    lazy = open_course_lazily(bad, cache_dir, defer=True)
    assert isinstance(lazy, LazyCourse)
    with pytest.raises(BankError) as first:
        lazy.get()
    assert any(
        "unknown key 'sumary'" in str(p) and ":79:1:" in str(p) for p in first.value.problems
    )
    # Asked again (the title for a list, F2): the same problems, the files not read again.
    monkeypatch.setattr(cache_mod, "_load_and_store", lambda *a, **k: pytest.fail("read again"))
    with pytest.raises(BankError) as second:
        lazy.get()
    assert second.value.problems == first.value.problems
    assert not cache_file(bad, cache_dir).exists()


def test_a_deferred_course_edited_after_it_was_cached_is_never_served_stale(
    course_file: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    load_course_cached(course_file, cache_dir)
    module = course_file.parent / "demo.yaml"
    module.write_text(module.read_text(encoding="utf-8") + "sumary: x\n", encoding="utf-8")
    lazy = open_course_lazily(course_file, cache_dir, defer=True)  # a miss now
    assert isinstance(lazy, LazyCourse) and not lazy.is_checked
    with pytest.raises(BankError):
        lazy.get()


def test_a_deferred_course_is_built_once_when_threads_ask_at_the_same_time(
    course_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = cache_mod._load_and_store

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_mod, "_load_and_store", counted)
    lazy = open_course_lazily(course_file, tmp_path / "cache", defer=True)
    assert isinstance(lazy, LazyCourse)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(lazy.get())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 4 and all(c is got[0] for c in got)


def test_no_records_yet_only_for_an_sqlite_file_that_is_not_there(tmp_path: Path) -> None:
    db = tmp_path / "data" / DB_NAME
    assert no_records_yet(db) and no_records_yet(f"sqlite:///{db}")
    with RecordsStore(db):
        pass
    assert not no_records_yet(db) and not no_records_yet(f"sqlite:///{db}")
    link = tmp_path / "dangling.sqlite3"
    link.symlink_to(tmp_path / "nowhere")
    assert not no_records_yet(link)  # something is there: the store's open says what
    assert not no_records_yet("postgresql://localhost/trainer")
