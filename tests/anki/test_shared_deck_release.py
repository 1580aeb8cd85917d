"""A shared deck, as a learner meets it in Anki: v1 then v2 of a deck with `repository` set.
The backs of the cards link to their source; v2 updates only the notes it changed; and the
deck says which version the learner has, what v2 changed and what to delete."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from anki_helpers import import_deck, note_by_field, review

from deckgen.publish import release
from release_helpers import FIXTURE, three_card_changes, with_settings

T1 = 1_790_000_000
T2 = T1 + 86_400
BLOB = "https://github.com/acme/learn-aws/blob/main/notes"
EDIT = "https://github.com/acme/learn-aws/edit/main/notes"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    return with_settings(notes, 'repository = "https://github.com/acme/learn-aws"\n')


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)" style="color:inherit">([^<]+)</a>', html)


def note_state(col: Collection) -> dict[str, tuple[int, str, str]]:
    """Every note by GUID: its modification time, fields and tags, as the learner has it."""
    rows = col.db.all("select guid, mod, flds, tags from notes")
    return {guid: (mod, flds, tags) for guid, mod, flds, tags in rows}


def test_v1_then_v2_links_updates_and_release_notes(
    notes: Path, tmp_path: Path, collection: Collection
) -> None:
    out = tmp_path / "decks"
    log = import_deck(collection, release(notes, out, T1, None).path)
    assert len(log.new) == 7
    spot = collection.get_note(note_by_field(collection, "Front", "What is a Spot Instance?"))
    review(collection, spot.cards()[0].id)
    before = note_state(collection)

    three_card_changes(notes)
    v2 = release(notes, out, T2, None)
    log = import_deck(collection, v2.path)

    # only what v2 changed was updated: the edited note and the removed one's tombstone
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (1, 2, 5)
    after = note_state(collection)
    changed = {spot.guid, next(n.guid for n in v2.plan.changes.removed)}
    assert set(after) - set(before) == {v2.plan.changes.added[0].guid}
    for guid, state in before.items():
        if guid not in changed:
            assert after[guid] == state, "an unchanged note is not touched"
        else:
            assert after[guid] != state

    # the back of a card links to the card in the repository, and to a fix
    answer = collection.get_note(spot.id).cards()[0].answer()
    assert links(answer) == [
        (f"{BLOB}/ec2.md#what-is-a-spot-instance", "ec2.md"),
        (f"{EDIT}/ec2.md", "suggest a fix"),
    ]
    cloze = collection.get_note(collection.find_notes('"Text:*Dedicated Host*"')[0])
    assert links(cloze.cards()[0].answer())[0] == (f"{BLOB}/ec2.md#tenancy", "ec2.md")

    # what the learner reads on the deck's overview after the import
    root = collection.decks.by_name("Learn AWS")
    assert root is not None
    description = root["desc"]
    assert "Version 1.1.0. Import only the newest version." in description
    assert "<b>What changed in 1.1.0 (2026-09-22)</b>" in description
    assert "<p>1 added, 1 changed, 1 removed; 7 notes in all.</p>" in description
    for section, question in (
        ("Added", "What is a Savings Plan?"),
        ("Changed", "What is a Spot Instance?"),
        ("Removed", "What do you commit to with Reserved Instances?"),
    ):
        assert f"<h3>{section}</h3>\n<ul>\n<li>EC2: {question}</li>\n</ul>" in description
    assert "search <code>tag:learn-aws::removed</code>, select all and delete" in description
    removed = collection.find_notes("tag:learn-aws::removed")
    assert [collection.get_note(n)["Front"] for n in removed] == [
        "What do you commit to with Reserved Instances?"
    ]
    # the release notes are the changelog's section, as the GitHub Release publishes it
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert v2.plan.release_notes is not None and v2.plan.release_notes in changelog
