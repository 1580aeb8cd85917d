"""The README is the user's entry point: it must name every command and every error code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from learner import VERSIONS

from deckgen.apkg.package import IMPORT_ADVICE
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


def test_every_example_runs_the_deckgen_that_make_decks_installs() -> None:
    """A bare `deckgen` is "command not found" until the venv is activated."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", README, re.MULTILINE | re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if "deckgen " in line]
    runs = "|".join([*cli.commands, "-"])
    bare = [line for line in commands if re.match(rf"\s*deckgen ({runs})", line)]
    assert bare == []
    assert sum(line.startswith(".venv/bin/deckgen ") for line in commands) >= 10


def test_the_readme_names_the_anki_versions_the_matrix_tests() -> None:
    start = README.index("## Which Anki")
    section = README[start : README.index("\n## ", start + 1)]
    assert "Anki 2.1.49 and later" in section
    for version in VERSIONS:
        assert f"tested: {version}" in section, version
    assert "**Import only the newest version.**" in section
    assert "*Update notes: Always*" in section and "2.1.55 to 24.11" in section


def test_the_advice_in_every_deck_and_changelog_names_the_versions() -> None:
    assert IMPORT_ADVICE.startswith("Import only the newest version.")
    assert "Anki 2.1.55–24.11" in IMPORT_ADVICE and "“Update notes: Always”" in IMPORT_ADVICE
