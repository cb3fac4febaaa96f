"""The plain-mode console: plain lines out, prompted lines in, and the commands that work at
every prompt (help, repeat, resources, pause, and menu in the full app)."""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from trainer.plain.words import paragraphs

# Control characters (including ESC, so no ANSI sequence can reach the output) except tab and
# newline, and the 8-bit CSI.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
# In typed input: every C0/C1 control character and DEL (a tab is turned into a space first).
_INPUT_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_LINE = 4096  # characters in one typed line; a longer line is refused, never kept whole
MAX_CHOICE_DIGITS = 6  # "There is no choice 1234567": longer digit strings are not numbers here


class Paused(Exception):
    """The learner typed pause or quit, or input ended: leave cleanly (answers are saved)."""


class BackToDashboard(Exception):
    """The learner left a module for the dashboard; the attempt stays open."""


@dataclass
class Option:
    """One entry of a list: its label, the value returned, the words that also pick it, and
    an optional fixed ``key`` shown and typed instead of its position (see :meth:`choose`)."""

    label: str
    value: Any
    words: tuple[str, ...] = ()
    key: str = ""


def choice_number(text: str) -> int | None:
    """``text`` as a choice number: ASCII digits only (not '²'), at most six of them."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_CHOICE_DIGITS:
        return int(text)
    return None


def shown(text: str, limit: int = 40) -> str:
    """Typed text quoted back in a message: control characters removed, at most ``limit``."""
    text = _CONTROL.sub("", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        prepare_input(stdin)
        try:
            self.echo = not stdin.isatty()
        except (AttributeError, ValueError):
            self.echo = True
        self.pause_hint: str | None = None

    # ---- output
    def say(self, *lines: str) -> None:
        """Write each line, control characters removed, wrapped only when a width is set."""
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
        """An empty line between blocks (scenario, question, feedback)."""
        self.stdout.write("\n")

    # ---- input
    def read(self, prompt: str) -> str:
        """One line of input; raises :class:`Paused` at end of input.

        A line that is not valid text (bytes that are not UTF-8), holds control characters
        (such as ESC) or is longer than :data:`MAX_LINE` is refused with a message and the
        prompt repeated: such a line never reaches a name, an answer or the records.
        """
        while True:
            self.stdout.write(_CONTROL.sub("", prompt).rstrip() + " ")
            self.stdout.flush()
            line, problem = self._readline()
            if self.echo:
                self.stdout.write(shown(line.rstrip("\r\n"), 80) + "\n")
                self.stdout.flush()
            if problem is None:
                return line.rstrip("\r\n").replace("\t", " ").strip()
            self.say(problem)

    def _readline(self) -> tuple[str, str | None]:
        """One line (at most :data:`MAX_LINE` characters kept) and why it is refused, if it is."""
        try:
            line = self.stdin.readline(MAX_LINE + 1)
        except UnicodeDecodeError:
            return "", (
                "That line is not readable text: it holds bytes that are not UTF-8. Type it again."
            )
        if not line:
            self.stdout.write("\n")
            self.say("End of input.")
            raise Paused
        if len(line) > MAX_LINE and not line.endswith("\n"):
            self._skip_rest_of_line()
            return line[:MAX_LINE], (
                f"That line is too long: more than {MAX_LINE:,} characters. Type it again."
            )
        text = line.rstrip("\r\n").replace("\t", " ")
        if "\ufffd" in text:
            return line, (
                "That line is not readable text: it holds bytes that are not UTF-8. Type it again."
            )
        if _INPUT_CONTROL.search(text):
            return line, (
                "That line holds control characters, such as Escape, that cannot be used. "
                "Type it again."
            )
        return line, None

    def _skip_rest_of_line(self) -> None:
        """Read and drop what is left of an over-long line, a bounded chunk at a time."""
        with contextlib.suppress(UnicodeDecodeError):
            while True:
                chunk = self.stdin.readline(MAX_LINE)
                if not chunk or chunk.endswith("\n"):
                    return

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
        """What to type at this prompt, then the commands that work at every prompt."""
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
        """The course's reporting resources, one line each."""
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

        keyed = any(option.key for option in options)
        keys = [option.key if keyed else str(n) for n, option in enumerate(options, start=1)]

        def show_all() -> None:
            show()
            for key, option in zip(keys, options, strict=True):
                self.say(f"{key}. {option.label}")

        if brief is None:
            show_all()
        elif brief:
            self.say(brief)
        count = len(options)
        how = "the number or letter shown before your choice" if keyed else None
        help_all = [
            f"Type {how or f'a number from 1 to {count}'} and press Enter.",
            *help_lines,
        ]
        while True:
            answer = self.ask(prompt, repeat=show_all, help_lines=help_all)
            word = answer.lower().rstrip(".")
            for key, option in zip(keys, options, strict=True):
                if word == key.lower() or word in option.words:
                    return option.value
            if keyed:
                self.say(
                    f"There is no choice {shown(answer)}. Type {how}, or type repeat to hear "
                    "the list."
                    if answer
                    else f"Nothing was typed. Type {how}, or type help."
                )
                continue
            error = number_error(answer, count)
            if error:
                self.say(error)
                continue
            return options[int(word) - 1].value

    def confirm(self, prompt: str) -> bool:
        """Ask until the learner types yes or no; True for yes."""
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
    n = choice_number(answer)
    if n is None and answer.isascii() and answer.isdigit():
        return f"There is no choice with that number. Type {range_text}."
    if n is None:
        return f"You typed {shown(answer)}. That is not a number. Type {range_text}, or type help."
    if not 1 <= n <= count:
        return f"There is no choice {n}. Type {range_text}."
    return None


def plain_width(width: int | None) -> int | None:
    """The wrapping width, or None (no wrapping). ``$TRAINER_PLAIN_WIDTH`` and the config
    file are read once, by :mod:`trainer.settings`, and passed down as ``width``."""
    return width if width and width > 0 else None


def prepare_input(stream: IO[str]) -> None:
    """Read bytes that are not UTF-8 as U+FFFD, which :meth:`Console.read` then refuses."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError, AttributeError):
            reconfigure(errors="replace")


def prepare_output(stream: IO[str]) -> None:
    """Never crash on a character the output encoding lacks: write a replacement instead."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="replace")
