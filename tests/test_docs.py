"""The README is the user's entry point: it must name every command and every error code."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.cli import cli
from deckgen.errors import CODES

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_error_code_is_documented(code: str) -> None:
    assert f"| {code} | {CODES[code]} |" in README


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"deckgen {command}" in README


def test_quick_start_is_the_two_commands() -> None:
    assert "make decks" in README and "make test" in README
