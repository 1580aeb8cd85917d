"""A release ships at its tag's date, not at the time `deckgen release` cut it.

From Anki 2.1.55 to 24.11 the importer stamps a note it updates with the moment of the
import; a later release whose time is before that moment cannot update the note again.
A learner who imports the newest release after the next one was cut but before it was
published would lose that one's edits, were it stamped with its cut time.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from deckgen.errors import DeckgenError
from deckgen.incremental.build import build as incremental_build
from deckgen.pipeline import build
from deckgen.publish import release
from release_helpers import FIXTURE, edit, git, v2_changes

T1 = 1_790_000_000
CUT = T1 + 86_400  # `deckgen release` of 1.1.0
TAGGED = CUT + 3 * 86_400  # its tag, three days later


def note_mods(apkg: Path) -> dict[str, int]:
    """The first field of every note → its modification time."""
    with zipfile.ZipFile(apkg) as archive:
        data = archive.read("collection.anki2")
    db_path = apkg.with_suffix(".anki2")
    db_path.write_bytes(data)
    db = sqlite3.connect(db_path)
    try:
        return {
            flds.split("\x1f")[0]: mod for flds, mod in db.execute("select flds, mod from notes")
        }
    finally:
        db.close()
        db_path.unlink()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """1.0.0 published at T1; 1.1.0 cut and committed at CUT, not tagged yet."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root / "notes")
    git(root, "init", "-q", "-b", "main", when=T1)
    release(root / "notes", root / "decks", T1, None)
    git(root, "add", "notes", "decks/CHANGELOG.md", when=T1)
    git(root, "commit", "-q", "-m", "Release 1.0.0", when=T1)
    git(root, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0", when=T1)
    v2_changes(root / "notes")
    release(root / "notes", root / "decks", CUT, None)
    git(root, "add", "notes", "decks/CHANGELOG.md", when=CUT)
    git(root, "commit", "-q", "-m", "Release 1.1.0", when=CUT)
    return root


def test_what_a_release_changed_ships_at_its_tags_date(repo: Path, tmp_path: Path) -> None:
    before = note_mods(build(repo / "notes", tmp_path / "untagged").path)
    git(repo, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", when=TAGGED)
    apkg = build(repo / "notes", tmp_path / "published", CUT).path  # as release.yml builds
    after = note_mods(apkg)
    assert before["What is a Spot Instance?"] == CUT  # edited in 1.1.0
    assert after["What is a Spot Instance?"] == TAGGED
    assert after["What is a Savings Plan?"] == TAGGED  # added in 1.1.0
    assert after["What do you commit to with Reserved Instances?"] == TAGGED  # its tombstone
    assert after["Which command lists EBS volumes?"] == T1  # unchanged since 1.0.0
    with zipfile.ZipFile(apkg) as archive:
        db_path = tmp_path / "published.anki2"
        db_path.write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("select max(id) from cards").fetchone()[0] == TAGGED * 1000
    finally:
        db.close()


def test_the_published_deck_is_reproducible_from_the_tag(repo: Path, tmp_path: Path) -> None:
    git(repo, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", when=TAGGED)
    published = build(repo / "notes", tmp_path / "a", CUT).path.read_bytes()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "v1.1.0", str(repo), str(clone), when=TAGGED)
    assert build(clone / "notes", tmp_path / "b", None).path.read_bytes() == published
    assert build(clone / "notes", tmp_path / "c", int(time.time())).path.read_bytes() == published


def test_a_lightweight_tag_publishes_at_its_commits_date(repo: Path, tmp_path: Path) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "Published", when=TAGGED)
    git(repo, "tag", "v1.1.0", when=TAGGED + 600)  # a lightweight tag has no date of its own
    after = note_mods(build(repo / "notes", tmp_path / "d", None).path)
    assert after["What is a Spot Instance?"] == TAGGED


def test_the_next_release_follows_the_publication(repo: Path, tmp_path: Path) -> None:
    git(repo, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", when=TAGGED)
    notes = repo / "notes"
    edit(notes / "storage.md", "--region eu-west-1", "--region eu-west-1 --output json")
    with pytest.raises(DeckgenError) as refused:  # cut after 1.1.0 was cut, before it was published
        release(notes, repo / "decks", TAGGED - 60, None)
    assert "DG061" in str(refused.value) and "before the release of 1.1.0" in str(refused.value)
    release(notes, repo / "decks", TAGGED + 60, None)
    lock = json.loads((notes / "deck.lock.json").read_text(encoding="utf-8"))
    mods = {n["question"]: n["mod"] for n in lock["notes"]}
    assert mods["What is a Spot Instance?"] == TAGGED, "the lock records 1.1.0's publication"
    assert mods["Which command lists EBS volumes?"] == TAGGED + 60
    assert mods["Which purchasing option suits short-term testing?"] == T1
    assert {state["mod"] for state in lock["note_types"].values()} == {T1}


def test_a_tag_dated_in_the_future_is_refused(repo: Path, tmp_path: Path) -> None:
    future = int(time.time()) + 86_400
    git(repo, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", when=future)
    with pytest.raises(DeckgenError) as refused:
        build(repo / "notes", tmp_path / "d", None)
    message = str(refused.value)
    assert "DG075 the tag v1.1.0 is dated" in message and "in the future" in message


def test_tagging_a_release_makes_the_next_build_rebuild(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    assert not incremental_build(repo / "notes", out).skipped
    assert incremental_build(repo / "notes", out).skipped
    git(repo, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", when=TAGGED)
    rebuilt = incremental_build(repo / "notes", out)
    assert not rebuilt.skipped
    assert note_mods(rebuilt.path)["What is a Spot Instance?"] == TAGGED


def test_a_branch_named_like_the_tag_does_not_hide_it(repo: Path, tmp_path: Path) -> None:
    git(repo, "branch", "v1.1.0", when=CUT)
    git(repo, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", when=TAGGED)
    after = note_mods(build(repo / "notes", tmp_path / "d", None).path)
    assert after["What is a Spot Instance?"] == TAGGED
