"""A build lets go of its deck's notes before it zips the package: the zip maps the whole
collection file into memory, and a big deck's notes beside it are what took a 100,000-card
build above its memory target (benchmarks/RESULTS.md). What the build returns still says
what it built."""

from __future__ import annotations

import gc
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from deckgen.apkg import package as package_module
from deckgen.cards.render import RenderedNote
from deckgen.incremental.build import build
from deckgen.model import Card, ShippedNote
from helpers import NotesFactory


def _notes(make_notes: NotesFactory, marker: str) -> Path:
    cards = "\n".join(f"### What is {marker} number {n}?\nAnswer {n}.\n" for n in range(30))
    return make_notes({"ec2.md": f"# EC2\n## Basics\n{cards}", "s3.md": f"# S3\n## T\n{cards}"})


def _alive(marker: str) -> Counter[str]:
    """The notes of the deck marked `marker` still held, by kind."""
    held: Counter[str] = Counter()
    for thing in gc.get_objects():
        if isinstance(thing, Card | ShippedNote) and marker in thing.question:
            held[type(thing).__name__] += 1
        elif isinstance(thing, RenderedNote) and marker in thing.card.question:
            held["RenderedNote"] += 1
    return held


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_zip_runs_once_the_notes_are_let_go_of(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    marker = uuid.uuid4().hex
    notes = _notes(make_notes, marker)
    at_zip: list[Counter[str]] = []
    at_collection: list[Counter[str]] = []
    write_zip, write_collection = package_module.write_zip, package_module.write_collection

    def counting_zip(*args: Any) -> None:
        at_zip.append(_alive(marker))
        write_zip(*args)

    def counting_collection(*args: Any) -> None:
        at_collection.append(_alive(marker))  # the test's own check: it can see them
        write_collection(*args)

    monkeypatch.setattr(package_module, "write_zip", counting_zip)
    monkeypatch.setattr(package_module, "write_collection", counting_collection)
    result = build(notes, tmp_path / "decks", 1_700_000_000, jobs=jobs)
    assert at_collection[0]["ShippedNote"] == 60
    assert at_zip == [Counter()]
    assert (result.notes, result.cards, result.path.is_file()) == (60, 60, True)
    assert result.config is not None and result.config.name == "Learn AWS"
