"""A shared deck on every Anki a learner may run: v1 then v2 of a deck with `repository`
set, each imported as that version's desktop imports by default. The links on the backs of
the cards, the notes v2 leaves alone, and what the learner reads of the release."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from learner import Counts, Learner

from deckgen.publish import release
from release_helpers import FIXTURE, three_card_changes, with_settings

BLOB = "https://github.com/acme/learn-aws/blob/main/notes"
EDIT = "https://github.com/acme/learn-aws/edit/main/notes"
SPOT = ("Front", "What is a Spot Instance?")
RESERVED = ("Front", "What do you commit to with Reserved Instances?")


def next_second() -> int:
    now = time.time()
    target = int(now) + 1
    time.sleep(target - now)
    return target


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)" style="color:inherit">([^<]+)</a>', html)


def test_links_untouched_notes_and_release_notes(learner: Learner, tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    with_settings(notes, 'repository = "https://github.com/acme/learn-aws"\n')
    out = tmp_path / "decks"
    counts, before = learner.imports(release(notes, out, next_second(), None).path)
    assert counts == Counts(7, 0, 0, 0)
    reviewed = before.card(*SPOT)["id"]
    before = learner.reviews(reviewed)

    three_card_changes(notes)
    counts, after = learner.imports(release(notes, out, next_second(), None).path)
    assert counts == Counts(1, 2, 5, 0)  # new: savings; updated: the edit, the tombstone
    untouched = {n["guid"]: n for n in after.notes}
    edited = {before.note(*SPOT)["guid"], before.note(*RESERVED)["guid"]}
    for note in before.notes:
        if note["guid"] not in edited:
            assert untouched[note["guid"]] == note, "v2 leaves a note it did not change alone"
    assert after.card(*SPOT) == before.card(*SPOT), "the edited note's card keeps its review"

    (spot_back,) = learner.answers(reviewed)
    assert links(spot_back) == [
        (f"{BLOB}/ec2.md#what-is-a-spot-instance", "ec2.md"),
        (f"{EDIT}/ec2.md", "suggest a fix"),
    ]
    assert "two-minute interruption notice" in spot_back

    description = after.decks["Learn AWS"]
    assert "Version 1.1.0. Import only the newest version." in description
    assert re.search(r"<b>What changed in 1\.1\.0 \(\d{4}-\d\d-\d\d\)</b>", description)
    assert "<li>EC2: What is a Savings Plan?</li>" in description
    assert "search <code>tag:learn-aws::removed</code>, select all and delete" in description
    assert [n["fields"]["Front"] for n in after.tagged("learn-aws::removed")] == [RESERVED[1]]


def test_why_the_release_notes_are_no_note(learner: Learner, tmp_path: Path) -> None:
    """The other place a package could carry release notes: a note of their own, with a
    fixed GUID in the root deck. It is updated like any note, but its card arrives as a new
    card to study on every version, even shipped suspended: the importer keeps no card
    state of a package imported without scheduling (the desktop's default)."""
    import genanki

    from deckgen.apkg.package import make_package, write_package
    from genanki_reference import TimedNote, genanki_package

    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    plan = release(notes, tmp_path / "decks", next_second(), None).plan
    package = genanki_package(make_package(plan.deck, plan.shipped, plan.shipped_note_types))
    basic = package.decks[1].notes[0].model
    note = TimedNote(
        plan.timestamp,
        model=basic,
        fields=["Learn AWS: release notes", "First release.", "Learn AWS", ""],
        guid="ReleaseNote",
    )
    note._cards = [genanki.Card(0, suspend=True)]
    package.decks[0].add_note(note)
    apkg = tmp_path / "with-note.apkg"
    write_package(package, apkg, plan.timestamp)
    _, col = learner.imports(apkg)
    [card] = next(n for n in col.notes if n["guid"] == "ReleaseNote")["cards"]
    assert card["deck"] == "Learn AWS"
    assert card["schedule"][:2] == [0, 0], "a new card in the queue, not suspended (-1)"
