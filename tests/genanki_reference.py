"""The package deckgen writes, made of genanki's own objects and written by genanki's own
`Package.write_to_db`: what deckgen.apkg.rows must write, row for row.

Each note is a genanki Note stamped with its own modification time, and the note and card
ids count up to the package's time, as deckgen.apkg.package describes; genanki's warning
about invalid HTML is skipped there as deckgen skips it.
"""

from __future__ import annotations

import itertools
from typing import Any

import genanki

from deckgen.apkg.package import Package


class TimedNote(genanki.Note):  # type: ignore[misc]  # genanki has no type hints
    """A genanki Note written with its own modification time instead of the package's."""

    def __init__(self, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)

    def _check_invalid_html_tags_in_fields(self) -> None:
        """Skipped, as deckgen skips it (deckgen.apkg.rows)."""


class GenankiPackage(genanki.Package):  # type: ignore[misc]  # genanki has no type hints
    """genanki's Package with the ids ending at the package's time."""

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
        count = sum(1 + len(note.cards) for deck in self.decks for note in deck.notes)
        ids = itertools.count(int(timestamp) * 1000 - count + 1)
        super().write_to_db(cursor, timestamp, ids)


def genanki_package(package: Package) -> GenankiPackage:
    """`package` as genanki's objects: a Deck per deck, a TimedNote per note."""
    decks = []
    for deck, notes in package.decks:
        copy = genanki.Deck(deck.deck_id, deck.name, deck.description)
        for note in notes:
            copy.add_note(
                TimedNote(
                    note.mod,
                    model=package.models[note.note_type],
                    fields=list(note.fields),
                    tags=list(note.tags),
                    guid=note.guid,
                )
            )
        decks.append(copy)
    written = GenankiPackage(decks)
    written.media_files = list(package.media_files)
    return written
