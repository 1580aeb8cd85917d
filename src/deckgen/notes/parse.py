"""A notes file → its cards: the text normalised, its blocks walked (walk.py), and each card
made with its sub-deck, topic tags, explicit id and note type.

One file is one sub-deck; a file in a folder is a sub-deck of the folder's deck
(`Compute/ec2.md` → `<Root>::Compute::EC2`). A top-level file named for the root deck
itself (its H1, or front-matter `deck`, is deck.toml's `name`) holds the root deck's own
cards: their `deck` is "". A card of a note type with fields of its own
(notetypes.py) fills them from its Markdown: the question is the first field, what follows
it up to the first H4 the second, and each `#### Field` heading starts the named field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from deckgen import ids
from deckgen.errors import Diagnostic, error
from deckgen.model import Card, CardKind, FieldSection, NoteType, SourceLoc
from deckgen.notes.anchors import heading_anchors
from deckgen.notes.blocks import Block, block_parser, top_level_blocks
from deckgen.notes.cloze import CLOZE_OPEN
from deckgen.notes.notetypes import (
    BASIC,
    BASIC_FIELDS,
    CLOZE,
    CONTEXT,
    SOURCE,
    NoteTypes,
    default_note_type,
)
from deckgen.notes.walk import FileWalk, FoundBasic, FoundCloze


@dataclass
class ParsedFile:
    cards: list[Card]
    diagnostics: list[Diagnostic]
    deck: str | None
    # the text's lines and the top-level blocks its structure was read from, so that
    # rendering can reuse their tokens (deckgen.cards.parsed) instead of parsing again
    lines: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def parse_notes_file(
    text: str,
    path: str,
    source: str,
    deck_slug: str,
    note_types: NoteTypes | None = None,
    folders: tuple[str, ...] = (),
    root: str | None = None,
) -> ParsedFile:
    """Parse one notes file. `text` is already decoded and free of a BOM; `folders` are the
    folders it stands in, inside the notes folder; `root` is the root deck's name."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    lines = text.split("\n")
    tokens = block_parser().parse(text)
    blocks = list(top_level_blocks(tokens))
    walk = FileWalk(path, source, deck_slug, lines, heading_anchors(tokens))
    walk.run(blocks)
    name = walk.front.deck or walk.h1
    if name is None:
        walk.diagnostics.append(
            error(
                SourceLoc(path, 1),
                "DG030",
                "no H1 and no 'deck' in the front matter: name the sub-deck",
            )
        )
        return ParsedFile([], walk.diagnostics, None, lines, blocks)
    deck = "" if not folders and name == root else "::".join([*folders, name])
    maker = _CardMaker(walk, deck, note_types or NoteTypes())
    cards = [card for found in walk.found if (card := maker.card(found)) is not None]
    cards.sort(key=lambda c: c.loc.line)
    return ParsedFile(cards, walk.diagnostics, deck, lines, blocks)


