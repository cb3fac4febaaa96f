"""The plain-mode console: plain lines out, prompted lines in, and the commands that work at
every prompt (help, repeat, resources, pause, and menu in the full app)."""

from __future__ import annotations

import contextlib
import os
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from trainer.plain.words import paragraphs

ENV_WIDTH = "TRAINER_PLAIN_WIDTH"

# Control characters (including ESC, so no ANSI sequence can reach the output) except tab and
# newline, and the 8-bit CSI.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


class Paused(Exception):
    """The learner typed pause or quit, or input ended: leave cleanly (answers are saved)."""


class BackToDashboard(Exception):
    """The learner left a module for the dashboard; the attempt stays open."""


@dataclass
class Option:
    label: str
    value: Any
    words: tuple[str, ...] = ()


class Console:
    """Plain line output and prompted input, with the commands that work at every prompt."""

    def __init__(
        self,
        stdin: IO[str],
        stdout: IO[str],
        *,
        resources: list[str] | None = None,
        width: int | None = None,
        menu_command: bool = False,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.resources = resources
        self.width = width if width and width >= 20 else None
        self.menu_command = menu_command
        try:
            self.echo = not stdin.isatty()
        except (AttributeError, ValueError):
            self.echo = True
        self.pause_hint: str | None = None

    # ---- output
    def say(self, *lines: str) -> None:
        for line in lines:
            line = _CONTROL.sub("", line.replace("\t", " ")).rstrip()
            if self.width and len(line) > self.width:
                indent = line[: len(line) - len(line.lstrip())]
                line = textwrap.fill(
                    line,
                    self.width,
                    subsequent_indent=indent + "  ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def text(self, label: str | None, text: str) -> None:
        """Authored text, one logical line per paragraph, the first one labelled."""
        parts = paragraphs(text)
        if label and parts:
            parts[0] = f"{label}: {parts[0]}"
        self.say(*parts)

    def blank(self) -> None:
        self.stdout.write("\n")

    # ---- input
    def read(self, prompt: str) -> str:
        """One line of input; raises :class:`Paused` at end of input."""
        self.stdout.write(_CONTROL.sub("", prompt).rstrip() + " ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            self.say("End of input.")
            raise Paused
        line = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(_CONTROL.sub("", line) + "\n")
            self.stdout.flush()
        return line.strip()

    def ask(
        self,
        prompt: str,
        *,
        repeat: Callable[[], None] | None = None,
        help_lines: Sequence[str] = (),
    ) -> str:
        """Prompt until the learner types something that is not a command; return it."""
        while True:
            answer = self.read(prompt)
            word = answer.lower()
            if word in ("help", "?", "h"):
                self.show_help(help_lines)
            elif word == "resources":
                self.show_resources()
            elif word == "repeat":
                if repeat is not None:
                    repeat()
                else:
                    self.say("There is nothing to repeat here.")
            elif word in ("pause", "quit", "exit", "q"):
                raise Paused
            elif word in ("menu", "dashboard") and self.menu_command:
                raise BackToDashboard
            else:
                return answer

    def show_help(self, help_lines: Sequence[str]) -> None:
        self.say("Help.", *help_lines)
        self.say("Commands that work at any prompt:")
        self.say("repeat: hear the current question or list again.")
        self.say("resources: where to report trafficking and get help.")
        if self.menu_command:
            self.say("menu: go back to the dashboard. An unfinished module stays open.")
        self.say(
            "pause: save and stop. Answers are saved as you give them, so next time you "
            "continue where you left off. quit does the same."
        )
        self.say("help: this list.")

    def show_resources(self) -> None:
        if not self.resources:
            self.say("Reporting resources are part of the course and are not shown here.")
            return
        self.say("Reporting resources.")
        for line in self.resources:
            if line.strip():
                self.say(line)
        self.say("End of reporting resources.")

    def choose(
        self,
        show: Callable[[], None],
        options: Sequence[Option],
        prompt: str,
        help_lines: Sequence[str] = (),
        *,
        brief: str | None = None,
    ) -> Any:
        """Show a numbered list and return the value of the option the learner picks.

        With ``brief``, only that line is shown at first (the list is one ``repeat`` away):
        coming back to a list the learner has just heard should not read it all again.
        """

        def show_all() -> None:
            show()
            for n, option in enumerate(options, start=1):
                self.say(f"{n}. {option.label}")

        if brief is None:
            show_all()
        else:
            self.say(brief)
        count = len(options)
        help_all = [f"Type a number from 1 to {count} and press Enter.", *help_lines]
        while True:
            answer = self.ask(prompt, repeat=show_all, help_lines=help_all)
            word = answer.lower().rstrip(".")
            for option in options:
                if word in option.words:
                    return option.value
            error = number_error(answer, count)
            if error:
                self.say(error)
                continue
            return options[int(word) - 1].value

    def confirm(self, prompt: str) -> bool:
        while True:
            answer = self.ask(prompt, help_lines=["Type yes or no and press Enter."]).lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            self.say("Please type yes or no.")


def number_error(answer: str, count: int) -> str | None:
    """Why ``answer`` is not a choice from 1 to ``count``, as one line; None when it is."""
    range_text = "1 or 2" if count == 2 else f"a number from 1 to {count}"
    if not answer:
        return f"Nothing was typed. Type {range_text}, or type help."
    if not answer.isdigit():
        return f"You typed {answer}. That is not a number. Type {range_text}, or type help."
    n = int(answer)
    if not 1 <= n <= count:
        return f"There is no choice {n}. Type {range_text}."
    return None


def plain_width(width: int | None) -> int | None:
    if width is not None:
        return width
    try:
        return int(os.environ.get(ENV_WIDTH, "") or 0) or None
    except ValueError:
        return None


def prepare_output(stream: IO[str]) -> None:
    """Never crash on a character the output encoding lacks: write a replacement instead."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="replace")
