"""``trainer records push``: the outbox sent to an LRS — a real one (ralph-malph's LRS server
on 127.0.0.1) and a small local HTTP server for the failures (401, 500, timeouts, refused
connections, 409 for duplicates, a rejected statement, a redirect)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from tests.services import service_missing
from trainer.bank.model import Course
from trainer.cli import main
from trainer.records.store import RecordsStore
from trainer.session import Session
from trainer.xapi import lrs as lrs_module
from trainer.xapi import outbox
from trainer.xapi.lrs import Lrs, push
from trainer.xapi.statements import Options

USER, SECRET = "trainer", "s3cret-Pa55"


@pytest.fixture
def data(course: Course, tmp_path: Path) -> Path:
    """Ana passed the demo module (and with it the course): 3 + 2 + 2 statements."""
    folder = tmp_path / "data"
    with RecordsStore.in_dir(folder) as store:
        ana = store.add_learner("Ana Smith", "employee", "Acme Agency", "E-7")
        session = Session.start_or_resume(store, course, course.module("demo"), ana, seed=1)
        for ids in (["b"], ["a", "b"], ["report"]):
            session.answer(ids)
    return folder


def config(tmp_path: Path, endpoint: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[lrs]\nendpoint = "{endpoint}"\nusername = "{USER}"\npassword = "{SECRET}"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


def run_push(data: Path, course_file: Path, cfg: Path, *extra: str) -> int:
    argv = ["records", "push", "--data-dir", str(data), "--course", str(course_file)]
    return main([*argv, "--config", str(cfg), *extra])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- a real LRS


@pytest.fixture
def ralph_lrs(tmp_path: Path) -> Iterator[str]:
    """ralph-malph's LRS (file-system backend, Basic auth) on 127.0.0.1; its xAPI base URL."""
    missing = [m for m in ("bcrypt", "uvicorn", "fastapi", "ralph") if not find_spec(m)]
    if missing:  # (ralph.api is not imported here: importing it opens its configured backend)
        service_missing(f"ralph-malph[lrs] is not installed (no {', '.join(missing)})")
    import bcrypt

    folder = tmp_path / "lrs"
    folder.mkdir()
    hashed = bcrypt.hashpw(SECRET.encode(), bcrypt.gensalt(4)).decode()
    user = {"agent": {"mbox": "mailto:lrs@example.org"}, "scopes": ["all"]}
    (folder / "auth.json").write_text(json.dumps([{**user, "username": USER, "hash": hashed}]))
    port = free_port()
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(folder / "app"),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
    }
    cmd = [sys.executable, "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--log-level", "warning"],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(proc, f"http://127.0.0.1:{port}/__heartbeat__")
        yield f"http://127.0.0.1:{port}/xAPI/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _wait_for(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace")[-500:] if proc.stderr else ""
            service_missing(f"ralph's LRS server did not start: {err}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    service_missing("ralph's LRS server did not answer within 30 s")


def lrs_get(endpoint: str) -> list[dict[str, Any]]:
    token = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
    req = urllib.request.Request(
        endpoint + "statements?limit=100",
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        result: list[dict[str, Any]] = json.loads(resp.read())["statements"]
    return result


def test_a_real_lrs_receives_a_module_and_the_outbox_remembers(
    data: Path,
    course_file: Path,
    tmp_path: Path,
    ralph_lrs: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cfg = config(tmp_path, ralph_lrs)
    assert run_push(data, course_file, cfg) == 0
    out, err = capsys.readouterr()
    assert "queued 7 new statements; sent 7; 0 still pending" in out
    assert SECRET not in out + err
    stored = lrs_get(ralph_lrs)
    with RecordsStore.in_dir(data) as store:
        queued = {json.loads(text)["id"]: json.loads(text) for text in _all(store)}
    assert {s["id"] for s in stored} == set(queued)
    by_id = {s["id"]: s for s in stored}
    passed = next(s for s in queued.values() if s["verb"]["id"].endswith("/passed"))
    assert by_id[passed["id"]]["result"]["score"] == passed["result"]["score"]
    assert by_id[passed["id"]]["actor"]["account"]["name"] == "E-7"
    # Nothing new: a second push sends nothing; the status says all is sent.
    assert run_push(data, course_file, cfg) == 0
    assert "queued 0 new statements; sent 0; 0 still pending" in capsys.readouterr().out
    assert run_push(data, course_file, cfg, "--status") == 0
    status = capsys.readouterr().out
    assert "pending: 0 statements (sent so far: 7)" in status
    assert "last success: 20" in status and "last error: none" in status


def _all(store: RecordsStore) -> list[str]:
    return [str(r[0]) for r in store._rows("SELECT statement FROM xapi_outbox")]


# --------------------------------------------------------------------------- failures


class FakeLrs:
    """A local HTTP server answering from a script: each request gets the next answer."""

    def __init__(self, answer: Callable[[str, str, bytes], tuple[int, bytes]]) -> None:
        self.answer = answer
        self.chunk, self.pause = 1 << 30, 0.0  # how the answer is written: all at once
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append((self.command, self.path, dict(self.headers), body))
                status, payload = fake.answer(self.command, self.path, body)
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(OSError):  # a client that timed out has gone
                    for i in range(0, len(payload), fake.chunk):
                        self.wfile.write(payload[i : i + fake.chunk])
                        self.wfile.flush()
                        time.sleep(fake.pause)

            do_POST = do_PUT = do_GET = _any

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeLrs]]:
    servers: list[FakeLrs] = []

    def start(answer: Callable[[str, str, bytes], tuple[int, bytes]]) -> FakeLrs:
        servers.append(FakeLrs(answer))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def queued_store(data: Path, course: Course) -> RecordsStore:
    store = RecordsStore.in_dir(data)
    assert outbox.queue_records(store, Options(course=course)) == 7
    return store


def test_headers_batches_and_credentials(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    server = fake(lambda method, path, body: (200, b"[]"))
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint, USER, SECRET), batch_size=3)
        assert (report.sent, report.error) == (7, None)
        assert outbox.status(store).pending == 0
    assert [len(json.loads(r[3])) for r in server.requests] == [3, 3, 1]
    method, path, raw_headers, _ = server.requests[0]
    headers = {k.lower(): v for k, v in raw_headers.items()}
    assert (method, path) == ("POST", "/xAPI/statements")
    assert headers["x-experience-api-version"] == "1.0.3"
    assert headers["content-type"] == "application/json"
    assert headers["authorization"] == "Basic " + base64.b64encode(
        f"{USER}:{SECRET}".encode()
    ).decode("ascii")


