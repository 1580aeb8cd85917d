"""Note types as data, imported with the official anki package: deckgen's built-ins, a
note type of the author's own with an image and a sound, folders as nested decks, and
note types that evolve (a new look arrives; new fields need *Merge note types*)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from anki.sound import SoundOrVideoTag
from anki_helpers import import_deck, note_by_field, review

from deckgen.errors import DeckgenError
from deckgen.pipeline import build
from deckgen.publish import release
from release_helpers import edit

FIXTURE = Path(__file__).parent.parent / "fixtures" / "notes_types"
T1 = 1_790_000_000
T2 = T1 + 86_400
VOCABULARY = "Vocabulary"


def counts(log: object) -> tuple[int, int, int, int]:
    parts = ("new", "updated", "duplicate", "conflicting")
    return tuple(len(getattr(log, part)) for part in parts)  # type: ignore[return-value]


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def test_every_kind_of_note_imports_as_written(
    notes: Path, tmp_path: Path, collection: Collection
) -> None:
    apkg = build(notes, tmp_path / "decks", T1).path
    assert counts(import_deck(collection, apkg)) == (6, 0, 0, 0)
    assert collection.card_count() == 8

    decks = set(collection.decks.all_names())
    assert {"Languages::Kinds", "Languages::French::Animals::Cats and dogs"} <= decks
    per_deck = {
        name: len(collection.find_cards(f'"deck:{name}" -"deck:{name}::*"'))
        for name in ("Languages::Kinds", "Languages::French::Animals::Cats and dogs")
    }
    assert per_deck == {"Languages::Kinds": 6, "Languages::French::Animals::Cats and dogs": 2}

    # deckgen Reversed: a card each way; deckgen Type-in: Anki's type box
    bonjour = collection.get_note(note_by_field(collection, "Front", "bonjour"))
    assert bonjour.note_type()["name"] == "deckgen Reversed"
    assert sorted(card.ord for card in bonjour.cards()) == [0, 1]
    assert "hello" in bonjour.cards()[1].question()
    paris = collection.get_note(note_by_field(collection, "Back", "<p>Paris</p>"))
    assert paris.note_type()["name"] == "deckgen Type-in"
    assert "[[type:Back]]" in paris.cards()[0].question()  # the reviewer's type box

    # the author's own note type: its fields, template and CSS as declared
    model = collection.models.by_name(VOCABULARY)
    assert model is not None and model["id"] == 1790000000101
    assert [f["name"] for f in model["flds"]] == ["Word", "Meaning", "Example", "Picture", "Audio"]
    assert [t["name"] for t in model["tmpls"]] == ["Recognition"]
    assert "Georgia" in model["css"]
    chat = collection.get_note(note_by_field(collection, "Word", "le chat"))
    assert chat["Meaning"] == "<p>the cat</p>"
    assert chat["Example"] == "<p>Le chat dort sur le canapé.</p>"
    assert chat["Picture"].startswith('<p><img src="cat-') and 'alt="a cat"' in chat["Picture"]
    assert chat.tags == ["languages::french::animals::cats-and-dogs::pets"]
    sounds = [tag for tag in chat.cards()[0].answer_av_tags() if isinstance(tag, SoundOrVideoTag)]
    assert len(sounds) == 1 and sounds[0].filename.startswith("chat-")
    assert (Path(collection.media.dir()) / sounds[0].filename).read_bytes() == (
        FIXTURE / "media" / "chat.mp3"
    ).read_bytes()
    check = collection.media.check()
    assert (list(check.missing), list(check.unused)) == ([], [])


def import_as_told(col: Collection, apkg: Path) -> object:
    """Import as the changelog of a note type's new fields tells learners to: *Merge note
    types* ticked, *Update notes* set to *Always*."""
    options = ImportAnkiPackageOptions(
        with_scheduling=False,
        merge_notetypes=True,
        update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
    )
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    return col.import_anki_package(request).log


def test_a_note_type_that_gains_a_field_needs_a_major_release_and_merging(
    notes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "decks"
    v1 = release(notes, out, T1, None)
    edit(
        notes / "notetypes" / "vocabulary.toml",
        '"Picture", "Audio"]',
        '"Picture", "Audio", "Plural"]',
    )
    edit(notes / "French" / "Animals" / "animals.md", "the dog", "the dog (a pet)")
    v2 = release(notes, out, T2, None)
    assert v2.version == "2.0.0"
    changelog = (out / "CHANGELOG.md").read_text()
    assert "tick *Merge note types* and set *Update notes* to *Always*" in changelog

    outcomes = {}
    for told in (False, True):
        path = tmp_path / f"told-{told}.anki2"
        col = Collection(str(path))
        try:
            import_deck(col, v1.path)
            chien = note_by_field(col, "Word", "le chien")
            card = col.get_note(chien).cards()[0].id
            review(col, card)
            result = counts(import_as_told(col, v2.path) if told else import_deck(col, v2.path))
            description = col.decks.by_name("Languages")["desc"]  # type: ignore[index]
        finally:
            col.close()
        col = Collection(str(path))  # reopened: the note types as stored, not as cached
        try:
            fields = [f["name"] for f in col.models.by_name(VOCABULARY)["flds"]]  # type: ignore[index]
            names = sorted(m.name for m in col.models.all_names_and_ids())
            reps = col.get_card(card).reps
            outcomes[told] = (
                result[0],
                result[3],
                col.get_note(chien)["Meaning"],
                fields[-1],
                reps,
            )
        finally:
            col.close()
        if not told:
            assert "Vocabulary+" in names  # Anki's unused copy of the note type
    # default options: the notes of the changed note type are skipped; the old note and its
    # review stay as they were
    assert outcomes[False] == (0, 2, "<p>the dog</p>", "Audio", 1)
    # as the changelog says: the update arrives, in the note type with its new field
    assert outcomes[True] == (0, 0, "<p>the dog (a pet)</p>", "Plural", 1)
    assert "tick <i>Merge note types</i> and set <i>Update notes</i>" in description
    # said once, first: the release notes below it leave it out
    assert description.count("Merge note types") == 1
    assert description.index("Merge note types") < description.index("What changed in 2.0.0")
    # built again from the released notes (as CI builds a tag), it is the same deck: the
    # release notes kept in the lock still ask for the merge
    rebuilt = build(notes, tmp_path / "rebuilt", T2 + 600)
    assert rebuilt.path.read_bytes() == v2.path.read_bytes()


def test_a_released_card_cannot_switch_note_type(notes: Path, tmp_path: Path) -> None:
    """Merging would fold deckgen Basic into deckgen Reversed for good (measured: every basic
    note then gets three cards), so a release refuses it and says what to do."""
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    edit(
        notes / "builtins.md",
        "<!-- id: basic-deck -->\n",
        "<!-- id: basic-deck -->\n<!-- notetype: reversed -->\n",
    )
    with pytest.raises(DeckgenError) as refused:
        release(notes, out, T2, None)
    assert [str(d).replace(notes.as_posix(), "notes") for d in refused.value.diagnostics] == [
        "notes/builtins.md:5: error DG138 'What is a deck?' was released as a deckgen Basic note"
        " and is now a deckgen Reversed one: Anki cannot move a learner's note to another note"
        " type without merging the two; give the card a new id (a new note, the old one is"
        " tombstoned)"
    ]
