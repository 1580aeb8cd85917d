"""A deck `deckgen init` starts imports into Anki as its example promises: one card of each
kind, in a deck of its own."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection
from anki_helpers import import_deck, note_by_field
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.pipeline import build

T1 = 1_790_000_000


def test_a_new_projects_deck_imports_with_one_card_of_each_kind(
    tmp_path: Path, collection: Collection
) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "deck"), "--name", "My Deck"])
    assert result.exit_code == 0, result.output
    notes = tmp_path / "deck" / "notes"
    log = import_deck(collection, build(notes, tmp_path / "decks", T1).path)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (4, 0, 0)

    assert len(collection.find_cards('"deck:My Deck::Examples"')) == 5
    kinds = {
        collection.get_note(nid).note_type()["name"]: len(collection.get_note(nid).cards())
        for nid in collection.find_notes('"deck:My Deck::Examples"')
    }
    assert kinds == {"deckgen Basic": 1, "deckgen Cloze": 1, "deckgen Reversed": 2}

    capital = collection.get_note(
        note_by_field(collection, "Front", "What is the capital of Australia?")
    )
    assert capital["Back"] == "<p>Canberra.</p>"
    assert capital["Context"] == "Examples › Headings"
    assert sorted(capital.tags) == ["example", "my-deck::examples::headings"]
    bonjour = collection.get_note(note_by_field(collection, "Front", "bonjour"))
    backwards = sorted(bonjour.cards(), key=lambda card: card.ord)[1]
    assert "hello" in backwards.question() and "bonjour" in backwards.answer()
