"""Learners see what changed: a release's changelog section is kept in deck.lock.json and
shown in the root deck's description, so every build of that release (the tag's, verify's)
shows the same text as CHANGELOG.md and the GitHub Release."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.pipeline import build
from deckgen.publish import release
from deckgen.releases.changelog import release_notes_html
from deckgen.releases.lock import lock_json, read_lock
from release_helpers import FIXTURE, edit, three_card_changes, with_settings

T1 = 1_790_000_000
T2 = T1 + 86_400
ADVICE = (
    "Import only the newest version. On Anki 2.1.55–24.11, if an edit does not arrive,"
    " import it again with “Update notes: Always” (Anki 23.10 or later)."
)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def root_description(apkg: Path, tmp_path: Path) -> str:
    with zipfile.ZipFile(apkg) as archive:
        (tmp_path / "read.anki2").write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "read.anki2")
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    db.close()
    return next(str(d["desc"]) for d in decks.values() if d["name"] == "Learn AWS")


def test_the_release_notes_html() -> None:
    section = (
        "## 1.1.0 (2026-09-22)\n\n1 added, 0 changed, 0 removed; 8 notes in all.\n\n"
        "### Added\n\n- EC2: What is *Spot*? <img src=x onerror=alert(1)>\n\n"
        f"{ADVICE}\n"
    )
    assert release_notes_html(section) == (
        "<b>What changed in 1.1.0 (2026-09-22)</b>\n"
        "<p>1 added, 0 changed, 0 removed; 8 notes in all.</p>\n"
        '<h3>Added</h3>\n<ul>\n<li>EC2: What is <em>Spot</em>? <img src="x"></li>\n</ul>'
    )


def test_a_release_keeps_its_section_and_its_deck_shows_it(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    three_card_changes(notes)
    v2 = release(notes, out, T2, None)
    lock = read_lock(notes)
    assert lock is not None and lock.release_notes is not None
    printed = CliRunner().invoke(cli, ["changelog", str(notes), "-o", str(out)]).output
    assert printed == lock.release_notes  # the GitHub Release's body
    assert lock.release_notes.startswith("## 1.1.0 (2026-09-22)\n\n1 added, 1 changed, 1 removed")
    description = root_description(v2.path, tmp_path)
    assert description == (
        f"A fixture deck for releases.<br><br>Version 1.1.0. {ADVICE}<br><br>"
        + release_notes_html(lock.release_notes)
    )
    # a build of the released notes (the tag's, verify's) shows the same
    rebuilt = build(notes, tmp_path / "rebuilt", T2 + 600)
    assert rebuilt.path.read_bytes() == v2.path.read_bytes()


def test_a_build_of_unreleased_changes_shows_no_release_notes(notes: Path, tmp_path: Path) -> None:
    release(notes, tmp_path / "decks", T1, None)
    three_card_changes(notes)
    dev = build(notes, tmp_path / "dev", T2)
    assert root_description(dev.path, tmp_path) == (
        f"A fixture deck for releases.<br><br>Version 1.1.0-dev: unreleased changes after"
        f" 1.0.0. {ADVICE}"
    )


def test_a_lock_from_before_release_notes_builds_as_it_did(notes: Path, tmp_path: Path) -> None:
    release(notes, tmp_path / "decks", T1, None)
    path = notes / "deck.lock.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["release_notes"]
    older = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(older, encoding="utf-8")
    lock = read_lock(notes)
    assert lock is not None and lock.release_notes is None
    assert lock_json(lock) == older
    built = build(notes, tmp_path / "old", T2)
    assert root_description(built.path, tmp_path) == (
        f"A fixture deck for releases.<br><br>Version 1.0.0. {ADVICE}"
    )


def test_check_release_refuses_a_changelog_that_says_otherwise(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    edit(out / "CHANGELOG.md", "First release: 7 notes in all.", "First release!")
    result = CliRunner().invoke(cli, ["check", str(notes), "--release", "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.endswith(
        f"{out.as_posix()}/CHANGELOG.md:3: error DG076 the section of 1.0.0 is not the release"
        " notes its deck shows learners (kept in deck.lock.json), and the GitHub Release would"
        " say otherwise: put it back as `deckgen release` wrote it\n"
        "Error: not a release: 1 error, 0 warnings\n"
    )


def test_learners_read_clozes_as_text_and_no_setting_of_the_authors(
    notes: Path, tmp_path: Path
) -> None:
    """A removed cloze is listed as learners saw it, without its markers; a new deck id (the
    author's business) is not news to learners, a new description is."""
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    edit(
        notes / "ec2.md",
        "<!-- id: ec2-dedicated-host -->\nA Dedicated Host gives {{c1::visibility and control of the physical server}}.\n",
        "",
    )
    deck_toml = with_settings(notes, 'id = "0f6c1b0e-learn-aws"\n') / "deck.toml"
    edit(deck_toml, 'description = "A fixture deck for releases."', 'description = "Releases."')
    release(notes, out, T2, None)
    lock = read_lock(notes)
    assert lock is not None and lock.release_notes is not None
    notes_text = lock.release_notes
    assert (
        "- EC2: A Dedicated Host gives visibility and control of the physical server." in notes_text
    )
    assert "{{c1::" not in notes_text
    assert "- The deck's description changed." in notes_text
    assert " id " not in notes_text and "deck.toml" not in notes_text


def test_a_card_moved_to_another_sub_deck_comes_with_how_to_move_it(
    notes: Path, tmp_path: Path
) -> None:
    """Anki keeps an updated card in its old deck: the release says so and how to move it."""
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    card = (
        "<!-- id: ec2-dedicated-host -->\n"
        "A Dedicated Host gives {{c1::visibility and control of the physical server}}.\n"
    )
    edit(notes / "ec2.md", card, "")
    storage = notes / "storage.md"
    storage.write_text(storage.read_text(encoding="utf-8") + "\n" + card, encoding="utf-8")
    release(notes, out, T2, None)
    lock = read_lock(notes)
    assert lock is not None and lock.release_notes is not None
    assert "- Storage: A Dedicated Host gives visibility" in lock.release_notes
    assert (
        "1 note moved to another sub-deck. Anki keeps the cards you already have where they"
        " are; to move them too, select them in the Browser and choose *Cards › Change Deck*."
    ) in lock.release_notes


def test_nested_clozes_and_images_read_as_text(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    (notes / "media").mkdir()
    (notes / "media" / "host.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    ec2 = notes / "ec2.md"
    ec2.write_text(
        ec2.read_text(encoding="utf-8")
        + "\n### Which server is this ![a rack server](media/host.png)?\n"
        "<!-- id: ec2-which-server -->\nA Dedicated Host.\n\n"
        "<!-- id: ec2-nested -->\nThe {{c1::largest {{c2::instance}} of a family::size}} is metal.\n",
        encoding="utf-8",
    )
    release(notes, out, T2, None)
    lock = read_lock(notes)
    assert lock is not None and lock.release_notes is not None
    assert "- EC2: Which server is this a rack server?" in lock.release_notes
    assert "- EC2: The largest instance of a family is metal." in lock.release_notes


def test_notes_changed_only_in_their_small_print_are_counted_not_listed(
    notes: Path, tmp_path: Path
) -> None:
    """Linking a deck to its repository changes every note's Source field: learners read
    one line about it, not every question again."""
    out = tmp_path / "decks"
    release(notes, out, T1, None)
    edit(notes / "ec2.md", "two-minute warning", "two-minute interruption notice")
    with_settings(notes, 'repository = "https://github.com/o/r"\n')
    release(notes, out, T2, None)
    lock = read_lock(notes)
    assert lock is not None and lock.release_notes is not None
    text = lock.release_notes
    assert "\n0 added, 1 changed, 0 removed; 7 notes in all.\n" in text
    assert "### Changed\n\n- EC2: What is a Spot Instance?\n\n" in text
    assert (
        "- 6 more notes changed only in the small print: the line above the question or the source under the answer."
        in text
    )
