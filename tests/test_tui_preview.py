"""``trainer preview`` in the terminal app: the learner's screens, a banner, nothing recorded,
jump to a step, and Ctrl+R reload after an edit (valid and broken).

Like tests/tui/test_tui_flow.py: 80×24, textual-dark theme, NO_COLOR unset, a copy of the small
fixture course in tests/fixtures/tui_course/ (so edits never touch the fixture).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tui_fixtures import screen_text
from trainer.tui.preview import (
    BANNER,
    PreviewApp,
    PreviewError,
    PreviewIntroScreen,
    PreviewPlayerScreen,
    PreviewResultsScreen,
    ProblemsScreen,
    StepList,
    StepPickScreen,
    make_app,
    run_preview,
)
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.resources import ResourcesScreen
from trainer.tui.widgets.footer import KeyFooter

FIXTURE = Path(__file__).parent / "fixtures" / "tui_course"
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("TRAINER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def module_file(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "course")
    return tmp_path / "course" / "modules" / "m1-signs.yaml"


def preview(path: Path, **kwargs: object) -> PreviewApp:
    app = make_app(path, role="employee", **kwargs)  # type: ignore[arg-type]
    app.theme = "textual-dark"
    return app


def footer_keys(app: PreviewApp) -> list[str]:
    """Each key shown in the footer, e.g. " ^r Reload file " (those within its width)."""
    footer = app.screen.query_one(KeyFooter)
    footer.render()  # each key's columns, as last drawn
    return [
        f" {key.key_display} {key.description} "
        for key, (start, _) in zip(footer.keys, footer._spans, strict=True)
        if start < footer.region.width
    ]


def assert_nothing_written(tmp_path: Path) -> None:
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "xdg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course"]
    assert sorted(p.name for p in (tmp_path / "course").rglob("*")) == sorted(
        p.name for p in FIXTURE.rglob("*")
    )


async def test_preview_takes_the_module_to_the_end_and_records_nothing(
    module_file: Path, tmp_path: Path
) -> None:
    app = preview(module_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PreviewIntroScreen)
        text = screen_text(app)
        assert BANNER in text and "Notice signs of control." in text
        assert "Required for your role" in text  # found in the course next to the module
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        assert app.screen.session.store is None
        text = screen_text(app)
        assert BANNER in text and "Scenario 1 of 2 · Step 1 · Question 1" in text
        assert "What matters most here?" in text
        assert any("Reload file" in key for key in footer_keys(app))
        await pilot.press("2", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert BANNER in text and "✔ Correct · 2 of 2 points" in text
        await pilot.press("enter", "1", "3", "enter")
        await pilot.pause()
        assert "✔ Correct · 3 of 3 points" in screen_text(app)
        await pilot.press("enter", "enter")  # "True" first: the myth
        await pilot.pause()
        assert "✘ Incorrect · 0 of 1 point" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PreviewResultsScreen)
        text = screen_text(app)
        assert BANNER in text
        assert "✔ PASSED · 5 of 6 points = 83% · pass mark 60%" in text
        assert "Free to leave: still to work on · 0% of the points" in text
        assert "Initial consent: understood · 100% of the points" in text
        assert "Press t to restart the preview" in text
        keys = footer_keys(app)
        assert any("Restart preview" in key for key in keys)
        assert not any("History" in key or "Dashboard" in key for key in keys)
        await pilot.press("h", "escape")  # no history or dashboard in a preview
        await pilot.pause()
        assert isinstance(app.screen, PreviewResultsScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        assert "Scenario 1 of 2 · Step 1 · Question 1" in screen_text(app)
        assert app.screen.session.attempt.answers == []
    assert_nothing_written(tmp_path)


async def test_banner_on_help_resources_and_after_pausing(
    module_file: Path, tmp_path: Path
) -> None:
    app = preview(module_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and BANNER in screen_text(app)
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert isinstance(app.screen, ResourcesScreen)
        assert BANNER in screen_text(app) and "Fixture Tip Line" in screen_text(app)
        await pilot.press("f2", "escape")  # close; Esc pauses back to the intro
        await pilot.pause()
        assert isinstance(app.screen, PreviewIntroScreen)
        text = screen_text(app)
        assert BANNER in text and "1 answer given in this preview (not recorded)" in text
        await pilot.press("enter")
        await pilot.pause()
        assert "Step 2 · Question 2" in screen_text(app)  # continues the same session
    assert_nothing_written(tmp_path)


async def test_start_step_jumps_there(module_file: Path) -> None:
    app = preview(module_file, start_step="lobby/s3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)  # no intro when jumping
        text = screen_text(app)
        assert BANNER in text and "Step 2 · Question 2" in text
        assert "agreeing at the start means it cannot be trafficking" in text
        assert app.messages == [
            "Jumped to lobby/s3; 1 decision before it was answered automatically."
        ]
        await pilot.press("2", "enter")
        await pilot.pause()
        assert "✔ Correct" in screen_text(app)


async def test_g_lists_every_step_and_goes_to_the_one_picked(module_file: Path) -> None:
    app = preview(module_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, StepPickScreen)
        text = screen_text(app)
        assert BANNER in text and "g go to step" in text
        for spec in ("lobby/s1", "lobby/s2", "lobby/s3", "phone/p1"):
            assert spec in text
        await pilot.press("escape")  # closes; nothing changed
        await pilot.pause()
        assert isinstance(app.screen, PreviewIntroScreen)
        await pilot.press("g", "down", "down", "down", "enter")  # phone/p1
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        question = app.screen.session.current
        assert question is not None
        assert (question.scenario.id, question.step.id) == ("phone", "p1")
        assert app.messages[-1] == (
            "Jumped to phone/p1; 2 decisions before it were answered automatically."
        )
        await pilot.press("g")  # opens on the step being shown
        await pilot.pause()
        steps = app.screen.query_one("#steps", StepList)
        assert steps.highlighted is not None
        assert steps.get_option_at_index(steps.highlighted).id == "phone/p1"
        await pilot.press("home", "enter")  # back to the very first step
        await pilot.pause()
        question = app.screen.session.current
        assert question is not None and (question.scenario.id, question.step.id) == (
            "lobby",
            "s1",
        )
        assert "nothing was answered for you" in app.messages[-1]
        await pilot.press("question_mark")
        await pilot.pause()
        assert "go to any step" in screen_text(app)


def test_start_errors_are_reported_with_a_status(
    module_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(PreviewError, match="no step 'zz' in scenario 'lobby'") as err:
        make_app(module_file, start_step="lobby/zz")
    assert err.value.status == 2
    module_file.write_text("kind: module\nformat: 1\nid: [\n", encoding="utf-8")
    assert run_preview(module_file) == 1
    assert "m1-signs.yaml:" in capsys.readouterr().err


async def test_reload_after_a_valid_edit_restarts_at_the_same_step(module_file: Path) -> None:
    app = preview(module_file, start_step="lobby/s2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Select every sign of control." in screen_text(app)
        text = module_file.read_text(encoding="utf-8")
        module_file.write_text(
            text.replace("Select every sign of control.", "Tick every sign of control."),
            encoding="utf-8",
        )
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        text = screen_text(app)
        assert "Tick every sign of control." in text and "Step 2 · Question 2" in text
        assert BANNER in text
        assert "Reloaded m1-signs.yaml (version 1.0.0). Back at lobby/s2." in app.messages
        await pilot.press("1", "3", "enter")
        await pilot.pause()
        assert "✔ Correct · 3 of 3 points" in screen_text(app)


async def test_reload_when_the_step_is_gone_starts_from_the_beginning(
    module_file: Path,
) -> None:
    app = preview(module_file, start_step="lobby/s3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = module_file.read_text(encoding="utf-8")
        head, _, tail = text.partition("      - id: s3\n")
        module_file.write_text(
            head.replace("next: s3", "next: s2") + tail[tail.index("  - id: phone") :],
            encoding="utf-8",
        )
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        assert "Step 1 · Question 1" in screen_text(app)
        assert any(
            "lobby/s3 no longer exists" in m and "from the beginning" in m for m in app.messages
        )


async def test_reload_after_a_broken_edit_shows_the_problem_and_keeps_running(
    module_file: Path,
) -> None:
    app = preview(module_file, start_step="lobby/s2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = module_file.read_text(encoding="utf-8")
        broken = text.replace("    points: 3\n", "    points: lots\n")
        assert broken != text
        line = broken.splitlines().index("        points: lots") + 1
        module_file.write_text(broken, encoding="utf-8")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        shown = screen_text(app)
        assert BANNER in shown and "still previewing the previous version" in shown
        assert f"m1-signs.yaml:{line}:" in shown, shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        assert "Select every sign of control." in screen_text(app)  # the previous version
        await pilot.press("1", "3", "enter")
        await pilot.pause()
        assert "✔ Correct · 3 of 3 points" in screen_text(app)
        module_file.write_text(text, encoding="utf-8")  # fixed: reload works again
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PreviewPlayerScreen)
        assert "Step 2 · Question 2" in screen_text(app)  # the step whose feedback was shown


async def test_footer_keys_fit_in_80_columns(module_file: Path) -> None:
    app = preview(module_file)
    async with app.run_test(size=SIZE) as pilot:
        for keys in ((), ("enter",), ("2", "enter")):  # intro, question, feedback
            await pilot.press(*keys)
            await pilot.pause()
            footer = app.screen.query_one(KeyFooter)
            footer.render()  # each key's columns
            shown = [
                (key, end)
                for key, (start, end) in zip(footer.keys, footer._spans, strict=True)
                if start < footer.region.width
            ]
            assert all(end <= SIZE[0] for _, end in shown)
            assert any(key.description == "Reload file" for key, _ in shown), type(app.screen)
