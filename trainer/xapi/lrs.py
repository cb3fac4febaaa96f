"""Sending the outbox to a Learning Record Store (xAPI 1.0.3) with the standard library.

``POST <endpoint>/statements`` in batches, with ``X-Experience-API-Version: 1.0.3`` and HTTP
Basic credentials. The credentials never appear in output or errors; redirects are not
followed (they would carry the credentials elsewhere); plain http is allowed only to this
machine. Timeouts and response sizes are bounded. A batch the LRS answers with 409 (some
statement already there) is sent again one statement at a time with ``PUT``; a 409 then means
the LRS already holds that id, and it counts as sent.
"""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from trainer.records.contract import Records
from trainer.safetext import terminal_safe
from trainer.xapi import outbox
from trainer.xapi.statements import XAPI_VERSION

MAX_RESPONSE = 1024 * 1024  # bytes read from any answer
MAX_DETAIL = 200  # characters of an error answer shown
_LOCAL = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Lrs:
    """Where and how to send. ``password`` is never shown (not even in ``repr``)."""

    endpoint: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def check(self) -> str | None:
        """Why this LRS cannot be used, or None."""
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "the LRS endpoint must be an http(s) address"
        if parts.scheme == "http" and parts.hostname not in _LOCAL and self.password:
            return "the LRS endpoint must use https (credentials are not sent over plain http)"
        return None


class LrsError(Exception):
    """A send failed. ``retry``: worth trying again (server error, timeout, no connection);
    ``fatal``: stop this push (refused credentials); else the LRS rejected the statements."""

    def __init__(self, message: str, *, retry: bool = False, fatal: bool = False) -> None:
        super().__init__(message)
        self.retry = retry
        self.fatal = fatal


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx is then an HTTPError, reported, never followed


_OPENER = urllib.request.build_opener(_NoRedirect)


def _headers(lrs: Lrs) -> dict[str, str]:
    headers = {"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"}
    if lrs.username is not None or lrs.password is not None:
        pair = f"{lrs.username or ''}:{lrs.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return headers


def _clean(lrs: Lrs, text: str) -> str:
    """An LRS's words, safe for a terminal, short, and without the credentials."""
    for secret in (lrs.password, lrs.username):
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    text = terminal_safe(" ".join(text.split()))
    return text[:MAX_DETAIL] + ("…" if len(text) > MAX_DETAIL else "")


