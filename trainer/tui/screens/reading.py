"""Screens that read the records in a worker thread, and the keys typed before the read is in.

A read runs in a thread (records on a server may take a while), so the screen is drawn and
keeps taking keys meanwhile. Its words come only once the read is in; a key that needs them
(Enter on a module, Down in a list that is still empty) must not act on an empty screen nor
be lost. So, while the screen reads, it holds the keys that reach it, in order, and sends
them again once the read is in (shown or failed): they act as they would have had the read
been instant. Keys that leave or quit act at once when nothing is held before them (Esc, q,
help); Ctrl+C and F2 always do (they are the app's priority keys). A read that takes longer
than READING_NOTE_AFTER says so; a quick one repaints nothing for it.

Why held keys are sent to the app again rather than run here: Textual routes a key to the
widget that has the focus when the key arrives and looks its binding up when the key comes
back up to the app, so only a key sent again is routed as a new one would be (to another
screen, if an earlier key opened one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual import events, on
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from trainer.records.errors import StoreError
from trainer.tui.widgets.flat import FlatLines

T = TypeVar("T")

READING_NOTE_AFTER = 0.15  # seconds: "Reading your records…" only after this
READING_NOTE = "… Reading your records…"
SENT_TAKEN_AFTER = 0.25  # seconds: a key sent again and not back by then was taken on the way


def breakpoint_classes(screen: Screen[Any]) -> set[str]:
    """The breakpoint classes Textual's Screen._on_resize gives ``screen`` at the app's
    size now (none without a running app)."""
    try:
        width, height = screen.app.size
    except RuntimeError:  # Textual's NoActiveAppError: no app running
        return set()
    app = screen.app
    classes: set[str] = set()
    for size, breakpoints in (
        (width, _or_app(screen.HORIZONTAL_BREAKPOINTS, app.HORIZONTAL_BREAKPOINTS)),
        (height, _or_app(screen.VERTICAL_BREAKPOINTS, app.VERTICAL_BREAKPOINTS)),
    ):
        for breakpoint, class_name in sorted(breakpoints, reverse=True):
            if size >= breakpoint:
                classes.add(class_name)
                break
    return classes


def _or_app(
    own: list[tuple[int, str]] | None, app: list[tuple[int, str]] | None
) -> list[tuple[int, str]]:
    return (app if own is None else own) or []


class ReadsRecords(FlatLines, Screen[None]):
    """A screen whose words come from a read of the records done in a worker thread.
    Its background is drawn one line, repeated (FlatLines)."""

    # Keys that act at once while the records are read, when no key is held before them.
    ACT_AT_ONCE: ClassVar[frozenset[str]] = frozenset({"escape", "q", "question_mark", "f1"})
    # False for a screen whose "read" is of memory (the preview's intro): done at once.
    READ_IN_THREAD: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        # The size classes ("-short", "-tall") Textual gives a screen on its first resize,
        # which comes after the screen's first frame: given then, they restyled the whole
        # screen (~7 ms here) and drew it a second time, laid out for its size only then.
        self.add_class(*breakpoint_classes(self), update=False)
        self.reading = True  # until the first read is in, keys wait for it
        self._held: list[events.Key] = []
        self._sent: events.Key | None = None  # the held key sent again, not yet back here
        self._note: Timer | None = None
        self._reads = 0  # reads started
        self._busy = False  # a key has gone on to the app, which has not acted on it yet

    # ------------------------------------------------------------------ reading
    def read_records(
        self,
        read: Callable[[], T],
        shown: Callable[[T], Awaitable[None] | None],
        unreadable: Callable[[StoreError], None],
    ) -> None:
        """Run ``read`` in a thread; then ``shown(result)`` (awaited if it mounts widgets)
        or ``unreadable(error)`` here, before the held keys are sent on. A newer read
        replaces one still running (its result is never shown)."""
        if not self.READ_IN_THREAD:
            try:
                result = read()
            except StoreError as exc:
                self._read_done()
                unreadable(exc)
            else:
                self._read_done()
                shown(result)  # a screen read at once words itself without mounting
            self._send_held()
            return
        self.reading = True
        self._reads += 1
        if self._note is None:
            self._note = self.set_timer(READING_NOTE_AFTER, self._say_reading)
        number = self._reads

        async def work() -> None:  # made when the worker starts (one replaced first never is)
            await self._read(read, shown, unreadable, number)

        # Any: Textual types a worker's callable as returning Coroutine[None, None, T].
        runs: Any = work
        self.run_worker(runs, exclusive=True, group="records-read")

    async def _read(
        self,
        read: Callable[[], T],
        shown: Callable[[T], Awaitable[None] | None],
        unreadable: Callable[[StoreError], None],
        number: int,
    ) -> None:
        try:
            result = await asyncio.to_thread(read)
        except StoreError as exc:  # e.g. the records server is away: the screen says so
            self._read_done()
            unreadable(exc)
        else:
            self._stop_note()
            showing = shown(result)
            if showing is not None:
                await showing  # keys still wait: what they act on is being mounted
            if number == self._reads:  # no newer read was started meanwhile
                self._read_done()
        self._send_held()

    def _read_done(self) -> None:
        self.reading = False
        self._stop_note()

    def _stop_note(self) -> None:
        if self._note is not None:
            self._note.stop()
            self._note = None

    def _say_reading(self) -> None:
        self._note = None
        if self.reading:
            self.say_reading(READING_NOTE)

    def say_reading(self, note: str) -> None:
        """Show ``note`` while a slow read is running (each screen says where)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ keys
    def on_key(self, event: events.Key) -> None:
        if not self.is_current:
            # Routed here before a key ahead of it showed another screen: sent again, to
            # that screen (which holds it if it is still reading), not looked up there
            # from here.
            event.stop()
            event.prevent_default()
            self.app.post_message(self._again(event))
            return
        if event is self._sent:  # a held key, on its way again
            self._sent = None
            if self.reading and not self.passes_while_reading(event):
                # The key before it started a read (a search): it waits again, first.
                event.stop()
                event.prevent_default()
                self._held.insert(0, event)
            else:  # it acts now; the next one once the app has acted on it
                self._acting()
            return
        if self._sent is not None and event.time >= self._sent.time:
            self._sent = None  # typed after it, so routed after it: it was taken on the way
        if self.passes_while_reading(event):
            return
        busy = self._held or self._sent is not None or self._busy
        if not (self.reading or busy) or (event.key in self.ACT_AT_ONCE and not busy):
            self._acting()
            return
        event.stop()
        event.prevent_default()
        self._held.append(event)

    def _acting(self) -> None:
        """A key goes on to the app, which looks its binding up once the key reaches it:
        the keys behind it wait until then. (Textual passes every key of a burst through
        the screen before the first one's action runs: "Enter Enter" on the dashboard
        opened the module, then the second Enter was looked up on its introduction before
        it had read anything.)"""
        self._busy = True
        # Posted to the app now, this would run before the key, which reaches the app
        # only after this handler; posted from there, it runs after it.
        self.app.call_later(self.app.call_later, self._acted)

    def _acted(self) -> None:
        self._busy = False
        if self.is_current:
            self._send_held()
        else:  # the key showed another screen (or closed this one): the rest follow it
            self.pass_keys_on()

    def passes_while_reading(self, event: events.Key) -> bool:
        """Whether ``event`` acts at once while the screen reads (a screen may say)."""
        return False

    def drop_in_turn(self, event: events.Key) -> None:
        """Drop ``event``, a key with nothing to act on (a screen's ``on_key`` says so before
        this class's runs), in its turn: at once when no key is held or on its way before it,
        and the keys behind it go on; otherwise it is held as usual, and comes back to that
        ``on_key`` when its turn comes."""
        if event is self._sent:
            self._sent = None
        elif self._held or self._sent is not None or self._busy:
            return
        event.stop()
        event.prevent_default()  # this class's on_key does not see it
        self._send_held()

    def _send_held(self, *, here: bool = True) -> None:
        """Send the held keys to the app again once the read is in and this screen is the
        one shown (otherwise when it is shown again): one at a time, each once what the one
        before did is on the screen, as a quick typist's keys would come. ``here=False``:
        all of them at once, to whichever screen is shown now (one that reads holds them
        in its turn)."""
        if not here:
            if not self.reading:
                self.pass_keys_on()
            return
        if self.reading or self._sent is not None or self._busy or not self._held:
            return
        if not self.is_current:
            return
        key = self._again(self._held.pop(0))
        if key.is_printable and isinstance(self.app.focused, Input):
            # The box takes it on the way: it never comes back here.
            self.app.post_message(key)
            self._acting()
            return
        self._sent = key
        self.app.post_message(key)
        # Any other widget that takes it on the way: the keys behind go on after a moment.
        self.set_timer(SENT_TAKEN_AFTER, partial(self._sent_taken, key))

    def _again(self, old: events.Key) -> events.Key:
        key = events.Key(old.key, old.character)
        # From the app, as a typed key is: a key sent by this screen would stop bubbling
        # here, before the app looks its binding up.
        key.set_sender(self.app)
        return key

    def _sent_taken(self, key: events.Key) -> None:
        if self._sent is key:
            self._sent = None
            self._send_held()

    def pass_keys_on(self) -> None:
        """Send every held key now, to whichever screen is shown (this one has just made
        way for another, e.g. the module's player)."""
        held, self._held = self._held, []
        self._sent = None
        for old in held:
            self.app.post_message(self._again(old))

    def on_screen_suspend(self) -> None:
        # Another screen is shown over this one (an earlier key opened it): the keys held
        # behind go to it, as they would have.
        self._sent = None
        self._send_held(here=False)

    def on_screen_resume(self) -> None:
        self._send_held()

    _timer_started = False

    @on(events.ScreenResume)
    async def _start_update_timer(self, event: events.ScreenResume) -> None:
        if not self._timer_started:
            # Shown for the first time: Textual lays the screen out and draws its first
            # frame just after this. Its update timer starts now, so that the refresh
            # Textual always makes right after a screen's first frame (the layout settling,
            # the footer's keys) comes at once. Started by Textual, at the first change
            # after that frame, its first tick waits a whole frame period (1/60 s).
            self._timer_started = True
            # Every node was styled as it was mounted, just now: Textual's restyle of the
            # whole screen as it resumes (for a screen coming back, whose styles may be
            # stale) would do it all again (~7 ms for the dashboard here).
            event.refresh_styles = False
            self._update_timer.resume()
            await asyncio.sleep(0)  # the timer's task starts its period now
