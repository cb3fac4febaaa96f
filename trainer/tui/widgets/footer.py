"""Textual's Footer, without restyling every key twice each time it is built, and built
again only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """A :class:`Footer` whose keys start in the footer's own style (compact or not), and
    that is rebuilt only when what it would show changes.

    Textual's ``FooterKey`` starts compact and is then bound to the footer's style, which is
    not compact: on every build of the footer each key gains and loses a CSS class, and
    restyles itself each time. That is a third of the footer's build time, and the footer is
    built at least once per screen (start-up included). Starting each bound key in the
    footer's style makes both changes no-ops; what is shown is the same.

    Textual's footer also rebuilds itself after every change of the screen's bindings (a
    focus change, a screen shown: often three times in a row when a screen opens, ~7 ms
    each), whether or not the keys shown differ. Here the changes that arrive before the
    next refresh make one check, and the footer is rebuilt only if its keys differ.
    """

    _shown: object = None  # what the keys shown were built from
    _check_queued = False

    def _keys_wanted(self) -> object:
        if not self._bindings_ready:
            return None
        display = self.app.get_key_display
        keys = [
            (binding, display(binding), enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        ]
        return (
            self.compact,
            self.show_command_palette,
            [
                (b.key, shown, b.description, b.action, enabled, tooltip, b.group)
                for b, shown, enabled, tooltip in keys
            ],
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys_wanted()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._check_queued:
            self._check_queued = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._check_queued = False
        if self.is_attached and self._keys_wanted() != self._shown:
            await self.recompose()
