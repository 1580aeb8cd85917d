"""The build cache with images, diagrams and Card's fields: what it stores comes back whole."""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.incremental.build import build
from deckgen.incremental.entries import CARD_FIELDS, cards_from_json, cards_to_json
from deckgen.model import Card, CardKind, FieldSection, Silence, SourceLoc
from helpers import NotesFactory, cache_folder

FIXTURE = Path(__file__).parent / "fixtures" / "notes_media"
T1 = 1_790_000_000
FLOW = "# Cloud\n## Compute\n### Which path?\n```mermaid\nflowchart LR\n  A --> B\n```\n"


def packaged(apkg: Path) -> dict[str, bytes]:
    """The media files of a package by their names in Anki."""
    with zipfile.ZipFile(apkg) as package:
        names = json.loads(package.read("media"))
        return {name: package.read(number) for number, name in names.items()}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    copy = tmp_path / "notes"
    shutil.copytree(FIXTURE, copy)
    return copy


def test_media_of_cached_files_is_packaged(notes: Path, tmp_path: Path) -> None:
    first = build(notes, tmp_path / "a", T1)
    media = packaged(first.path)
    assert len(media) == 3  # the picture and a diagram in two themes
    (notes / "extra.md").write_text("# Extra\n## T\n### New?\nYes.\n")
    second = build(notes, tmp_path / "a", T1)
    assert not second.skipped
    assert packaged(second.path) == media


def test_lost_cached_media_is_a_miss(notes: Path, tmp_path: Path) -> None:
    media = packaged(build(notes, tmp_path / "a", T1).path)
    for file in cache_folder().glob("*/media/*"):
        file.unlink()
    result = build(notes, tmp_path / "b", T1)
    assert packaged(result.path) == media


def test_an_edited_image_reaches_the_deck(notes: Path, tmp_path: Path) -> None:
    before = packaged(build(notes, tmp_path / "a", T1).path)
    image = notes / "media" / "vpc.png"
    image.write_bytes(image.read_bytes() + b"\0")
    after = packaged(build(notes, tmp_path / "a", T1).path)
    assert set(after) != set(before)
    assert image.read_bytes() in after.values()


def test_a_diagram_this_machine_cannot_render_is_retried(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MermaidRenderer, "locate", classmethod(lambda cls, root=None: None))
    notes = make_notes({"cloud.md": FLOW, "plain.md": "# Plain\n## T\n### Q?\nA.\n"})
    first = build(notes, tmp_path / "decks", T1)
    assert [d.code for d in first.diagnostics if d.code.startswith("DG3")] == ["DG301"]
    second = build(notes, tmp_path / "decks", T1)
    assert not second.skipped  # a machine with a renderer would build another deck
    assert [d.code for d in second.diagnostics if d.code.startswith("DG3")] == ["DG301"]
    entries = list(cache_folder().glob("*/*.json"))
    assert len(entries) == 1  # plain.md only: cloud.md depends on the machine


def test_every_card_field_is_stored() -> None:
    assert tuple(f.name for f in dataclasses.fields(Card)) == CARD_FIELDS, (
        "Card changed: teach incremental.cards_to_json/cards_from_json its new fields"
    )
    cloze = Card(
        CardKind.CLOZE, "Q {{c1::x}}", "", "EC2", "Topic", ("a", "b"), "ec2.md",
        SourceLoc("notes/ec2.md", 3, 2), "ec2-x", 4,
    )  # fmt: skip
    full = Card(
        CardKind.BASIC, "What?", "This.", "EC2::Pricing", None, (), "ec2/pricing.md",
        SourceLoc("notes/ec2/pricing.md", 9), None, 10, "deckgen Reversed",
        (FieldSection("Extra", "More *text*.", 12),),
        (Silence("list", "the four states are the point", SourceLoc("notes/ec2/pricing.md", 8)),),
        "what",
    )  # fmt: skip
    cards = [cloze, full, cloze]
    stored = json.loads(json.dumps(cards_to_json(cards)))  # through JSON, as the cache keeps it
    assert cards_from_json(stored, {}) == cards
