"""``trainer`` with no command is parsed without building the commands' parsers (start-up
time), and gets exactly what the full parser gives; anything else goes to the full parser."""

from __future__ import annotations

import pytest

from trainer import cli

APP_LINES = [
    [],
    ["--data-dir", "/tmp/d", "--course", "c.yaml"],
    ["--learner", "Ana Smith", "--plain", "--high-contrast"],
    ["--records", "sqlite:///tmp/r.sqlite3", "--paper", "a4", "--issuer-key", "k.pem"],
    ["--config=/etc/trainer.toml", "--learner=Bo"],
    ["--data", "/tmp/d"],  # an abbreviation argparse accepts
]


REAL_BUILD = cli.build_parser


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each parser parse_arguments builds: True for the lean one, False for the full one."""
    seen: list[bool] = []

    def counting(argv: object = None, *, commands: bool = True, lean: bool = False) -> object:
        seen.append(lean)
        return REAL_BUILD(argv, commands=commands, lean=lean)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "build_parser", counting)
    return seen


@pytest.mark.parametrize("words", APP_LINES)
def test_the_app_alone_is_parsed_as_the_full_parser_does(
    words: list[str], built: list[bool]
) -> None:
    assert cli.parse_arguments(words) == REAL_BUILD(words).parse_args(words)
    assert built == [True]  # the lean parser alone: the commands' parsers were never built


@pytest.mark.parametrize(
    "words",
    [
        ["--paper", "b5"],
        ["--learner"],
        ["valdate", "x.yaml"],
        ["--nonsense"],
        ["status", "--role", "boss"],
        ["status", "--nonsense"],
        ["records", "--format", "xml"],
    ],
)
def test_a_line_the_lean_parser_cannot_take_gets_the_full_parsers_error(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as lean:
        cli.parse_arguments(words)
    lean_err = capsys.readouterr().err
    with pytest.raises(SystemExit) as full:
        cli.build_parser(words).parse_args(words)
    assert lean.value.code == full.value.code == 2
    assert lean_err == capsys.readouterr().err and "usage: trainer" in lean_err


def test_help_and_commands_go_to_the_full_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse_arguments(["--help"])
    assert "validate" in capsys.readouterr().out  # the commands are listed
    args = cli.parse_arguments(["validate", "x.yaml"])
    assert args.command == "validate" and args.handler is not None


COMMAND_LINES = [
    ["status", "--as-of", "2026-12-01", "--format", "csv", "-o", "out.csv"],
    ["--data-dir", "/tmp/d", "status", "--role", "employee"],
    ["records", "--format", "json", "--course", "c.yaml"],
    ["--learner", "status"],  # 'status' is the learner's name: no command
    ["validate", "a.yaml", "b.yaml"],
]


@pytest.mark.parametrize("words", COMMAND_LINES)
def test_a_command_line_is_parsed_as_the_full_parser_does(
    words: list[str], built: list[bool]
) -> None:
    """Only the named command's parser is built when the lean parse is clean, and the
    result is the full parser's (the handlers compared as functions)."""
    got = cli.parse_arguments(words)
    want = REAL_BUILD(words).parse_args(words)
    assert vars(got) == vars(want)
    assert built == [True]