def test_refused_credentials_stop_the_push_and_are_reported_without_the_password(
    data: Path,
    course_file: Path,
    tmp_path: Path,
    fake: Callable[..., FakeLrs],
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = fake(lambda method, path, body: (401, f"bad user {USER}:{SECRET}".encode()))
    cfg = config(tmp_path, server.endpoint)
    assert run_push(data, course_file, cfg) == 1
    out, err = capsys.readouterr()
    assert "refused the credentials (HTTP 401" in err and SECRET not in out + err
    assert len(server.requests) == 1  # not retried
    assert run_push(data, course_file, cfg, "--status") == 0
    status = capsys.readouterr().out
    assert "pending: 7 statements" in status and "last success: never" in status
    assert "HTTP 401" in status and SECRET not in status


def test_server_errors_are_retried_with_backoff_then_sent(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    answers = iter([(500, b"busy"), (503, b""), (200, b"[]")])
    server = fake(lambda method, path, body: next(answers))
    waits: list[float] = []
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint, USER, SECRET), backoff=0.5, sleep=waits.append)
        assert (report.sent, report.error) == (7, None)
        assert outbox.status(store).last_success is not None
    assert waits == [0.5, 1.0] and len(server.requests) == 3


def test_a_server_that_keeps_failing_leaves_everything_pending(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    server = fake(lambda method, path, body: (500, b"down"))
    waits: list[float] = []
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint), tries=3, sleep=waits.append)
        assert report.sent == 0 and "HTTP 500: down" in (report.error or "")
        status = outbox.status(store)
        assert status.pending == 7 and "HTTP 500" in (status.last_error or "")
        tries = {r[0] for r in store._rows("SELECT tries FROM xapi_outbox")}
    assert len(server.requests) == 3 and len(waits) == 2 and tries == {1}


