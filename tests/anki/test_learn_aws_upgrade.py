"""A learner of Learn AWS 1.0.0 imports 1.1.0: what they studied stays, the rest arrives.

1.0.0 is built from the commit that released it, by the deckgen of that commit (the deck
learners got), into a collection whose every card is reviewed; then the notes of the 1.1.0
release commit are built by today's deckgen and imported over it, as Anki's desktop imports
by default. Both come from the repository's history, so edits to notes/ after 1.1.0 do not
touch this test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from anki.collection import Collection
from anki_helpers import import_deck, review

from deckgen.ids import guid_for_card
from deckgen.notes.folder import load_notes
from deckgen.pipeline import build
from deckgen.releases.lock import read_lock
from helpers import build_time_for

ROOT = Path(__file__).parent.parent.parent
RELEASE_1_0_0 = "f92df62eec770793a472a03fba3ad3a969ac499f"  # "Release Learn AWS 1.0.0"
RELEASE_1_1_0 = "a25a06b74ef820dc7dbe03c91562417d16405c93"  # "Re-cut Learn AWS 1.1.0 …"
REMOVED_TAG = "learn-aws::removed"


def checkout(commit: str, paths: list[str], into: Path) -> Path:
    """`paths` of `commit`, written under `into`. The repository's history is needed: CI
    checks out with fetch-depth 0."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, *paths],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.fail(
            f"git cannot read {commit[:7]} (a release of Learn AWS): this test needs the"
            f" repository's history (a full clone, or fetch-depth: 0)\n{archive.stderr.decode()}"
        )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def build_1_0_0(work: Path) -> Path:
    old = checkout(RELEASE_1_0_0, ["src", "notes"], work / "deckgen-1.0.0")
    env = {**os.environ, "PYTHONPATH": str(old / "src")}
    built = subprocess.run(
        [sys.executable, "-m", "deckgen", "build", "notes", "-o", "decks"],
        cwd=old,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return old / "decks" / "learn-aws-1.0.0.apkg"


@dataclass
class Upgrade:
    col: Collection
    before: dict[int, tuple[int, ...]]  # card id → its schedule after the 1.0.0 reviews
    revlog_before: int
    notes_before: dict[str, str]  # guid → the note's fields, as 1.0.0 shipped them
    log: object  # the 1.1.0 import's log
    notes: Path  # the notes folder of the 1.1.0 release


def schedule(col: Collection, card_id: int) -> tuple[int, ...]:
    card = col.get_card(card_id)
    return (card.nid, card.did, card.reps, card.type, card.queue, card.due, card.ivl)


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upgrade]:
    work = tmp_path_factory.mktemp("upgrade")
    v1 = build_1_0_0(work)
    notes_1_1_0 = checkout(RELEASE_1_1_0, ["notes"], work / "learn-aws-1.1.0") / "notes"
    v1_1 = build(notes_1_1_0, work / "decks", build_time_for(notes_1_1_0)).path
    assert v1_1.name == "learn-aws-1.1.0.apkg"  # the release, not a -dev build
    col = Collection(str(work / "collection.anki2"))
    try:
        import_deck(col, v1)
        for card_id in col.find_cards(""):
            review(col, card_id)
        cards = col.find_cards("")
        before = {card_id: schedule(col, card_id) for card_id in cards}
        revlog_before = col.db.scalar("select count() from revlog")
        notes_before = dict(col.db.all("select guid, flds from notes"))
        log = import_deck(col, v1_1)
        yield Upgrade(col, before, revlog_before, notes_before, log, notes_1_1_0)
    finally:
        col.close()


def test_every_reviewed_card_keeps_its_schedule_and_history(upgrade: Upgrade) -> None:
    col = upgrade.col
    assert len(upgrade.before) == 259 and upgrade.revlog_before == 259
    assert all(reps == 1 for _, _, reps, *_ in upgrade.before.values())
    assert {card_id: schedule(col, card_id) for card_id in upgrade.before} == upgrade.before
    assert col.db.scalar("select count() from revlog") == upgrade.revlog_before


def test_new_notes_arrive_and_none_is_doubled(upgrade: Upgrade) -> None:
    col, log = upgrade.col, upgrade.log
    lock = read_lock(upgrade.notes)
    assert lock is not None and lock.version == "1.1.0"
    guids = set(col.db.list("select guid from notes"))
    assert col.db.scalar("select count() from notes") == len(guids)  # no duplicate
    assert len(log.new) == 128  # type: ignore[attr-defined]
    assert len(log.conflicting) == 0  # type: ignore[attr-defined]
    assert len(guids) == 225 + 128 == 340 + 13
    assert set(upgrade.notes_before) <= guids  # every note of 1.0.0 is still there


def test_edited_notes_are_updated_and_removed_ones_marked(upgrade: Upgrade) -> None:
    col, log = upgrade.col, upgrade.log
    now = dict(col.db.all("select guid, flds from notes"))
    changed = {g for g, fields in upgrade.notes_before.items() if now[g] != fields}
    # every note of 1.0.0 changed: 77 by the review, the rest by the new source links
    assert len(changed) == 225 == len(log.updated)  # type: ignore[attr-defined]
    removed = col.find_notes(f"tag:{REMOVED_TAG}")
    assert len(removed) == 13
    assert all(
        "Removed from Learn AWS in version 1.1.0" in col.get_note(n).joined_fields()
        for n in removed
    )


@pytest.mark.parametrize(
    ("kept", "new"),
    [
        ("batch-job-container", "batch-service-job"),
        ("sg-private-nat-gateway", "sg-private-nat-no-internet"),
    ],
)
def test_a_split_card_keeps_its_history_on_the_part_that_asks_the_old_question(
    upgrade: Upgrade, kept: str, new: str
) -> None:
    col = upgrade.col
    guids = guids_by_id(upgrade.notes)
    old_note = col.get_note(col.db.scalar("select id from notes where guid = ?", guids[kept]))
    assert guids[kept] in upgrade.notes_before and guids[new] not in upgrade.notes_before
    assert old_note.joined_fields() != upgrade.notes_before[guids[kept]]  # narrowed in 1.1.0
    assert all(upgrade.before[c.id] == schedule(col, c.id) for c in old_note.cards())
    new_note = col.db.scalar("select id from notes where guid = ?", guids[new])
    assert [c.reps for c in col.get_note(new_note).cards()] == [0]


def guids_by_id(notes: Path) -> dict[str, str]:
    deck = load_notes(notes).deck
    assert deck is not None
    return {card.explicit_id: guid_for_card(card) for card in deck.cards if card.explicit_id}
