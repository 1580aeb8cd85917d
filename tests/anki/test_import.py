"""Build the fixture deck and import it with the official anki package."""

from __future__ import annotations

import shutil
from pathlib import Path

from anki.collection import Collection
from anki_helpers import import_deck, note_by_field, review

from deckgen.pipeline import build

FIXTURE = Path(__file__).parent.parent / "fixtures" / "notes_small"
T1 = 1_790_000_000
T2 = T1 + 86_400


def copy_fixture(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def test_import_creates_subdecks_notes_tags_and_fields(
    tmp_path: Path, collection: Collection
) -> None:
    result = build(FIXTURE, tmp_path / "decks", T1)
    assert result.path == tmp_path / "decks" / "learn-aws-1.0.0-dev.apkg"

    log = import_deck(collection, result.path)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (5, 0, 0)

    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"Learn AWS", "Learn AWS::EC2", "Learn AWS::Storage"} <= names
    assert len(collection.find_notes('"deck:Learn AWS::EC2"')) == 4
    assert len(collection.find_cards('"deck:Learn AWS::EC2"')) == 5  # one cloze note has c1 and c2
    assert len(collection.find_notes('"deck:Learn AWS::Storage"')) == 1

    spot = collection.get_note(note_by_field(collection, "Front", "What is a Spot Instance?"))
    assert sorted(spot.tags) == ["compute", "learn-aws::ec2::purchasing-options"]
    assert spot.note_type()["name"] == "deckgen Basic"
    assert spot["Context"] == "EC2 › Purchasing options"
    assert spot["Source"] == "ec2.md"
    assert spot["Back"].startswith("<p>Spare EC2 capacity")

    host = collection.find_notes('"Text:*Dedicated Host*"')
    assert collection.get_note(host[0]).note_type()["name"] == "deckgen Cloze"

    root = collection.decks.by_name("Learn AWS")
    assert root is not None and "Version 1.0.0" in root["desc"]


def test_cards_render_in_anki(tmp_path: Path, collection: Collection) -> None:
    import_deck(collection, build(FIXTURE, tmp_path / "decks", T1).path)
    volumes = collection.get_note(
        note_by_field(collection, "Front", "Which command lists EBS volumes?")
    )
    answer = volumes.cards()[0].answer()
    assert '<pre class="highlight"><code class="language-bash">' in answer
    assert "<table>" in answer
    cloze = collection.get_note(collection.find_notes('"Text:*Dedicated Instances*"')[0])
    first, second = sorted(cloze.cards(), key=lambda c: c.ord)
    assert 'data-ordinal="1">[...]</span>' in first.question()
    assert ">customer</span>" in first.question()
    assert ">hardware</span>" in first.answer()
    assert 'data-ordinal="2">[...]</span>' in second.question()


def test_rebuilt_deck_updates_in_place_and_keeps_history(
    tmp_path: Path, collection: Collection
) -> None:
    notes = copy_fixture(tmp_path)
    v1 = build(notes, tmp_path / "v1", T1).path
    import_deck(collection, v1)
    spot_id = note_by_field(collection, "Front", "What is a Spot Instance?")
    card_id = collection.get_note(spot_id).cards()[0].id
    review(collection, card_id)
    reviewed = collection.get_card(card_id)
    assert reviewed.reps == 1

    ec2 = notes / "ec2.md"
    ec2.write_text(
        ec2.read_text(encoding="utf-8").replace(
            "two-minute warning", "two-minute interruption notice"
        ),
        encoding="utf-8",
    )
    v2 = build(notes, tmp_path / "v2", T2).path
    log = import_deck(collection, v2)

    assert len(log.new) == 0
    assert collection.note_count() == 5
    after = collection.get_note(spot_id)
    assert "two-minute interruption notice" in after["Back"]
    card = collection.get_card(card_id)
    assert (card.reps, card.type, card.due, card.ivl) == (
        reviewed.reps,
        reviewed.type,
        reviewed.due,
        reviewed.ivl,
    )
    revlog = collection.db.list("select id from revlog where cid = ?", card_id)
    assert len(revlog) == 1


def test_reimporting_the_same_deck_changes_nothing(tmp_path: Path, collection: Collection) -> None:
    apkg = build(FIXTURE, tmp_path / "decks", T1).path
    import_deck(collection, apkg)
    log = import_deck(collection, apkg)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 5)
    assert collection.note_count() == 5
