"""A published release reverted in git: learners who imported it still receive the revert.

v1.0.0 and v1.1.0 are released and tagged; the 1.1.0 commit is reverted (lock included);
the next release follows the published tag, not the reverted lock. A learner who reviewed
cards and imported all three, in order, with Anki's default import options, gets the
reverted text back, the notes 1.1.0 added marked removed, and keeps every review.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from anki.collection import Collection
from anki_helpers import import_deck, note_by_field, review

from deckgen.publish import release
from deckgen.releases.versions import is_newer
from release_helpers import FIXTURE, commit_and_tag, edit, git

T1 = 1_790_000_000
T2 = T1 + 86_400
T3 = T2 + 86_400
WARNING = "two-minute warning"
NOTICE = "two-minute interruption notice"


def counts(log: object) -> tuple[int, int, int, int]:
    parts = ("new", "updated", "duplicate", "conflicting")
    return tuple(len(getattr(log, part)) for part in parts)  # type: ignore[return-value]


def test_a_reverted_release_reaches_learners(tmp_path: Path, collection: Collection) -> None:
    repo = tmp_path / "repo"
    notes = Path(shutil.copytree(FIXTURE, repo / "notes"))
    out = repo / "decks"
    git(repo, "init", "-q", "-b", "main")
    v1 = release(notes, out, T1, None)
    commit_and_tag(repo, v1.version, T1)
    v1_deck = tmp_path / "v1.apkg"
    shutil.copy(v1.path, v1_deck)

    edit(notes / "ec2.md", WARNING, NOTICE)
    edit(
        notes / "ec2.md",
        "## Tenancy",
        "### What is a Savings Plan?\n<!-- id: ec2-savings -->\nA usage commitment.\n\n## Tenancy",
    )
    v2 = release(notes, out, T2, None)
    assert v2.version == "1.1.0"
    commit_and_tag(repo, v2.version, T2)
    v2_deck = tmp_path / "v2.apkg"
    shutil.copy(v2.path, v2_deck)

    # the lock and the changelog go back to 1.0.0
    git(repo, "revert", "--no-edit", "HEAD", when=T2 + 60)
    assert json.loads((notes / "deck.lock.json").read_text())["version"] == "1.0.0"
    v3 = release(notes, out, T3, None)
    assert v3.previous == "1.1.0" and is_newer(v3.version, "1.1.0")
    assert v3.note is not None and "older than the published v1.1.0" in v3.note

    # A learner imports 1.0.0 and reviews, then 1.1.0 and reviews, then the revert.
    assert counts(import_deck(collection, v1_deck)) == (7, 0, 0, 0)
    spot = note_by_field(collection, "Front", "What is a Spot Instance?")
    spot_card = collection.get_note(spot).card_ids()[0]
    review(collection, spot_card)
    assert counts(import_deck(collection, v2_deck)) == (1, 1, 6, 0)
    savings = note_by_field(collection, "Front", "What is a Savings Plan?")
    review(collection, collection.get_note(savings).card_ids()[0])
    reps_before = collection.db.scalar("select count(*) from revlog")

    # the reverted edit and the tombstone of what 1.1.0 added update; nothing new, no conflict
    assert counts(import_deck(collection, v3.path)) == (0, 2, 6, 0)
    assert collection.note_count() == 8
    assert WARNING in collection.get_note(spot)["Back"]
    assert NOTICE not in collection.get_note(spot)["Back"]
    gone = collection.get_note(savings)
    assert "learn-aws::removed" in gone.tags and "Removed from Learn AWS" in gone["Back"]
    assert collection.db.scalar("select count(*) from revlog") == reps_before == 2
    assert collection.get_card(spot_card).reps == 1
    assert collection.db.scalar("select count(*) - count(distinct guid) from notes") == 0
