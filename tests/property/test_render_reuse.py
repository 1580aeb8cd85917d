"""A card an edit left as it was keeps what the last build rendered of it (render_cards with
`earlier`): that equals rendering it afresh, whatever else the edit did to its file. Some
edits switch the file between rendering from its block tokens and rendering each field on
its own (a link reference definition, a math block), others add cards around it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from notes_strategies import RICH_ANSWER, wellformed_notes
from test_render_from_tokens import ANSWERS

from deckgen.cards.fields import RenderSetup
from deckgen.cards.media import MediaFolder
from deckgen.cards.parsed import ParsedNotes
from deckgen.cards.render import render_cards
from deckgen.diagrams.source import DiagramSource
from deckgen.model import SourceLinks
from deckgen.notes.notetypes import NoteTypes
from deckgen.notes.parse import ParsedFile, parse_notes_file
from helpers import examples

EDITS = st.sampled_from(
    [
        "\n[ref]: https://example.com\n",
        "\nSee [the docs][ref].\n\n[ref]: https://example.com\n",
        "\n$$\nx^2\n$$\n",
        "\n### Another question?\nAnother answer with ![an image](media/missing.png).\n",
        "\nProse that makes no card, with <b>bold</b>.\n",
    ]
)
LINKS = SourceLinks(
    "https://github.com/o/r",
    "https://github.com/o/r/blob/{ref}/{path}",
    "https://github.com/o/r/edit/{ref}/{path}",
)


@pytest.fixture(scope="module")
def notes_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def parse(text: str) -> ParsedFile:
    return parse_notes_file(text, "notes/x.md", "x.md", "deck")


def tokens(parsed: ParsedFile) -> ParsedNotes | None:
    return ParsedNotes.of(parsed.lines, parsed.blocks)


@settings(max_examples=examples(0.3))
@given(
    text=st.one_of(wellformed_notes(RICH_ANSWER), wellformed_notes(ANSWERS)),
    edit=EDITS,
    added=st.booleans(),
)
def test_a_card_the_edit_left_renders_as_it_renders_afresh(
    notes_dir: Path, text: str, edit: str, added: bool
) -> None:
    before, after = (text, text + edit) if added else (text + edit, text)
    with DiagramSource.beside(notes_dir, render=False, store=False) as diagrams:
        setup = RenderSetup(MediaFolder(notes_dir), diagrams, LINKS)
        old = parse(before)
        earlier = render_cards(old.cards, setup, NoteTypes(), tokens(old))
        new = parse(after)
        kept = render_cards(new.cards, setup, NoteTypes(), tokens(new), earlier)
        fresh = render_cards(new.cards, setup, NoteTypes(), tokens(new))
    assume({note.card for note in earlier} & set(new.cards))  # some card was left as it was
    assert kept == fresh
