"""Textual's Footer, without restyling every key twice each time it is built, and built
again only when the keys it shows change."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

if TYPE_CHECKING:
    from textual.binding import ActiveBinding, Binding
    from textual.screen import Screen

# What a footer's keys are built from: its style, whether it shows the command palette's
# key, and each shown binding with whether it is enabled and its tooltip.
Shown = tuple[bool, bool, tuple[tuple["Binding", bool, str], ...]]


class KeyFooter(Footer):
    """A :class:`Footer` whose keys start in the footer's own style (compact or not), and
    that is built again only when the keys it would show differ from the keys it shows.

    Textual's ``FooterKey`` starts compact and is then bound to the footer's style, which is
    not compact: on every build of the footer each key gains and loses a CSS class, and
    restyles itself each time. That is a third of the footer's build time, and the footer is
    built at least once per screen (start-up included). Starting each bound key in the
    footer's style makes both changes no-ops; what is shown is the same.

    Textual's footer also rebuilds itself (removes and mounts every key) after every change
    of the screen's bindings: three times in a row when a screen is shown (the screen, the
    focus, the highlighted option), ~5-8 ms each, while a quick learner's next key waits.
    Here each change reads the screen's bindings once, as a build would, and the footer is
    rebuilt from that reading only when it differs from the one the keys shown were built
    from; when it does not, nothing is removed or mounted. (An earlier version read the
    bindings again to build the keys after reading them to compare: that extra reading, on
    every answer's feedback, cost more than the rebuilds it saved.)
    """

    _built_from: Shown | None = None  # what the keys shown were built from
    _reading: dict[str, ActiveBinding] | None = None  # the bindings read for the next build

    def _shown(self, active: dict[str, ActiveBinding]) -> Shown:
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        return (
            self.compact,
            palette,
            tuple(
                (binding, enabled, tooltip)
                for key, (_, binding, enabled, tooltip) in active.items()
                if binding.show or (palette and key == self.app.COMMAND_PALETTE_BINDING)
            ),
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        if not self.is_attached or not self.screen.is_current:
            return  # hidden: checked again when its screen is shown (a bindings change)
        active = self.screen.active_bindings
        if self._shown(active) != self._built_from:
            self._reading = active
            await self.recompose()

    def compose(self) -> ComposeResult:
        """Textual's ``Footer.compose`` (8.2), from the bindings already read."""
        active, self._reading = self._reading, None
        if not self._bindings_ready:
            return
        if active is None:
            active = self.screen.active_bindings
        self._built_from = self._shown(active)
        action_to_bindings: defaultdict[str, list[tuple[Binding, bool, str]]]
        action_to_bindings = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                action_to_bindings[binding.action].append((binding, enabled, tooltip))

        self.styles.grid_size_columns = len(action_to_bindings)
        display = self.app.get_key_display
        for group, multi_bindings_iterable in groupby(
            action_to_bindings.values(), lambda multi_bindings_: multi_bindings_[0][0].group
        ):
            multi_bindings = list(multi_bindings_iterable)
            if group is not None and len(multi_bindings) > 1:
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for each in multi_bindings:
                        binding, enabled, tooltip = each[0]
                        yield self._key(
                            FooterKey(
                                binding.key,
                                display(binding),
                                "",
                                binding.action,
                                disabled=not enabled,
                                tooltip=tooltip or binding.description,
                                classes="-grouped",
                            )
                        )
                yield FooterLabel(group.description)
            else:
                for each in multi_bindings:
                    binding, enabled, tooltip = each[0]
                    yield self._key(
                        FooterKey(
                            binding.key,
                            display(binding),
                            binding.description,
                            binding.action,
                            disabled=not enabled,
                            tooltip=tooltip,
                        )
                    )
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                pass
            else:
                yield FooterKey(
                    binding.key,
                    display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

    def _key(self, key: FooterKey) -> FooterKey:
        """Bound to the footer's style, starting in it (see the class's docstring)."""
        key.set_reactive(FooterKey.compact, self.compact)
        return key.data_bind(compact=Footer.compact)
