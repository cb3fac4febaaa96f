"""Hostile YAML is refused quickly with a clear message: never executed, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trainer.bank import safeyaml
from trainer.bank.loader import load_module


def refused(tmp_path: Path, data: bytes | str) -> str:
    path = tmp_path / "evil.yaml"
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    module, problems = load_module(path)
    assert module is None
    assert problems, "hostile input must produce a problem"
    return str(problems[0])


def test_python_object_tag_is_refused_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = f'kind: !!python/object/apply:os.system ["touch {marker}"]\n'
    msg = refused(tmp_path, evil)
    assert "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in msg
    assert msg.startswith(f"{tmp_path / 'evil.yaml'}:1:7:") or ":1:7:" in msg
    assert not marker.exists()


def test_local_tag_is_refused(tmp_path: Path) -> None:
    assert "is not allowed" in refused(tmp_path, "kind: !custom module\n")


def test_binary_tag_is_refused(tmp_path: Path) -> None:
    assert "is not allowed" in refused(tmp_path, "kind: !!binary aGVsbG8=\n")


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    msg = refused(tmp_path, "\n".join(lines) + "\n")
    assert "aliases" in msg or "nodes" in msg


def test_alias_bomb_with_few_aliases_hits_node_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(safeyaml, "MAX_NODES", 1000)
    big = "[" + ", ".join(["x"] * 400) + "]"
    text = f"a: &a {big}\nb: [*a, *a, *a]\n"
    assert "more than 1,000 nodes" in refused(tmp_path, text)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    data = b"kind: module\n" + b"# padding\n" * (safeyaml.MAX_BYTES // 10 + 10)
    msg = refused(tmp_path, data)
    assert "over the 8,388,608-byte limit" in msg


@pytest.mark.parametrize("depth", [65, 1000, 200_000])
def test_deep_flow_nesting_is_refused(tmp_path: Path, depth: int) -> None:
    msg = refused(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert "nesting is too deep" in msg


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    msg = refused(tmp_path, "- " * 100_000 + "x\n")
    assert "nesting is too deep" in msg


def test_binary_file_is_refused(tmp_path: Path) -> None:
    msg = refused(tmp_path, bytes(range(256)) * 4)
    assert "binary" in msg


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    msg = refused(tmp_path, "base: &b {a: 1}\nother:\n  <<: *b\n")
    assert "merge keys" in msg and ":3:3:" in msg


def test_non_scalar_key_is_refused(tmp_path: Path) -> None:
    assert "key must be a plain word" in refused(tmp_path, "? [a, b]\n: c\n")


def test_multiple_documents_are_refused(tmp_path: Path) -> None:
    assert "one document" in refused(tmp_path, "kind: module\n---\nkind: module\n")


def test_validator_cli_survives_hostile_file_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("a: " + "[" * 300_000 + "]" * 300_000 + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "trainer", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "nesting is too deep" in proc.stdout
