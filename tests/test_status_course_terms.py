"""``trainer status`` takes what it needs of the course (id, validity, each role's required
modules) from the course cache entry's header when the entry is current, without building
the course model; a stale, damaged or older entry is never used, and the answer is the same
either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fresh_python import ROOT, run_trainer_without
from trainer.bank.cache import cache_file, course_requirements, load_course_cached
from trainer.bank.model import ROLES
from trainer.cli import main
from trainer.compliance.status import CourseTerms
from trainer.records.store import RecordsStore

SHIPPED = ROOT / "question_banks" / "course.yaml"


def test_the_terms_come_from_a_current_entry_and_never_a_stale_one(tmp_path: Path) -> None:
    from benchmarks.genbank import write_course

    course = write_course(tmp_path / "bank", questions=4)
    cache = tmp_path / "data" / "cache"
    assert course_requirements(course, cache) is None  # nothing cached yet
    loaded = load_course_cached(course, cache).course
    assert loaded is not None
    found = course_requirements(course, cache)
    assert found is not None
    assert CourseTerms(*found) == CourseTerms.of(loaded)
    assert set(found[2]) == set(ROLES) and all(found[2].values())

    text = course.read_text(encoding="utf-8")
    months = loaded.validity_months
    course.write_text(text.replace(f"validity_months: {months}", "validity_months: 5"), "utf-8")
    assert course_requirements(course, cache) is None  # stale: the course file changed
    load_course_cached(course, cache)
    found = course_requirements(course, cache)
    assert found is not None and found[1] == 5

    entry = cache_file(course, cache)
    data = entry.read_bytes()
    entry.write_bytes(data.replace(b"required", b"requirex"))  # an older or damaged header
    assert course_requirements(course, cache) is None


def _records(data: Path) -> None:
    with RecordsStore.in_dir(data) as store:
        ann = store.add_learner("Ann", "employee", "Acme")
        store.add_learner("Bob", "contractor", "Acme")
        a = store.start_attempt(
            ann.id, "consent-isnt-consent", "minors", "2.0.0", "h", "employee", 1
        )
        store.finish_attempt(a.id, 9, 10, 90, True)


def test_with_a_current_cache_status_builds_no_course_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same CSV with and without the cache entry; with it, neither the course model
    nor PyYAML is imported, nor (the course's files unchanged by their signatures)
    hashlib or pickle."""
    from trainer.bank import filesig

    monkeypatch.setattr(filesig, "SETTLED_NS", 0)  # the repository's files count as settled
    data = tmp_path / "data"
    _records(data)
    args = ["--data-dir", str(data), "--course", str(SHIPPED), "status", "--as-of"]
    args += ["2026-12-01", "--format", "csv", "-o"]
    assert main([*args, str(tmp_path / "cold.csv")]) == 0  # no entry: the course file
    assert not (data / "cache").exists() or not any((data / "cache").iterdir())
    load_course_cached(SHIPPED, data / "cache")
    run_trainer_without(  # nor what a short list's CSV does not use (each costs ms a start)
        [*args, str(tmp_path / "warm.csv")],
        (
            *("yaml", "trainer.bank.model", "trainer.bank.checker", "trainer.records.row_types"),
            *("trainer.progress", "uuid", "subprocess", "dataclasses", "hashlib", "pickle"),
        ),
    )
    cold = (tmp_path / "cold.csv").read_bytes()
    assert (tmp_path / "warm.csv").read_bytes() == cold
    assert b"Ann,,Acme,employee,,in-progress,,,,1,6," in cold  # one of six modules passed
