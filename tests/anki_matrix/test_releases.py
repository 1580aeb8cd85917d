"""Releases imported over each other on every Anki a learner may run, with each version's
default importer: the compatibility matrix.

Each test runs once per version in learner.VERSIONS. What differs between the versions is
written down in EXPECTED, so a change that makes any version worse fails here. The one
known loss: from 2.1.55 to 24.11 the importer stamps a note it updates with the moment of
the import, not the note's own time, so a later release whose time is before that moment
cannot update the note again (fixed in Anki 25.02).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from learner import Counts, Learner

from deckgen.apkg import notetypes
from deckgen.apkg.package import IMPORT_ADVICE
from deckgen.pipeline import build
from deckgen.publish import release
from release_helpers import FIXTURE, edit, git, v2_changes, v3_changes

T1 = 1_790_000_000  # the releases of the shared history, all well before any test runs
T2 = T1 + 86_400
T3 = T2 + 86_400
REMOVED_TAG = "learn-aws::removed"
SPOT = ("Front", "What is a Spot Instance?")
ON_DEMAND_V1 = ("Front", "Which purchasing option has no commitment?")
ON_DEMAND = ("Front", "Which option needs no commitment?")
EBS_LIST = ("Front", "Which command lists EBS volumes?")
SPOT_V2 = "two-minute interruption notice"
SPOT_V3 = "two-minute interruption notice (by EventBridge)"


@dataclass(frozen=True)
class Expected:
    """What one Anki version does where the versions differ."""

    keeps_edits_of_an_older_release: bool  # False: the importer stamps updates with its clock
    # True: the importer makes every deck of the package, so a learner whose removed notes
    # stay in their own sub-decks gets an empty Removed sub-deck (its description says
    # it is safe to delete). Shipping tombstones without cards would avoid it, but then
    # Check Database makes their cards for new learners, in some other deck.
    makes_an_empty_removed_deck: bool


EXPECTED = {
    "2.1.49": Expected(keeps_edits_of_an_older_release=True, makes_an_empty_removed_deck=False),
    "2.1.66": Expected(keeps_edits_of_an_older_release=False, makes_an_empty_removed_deck=True),
    "24.11": Expected(keeps_edits_of_an_older_release=False, makes_an_empty_removed_deck=True),
    "26.9.3": Expected(keeps_edits_of_an_older_release=True, makes_an_empty_removed_deck=True),
}


def v3_matrix_changes(notes: Path) -> None:
    """release_helpers' v3, and the Spot answer edited again (it changed in v2 too)."""
    v3_changes(notes)
    edit(notes / "ec2.md", SPOT_V2, SPOT_V3)


def next_second() -> int:
    """Wait for the next whole second: a release cut now is later than every import so far."""
    now = time.time()
    target = int(now) + 1
    time.sleep(target - now)
    return target


@dataclass(frozen=True)
class History:
    v1: Path
    v2: Path
    v3: Path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """v1, v2 and v3 of the release fixture, cut and published at T1, T2 and T3."""
    root = tmp_path_factory.mktemp("history")
    notes = Path(shutil.copytree(FIXTURE, root / "notes"))
    out = root / "decks"
    v1 = release(notes, out, T1, None).path
    v2_changes(notes)
    v2 = release(notes, out, T2, None).path
    v3_matrix_changes(notes)
    v3 = release(notes, out, T3, None).path
    return History(v1, v2, v3)


