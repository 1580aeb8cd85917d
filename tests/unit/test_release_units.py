"""Versions, the lock's round trip, and how a plan assigns GUIDs and times."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deckgen.publish import prepare, release, set_version
from deckgen.releases.lock import lock_json, read_lock, write_lock
from deckgen.releases.versions import Bump, bump, is_newer
from release_helpers import FIXTURE, edit

T1 = 1_790_000_000
T2 = T1 + 86_400


@pytest.mark.parametrize(
    ("version", "level", "expected"),
    [
        ("1.2.3", Bump.PATCH, "1.2.4"),
        ("1.2.3", Bump.MINOR, "1.3.0"),
        ("1.2.3", Bump.MAJOR, "2.0.0"),
        ("1.2.3-rc.1", Bump.PATCH, "1.2.4"),
        ("1.2.3", Bump.NONE, "1.2.3"),
    ],
)
def test_bump(version: str, level: Bump, expected: str) -> None:
    assert bump(version, level) == expected


def test_semver_precedence() -> None:
    assert is_newer("1.10.0", "1.9.9")
    assert is_newer("1.0.0", "1.0.0-rc.2")
    assert is_newer("1.0.0-rc.10", "1.0.0-rc.2")
    assert not is_newer("1.0.0+build.5", "1.0.0")


def test_set_version_keeps_the_rest_of_deck_toml() -> None:
    text = 'name = "X"\nversion = "1.0.0"  # the deck\ndescription = "version = 9"\n'
    assert set_version(text, "2.0.0") == (
        'name = "X"\nversion = "2.0.0"  # the deck\ndescription = "version = 9"\n'
    )


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def test_the_lock_reads_back_as_written(notes: Path, tmp_path: Path) -> None:
    release(notes, tmp_path / "decks", T1, None)
    lock = read_lock(notes)
    assert lock is not None and lock.version == "1.0.0" and len(lock.notes) == 7
    text = (notes / "deck.lock.json").read_text(encoding="utf-8")
    assert lock_json(lock) == text
    write_lock(lock, notes)
    assert (notes / "deck.lock.json").read_text(encoding="utf-8") == text


def test_unchanged_notes_keep_their_time_and_changed_ones_get_the_build_time(
    notes: Path, tmp_path: Path
) -> None:
    release(notes, tmp_path / "decks", T1, None)
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    plan = prepare(notes).plan(T2)
    mods = {note.key: note.mod for note in plan.notes}
    assert mods.pop("id:ec2-spot") == T2
    assert set(mods.values()) == {T1}
    assert {state.mod for state in plan.note_types.values()} == {T1}
    assert plan.timestamp == T2


def test_an_id_added_to_a_note_keeps_its_guid(notes: Path, tmp_path: Path) -> None:
    release(notes, tmp_path / "decks", T1, None)
    before = {n.question: n for n in prepare(notes).plan(T1).notes}
    question = "Which purchasing option suits short-term testing?"
    edit(notes / "ec2.md", f"Q: {question}\n", f"Q: {question}\n<!-- id: ec2-testing -->\n")
    plan = prepare(notes).plan(T2)
    note = next(n for n in plan.notes if n.question == question)
    assert (note.guid, note.key, note.mod) == (before[question].guid, "id:ec2-testing", T1)
    assert [(old.key, new.key) for old, new in plan.changes.changed] == [
        (before[question].key, "id:ec2-testing")
    ]
    assert not plan.changes.added and not plan.changes.removed


def test_a_deck_toml_only_change_is_a_patch(notes: Path, tmp_path: Path) -> None:
    release(notes, tmp_path / "decks", T1, None)
    edit(notes / "deck.toml", "A fixture deck for releases.", "A fixture deck.")
    plan = prepare(notes).plan(T2)
    assert plan.changes.settings == ("description",)
    assert plan.changes.needed_bump() is Bump.PATCH
    assert release(notes, tmp_path / "decks", T2, None).version == "1.0.1"


def test_a_new_question_never_takes_the_guid_of_a_note_that_moved_to_an_id(
    notes: Path, tmp_path: Path
) -> None:
    # The note asked "…short-term testing?" is reworded under the id `diff` advises, which
    # keeps its GUID; a later note asks the old question again, without an id. The GUID
    # derived from that question is the one the lock gives the reworded note: both in one
    # package, Anki would keep only one of them.
    question = "Which purchasing option suits short-term testing?"
    claim = "ec2-which-purchasing-option-suits-short-term-testing"
    release(notes, tmp_path / "decks", T1, None)
    reworded = f"Q: Which option suits a short test?\n<!-- id: {claim} -->\n"
    edit(notes / "ec2.md", f"Q: {question}\n", reworded)
    assert not release(notes, tmp_path / "decks", T2, None).plan.changes.removed
    edit(notes / "ec2.md", "## Tenancy", f"Q: {question}\nA: A new note.\n\n## Tenancy")
    plan = prepare(notes).plan(T2 + 1)
    guids = [note.guid for note in plan.shipped]
    assert len(guids) == len(set(guids)), "two notes share a GUID"
    by_key = {note.key: note for note in plan.notes}
    assert by_key[f"id:{claim}"].mod == T2  # the id's note keeps its GUID, unchanged
    assert [note.question for note in plan.changes.added] == [question]