@dataclass
class _CardMaker:
    walk: FileWalk
    deck: str
    note_types: NoteTypes

    def __post_init__(self) -> None:
        self.subdeck_slug = ids.subdeck_key(self.deck)
        # a topic's cards share one tuple of tags (a big deck holds 100,000 cards)
        self.shared_tags: dict[tuple[str | None, tuple[str, ...]], tuple[str, ...]] = {}

    def tags(self, topic: str | None, own: tuple[str, ...]) -> tuple[str, ...]:
        found = self.shared_tags.get((topic, own))
        if found is not None:
            return found
        slug = self.walk.deck_slug
        topic_tags = [ids.topic_tag(slug, self.subdeck_slug, ids.slug(topic))] if topic else []
        tags = tuple(dict.fromkeys([*topic_tags, *self.walk.front.tags, *own]))
        return self.shared_tags.setdefault((topic, own), tags)

    def problem(self, loc: SourceLoc, code: str, message: str) -> None:
        self.walk.diagnostics.append(error(loc, code, message))

    def note_type(self, chosen: tuple[str, SourceLoc] | None, cloze: bool) -> NoteType | None:
        if chosen is None:
            return default_note_type(cloze)
        found = self.note_types.find(chosen[0])
        if found is None:
            self.walk.diagnostics.append(self.note_types.unknown(*chosen))
        return found

    def card(self, found: FoundBasic | FoundCloze) -> Card | None:
        if isinstance(found, FoundCloze):
            return self.cloze(found)
        chosen = found.comments.note_type or self.walk.front.notetype
        note_type = self.note_type(chosen, cloze=False)
        if note_type is None:
            return None
        if note_type.fields == BASIC_FIELDS and not note_type.cloze:
            return self.basic(found, note_type)
        return self.with_fields(found, note_type)

    def base(self, kind: CardKind, found: FoundBasic | FoundCloze, note_type: NoteType) -> Card:
        name = "" if note_type in (BASIC, CLOZE) else note_type.name
        question = found.text if isinstance(found, FoundCloze) else found.question
        tags = self.tags(found.topic, found.comments.tags)
        explicit = found.comments.explicit_id
        loc = found.loc
        return Card(
            kind, question, "", self.deck, found.topic, tags, self.walk.source, loc, explicit,
            note_type=name, silences=tuple(found.comments.silences), anchor=found.anchor,
        )  # fmt: skip

    def cloze(self, found: FoundCloze) -> Card | None:
        note_type = self.note_type(found.comments.note_type, cloze=True)
        if note_type is None:
            return None
        if not note_type.cloze:
            message = (
                f"note type '{note_type.name}' is not a cloze note type: a cloze paragraph"
                ' needs one (kind = "cloze")'
            )
            self.problem(found.loc, "DG135", message)
            return None
        return self.base(CardKind.CLOZE, found, note_type)

    def basic(self, found: FoundBasic, note_type: NoteType) -> Card | None:
        answer = "\n".join(found.answer).rstrip("\n")
        if not answer.strip():
            message = f"question '{found.question}' has an empty answer"
            self.problem(found.loc, "DG112", message)
            return None
        card = self.base(CardKind.BASIC, found, note_type)
        return dataclasses.replace(card, answer=answer, answer_line=_line(found.answer_start))

    def with_fields(self, found: FoundBasic, note_type: NoteType) -> Card | None:
        """A card of a note type with fields of its own: H4 headings name them."""
        sections, body, ok = self.sections(found, note_type)
        if not ok:
            return None
        if note_type.cloze and not CLOZE_OPEN.search(found.question):
            message = (
                f"note type '{note_type.name}' is a cloze note type: the question needs"
                " {{c1::…}}"
            )
            self.problem(found.loc, "DG135", message)
            return None
        # A cloze's text is its card, and a note type of one field has nowhere for an answer.
        needs_answer = not note_type.cloze and len(note_type.fields) > 1
        if needs_answer and not body.strip() and not sections:
            self.problem(found.loc, "DG112", f"question '{found.question}' has an empty answer")
            return None
        kind = CardKind.CLOZE if note_type.cloze else CardKind.BASIC
        card = self.base(kind, found, note_type)
        return dataclasses.replace(
            card, answer=body, answer_line=_line(found.answer_start), sections=tuple(sections)
        )

    def sections(
        self, found: FoundBasic, note_type: NoteType
    ) -> tuple[list[FieldSection], str, bool]:
        """The `#### Field` sections of the answer, the body above the first, and whether
        every heading names a field of the note type, once."""
        start = found.answer_start or 0
        cuts = [(line0 - start, text) for line0, text in found.h4s]
        body_end = cuts[0][0] if cuts else len(found.answer)
        body = "\n".join(found.answer[:body_end]).strip("\n")
        filled = {note_type.fields[0]} | ({note_type.fields[1]} if body.strip() else set())
        if body.strip() and len(note_type.fields) < 2:
            message = f"note type '{note_type.name}' has one field: the answer has nowhere to go"
            self.problem(found.loc, "DG136", message)
            return [], body, False
        sections: list[FieldSection] = []
        ok = True
        for index, (offset, name) in enumerate(cuts):
            loc = SourceLoc(self.walk.path, start + offset + 1)
            end = cuts[index + 1][0] if index + 1 < len(cuts) else len(found.answer)
            if name not in note_type.fields:
                fields = ", ".join(note_type.fields)
                message = f"'#### {name}' names no field of note type '{note_type.name}' ({fields})"
                self.problem(loc, "DG133", message)
                ok = False
            elif name in filled or name in (CONTEXT, SOURCE):
                why = "deckgen fills it" if name in (CONTEXT, SOURCE) else "it is given twice"
                self.problem(loc, "DG134", f"field '{name}' cannot be written here: {why}")
                ok = False
            else:
                filled.add(name)
                lines = found.answer[offset + 1 : end]
                blank = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
                text = "\n".join(lines[blank:]).rstrip("\n")
                sections.append(FieldSection(name, text, start + offset + 2 + blank))
        return sections, body, ok


def _line(start0: int | None) -> int | None:
    return None if start0 is None else start0 + 1