def test_a_timeout_is_retried_and_reported(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    def slow(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        time.sleep(0.6)
        return 200, b"[]"

    server = fake(slow)
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint, timeout=0.2), tries=2, sleep=lambda s: None)
        assert "did not answer within 0.2 s" in (report.error or "")
        assert outbox.status(store).pending == 7


def test_connection_refused_is_reported(
    data: Path,
    course_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(lrs_module.time, "sleep", waits.append)
    cfg = config(tmp_path, f"http://127.0.0.1:{free_port()}/xAPI/")
    assert run_push(data, course_file, cfg) == 1
    out, err = capsys.readouterr()
    assert "cannot reach the LRS" in err and "7 still pending" in out
    assert len(waits) == 2  # three tries in all


def test_409_duplicates_count_as_sent(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    def answer(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method == "POST":
            return 409, b"Differing statements already exist with the same ID"
        return (409, b"exists") if path.endswith(("0", "1", "2", "3")) else (204, b"")

    server = fake(answer)
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint))
        assert (report.sent, report.error) == (7, None)
        assert outbox.status(store).pending == 0
    puts = [r for r in server.requests if r[0] == "PUT"]
    assert len(puts) == 7 and all("?statementId=" in r[1] for r in puts)


def test_a_statement_the_lrs_rejects_stays_pending_the_rest_are_sent(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    with queued_store(data, course) as store:
        bad_id = outbox.pending(store, 10)[2][0]

    def answer(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        return (400, b"invalid statement") if bad_id.encode() in body else (200, b"[]")

    server = fake(answer)
    with RecordsStore.in_dir(data) as store:
        report = push(store, Lrs(server.endpoint))
        assert (report.sent, report.rejected, report.error) == (6, 1, None)
        assert [i for i, _ in outbox.pending(store, 10)] == [bad_id]
        assert "HTTP 400: invalid statement" in (report.rejection or "")


def test_a_redirect_is_not_followed(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    server = fake(lambda method, path, body: (307, b""))
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint, USER, SECRET))
        assert report.sent == 0 and "redirect (HTTP 307)" in (report.error or "")
        assert outbox.status(store).pending == 7
    assert [r[1] for r in server.requests] == ["/xAPI/statements"]


def test_plain_http_with_a_password_only_to_this_machine() -> None:
    assert Lrs("http://lrs.example.gov/xAPI", USER, SECRET).check() is not None
    assert Lrs("http://127.0.0.1:8100/xAPI", USER, SECRET).check() is None
    assert Lrs("https://lrs.example.gov/xAPI", USER, SECRET).check() is None
    assert SECRET not in repr(Lrs("https://lrs.example.gov/xAPI", USER, SECRET))


def test_push_without_an_lrs_is_a_usage_error(
    data: Path, course_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "empty.toml"
    cfg.write_text("")
    assert run_push(data, course_file, cfg) == 2
    assert "no LRS is configured" in capsys.readouterr().err


def test_a_push_adds_what_is_new_since_the_last(course: Course, tmp_path: Path) -> None:
    with RecordsStore.in_dir(tmp_path / "data") as store:
        ana = store.add_learner("Ana", "employee")
        session = Session.start_or_resume(store, course, course.module("demo"), ana, seed=1)
        session.answer(["b"])
        assert outbox.queue_records(store, Options(course=course)) == 1  # answered so far
        session.answer(["a", "b"])
        session.answer(["report"])
        # 2 answers, module completed + passed, course completed + passed
        assert outbox.queue_records(store, Options(course=course)) == 6
        assert outbox.queue_records(store, Options(course=course)) == 0
        assert outbox.status(store).pending == 7


def test_a_bare_status_without_push_is_a_usage_error(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["records", "--data-dir", str(data), "--status"]) == 2
    assert "trainer records push --status" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["records", "--data-dir", str(data), "--status", "bogus"])
    assert usage.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


def test_an_answer_that_trickles_in_is_cut_off(
    data: Path, course: Course, fake: Callable[..., FakeLrs]
) -> None:
    server = fake(lambda method, path, body: (200, b"x" * 200))
    server.chunk, server.pause = 1, 0.05  # 10 s for the whole answer
    with queued_store(data, course) as store:
        report = push(store, Lrs(server.endpoint, timeout=0.1), tries=1)
        assert "answered too slowly (over 0.3 s)" in (report.error or "")
        assert outbox.status(store).pending == 7
