"""Textual's Footer, without restyling every key twice each time it is built."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """A :class:`Footer` whose keys start in the footer's own style (compact or not).

    Textual's ``FooterKey`` starts compact and is then bound to the footer's style, which is
    not compact: on every build of the footer each key gains and loses a CSS class, and
    restyles itself each time. That is a third of the footer's build time, and the footer is
    built at least once per screen (start-up included). Starting each bound key in the
    footer's style makes both changes no-ops; what is shown is the same.
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
