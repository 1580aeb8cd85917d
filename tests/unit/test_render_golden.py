"""Golden tests: each Markdown fixture renders to exactly the HTML in its .html twin.

The fixture is a card's answer; the golden file holds the answer's HTML, then the media
files the card ships and the diagnostics rendering found. Diagrams come from the
fixtures' own cache (tests/fixtures/render/.diagrams) and are never rendered here.
Regenerate after an intended change with DECKGEN_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deckgen.cards.fields import RenderSetup
from deckgen.cards.media import MediaFolder
from deckgen.cards.render import render_card
from deckgen.diagrams.cache import DiagramCache
from deckgen.diagrams.source import DiagramSource
from deckgen.model import Card, CardKind, SourceLoc

FIXTURES = Path(__file__).parent.parent / "fixtures" / "render"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))
ANSWER_LINE = 10  # where the answer starts in the imagined notes file


def rendered(name: str) -> str:
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
    card = Card(
        CardKind.BASIC,
        "Question?",
        text,
        "Deck",
        "Topic",
        (),
        f"{name}.md",
        SourceLoc(f"notes/{name}.md", ANSWER_LINE - 1),
        answer_line=ANSWER_LINE,
    )
    with DiagramSource(DiagramCache(FIXTURES / ".diagrams"), render=False) as diagrams:
        note = render_card(card, RenderSetup(MediaFolder(FIXTURES), diagrams))
    media = "".join(f"<!-- media: {file.name} -->\n" for file in note.media)
    problems = "".join(f"<!-- {d} -->\n" for d in note.diagnostics)
    return f"{note.fields[1]}\n{media}{problems}"


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    actual = rendered(name)
    expected_path = FIXTURES / f"{name}.html"
    if os.environ.get("DECKGEN_UPDATE_GOLDEN"):
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_every_fixture_has_a_golden_file() -> None:
    assert {"code", "tables", "math", "images", "mermaid", "raw_html"} <= set(CASES)
    missing = [name for name in CASES if not (FIXTURES / f"{name}.html").exists()]
    assert missing == []
