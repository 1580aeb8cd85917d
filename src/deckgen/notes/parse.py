"""A notes file → its cards: the text normalised, its blocks walked (walk.py), and each
card made with its sub-deck, topic tags and explicit id. One file is one sub-deck.
"""

from __future__ import annotations

from dataclasses import dataclass

from deckgen import ids
from deckgen.errors import Diagnostic, error
from deckgen.model import Card, CardKind, SourceLoc
from deckgen.notes.blocks import block_parser, top_level_blocks
from deckgen.notes.walk import FileWalk


@dataclass
class ParsedFile:
    cards: list[Card]
    diagnostics: list[Diagnostic]
    deck: str | None


def parse_notes_file(text: str, path: str, source: str, deck_slug: str) -> ParsedFile:
    """Parse one service file. `text` is already decoded and free of a BOM."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    lines = text.split("\n")
    walk = FileWalk(path, source, deck_slug, lines)
    walk.run(list(top_level_blocks(block_parser().parse(text))))
    deck = walk.front.deck or walk.h1
    if deck is None:
        walk.diagnostics.append(
            error(
                SourceLoc(path, 1),
                "DG030",
                "no H1 and no 'deck' in the front matter: name the sub-deck",
            )
        )
        return ParsedFile([], walk.diagnostics, None)
    return ParsedFile(_cards(walk, deck), walk.diagnostics, deck)


def _cards(walk: FileWalk, deck: str) -> list[Card]:
    subdeck_slug = ids.slug(deck)

    def tags(topic: str | None) -> tuple[str, ...]:
        topic_tags = [ids.topic_tag(walk.deck_slug, subdeck_slug, ids.slug(topic))] if topic else []
        return tuple(dict.fromkeys([*topic_tags, *walk.front.tags]))

    cards = [
        Card(
            CardKind.BASIC,
            q.question,
            answer,
            deck,
            topic,
            tags(topic),
            walk.source,
            q.loc,
            q.explicit_id,
            answer_line=None if q.answer_start is None else q.answer_start + 1,
            silences=tuple(q.silences),
        )
        for q, topic, answer in walk.basics
    ]
    cards += [
        Card(
            CardKind.CLOZE,
            c.text,
            "",
            deck,
            topic,
            tags(topic),
            walk.source,
            c.loc,
            c.explicit_id,
            silences=c.silences,
        )
        for c, topic in walk.clozes
    ]
    return sorted(cards, key=lambda card: card.loc.line)
