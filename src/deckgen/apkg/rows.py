"""The rows of an .apkg's collection, exactly as genanki 0.13's `Package.write_to_db` writes
them, written straight from the shipped notes.

genanki makes an object per note and per card, validates each again and, for each deck,
reads the collection's deck and note-type JSON back, decodes it, adds the deck and
re-encodes it all, so its time grows with the square of the sub-decks (10,000 cards in
152 sub-decks: 0.34 s of CPU against 0.14 s here). The same statements in the same order
give the same SQLite file, so here each note becomes its two kinds of rows directly, and
the JSON of decks and note types is kept encoded between decks, each deck adding its own
entry. genanki's own rules still decide which cards a note has and check
each note's fields against its note type. genanki's check for invalid HTML in a field is
skipped, as deckgen.apkg.package skipped it before: its pattern is quadratic in a long line
of tags and it only warns, and the HTML policy (cards/sanitize.py) has cleaned every field.
tests/test_package_rows.py compares the bytes with genanki's own write.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from typing import Any

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from deckgen.model import ShippedNote

_NOTE = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);"
_CARD = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);"


class _Note:
    """What genanki's card rules and field check read of a note: its model and fields."""

    __slots__ = ("fields", "model")

    def __init__(self, model: genanki.Model, fields: list[str]) -> None:
        self.model = model
        self.fields = fields

    def __repr__(self) -> str:  # genanki's field check names the note it refuses
        return f"Note(model={self.model.name!r}, fields={self.fields!r})"


def card_ords(model: genanki.Model, fields: list[str]) -> list[int]:
    """The ords of the cards genanki makes of a note (genanki.Note.cards)."""
    note = _Note(model, fields)
    if model.model_type == model.FRONT_BACK:
        cards = genanki.Note._front_back_cards(note)
    elif model.model_type == model.CLOZE:
        cards = genanki.Note._cloze_cards(note)
    else:
        raise ValueError("Expected model_type CLOZE or FRONT_BACK")
    return [card.ord for card in cards]


class _Json:
    """A JSON object as json.dumps encodes a dict, kept as its encoded `"key": value`
    entries, by key: a deck adds one, and the text is a join of them."""

    def __init__(self, text: str) -> None:
        self.entries = {
            json.dumps(key): _entry(key, value) for key, value in json.loads(text).items()
        }

    def set(self, key: str, value: Any) -> None:
        self.entries[json.dumps(key)] = _entry(key, value)

    def text(self) -> str:
        return "{" + ", ".join(self.entries.values()) + "}"


def _entry(key: str, value: Any) -> str:
    return f"{json.dumps(key)}: {json.dumps(value)}"


def write_rows(
    cursor: Any,
    decks: Sequence[tuple[genanki.Deck, Sequence[ShippedNote]]],
    models: dict[str, genanki.Model],
    timestamp: float,
) -> None:
    """genanki's Package(decks).write_to_db(cursor, timestamp, ids), each note a genanki
    Note of `models[note.note_type]` stamped with its own time `note.mod`, and the ids
    counting up to the package's time (deckgen.apkg.package.Package)."""
    ords = [
        [card_ords(models[note.note_type], list(note.fields)) for note in notes]
        for _, notes in decks
    ]
    count = sum(1 + len(cards) for deck in ords for cards in deck)
    ids = itertools.count(int(timestamp) * 1000 - count + 1)
    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    deck_json, model_json = (
        _Json(text) for text in cursor.execute("SELECT decks, models FROM col").fetchone()
    )
    model_entries = [(key, entry) for key, entry in model_json.entries.items()]
    for (deck, notes), deck_ords in zip(decks, ords, strict=True):
        if not isinstance(deck.deck_id, int):
            raise TypeError(f"Deck .deck_id must be an integer, not {deck.deck_id}.")
        if not isinstance(deck.name, str):
            raise TypeError(f"Deck .name must be a string, not {deck.name}.")
        deck_json.set(str(deck.deck_id), deck.to_json())
        cursor.execute("UPDATE col SET decks = ?", (deck_json.text(),))
        model_entries = _models(model_entries, notes, models, timestamp, deck.deck_id)
        text = "{" + ", ".join(entry for _, entry in model_entries) + "}"
        cursor.execute("UPDATE col SET models = ?", (text,))
        _write_notes(cursor, notes, deck_ords, models, deck.deck_id, ids)


def _models(
    entries: list[tuple[str, str]],
    notes: Iterable[ShippedNote],
    models: dict[str, genanki.Model],
    timestamp: float,
    deck_id: int,
) -> list[tuple[str, str]]:
    """The note-type JSON's (key, entry) pairs after a deck: genanki decodes the JSON (a
    repeated key keeps its first place and its last value), then adds the deck's note types
    under integer keys, which json.dumps writes beside the string keys the decoding gave."""
    merged = dict(entries)
    names = dict.fromkeys(note.note_type for note in notes)
    used = {models[name].model_id: models[name] for name in names}
    added = [
        (json.dumps(str(mid)), _entry(str(mid), model.to_json(timestamp, deck_id)))
        for mid, model in used.items()
    ]
    return [*merged.items(), *added]


def _write_notes(
    cursor: Any,
    notes: Sequence[ShippedNote],
    ords: Sequence[list[int]],
    models: dict[str, genanki.Model],
    deck_id: int,
    ids: Iterable[int],
) -> None:
    """genanki's Note.write_to_db for each note, then Card.write_to_db for each card."""
    next_id = iter(ids).__next__
    for note, cards in zip(notes, ords, strict=True):
        model = models[note.note_type]
        fields = list(note.fields)
        shim = _Note(model, fields)
        genanki.Note._check_number_model_fields_matches_num_fields(shim)
        for tag in note.tags:
            if " " in tag:
                raise ValueError(f'Tag "{tag}" contains a space; this is not allowed!')
        mod = int(note.mod)
        note_id = next_id()
        tags = " " + " ".join(note.tags) + " "
        sort_field = fields[model.sort_field_index]
        row = (note_id, note.guid, model.model_id, mod, -1, tags, "\x1f".join(fields), sort_field)
        cursor.execute(_NOTE, (*row, 0, 0, ""))
        for ord_ in cards:
            card = (next_id(), note_id, deck_id, ord_, mod, -1, 0, 0, 0)
            cursor.execute(_CARD, (*card, 0, 0, 0, 0, 0, 0, 0, 0, ""))
