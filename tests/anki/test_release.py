"""Releases imported over each other with the official anki package, as learners do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from anki_helpers import import_deck, note_by_field, review

from deckgen.publish import prepare, release
from deckgen.releases.diff import report
from release_helpers import FIXTURE, edit, v2_changes, v3_changes

T1 = 1_790_000_000
T2 = T1 + 86_400
T3 = T2 + 86_400
REMOVED_TAG = "learn-aws::removed"


def counts(log: object) -> tuple[int, int, int, int]:
    return (
        len(log.new),  # type: ignore[attr-defined]
        len(log.updated),  # type: ignore[attr-defined]
        len(log.duplicate),  # type: ignore[attr-defined]
        len(log.conflicting),  # type: ignore[attr-defined]
    )


def schedule(col: Collection, card_id: int) -> tuple[int, ...]:
    card = col.get_card(card_id)
    return (card.nid, card.reps, card.type, card.queue, card.due, card.ivl, card.factor)


def revlog(col: Collection, card_id: int) -> list[int]:
    return list(col.db.list("select id from revlog where cid = ?", card_id))


def assert_no_duplicate_notes(col: Collection) -> None:
    assert col.db.scalar("select count(*) - count(distinct guid) from notes") == 0
    fronts = col.db.list("select sfld from notes")
    assert len(fronts) == len(set(fronts))


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def releases(notes: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    out = tmp_path / "decks"
    v1 = release(notes, out, T1, None)
    v2_changes(notes)
    v2 = release(notes, out, T2, None)
    v3_changes(notes)
    v3 = release(notes, out, T3, None)
    assert (v1.version, v2.version, v3.version) == ("1.0.0", "1.1.0", "1.2.0")
    return v1.path, v2.path, v3.path


def test_v1_to_v2_to_v3_updates_in_place_and_keeps_history(
    notes: Path, tmp_path: Path, collection: Collection
) -> None:
    out = tmp_path / "decks"
    v1 = release(notes, out, T1, None).path
    assert counts(import_deck(collection, v1)) == (7, 0, 0, 0)
    spot = collection.get_note(note_by_field(collection, "Front", "What is a Spot Instance?"))
    on_demand = collection.get_note(
        note_by_field(collection, "Front", "Which purchasing option has no commitment?")
    )
    reviewed = [spot.cards()[0].id, on_demand.cards()[0].id]
    for card_id in reviewed:
        review(collection, card_id)
    before = {
        card_id: (schedule(collection, card_id), revlog(collection, card_id))
        for card_id in reviewed
    }

    v2_changes(notes)
    v2 = release(notes, out, T2, None)
    assert v2.version == "1.1.0"  # notes were added and removed
    log = import_deck(collection, v2.path)
    assert counts(log) == (1, 3, 4, 0)  # new: savings; updated: edit, reword, tombstone
    assert collection.note_count() == 8
    assert_no_duplicate_notes(collection)
    for card_id, (scheduled, history) in before.items():
        assert schedule(collection, card_id) == scheduled
        assert revlog(collection, card_id) == history and len(history) == 1
    assert "interruption notice" in collection.get_note(spot.id)["Back"]
    assert collection.get_note(on_demand.id)["Front"] == "Which option needs no commitment?"

    removed = collection.get_note(
        note_by_field(collection, "Front", "What do you commit to with Reserved Instances?")
    )
    assert REMOVED_TAG in removed.tags
    assert removed["Back"].startswith(
        '<p class="removed"><b>Removed from Learn AWS in version 1.1.0.</b>'
    )
    assert collection.find_notes(f"tag:{REMOVED_TAG}") == [removed.id]
    root = collection.decks.by_name("Learn AWS")
    assert root is not None and "Version 1.1.0" in root["desc"]

    v3_changes(notes)
    v3 = release(notes, out, T3, None)
    log = import_deck(collection, v3.path)
    # new: EBS; updated: the edited answer and the removed cloze; the v2 tombstone is unchanged
    assert counts(log) == (1, 2, 6, 0)
    assert collection.note_count() == 9
    assert_no_duplicate_notes(collection)
    assert sorted(collection.find_notes(f"tag:{REMOVED_TAG}")) == sorted(
        [removed.id, collection.find_notes('"Text:*Dedicated Host*"')[0]]
    )
    host = collection.get_note(collection.find_notes('"Text:*Dedicated Host*"')[0])
    assert host["Extra"].startswith(
        '<p class="removed"><b>Removed from Learn AWS in version 1.2.0.'
    )
    for card_id, (scheduled, history) in before.items():
        assert schedule(collection, card_id) == scheduled
        assert revlog(collection, card_id) == history


def test_a_learner_can_jump_from_v1_to_v3(
    notes: Path, tmp_path: Path, collection: Collection
) -> None:
    v1, _, v3 = releases(notes, tmp_path)
    import_deck(collection, v1)
    spot_card = (
        collection.get_note(note_by_field(collection, "Front", "What is a Spot Instance?"))
        .cards()[0]
        .id
    )
    review(collection, spot_card)
    scheduled = schedule(collection, spot_card)

    log = import_deck(collection, v3)
    # new: savings, EBS; updated: spot, on-demand, EBS list, and both tombstones
    assert counts(log) == (2, 5, 2, 0)
    assert collection.note_count() == 9
    assert_no_duplicate_notes(collection)
    assert len(collection.find_notes(f"tag:{REMOVED_TAG}")) == 2
    assert schedule(collection, spot_card) == scheduled
    assert len(revlog(collection, spot_card)) == 1


def test_new_learners_get_removed_notes_in_a_removed_subdeck(
    notes: Path, tmp_path: Path, collection: Collection
) -> None:
    _, v2, _ = releases(notes, tmp_path)
    import_deck(collection, v2)
    removed = note_by_field(collection, "Front", "What do you commit to with Reserved Instances?")
    card = collection.get_note(removed).cards()[0]
    deck = collection.decks.get(card.did)
    assert deck is not None and deck["name"] == "Learn AWS::Removed"
    assert "safe to delete" in deck["desc"]


def test_a_tombstone_ships_for_keep_removed_releases_then_drops(
    notes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    v2_changes(notes)
    assert len(release(notes, out, T2, None).plan.tombstones) == 1
    v3_changes(notes)
    assert len(release(notes, out, T3, None).plan.tombstones) == 2  # reserved (1 left), host
    edit(notes / "storage.md", "Block storage.", "Block storage for EC2.")
    plan = release(notes, out, T3 + 60, None).plan
    assert [t.note.key for t in plan.tombstones] == ["id:ec2-dedicated-host"]


@pytest.mark.parametrize(
    ("file", "old", "reworded", "with_id"),
    [
        (
            "ec2.md",
            "Q: Which purchasing option suits short-term testing?\n",
            "Q: Which purchasing option suits a short test?\n",
            "Q: Which purchasing option suits a short test?\n<!-- id: ID -->\n",
        ),
        (
            "storage.md",
            "- An EBS volume lives in one {{c1::Availability Zone}}.",
            "- An EBS volume always lives in one {{c1::Availability Zone}}.",
            "- <!-- id: ID -->\n  An EBS volume always lives in one {{c1::Availability Zone}}.",
        ),
    ],
    ids=["basic", "cloze"],
)
def test_rewording_a_note_without_id_keeps_its_history_with_the_id_diff_names(
    notes: Path,
    tmp_path: Path,
    collection: Collection,
    file: str,
    old: str,
    reworded: str,
    with_id: str,
) -> None:
    out = tmp_path / "decks"
    import_deck(collection, release(notes, out, T1, None).path)
    start = old.removeprefix("Q: ").removeprefix("- ").split("{{")[0].strip()
    note_id = collection.find_notes(f'"{start}*"')[0]
    card_id = collection.get_note(note_id).cards()[0].id
    review(collection, card_id)
    scheduled = schedule(collection, card_id)

    edit(notes / file, old, reworded)
    prepared = prepare(notes)
    advice = report(prepared.plan(T2), "1.1.0")
    claim = re.search(r"<!-- id: ([\w.-]+) -->", advice)
    assert claim is not None, advice
    edit(notes / file, reworded, with_id.replace("ID", claim.group(1)))

    v2 = release(notes, out, T2, None)
    assert v2.version == "1.0.1", "a rewording is a change, not a removal and an addition"
    assert counts(import_deck(collection, v2.path)) == (0, 1, 6, 0)
    assert collection.note_count() == 7
    assert schedule(collection, card_id) == scheduled
    assert len(revlog(collection, card_id)) == 1
    assert reworded.split("{{")[0].removeprefix("Q: ").removeprefix("- ").strip() in (
        collection.get_note(note_id).joined_fields()
    )


def test_a_styling_change_reaches_learners_without_touching_their_notes(
    notes: Path, tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anki takes a changed note type only when it is newer, as it does notes."""
    from deckgen.apkg import notetypes

    out = tmp_path / "decks"
    assert counts(import_deck(collection, release(notes, out, T1, None).path)) == (7, 0, 0, 0)
    note_ids = sorted(collection.find_notes(""))

    monkeypatch.setattr(
        notetypes, "BASE_CSS", notetypes.BASE_CSS + ".context { color: #123456; }\n"
    )
    notetypes.genanki_model.cache_clear()
    try:
        v2 = release(notes, out, T2, None)
        assert v2.version == "1.1.0"  # a new look of the note types is a minor release
        log = import_deck(collection, v2.path)
    finally:
        notetypes.genanki_model.cache_clear()

    assert (len(log.new), len(log.conflicting)) == (0, 0)
    assert sorted(collection.find_notes("")) == note_ids
    for name in ("deckgen Basic", "deckgen Cloze"):
        model = collection.models.by_name(name)
        assert model is not None and "#123456" in model["css"], name
    assert len(collection.models.all_names_and_ids()) == len(
        {m.name for m in collection.models.all_names_and_ids()}
    )
