"""Cards that look right in real Anki: code, math, images and diagrams arrive and render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from anki.collection import Collection
from anki_helpers import import_deck, note_by_field

from deckgen.pipeline import build

FIXTURE = Path(__file__).parent.parent / "fixtures" / "notes_media"
T1 = 1_790_000_000


@pytest.fixture
def imported(tmp_path: Path, collection: Collection) -> Collection:
    import_deck(collection, build(FIXTURE, tmp_path / "decks", T1).path)
    return collection


def answer_of(col: Collection, front: str) -> str:
    return col.get_note(note_by_field(col, "Front", front)).cards()[0].answer()


def test_code_is_highlighted_with_css_classes(imported: Collection) -> None:
    answer = answer_of(imported, "How do you list instance ids with the CLI?")
    assert '<pre class="highlight"><code class="language-bash">' in answer
    assert '<span class="s1">' in answer  # a Pygments token class, not an inline colour
    assert ".nightMode .highlight" in answer  # the note type's CSS travels with the card
    assert '<div class="table-wrap"><table>' in answer


def test_math_uses_mathjax_delimiters(imported: Collection) -> None:
    card = imported.get_note(imported.find_notes("tag:*::cost")[0]).cards()[0]
    assert r"\(n\)" in card.question() and r"\(p\)" in card.question()
    assert r"\[n \cdot p \cdot 730\]" in card.answer()
    assert "Prices like $5 and $10 stay text." in card.answer()
    cloze = imported.get_note(imported.find_notes('"Text:*address bits*"')[0]).cards()[0]
    assert r"\(2^n\)" in cloze.answer()


def test_images_and_diagrams_reference_packaged_media(imported: Collection) -> None:
    picture = answer_of(imported, "What does the VPC picture show?")
    assert re.search(r'<img src="vpc-[0-9a-f]{16}\.png" alt="A VPC with two subnets"', picture)
    diagram = answer_of(imported, "How does a request reach an instance?")
    names = re.findall(
        r'<img class="diagram-(light|dark)" src="(mermaid-[0-9a-f]{16}\.svg)"', diagram
    )
    assert [theme for theme, _ in names] == ["light", "dark"]
    assert "```mermaid" not in diagram and "flowchart" not in diagram


def test_media_arrive_and_nothing_is_missing(imported: Collection) -> None:
    media_dir = Path(imported.media.dir())
    arrived = sorted(p.name for p in media_dir.iterdir() if p.is_file())
    assert len(arrived) == 3, arrived  # one picture, two diagram variants
    assert any(re.fullmatch(r"vpc-[0-9a-f]{16}\.png", name) for name in arrived)
    png = next(media_dir.glob("vpc-*.png")).read_bytes()
    assert png == (FIXTURE / "media" / "vpc.png").read_bytes()
    for svg in media_dir.glob("mermaid-*.svg"):
        assert svg.read_text(encoding="utf-8").startswith("<svg")
    check = imported.media.check()
    assert list(check.missing) == []
    assert list(check.unused) == []
