"""deckgen writes a package's rows itself (deckgen.apkg.rows), and they must be the very
rows genanki's own objects write: the same collection, byte for byte."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from deckgen.apkg import package as apkg_package
from deckgen.apkg.collection import write_collection
from deckgen.apkg.package import make_package
from deckgen.pipeline import build, load_and_render
from deckgen.releases.dev import build_plan
from genanki_reference import genanki_package

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH = 1_790_000_000


@pytest.mark.parametrize("name", ["notes_small", "notes_media", "notes_types", "notes_release"])
def test_a_build_writes_the_package_genanki_writes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = FIXTURES / name
    ours = build(notes, tmp_path / "ours", EPOCH).path.read_bytes()

    def by_genanki(*args: object, **kwargs: object) -> object:
        return genanki_package(make_package(*args, **kwargs))  # type: ignore[arg-type]

    monkeypatch.setattr(apkg_package, "make_package", by_genanki)
    theirs = build(notes, tmp_path / "theirs", EPOCH).path.read_bytes()
    assert ours == theirs


@pytest.mark.parametrize("seed", range(5))
def test_many_sub_decks_and_note_types_in_any_order(seed: int, tmp_path: Path) -> None:
    """Notes of four note types spread over sub-decks in a random order, a note type
    first met in a later deck, some sub-decks with descriptions of their own: genanki
    re-reads the decks' and note types' JSON for every deck, rows.py keeps it encoded."""
    loaded = load_and_render(FIXTURES / "notes_types")
    assert loaded.deck is not None
    plan = build_plan(loaded.deck, loaded.rendered, None, EPOCH, EPOCH, False, "deck.lock.json")
    pick = random.Random(seed)
    root = loaded.deck.config.name
    subdecks = [f"{root}::Part {i}" for i in range(pick.randint(1, 30))]
    notes = [
        dataclasses.replace(
            note, guid=f"{note.guid}-{copy}", deck=pick.choice(subdecks), mod=EPOCH - copy
        )
        for copy in range(pick.randint(1, 8))
        for note in plan.shipped
    ]
    pick.shuffle(notes)
    descriptions = {deck: f"About <b>{deck}</b>" for deck in subdecks if pick.random() < 0.5}
    package = make_package(plan.deck, notes, plan.shipped_note_types, descriptions)
    write_collection(package, tmp_path / "ours.anki2", EPOCH)
    write_collection(genanki_package(package), tmp_path / "theirs.anki2", EPOCH)
    assert (tmp_path / "ours.anki2").read_bytes() == (tmp_path / "theirs.anki2").read_bytes()
