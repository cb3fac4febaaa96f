"""The app sends to the LRS after each module in a background thread: the learner's answer
returns while the LRS is still being talked to; failures stay in the outbox, never raised."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_xapi_push import FakeLrs, config
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.session import Session
from trainer.settings import Settings
from trainer.xapi import background, outbox


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RecordsStore]:
    with RecordsStore.in_dir(tmp_path / "data") as s:
        yield s
    background.disable()
    background.wait(10)


def enable(store: RecordsStore, config_file: Path, course: Course) -> None:
    """As the app does: the settings of a run with this config file, a store of its own."""
    settings = Settings.resolve(None, {"TRAINER_CONFIG": str(config_file)}, interactive=False)
    background.enable(settings, lambda: RecordsStore(store.path), lambda: course)


def take_module(store: RecordsStore, course: Course) -> None:
    ana = store.add_learner("Ana", "employee", "Acme", "E-7")
    session = Session.start_or_resume(store, course, course.module("demo"), ana, seed=1)
    for ids in (["b"], ["a", "b"], ["report"]):
        session.answer(ids)
    assert session.finished


def test_a_finished_module_is_sent_while_the_learner_goes_on(
    store: RecordsStore, course: Course, tmp_path: Path
) -> None:
    arrived, release = threading.Event(), threading.Event()

    def answer(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        arrived.set()
        release.wait(10)
        return 200, b"[]"

    server = FakeLrs(answer)
    try:
        enable(store, config(tmp_path, server.endpoint), course)
        take_module(store, course)  # returned, though the LRS has not answered yet
        assert arrived.wait(10)
        assert not background.wait(0)  # still sending
        release.set()
        assert background.wait(10)
    finally:
        release.set()
        server.close()
    status = outbox.status(store)
    assert (status.pending, status.sent) == (0, 7)


def test_a_failing_lrs_never_reaches_the_learner(
    store: RecordsStore, course: Course, tmp_path: Path
) -> None:
    server = FakeLrs(lambda method, path, body: (503, b"maintenance"))
    try:
        enable(store, config(tmp_path, server.endpoint), course)
        take_module(store, course)
        assert background.wait(20)
    finally:
        server.close()
    status = outbox.status(store)
    assert status.pending == 7 and "HTTP 503: maintenance" in (status.last_error or "")


def test_without_an_lrs_nothing_is_queued(
    store: RecordsStore, course: Course, tmp_path: Path
) -> None:
    empty = tmp_path / "config.toml"
    empty.write_text("")
    enable(store, empty, course)
    take_module(store, course)
    assert background.wait(10)
    assert outbox.status(store).pending == outbox.status(store).sent == 0


def test_sessions_outside_the_app_send_nothing(store: RecordsStore, course: Course) -> None:
    take_module(store, course)
    assert background.wait(0)
    assert outbox.status(store).pending == 0


def test_the_settings_are_used_not_the_config_file_read_again(
    store: RecordsStore, course: Course, tmp_path: Path
) -> None:
    """The LRS and its password come from the settings of the run (the password from the
    environment here); the config file is not read again when a module ends."""
    seen: list[str] = []

    def answer(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        seen.append(method)
        return 200, b"[]"

    server = FakeLrs(answer)
    try:
        cfg = tmp_path / "lrs.toml"
        cfg.write_text(f'[lrs]\nendpoint = "{server.endpoint}"\nusername = "u"\n')
        env = {"TRAINER_CONFIG": str(cfg), "TRAINER_LRS_PASSWORD": "from-the-environment"}
        settings = Settings.resolve(None, env, interactive=False)
        cfg.write_text("[app]\nplain_width = [\n")  # broken after start-up: never read again
        background.enable(settings, lambda: RecordsStore(store.path), lambda: course)
        take_module(store, course)
        assert background.wait(10)
    finally:
        server.close()
    assert seen and outbox.status(store).sent == 7