def test_a_learner_who_imports_each_release_when_it_comes_out_gets_every_change(
    learner: Learner, tmp_path: Path
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "decks"
    counts, before = learner.imports(release(notes, out, next_second(), None).path)
    assert counts == Counts(7, 0, 0, 0)
    reviewed = [before.card(*SPOT)["id"], before.card(*ON_DEMAND_V1)["id"]]
    reviewed_cards = learner.reviews(*reviewed).cards(reviewed)

    v2_changes(notes)
    counts, after = learner.imports(release(notes, out, next_second(), None).path)
    assert counts == Counts(1, 3, 4, 0)  # new: savings; updated: edit, reword, tombstone
    assert SPOT_V2 in after.note(*SPOT)["fields"]["Back"]
    assert after.note(*ON_DEMAND)["id"] == before.note(*ON_DEMAND_V1)["id"]
    assert len(after.notes) == 8
    removed = after.tagged(REMOVED_TAG)
    assert [n["fields"]["Front"] for n in removed] == [
        "What do you commit to with Reserved Instances?"
    ]
    assert removed[0]["fields"]["Back"].startswith(
        '<p class="removed"><b>Removed from Learn AWS in version 1.1.0.</b>'
    )
    assert "Version 1.1.0" in after.decks["Learn AWS"]
    removed_deck = "Learn AWS::Removed" in after.decks
    assert removed_deck == EXPECTED[learner.version].makes_an_empty_removed_deck
    assert {c["deck"] for n in after.notes for c in n["cards"]} == {
        "Learn AWS::EC2",
        "Learn AWS::Storage",
    }

    v3_matrix_changes(notes)
    counts, after = learner.imports(release(notes, out, next_second(), None).path)
    # new: EBS; updated: Spot again, the command's answer, the removed cloze
    assert counts == Counts(1, 3, 5, 0)
    assert SPOT_V3 in after.note(*SPOT)["fields"]["Back"]
    assert "--output" in after.note(*EBS_LIST)["fields"]["Back"]
    assert len(after.notes) == 9 and len({n["guid"] for n in after.notes}) == 9
    assert len(after.tagged(REMOVED_TAG)) == 2
    assert after.cards(reviewed) == reviewed_cards, "reviewed cards keep their schedule"
    assert sorted(after.revlog) == sorted(reviewed)


def test_a_learner_who_imports_an_older_release_after_a_newer_one_was_cut(
    learner: Learner, history: History
) -> None:
    """The catch-up: v1, then v2 after v3 was cut, then v3. From 2.1.55 to 24.11 the v3 edit
    of a note that v2 changed too is lost; the other v3 changes arrive."""
    counts, after = learner.imports(history.v1, history.v2, history.v3)
    spot = after.note(*SPOT)["fields"]["Back"]
    assert "--output" in after.note(*EBS_LIST)["fields"]["Back"]
    if EXPECTED[learner.version].keeps_edits_of_an_older_release:
        assert counts == Counts(1, 3, 5, 0)
        assert SPOT_V3 in spot
    else:
        assert counts == Counts(1, 2, 6, 0)
        assert SPOT_V2 in spot and SPOT_V3 not in spot, "the known loss of 2.1.55–24.11"


@pytest.mark.parametrize("learner", ["24.11"], indirect=True)
def test_update_notes_always_brings_the_lost_edit(learner: Learner, history: History) -> None:
    """The workaround the guidance names for 23.10–24.11: import again with "Update notes:
    Always". (2.1.55–2.1.66 have no such choice; there it is the legacy importer.)"""
    _, col = learner.imports(history.v1, history.v2, history.v3)
    assert SPOT_V3 not in col.note(*SPOT)["fields"]["Back"]
    _, col = learner.imports(history.v3, update_notes="always")
    assert SPOT_V3 in col.note(*SPOT)["fields"]["Back"]


def commit_release(repo: Path, when: int, version: str, *, tag: bool) -> Path:
    """`deckgen release` at `when`, committed then; tagged then too unless `tag` is False."""
    cut = release(repo / "notes", repo / "decks", when, None)
    assert cut.version == version
    git(repo, "add", "notes", "decks/CHANGELOG.md", when=when)
    git(repo, "commit", "-q", "-m", f"Release {version}", when=when)
    if tag:
        git(repo, "tag", "-a", f"v{version}", "-m", f"Release {version}", when=when)
    return cut.path


@pytest.fixture(scope="module")
def unpublished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, History]:
    """A repository where v1 and v2 were published when cut, and v3 is cut and committed
    at T3 but not yet tagged (the maintainer ran `deckgen release` well before publishing)."""
    repo = tmp_path_factory.mktemp("unpublished") / "repo"
    shutil.copytree(FIXTURE, repo / "notes")
    git(repo, "init", "-q", "-b", "main", when=T1)
    v1 = commit_release(repo, T1, "1.0.0", tag=True)
    v2_changes(repo / "notes")
    v2 = commit_release(repo, T2, "1.1.0", tag=True)
    v3_matrix_changes(repo / "notes")
    v3 = commit_release(repo, T3, "1.2.0", tag=False)
    return repo, History(v1, v2, v3)


