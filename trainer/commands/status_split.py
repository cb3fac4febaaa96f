"""``trainer status --format csv -o FILE`` for a large organisation, on two cores.

With SQLite records of over :data:`SPLIT_AT` learners and a second core, the list is cut
in two parts (:func:`trainer.records.stream.status_middle`). A worker process (``python
-m trainer.commands.status_split``, given its job as JSON on standard input: where the
records are, the course's terms, the day, the filters, where its part starts and the file
to write) writes the second part's CSV lines into a temporary file beside the output while
this process writes the header and the first part; then the second part is appended and
the counts summed. The bytes are those of one process (a test compares them). The parts
are read in two read-only transactions, a moment apart. A worker that fails fails the
command: its message is said, nothing is written, and its file is removed. At 100,000
learners on 2 cores: 0.5-0.7 s where one process takes 0.8-1.0 s. Not on PostgreSQL: its
server needs the CPU as well (on one 2-core machine, two queries and two Python processes
took as long as one of each), and one process already overlaps with the server.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from trainer.commands.status import CSV_LEARNER, write_status_csv
from trainer.compliance.status import CourseTerms, StatusValues, status_values
from trainer.records.contract import Records
from trainer.records.errors import StoreError
from trainer.records.stream import ListPlace, status_middle

#: From how many learners a status CSV is written by two processes.
SPLIT_AT = 20_000
_LIMIT = 1 << 16  # bytes of a worker's answer or message read (bounded, as any input)
_WORKER_SHARE = 0.4  # of the list: both processes end together (measured at 100,000)


def write_split(
    store: Records,
    location: str | Path,
    course: CourseTerms,
    options: Mapping[str, Any],
    state: str | None,
    counts: Counter[str],
    out: TextIO,
    output: str,
    *,
    split_at: int | None = None,
) -> int | None:
    """Write the CSV to ``out`` in two halves as the module says, counting every learner's
    state into ``counts`` and keeping only ``state`` (None: all); the number of rows
    written. None (nothing written) when the list is too short to be worth it, or there is
    one core: the caller writes it in one go."""
    organisation = options.get("organisation")
    wanted = organisation.lower() if organisation is not None else None
    if not isinstance(location, Path) or (os.cpu_count() or 1) < 2:
        return None  # PostgreSQL: see the module's docstring
    # The worker starts later (an interpreter and its imports): it takes less than half,
    # so that both end together.
    count, middle = status_middle(
        store, share=_WORKER_SHARE, role=options.get("role"), organisation_lower=wanted
    )
    if count < (SPLIT_AT if split_at is None else split_at) or middle is None:
        return None
    import shutil  # only now: a short list (most runs) need not import these
    import subprocess
    import tempfile

    folder = os.path.dirname(os.path.abspath(output))
    fd, part = tempfile.mkstemp(prefix=".trainer-status-", suffix=".part", dir=folder)
    os.close(fd)
    job = {
        "records": f"sqlite://{location.resolve()}",
        "course": [course.id, course.validity_months, dict(course.required)],
        "today": options["today"].isoformat(),
        "organisation": organisation,
        "role": options.get("role"),
        "due_within": options.get("due_within"),
        "state": state,
        "since": list(middle),
        "out": part,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "trainer.commands.status_split"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert worker.stdin is not None
        worker.stdin.write(json.dumps(job))
        worker.stdin.close()
        first = _kept(status_values(store, course, columns=CSV_LEARNER, until=middle,
                                    **options), state, counts)  # fmt: skip
        written = write_status_csv(first, out, CSV_LEARNER)
        assert worker.stdout is not None and worker.stderr is not None
        answer = worker.stdout.read(_LIMIT)  # small: one line of JSON
        message = worker.stderr.read(_LIMIT)
        worker.wait()
        if worker.returncode != 0:
            said = message[-_LIMIT:].strip().splitlines()
            raise StoreError(said[-1] if said else f"a worker ended with {worker.returncode}")
        try:
            result = json.loads(answer[:_LIMIT])
            theirs = {str(k): int(v) for k, v in result["counts"].items()}
            written += int(result["written"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StoreError("the second half of the status came back unreadable") from None
        with open(part, encoding="utf-8", newline="") as fh:
            shutil.copyfileobj(fh, out)
        counts.update(theirs)
        return written
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        Path(part).unlink(missing_ok=True)


def _kept(
    found: Iterator[StatusValues], state: str | None, counts: Counter[str]
) -> Iterator[StatusValues]:
    for values in found:
        counts[values[1]] += 1
        if state is None or values[1] == state:
            yield values


def _work(job: Mapping[str, Any]) -> dict[str, Any]:
    """The worker's half: its CSV lines (no header) into the job's file; its counts."""
    from trainer.records.opening import open_store

    course_id, months, required = job["course"]
    course = CourseTerms(course_id, months, {r: tuple(ids) for r, ids in required.items()})
    since: ListPlace = (str(job["since"][0]), str(job["since"][1]), int(job["since"][2]))
    counts: Counter[str] = Counter()
    with open_store(job["records"], read_only=True) as store:
        found = status_values(
            store,
            course,
            today=date.fromisoformat(job["today"]),
            columns=CSV_LEARNER,
            organisation=job["organisation"],
            role=job["role"],
            due_within=job["due_within"],
            since=since,
        )
        with open(job["out"], "w", encoding="utf-8", newline="") as fh:
            written = write_status_csv(_kept(found, job["state"], counts), fh, CSV_LEARNER,
                                       header=False)  # fmt: skip
    return {"counts": dict(counts), "written": written}


def main() -> int:
    try:
        job = json.loads(sys.stdin.read(_LIMIT))  # bounded: deep nesting is a RecursionError
        print(json.dumps(_work(job)))
    except StoreError as exc:
        print(exc, file=sys.stderr)  # the parent says it (the last line), as its own
        return 1
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
        RecursionError,
    ) as exc:
        print(f"the second half of the status could not be written: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
