"""The README is the user's entry point: it must name every command and every error code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from learner import VERSIONS

from deckgen.apkg.package import IMPORT_ADVICE
from deckgen.cli import cli
from deckgen.errors import CODES
from helpers import code_blocks, section

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_error_code_is_documented(code: str) -> None:
    assert f"| {code} | {CODES[code]} |" in README


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"deckgen {command}" in README


def test_quick_start_is_the_two_commands() -> None:
    assert "make decks" in README and "make test" in README


def test_every_example_runs_the_deckgen_that_make_decks_installs() -> None:
    """A bare `deckgen` is "command not found" until the venv is activated; only the authors'
    section runs the deckgen pipx installed."""
    blocks = code_blocks(README.replace(section("Your own deck", README), ""))
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


def test_the_authors_path_runs_the_installed_deckgen_from_the_repository() -> None:
    authors = section("Your own deck", README)
    commands = [line for block in code_blocks(authors) for line in block.splitlines()]
    assert not [line for line in commands if ".venv/bin" in line]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    source = pyproject["project"]["urls"]["Source"]
    assert commands[0] == f'pipx install "git+{source}"'
    assert [line for line in commands if line.startswith("deckgen ")][:4] == [
        'deckgen init my-deck --name "My Deck"',
        "deckgen check",
        "deckgen build",
        "deckgen release",
    ]


def test_the_guide_at_the_top_names_each_audience() -> None:
    top = README[: README.index("\n## ")]
    for who, where in [
        ("**Learners**", "(#which-anki)"),
        ("**Authors of a deck of their own**", "(#your-own-deck)"),
        ("**Contributors**", "(#quick-start)"),
    ]:
        assert who in top and where in top, who