def test_a_learner_who_imports_the_newest_release_while_the_next_is_cut_but_unpublished(
    learner: Learner, unpublished: tuple[Path, History], tmp_path: Path
) -> None:
    """The learner imports v2, the newest published, after the maintainer cut v3; then v3
    is tagged and the release workflow builds it from the tag (with SOURCE_DATE_EPOCH set
    to the tagged commit's time, as release.yml does). v3 ships at its tag's date, later
    than the learner's import, so its edits arrive on every version."""
    repo = Path(shutil.copytree(unpublished[0], tmp_path / "repo"))
    published = unpublished[1]
    learner.imports(published.v1, published.v2)
    tagged = next_second()
    git(repo, "tag", "-a", "v1.2.0", "-m", "Release 1.2.0", when=tagged)
    v3 = build(repo / "notes", tmp_path / "published", T3).path
    counts, col = learner.imports(v3)
    assert counts == Counts(1, 3, 5, 0)
    assert SPOT_V3 in col.note(*SPOT)["fields"]["Back"]
    if EXPECTED[learner.version].keeps_edits_of_an_older_release:  # else: the import's time
        assert col.note(*SPOT)["mod"] == tagged, "v3 ships at its tag's date"


@pytest.mark.parametrize("learner", ["2.1.66"], indirect=True)
def test_legacy_import_handling_keeps_the_edits(learner: Learner, history: History) -> None:
    """What keeps the loss from happening on 2.1.55–24.06: Preferences › "Legacy
    import/export handling", whose importer keeps the notes' own times."""
    counts, col = learner.imports(history.v1, history.v2, history.v3, legacy=True)
    assert counts == Counts(1, 3, 5, 0)
    assert SPOT_V3 in col.note(*SPOT)["fields"]["Back"]


def test_a_new_learner_gets_the_latest_release_whole(learner: Learner, history: History) -> None:
    counts, col = learner.imports(history.v3)
    assert counts == Counts(9, 0, 0, 0)  # 7 live notes and 2 removed ones
    removed = col.tagged(REMOVED_TAG)
    assert len(removed) == 2
    assert {card["deck"] for n in removed for card in n["cards"]} == {"Learn AWS::Removed"}
    assert "safe to delete" in col.decks["Learn AWS::Removed"]
    assert f"Version 1.2.0. {IMPORT_ADVICE}" in col.decks["Learn AWS"]
    assert set(col.note_types()) == {"deckgen Basic", "deckgen Cloze"}


def test_a_learner_can_jump_from_v1_to_v3(learner: Learner, history: History) -> None:
    card = learner.imports(history.v1)[1].card(*SPOT)["id"]
    scheduled = learner.reviews(card).card(*SPOT)
    counts, col = learner.imports(history.v3)
    # new: savings, EBS; updated: spot, on-demand, the command, and both removed notes
    assert counts == Counts(2, 5, 2, 0)
    assert len(col.notes) == 9 and len(col.tagged(REMOVED_TAG)) == 2
    assert col.card(*SPOT) == scheduled and col.revlog == [card]


def test_a_styling_change_reaches_learners_in_place(
    learner: Learner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "decks"
    _, before = learner.imports(release(notes, out, T1, None).path)
    monkeypatch.setattr(
        notetypes, "BASE_CSS", notetypes.BASE_CSS + ".context { color: #123456; }\n"
    )
    notetypes.genanki_model.cache_clear()
    try:
        v2 = release(notes, out, T2, None)
    finally:
        notetypes.genanki_model.cache_clear()
    assert v2.version == "1.1.0"
    counts, after = learner.imports(v2.path)
    assert (counts.new, counts.conflicting) == (0, 0)
    assert [n["id"] for n in after.notes] == [n["id"] for n in before.notes]
    for name, model in after.note_types().items():
        assert model["css_sha1"] != before.note_types()[name]["css_sha1"], name
        assert model["id"] == before.note_types()[name]["id"], "updated in place, no copy"
    assert set(after.note_types()) == {"deckgen Basic", "deckgen Cloze"}