def request(lrs: Lrs, method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    """One request: (status, at most :data:`MAX_RESPONSE` bytes of the answer).

    HTTP errors are answers (their status is returned); no connection or a timeout raises
    :class:`LrsError` with ``retry``.
    """
    req = urllib.request.Request(url, data=body, method=method, headers=_headers(lrs))
    deadline = time.monotonic() + 3 * lrs.timeout
    try:
        with _OPENER.open(req, timeout=lrs.timeout) as resp:
            return int(resp.status), _read(resp, deadline, lrs)
    except urllib.error.HTTPError as exc:
        try:
            data = _read(exc, deadline, lrs) if exc.fp is not None else b""
        except (OSError, LrsError):
            data = b""
        finally:
            exc.close()
        return int(exc.code), data
    except TimeoutError:
        raise LrsError(f"the LRS did not answer within {lrs.timeout:g} s", retry=True) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise LrsError(f"the LRS did not answer within {lrs.timeout:g} s", retry=True) from None
        raise LrsError(f"cannot reach the LRS: {_clean(lrs, str(reason))}", retry=True) from None
    except (OSError, ValueError) as exc:  # reset connections, bad status lines
        raise LrsError(f"the LRS connection failed: {_clean(lrs, str(exc))}", retry=True) from None


def _read(resp: Any, deadline: float, lrs: Lrs) -> bytes:
    """At most :data:`MAX_RESPONSE` bytes, in at most 3 x the timeout in all (an answer that
    trickles in byte by byte cannot hold a push for longer)."""
    read = getattr(resp, "read1", resp.read)  # read1: what has arrived, without waiting
    chunks: list[bytes] = []
    size = 0
    while size < MAX_RESPONSE:
        if time.monotonic() > deadline:
            raise LrsError(f"the LRS answered too slowly (over {3 * lrs.timeout:g} s)", retry=True)
        chunk = read(min(65536, MAX_RESPONSE - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _error(lrs: Lrs, status: int, data: bytes) -> LrsError:
    detail = _clean(lrs, data.decode("utf-8", "replace"))
    said = f"HTTP {status}" + (f": {detail}" if detail else "")
    if status in (401, 403):
        return LrsError(f"the LRS refused the credentials ({said})", fatal=True)
    if 300 <= status < 400:
        return LrsError(
            f"the LRS answered with a redirect ({said}), which is not followed: set [lrs] "
            "endpoint to the address it should be sent to",
            fatal=True,
        )
    if status >= 500 or status in (408, 429):
        return LrsError(f"the LRS failed ({said})", retry=True)
    return LrsError(f"the LRS rejected the statements ({said})")


def send_batch(lrs: Lrs, batch: list[tuple[str, str]]) -> None:
    """Send statements (id, JSON text); return when the LRS holds every one."""
    body = ("[" + ",".join(text for _, text in batch) + "]").encode("utf-8")
    status, data = request(lrs, "POST", lrs.statements_url, body)
    if status in (200, 204):
        return
    if status != 409:
        raise _error(lrs, status, data)
    for sid, text in batch:  # some were there already: which ones, one at a time
        url = f"{lrs.statements_url}?statementId={quote(sid)}"
        status, data = request(lrs, "PUT", url, text.encode("utf-8"))
        if status not in (200, 204, 409):
            raise _error(lrs, status, data)


@dataclass
class PushReport:
    sent: int = 0
    rejected: int = 0
    error: str | None = None  # why the push stopped early
    rejection: str | None = None  # the last statement-level rejection


def push(
    store: Records,
    lrs: Lrs,
    *,
    batch_size: int = 50,
    tries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] | None = None,
) -> PushReport:
    """Send every pending statement. A failing batch is retried ``tries`` times, waiting
    ``backoff``, then twice that, ...; if it still fails the push stops (the statements stay
    pending for the next push). A statement the LRS rejects is left pending with its error."""
    sleep = sleep or time.sleep
    report = PushReport()
    skip: set[str] = set()
    while True:
        batch = [p for p in outbox.pending(store, batch_size + len(skip)) if p[0] not in skip]
        batch = batch[:batch_size]
        if not batch:
            return report
        try:
            _send_retrying(lrs, batch, tries, backoff, sleep)
        except LrsError as exc:
            if exc.retry or exc.fatal:
                outbox.mark_failed(store, [i for i, _ in batch], str(exc))
                report.error = str(exc)
                return report
            if len(batch) > 1:  # find the statement the LRS refuses: send them one by one
                for one in batch:
                    _send_one(store, lrs, one, report, skip, tries, backoff, sleep)
                    if report.error:
                        return report
                continue
            outbox.mark_failed(store, [batch[0][0]], str(exc))
            skip.add(batch[0][0])
            report.rejected += 1
            report.rejection = str(exc)
            continue
        outbox.mark_sent(store, [i for i, _ in batch])
        report.sent += len(batch)


def _send_one(
    store: Records,
    lrs: Lrs,
    one: tuple[str, str],
    report: PushReport,
    skip: set[str],
    tries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> None:
    try:
        _send_retrying(lrs, [one], tries, backoff, sleep)
    except LrsError as exc:
        outbox.mark_failed(store, [one[0]], str(exc))
        skip.add(one[0])
        if exc.retry or exc.fatal:
            report.error = str(exc)
        else:
            report.rejected += 1
            report.rejection = str(exc)
        return
    outbox.mark_sent(store, [one[0]])
    report.sent += 1


def _send_retrying(
    lrs: Lrs,
    batch: list[tuple[str, str]],
    tries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> None:
    for attempt in range(max(1, tries)):
        try:
            send_batch(lrs, batch)
            return
        except LrsError as exc:
            if not exc.retry or attempt + 1 >= tries:
                raise
        sleep(backoff * 2**attempt)
