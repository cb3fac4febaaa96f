"""What a screen's first frame holds, and what the app builds around it (#20): the learner
list's first frame has the learners in it (start-up read them), and a footer is built once
when its screen opens, not once per change of the screen's bindings."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer, Input

from tests.fresh_python import fresh_python_json
from tests.tui_fixtures import SIZE, footer_text, make_app, press, settle
from trainer.bank.model import Course
from trainer.records.store import RecordsStore
from trainer.tui.screens.dashboard import DashboardScreen
from trainer.tui.screens.learner_form import LearnerFormScreen
from trainer.tui.screens.learners import LearnerPickScreen
from trainer.tui.widgets.footer import KeyFooter


def _first_frames(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None]]:
    """Each frame the app draws: the screen's class and, on the learner list, its options."""
    frames: list[tuple[str, int | None]] = []
    real = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        real(self, screen, renderable)
        if renderable is not None and screen is self.screen:
            found = screen.query("#learners")
            count = found.first().option_count if found else None
            frames.append((type(screen).__name__, count))

    monkeypatch.setattr(App, "_display", display)
    return frames


async def test_the_learner_lists_first_frame_has_the_learners(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up reads the learners the list shows (before: a worker thread read them after
    the first frame, which showed an empty list), and no thread reads them again."""
    for name in ("Ana Smith", "Bo Lee", "Cai Wu"):
        store.add_learner(name, "employee")
    threads: list[str] = []
    real = store._rows

    def rows(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "_rows", rows)
    frames = _first_frames(monkeypatch)
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LearnerPickScreen)
        first = next(f for f in frames if f[0] == "LearnerPickScreen")
        assert first == ("LearnerPickScreen", 4)  # three learners and "+ Add a new learner"
        assert threads == [threading.main_thread().name]  # one read, before the first frame
        await press(pilot, "down", "enter")  # the list works as before: Bo's dashboard
        assert isinstance(app.screen, DashboardScreen)
        assert app.learner is not None and app.learner.name == "Bo Lee"


async def test_the_new_learner_forms_first_frame_has_the_name_field_only(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine with no learners the first screen is the form; its first frame (after
    the app's start-up batch, the first one shown) has the name field, the rest follows.
    (Its wait for the end of that batch once kept the event loop busy until its limit, and
    the whole form was mounted before the first frame.)"""
    frames: list[tuple[bool, int]] = []
    real = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        real(self, screen, renderable)
        if (
            renderable is not None
            and not self._batch_count
            and isinstance(screen, LearnerFormScreen)
        ):
            frames.append((screen.complete, len(screen.query(Input))))

    monkeypatch.setattr(App, "_display", display)
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(50):
            if frames and frames[-1] == (True, 3):
                break
            await pilot.pause(0.02)
        assert frames[0] == (False, 1), frames
        assert frames[-1] == (True, 3), frames


async def test_a_footer_is_drawn_once_when_its_screen_opens_and_again_when_its_keys_change(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_learner("Ana Smith", "employee")
    changes: list[str] = []
    real = KeyFooter.update_keys

    def update_keys(self: KeyFooter) -> None:
        before = self.keys
        real(self)
        if self.keys != before:
            changes.append(type(self.screen).__name__)

    monkeypatch.setattr(KeyFooter, "update_keys", update_keys)
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, DashboardScreen)
        await settle(pilot)
        # Textual's footer is rebuilt three times as a screen opens (the screen shown, the
        # focus, the highlighted option), each time with the same keys. These keys were
        # read for the screen's first frame: none of those changes draws them again.
        assert changes == [], changes
        assert "History" in footer_text(app) and "Open" in footer_text(app)
        app.screen.set_focus(None)  # no list focused: its "Open" key goes away
        await settle(pilot)
        assert changes == ["DashboardScreen"]
        assert "Open" not in footer_text(app) and "History" in footer_text(app)


def _bottom_line(app: App[Any]) -> list[tuple[str, str]]:
    strip = app.screen._compositor.render_strips()[-1].simplify()
    return [(segment.text, str(segment.style)) for segment in strip]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark", "high"])
async def test_the_footer_looks_as_textuals_footer_does(
    course: Course, store: RecordsStore, theme: str
) -> None:
    """The same characters in the same styles on every screen's bottom line, in each of the
    app's themes (the high-contrast one too), with the mouse over a key or not (the key
    under the mouse is styled by the same rule on every screen: it is checked on the first
    two, to keep the suite's time)."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store, high_contrast=theme == "high")
    async with app.run_test(size=SIZE) as pilot:
        if theme != "high":
            app.theme = theme
        await settle(pilot)
        for n, keys in enumerate(((), ("enter",), ("down",), ("h",), ("escape", "enter"))):
            await press(pilot, *keys)
            for hover in (False, True) if n < 2 else (False,):
                line, wanted = await _ours_and_textuals(pilot, hover)
                assert "".join(t for t, _ in line).strip(), line
                assert line == wanted, (keys, hover)


async def _ours_and_textuals(pilot, hover: bool):  # type: ignore[no-untyped-def]
    """The bottom line with our footer, then with Textual's in its place."""
    app = pilot.app
    ours = app.screen.query_one(KeyFooter)
    if hover:
        await pilot.hover(KeyFooter, offset=(12, 0))
        await settle(pilot)
    line = _bottom_line(app)
    ours.display = False
    theirs = Footer()
    await app.screen.mount(theirs)
    theirs.call_later(theirs.bindings_changed, app.screen)  # built on a change
    await settle(pilot)
    if hover:
        await pilot.hover(Footer, offset=(12, 0))
        await settle(pilot)
    wanted = _bottom_line(app)
    await theirs.remove()
    ours.display = True
    await pilot.hover(None, offset=(0, 0))
    await settle(pilot)
    return line, wanted


async def test_the_footer_is_drawn_in_a_new_theme(course: Course, store: RecordsStore) -> None:
    """The footer keeps the line it drew for a set of keys: a change of theme draws it
    again, in the new theme's colours (as Textual's footer is)."""
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")  # the dashboard, drawn in the dark theme
        before = _bottom_line(app)
        app.theme = "textual-light"
        await settle(pilot)
        line, wanted = await _ours_and_textuals(pilot, hover=False)
        assert line == wanted and line != before


async def test_a_click_on_a_key_in_the_footer_presses_it(
    course: Course, store: RecordsStore
) -> None:
    store.add_learner("Ana Smith", "employee")
    app = make_app(course, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, DashboardScreen)
        footer = app.screen.query_one(KeyFooter)
        footer.render()
        index = [k.description for k in footer.keys].index("History")
        await pilot.click(KeyFooter, offset=(footer._spans[index][0] + 1, 0))
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"


def test_the_dashboard_service_does_not_import_the_engine_or_the_session() -> None:
    """The first Enter's read (the dashboard) imports neither: opening a module does."""
    code = (
        "import json, sys; import trainer.service.modules; "
        "print(json.dumps(sorted(m for m in ('trainer.engine', 'trainer.session', "
        "'trainer.scoring') if m in sys.modules)))"
    )
    assert fresh_python_json(code) == []


def test_the_first_enter_defines_no_dataclass() -> None:
    """What the first Enter imports (the course's model, the dashboard's service and screen)
    defines no dataclass: each frozen one cost ~1.3 ms of that Enter (19 of them did)."""
    code = (
        "import dataclasses, json\n"
        "import trainer.tui.app, trainer.tui.screens.learners  # start-up's\n"
        "made = []\n"
        "real = dataclasses._process_class\n"
        "def counted(cls, *args, **kwargs):\n"
        "    made.append(cls.__module__ + '.' + cls.__qualname__)\n"
        "    return real(cls, *args, **kwargs)\n"
        "dataclasses._process_class = counted\n"
        "import trainer.bank.model, trainer.bank.cache_body, trainer.service.modules\n"
        "import trainer.tui.screens.dashboard\n"
        "print(json.dumps(made))"
    )
    assert fresh_python_json(code) == []


@pytest.mark.parametrize("size", [SIZE, (100, 40)])
async def test_a_screen_is_drawn_for_its_size_from_its_first_frame(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Each screen has its size class ("-short" at 24 lines, "-tall" at 36 and more) from
    its first frame: Textual gives it on the screen's first resize, after that frame, and
    the whole screen was restyled and drawn again (the player's story, laid out for a short
    screen on a tall one, jumped)."""
    store.add_learner("Ana Smith", "employee")
    wanted = "-short" if size[1] < 36 else "-tall"
    drawn: list[tuple[str, bool]] = []
    real = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        real(self, screen, renderable)
        if renderable is not None and screen is self.screen:
            drawn.append((type(screen).__name__, screen.has_class(wanted)))

    monkeypatch.setattr(App, "_display", display)
    app = make_app(course, store)
    async with app.run_test(size=size) as pilot:
        await press(pilot, "enter", "enter", "enter")  # dashboard, introduction, question
        assert type(app.screen).__name__ == "PlayerScreen"
    kinds = {kind for kind, _ in drawn}
    assert {"LearnerPickScreen", "DashboardScreen", "ModuleIntroScreen", "PlayerScreen"} <= kinds
    assert [kind for kind, has in drawn if not has] == []


def _styles(screen: Any) -> list[tuple[str, str | None, object, str]]:
    """Every node's rules and style, in DOM order."""
    return [
        (type(node).__name__, node.id, node._css_styles.get_rules(), str(node.rich_style))
        for node in screen.walk_children(with_self=True)
    ]


async def test_a_screen_is_styled_once_as_it_is_first_shown(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen's nodes are styled as they are mounted; Textual then restyled the whole
    screen as it resumed (~7 ms for the dashboard). Skipped the first time, the styles are
    still those that restyle gives, on the learner list, dashboard, introduction and player."""
    store.add_learner("Ana Smith", "employee")
    restyled: list[str] = []
    real = App.update_styles

    def update_styles(self: App[Any], node: Any, animate: bool = True) -> None:
        if isinstance(node, Screen):
            restyled.append(type(node).__name__)
        real(self, node, animate)

    monkeypatch.setattr(App, "update_styles", update_styles)
    app = make_app(course, store)
    shown = []
    async with app.run_test(size=SIZE) as pilot:
        for keys in ((), ("enter",), ("enter",), ("enter",)):
            await press(pilot, *keys)
            screen = app.screen
            shown.append(type(screen).__name__)
            assert restyled == [], shown
            before = _styles(screen)
            screen.update_node_styles(animate=False)  # the restyle Textual would have done
            assert _styles(screen) == before, shown
            restyled.clear()
    assert shown == ["LearnerPickScreen", "DashboardScreen", "ModuleIntroScreen", "PlayerScreen"]


@pytest.mark.parametrize("size", [SIZE, (100, 36)])
async def test_a_screens_first_frame_is_what_it_settles_on(
    course: Course, store: RecordsStore, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The first frame of the learner list, the dashboard and a module's first question is
    the whole screen, its footer keys included (they came a frame later), the choices
    wrapped under their text and focused (the focus bar was on the story for a frame): the
    frames drawn after it, as the screen settles, show the same. The benchmarks time the
    start and the first Enter to that frame. (A module's introduction draws its scroll
    bar's thumb a frame later, and its hint once its read is in.)"""
    store.add_learner("Ana Smith", "employee")
    frames: dict[str, list[list[list[object]]]] = {}
    real = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        real(self, screen, renderable)
        if renderable is not None and screen is self.screen:
            lines = [list(strip.simplify()) for strip in screen._compositor.render_strips()]
            frames.setdefault(type(screen).__name__, []).append(lines)

    monkeypatch.setattr(App, "_display", display)
    app = make_app(course, store)
    async with app.run_test(size=size) as pilot:
        await press(pilot, "enter", "enter", "enter")  # dashboard, introduction, question
        assert type(app.screen).__name__ == "PlayerScreen"
    del frames["ModuleIntroScreen"]
    assert set(frames) == {"LearnerPickScreen", "DashboardScreen", "PlayerScreen"}
    for name, drawn in frames.items():
        assert len(drawn) > 1 and drawn[0] == drawn[-1], name
