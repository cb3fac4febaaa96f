"""Plain mode under hostile typing: every refusal is a message and a new prompt, never a
traceback; a records failure mid-module keeps what was saved; dashboard keys are stable."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from trainer.bank.loader import load_course
from trainer.bank.model import Course
from trainer.plain import run_plain
from trainer.records.errors import StoreFull
from trainer.records.store import RecordsStore
from trainer.session import Session

COURSE = Path(__file__).resolve().parent / "fixtures" / "plain_course" / "course.yaml"
HUGE = "9" * 4300
PERFECT = ["1", "1", "2", "", "1,3", "", "1", "", ""]  # dashboard 1, start, answers, back


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def store(tmp_path: Path):
    with RecordsStore.in_dir(tmp_path) as s:
        yield s


def drive_bytes(
    course: Course, store: RecordsStore, data: bytes, learner: str | None = None
) -> tuple[int, str]:
    """Run plain mode on raw bytes, decoded strictly as the process's stdin would be."""
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None)
    out = io.StringIO()
    status = run_plain(course, store, learner, stdin, out)
    return status, out.getvalue()


def lines(*items: str) -> bytes:
    return ("\n".join(items) + "\n").encode()


@pytest.mark.parametrize("prompt", ["name", "id", "organisation"])
def test_invalid_utf8_at_learner_prompts_is_refused(
    course: Course, store: RecordsStore, prompt: str
) -> None:
    bad = b"Ann\xff\xfe Lee"
    answers = {"name": [bad, b"Ann Lee", b"", b"Org"], "id": [b"Ann Lee", bad, b"", b"Org"]}
    typed = answers.get(prompt, [b"Ann Lee", b"", bad, b"Org"])
    status, out = drive_bytes(course, store, b"\n".join([*typed, b"1", b"q"]) + b"\n")
    assert status == 0
    assert "bytes that are not UTF-8" in out
    learner = store.find_learner("Ann Lee")
    assert learner is not None and learner.organisation == "Org"
    assert all("\ufffd" not in value for value in (learner.name, learner.organisation))


def test_control_characters_in_a_name_are_refused(course: Course, store: RecordsStore) -> None:
    status, out = drive_bytes(
        course, store, lines("Ann\x1b]0;owned\x07", "Ann Lee", "", "", "1", "q")
    )
    assert status == 0
    assert "control characters" in out
    assert [ln.name for ln in store.learners()] == ["Ann Lee"]


def test_very_long_line_is_refused_without_keeping_it(course: Course, store: RecordsStore) -> None:
    status, out = drive_bytes(course, store, lines("x" * 50_000, "Ann Lee", "", "", "1", "q"))
    assert status == 0
    assert "That line is too long" in out
    assert [ln.name for ln in store.learners()] == ["Ann Lee"]
    assert len(out) < 20_000


@pytest.mark.parametrize("typed", ["²", "١", HUGE])
def test_odd_numbers_at_every_numeric_prompt(
    course: Course, store: RecordsStore, typed: str
) -> None:
    # role prompt, dashboard, module menu, a single and a multi question
    script = ["", "", typed, "1", typed, "1", typed, "1", typed, "2", "", typed, "1,3", "", "1"]
    status, out = drive_bytes(course, store, lines(*script, "", "", "q"), learner="Ann")
    assert status == 0
    assert "Result: passed." in out
    assert "Traceback" not in out
    assert HUGE not in out  # never echoed back whole in a message
    (attempt,) = store.attempts()
    assert attempt.status == "passed"


def test_menu_at_dashboard_learner_and_certificate_prompts(
    course: Course, store: RecordsStore, tmp_path: Path
) -> None:
    status, out = drive_bytes(
        course,
        store,
        lines("menu", "Ann Lee", "menu", "Ann Lee", "", "", "1", "menu", "c", "q"),
    )
    assert status == 0
    assert "The dashboard comes once a learner is chosen." in out
    assert "You are at the dashboard." in out
    assert [ln.name for ln in store.learners()] == ["Ann Lee"]
    store.add_learner("Bo", "employee")
    status, out = drive_bytes(course, store, lines("1", "l", "menu", "q"))  # learner list
    assert status == 0 and "Back to the dashboard." in out


