"""`deckgen preview --changed`: a page of only the cards a change touches, the changed ones
before (as the lock shipped them) and after, for a pull request's reviewers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.preview.changes import write_changed_preview
from deckgen.publish import release
from release_helpers import FIXTURE, edit, three_card_changes

T1 = 1_790_000_000
MEDIA = Path(__file__).parent / "fixtures" / "notes_media"
TYPES = Path(__file__).parent / "fixtures" / "notes_types"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    release(notes, tmp_path / "decks", T1, None)
    return notes


def sections(page: str) -> dict[str, list[str]]:
    """Each change's notes, by their headings."""
    found: dict[str, list[str]] = {}
    for kind, body in re.findall(r'<section class="change (\w+)".*?>(.*?)\n</section>', page, re.S):
        found[kind] = re.findall(r"<h3>(.*?)</h3>", body)
    return found


def test_exactly_the_cards_a_pull_request_touches(notes: Path, tmp_path: Path) -> None:
    three_card_changes(notes)
    result = write_changed_preview(notes, tmp_path / "changed")
    page = result.path.read_text(encoding="utf-8")
    where = notes.as_posix()
    assert sections(page) == {
        "added": [f"EC2: What is a Savings Plan? · {where}/ec2.md:19 · deckgen Basic"],
        "changed": [f"EC2: What is a Spot Instance? · {where}/ec2.md:8 · deckgen Basic"],
        "removed": [
            "EC2: What do you commit to with Reserved Instances? · was in ec2.md · deckgen Basic"
        ],
    }
    assert result.cards == 4  # the changed card twice: before and after
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert captions == [
        *(f"{side} · {theme}" for theme in ("light", "dark") for side in ("Front", "Back")),
        *(
            f"{version} · {side} · {theme}"
            for version in ("Before", "After", "Removed")
            for theme in ("light", "dark")
            for side in ("Front", "Back")
        ),
    ]
    panes = dict(re.findall(r"<figcaption>(.*?)</figcaption>(.*?)</figure>", page, re.S))
    for theme in ("light", "dark"):
        assert "two-minute warning." in panes[f"Before · Back · {theme}"]
        assert "two-minute interruption notice." in panes[f"After · Back · {theme}"]
    assert "<li>Back: … with a two-minute [-warning.-] {+interruption notice.+}</li>" in page


def test_nothing_changed_shows_no_card(notes: Path, tmp_path: Path) -> None:
    result = write_changed_preview(notes, tmp_path / "changed")
    assert result.cards == 0
    assert sections(result.path.read_text(encoding="utf-8")) == {
        "added": [],
        "changed": [],
        "removed": [],
    }


def test_before_the_first_release_every_card_is_new(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    page = write_changed_preview(notes, tmp_path / "changed").path.read_text(encoding="utf-8")
    assert "<h1>Learn AWS: no release yet: every card is new</h1>" in page
    assert len(sections(page)["added"]) == 7


def test_the_media_the_shown_cards_use_are_written_beside_the_page(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(MEDIA, tmp_path / "notes"))
    release(notes, tmp_path / "decks", T1, None)
    edit(notes / "cloud.md", "### What does the VPC picture show?", "### What does the VPC show?")
    result = write_changed_preview(notes, tmp_path / "changed")
    assert result.media == 1
    [image] = [p.name for p in (tmp_path / "changed").iterdir() if p.suffix == ".png"]
    page = result.path.read_text(encoding="utf-8")
    assert page.count(f'src="{image}"') == 4  # the back, light and dark, before and after


def test_the_command(notes: Path, tmp_path: Path) -> None:
    three_card_changes(notes)
    out = tmp_path / "changed"
    result = CliRunner().invoke(cli, ["preview", "--changed", str(notes), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out.as_posix()}/index.html: 4 cards, 0 media files\n"


def test_a_note_type_that_changed_its_fields_shows_its_notes_before(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(TYPES, tmp_path / "notes"))
    release(notes, tmp_path / "decks", T1, None)
    edit(
        notes / "notetypes" / "vocabulary.toml",
        '"Picture", "Audio"]',
        '"Picture", "Audio", "Plural"]',
    )
    page = write_changed_preview(notes, tmp_path / "changed").path.read_text(encoding="utf-8")
    changed = sections(page)["changed"]
    assert changed and all("Vocabulary" in heading for heading in changed)
    panes = re.findall(r"<figcaption>(.*?)</figcaption>(.*?)</figure>", page, re.S)
    before = [body for caption, body in panes if caption == "Before · Back · light"]
    assert len(before) == 2 and "the cat" in before[0] and "the dog" in before[1]
