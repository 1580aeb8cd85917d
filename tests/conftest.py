"""Shared fixtures: small notes folders written into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from helpers import NotesFactory

DECK_TOML = """\
name = "Learn AWS"
slug = "learn-aws"
version = "1.0.0"
description = "Cards on AWS."
"""


@pytest.fixture
def make_notes(tmp_path: Path) -> NotesFactory:
    """Write a notes folder: make_notes({"ec2.md": "..."}, deck_toml=...) -> its path.

    File texts are dedented, so tests can indent them with the code."""

    def make(files: dict[str, str], deck_toml: str | None = DECK_TOML, name: str = "notes") -> Path:
        notes = tmp_path / name
        notes.mkdir(parents=True, exist_ok=True)
        if deck_toml is not None:
            (notes / "deck.toml").write_text(deck_toml, encoding="utf-8")
        for rel, text in files.items():
            path = notes / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return notes

    return make