def test_menu_at_certificate_file_prompt(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    script = lines("", "", "1", *PERFECT, "c", "menu", "q")
    status, out = drive_bytes(course, store, script, learner="Ann")
    assert status == 0, out
    assert "File name for the certificate." in out
    assert "Back to the dashboard." in out
    assert store.certificates() == []


def test_records_failure_mid_module_keeps_what_was_saved(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Session.answer
    calls = {"n": 0}

    def failing_second_answer(self: Session, chosen: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreFull("The disk is full: the answer was not saved.")
        return real(self, chosen)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "answer", failing_second_answer)
    status, out = drive_bytes(
        course, store, lines("", "", "1", "1", "1", "2", "", "1,3", "q"), learner="Ann"
    )
    assert status == 0, out
    assert "The disk is full: the answer was not saved." in out
    assert "Everything saved before that stays saved." in out
    (attempt,) = store.attempts()
    assert attempt.status == "in-progress"
    assert [a.step_id for a in store.answers(attempt.id)] == ["s1"]
    monkeypatch.setattr(Session, "answer", real)
    status, out = drive_bytes(course, store, lines("1", "1", "1,3", "", "1", "", "", "q"), "Ann")
    assert "Resuming Basics for testing: 1 answer already saved." in out
    assert "Result: passed." in out


def test_dashboard_keys_do_not_depend_on_the_role(course: Course, store: RecordsStore) -> None:
    keys = {}
    for name, role in (("Em", "employee"), ("Co", "contractor"), ("Un", "uniformed")):
        store.add_learner(name, role)
        _, out = drive_bytes(course, store, lines("q"), learner=name)
        keys[role] = [ln.split(".")[0] for ln in out.splitlines() if ln[1:3] == ". "]
    for role_keys in keys.values():
        assert role_keys[-5:] == ["a", "c", "r", "l", "q"]
    assert "Attempt history for Em" in drive_bytes(course, store, lines("a", "q"), "Em")[1]


def test_certificate_default_is_the_visible_documents_folder(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    documents = tmp_path / "home" / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    status, out = drive_bytes(course, store, lines("", "", "1", *PERFECT, "c", "", "q"), "Ann")
    assert status == 0, out
    (pdf,) = documents.glob("*.pdf")
    assert pdf.name.startswith("certificate-plain-fixture-ann-")
    assert f"Suggested file: {pdf}" in out and f"Certificate saved: {pdf}" in out
    assert not list(tmp_path.glob("*.pdf"))  # not the folder plain mode was started in


def test_certificate_file_name_that_cannot_be_used_asks_again(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-folder").mkdir()
    script = ["", "", "1", *PERFECT, "c", "~no-such-user-e2/c.pdf", "a-folder", "x" * 300, "menu"]
    status, out = drive_bytes(course, store, lines(*script, "q"), "Ann")
    assert status == 0, out
    assert out.count("That file name cannot be used") == 2
    assert "a-folder is a folder." in out
    assert store.certificates() == []


def test_answer_into_an_attempt_closed_elsewhere_is_refused_and_explained(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Window B's 'Start again' closes window A's attempt: A's next answer is not recorded
    into the closed attempt, A is told so, and A can go on with the newer attempt."""
    real = Session.answer
    calls = {"n": 0}

    def other_window_restarts(self: Session, chosen: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:  # before A's second answer, B starts the module again
            learner = store.find_learner("Ann")
            assert learner is not None
            with RecordsStore(store.path) as other:
                Session.start_new(other, course, self.module, learner)
        return real(self, chosen)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "answer", other_window_restarts)
    script = lines("", "", "1", "1", "1", "2", "", "1,3", "1", "1", "2", "", "1,3", "", "1", "", "")
    status, out = drive_bytes(course, store, script + lines("q"), learner="Ann")
    assert status == 0, out
    assert "This attempt was closed in another window or session" in out
    first, second = store.attempts()
    assert first.status == "abandoned"
    assert [a.step_id for a in store.answers(first.id)] == ["s1"]  # nothing after closing
    assert second.status == "passed"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("王小明", "The certificate cannot print these characters of the name: 王 (U+738B)"),
        ("Ann " + "x" * 250, "characters long; the limit is 200 characters"),
        ("Ann\u202eLee", "control characters"),
    ],
)
def test_a_name_the_certificate_cannot_print_is_refused_when_typed(
    course: Course, store: RecordsStore, name: str, why: str
) -> None:
    status, out = drive_bytes(course, store, lines(name, "Ann Lee", "", "", "1", "q"))
    assert status == 0, out
    assert why in out
    assert [ln.name for ln in store.learners()] == ["Ann Lee"]


def test_an_id_too_long_asks_for_the_details_again(course: Course, store: RecordsStore) -> None:
    script = lines("Ann Lee", "7" * 300, "", "1", "Ann Lee", "E-1", "", "1", "q")
    status, out = drive_bytes(course, store, script)
    assert status == 0, out
    assert "Nothing was saved; please give the details again." in out
    (learner,) = store.learners()
    assert learner.external_id == "E-1"


def test_menu_after_a_finished_module_does_not_say_it_stays_open(
    course: Course, store: RecordsStore
) -> None:
    script = lines("", "", "1", *PERFECT[:-1], "menu", "q")
    status, out = drive_bytes(course, store, script, learner="Ann")
    assert status == 0, out
    assert "Result: passed." in out
    assert "The module stays open" not in out
