"""Note types as data: deckgen's built-ins, and those a notes folder declares.

A card chooses its note type by name (front matter `notetype:` for a file's basic cards,
`<!-- notetype: … -->` for one card). Built-ins: `basic` (deckgen Basic), `reversed`
(deckgen Reversed: front→back and back→front), `type-in` (deckgen Type-in: the answer is
typed), all with the fields Front, Back, Context, Source; and `cloze` (deckgen Cloze:
Text, Extra, Context, Source). Their templates are here; their CSS comes with the package
(apkg/notetypes.py). A folder declares its own in `notetypes/<slug>.toml`:

    name = "Vocabulary"
    id = 1733000000000            # frozen: `deckgen notetype new` prints a fresh one
    kind = "standard"             # or "cloze"
    fields = ["Word", "Meaning", "Example", "Audio"]
    css = ".card { font-size: 22px; }"     # or css_file = "vocabulary.css", beside it
    [[templates]]
    name = "Recognition"
    front = "{{Word}}"
    back = "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}{{Audio}}"

Templates may only name fields the note type has (and Anki's special fields).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from deckgen import ids
from deckgen.errors import Diagnostic, error
from deckgen.model import Card, CardKind, Deck, NoteType, SourceLoc, Template
from deckgen.notes.cloze import cloze_numbers
from deckgen.notes.config import did_you_mean

FOLDER = "notetypes"
BASIC_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")
BASIC_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{Front}}</div>"""

BASIC_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Back}}</div>
<div class="source">{{Source}}</div>"""

CLOZE_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{cloze:Text}}</div>"""

CLOZE_BACK = """\
<div class="context">{{Context}}</div>
<div class="question">{{cloze:Text}}</div>
{{#Extra}}<hr id="answer"><div class="answer">{{Extra}}</div>{{/Extra}}
<div class="source">{{Source}}</div>"""


REVERSED_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{Back}}</div>"""

REVERSED_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Front}}</div>
<div class="source">{{Source}}</div>"""

TYPE_IN_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{Front}}</div>
<div class="type-in">{{type:Back}}</div>"""

TYPE_IN_BACK = """\
<div class="context">{{Context}}</div>
<div class="question">{{Front}}</div>
<hr id="answer">
<div class="type-in">{{type:Back}}</div>
<div class="answer">{{Back}}</div>
<div class="source">{{Source}}</div>"""

BASIC = NoteType(
    "deckgen Basic",
    ids.BASIC_MODEL_ID,
    BASIC_FIELDS,
    templates=(Template("Card 1", BASIC_FRONT, BASIC_BACK),),
)
CLOZE = NoteType(
    "deckgen Cloze",
    ids.CLOZE_MODEL_ID,
    CLOZE_FIELDS,
    cloze=True,
    templates=(Template("Cloze", CLOZE_FRONT, CLOZE_BACK),),
)
REVERSED = NoteType(
    "deckgen Reversed",
    ids.REVERSED_MODEL_ID,
    BASIC_FIELDS,
    templates=(
        Template("Front to back", BASIC_FRONT, BASIC_BACK),
        Template("Back to front", REVERSED_FRONT, REVERSED_BACK),
    ),
)
TYPE_IN = NoteType(
    "deckgen Type-in",
    ids.TYPE_IN_MODEL_ID,
    BASIC_FIELDS,
    templates=(Template("Type the answer", TYPE_IN_FRONT, TYPE_IN_BACK),),
)
BUILTINS = {"basic": BASIC, "reversed": REVERSED, "type-in": TYPE_IN, "cloze": CLOZE}
# Fields deckgen fills itself when a note type has them: the breadcrumb and the file.
CONTEXT, SOURCE = "Context", "Source"
# What a template may name besides fields (Anki's special fields).
SPECIAL_FIELDS = frozenset({"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag"})

_TEMPLATE_TAG = re.compile(r"\{\{\s*([#^/]?)\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class NoteTypes:
    """Every note type a notes folder can use, by name (and by slug for declared ones)."""

    declared: tuple[NoteType, ...] = ()

    def find(self, name: str) -> NoteType | None:
        key = name.strip()
        if key in BUILTINS:
            return BUILTINS[key]
        for note_type in (*BUILTINS.values(), *self.declared):
            if key in (note_type.name, ids.slug(note_type.name)):
                return note_type
        return None

    def with_id(self, note_id: int) -> NoteType | None:
        """The note type Anki knows by `note_id` (a declared one may have been renamed)."""
        return next((t for t in (*BUILTINS.values(), *self.declared) if t.id == note_id), None)

    def named(self, name: str) -> NoteType:
        """The note type a card was given (its name as the parser resolved it)."""
        found = self.find(name)
        if found is None:
            raise KeyError(name)
        return found

    def names(self) -> tuple[str, ...]:
        return (*BUILTINS, *(t.name for t in self.declared))

    def unknown(self, name: str, loc: SourceLoc) -> Diagnostic:
        message = f"unknown note type '{name}'{did_you_mean(name, self.names(), 'note types')}"
        return error(loc, "DG132", message)


def default_note_type(cloze: bool) -> NoteType:
    return CLOZE if cloze else BASIC


def note_type_of(card: Card, note_types: NoteTypes) -> NoteType:
    """The note type a parsed card has (its name was resolved when it was parsed)."""
    if not card.note_type:
        return default_note_type(card.kind is CardKind.CLOZE)
    return note_types.named(card.note_type)


def card_count(note_type: NoteType, filled: Iterable[str], cloze_numbers: int) -> int:
    """How many cards Anki makes of a note: one per cloze number for a cloze note type,
    else one per template whose front names a field that is `filled`."""
    if note_type.cloze:
        return cloze_numbers
    names = set(filled)
    return sum(1 for t in note_type.templates if names & _front_fields(t.front))


@cache  # asked for each card of a deck, of a few templates
def _front_fields(front: str) -> frozenset[str]:
    return frozenset(template_fields(front))


def filled_fields(card: Card, note_type: NoteType) -> frozenset[str]:
    """The fields a card gives content to (CONTEXT and SOURCE deckgen fills itself)."""
    sections = tuple(section.name for section in card.sections)
    return _filled(note_type, sections, bool(card.answer))


@cache  # asked for each card of a deck, which fill a few combinations of fields
def _filled(note_type: NoteType, sections: tuple[str, ...], answered: bool) -> frozenset[str]:
    filled = {note_type.fields[0], *sections}
    if answered and len(note_type.fields) > 1:
        filled.add(note_type.fields[1])
    return frozenset(filled | ({CONTEXT, SOURCE} & set(note_type.fields)))


def template_fields(template: str) -> Iterator[str]:
    """The field names a template's `{{…}}` tags name (`{{#F}}`, `{{type:F}}`, `{{F}}` …)."""
    for match in _TEMPLATE_TAG.finditer(template):
        name = match.group(2).rsplit(":", 1)[-1].strip()
        if name and name != "!":  # `{{!comment}}` names nothing
            yield name


def count_cards(deck: Deck) -> dict[str, int]:
    """Anki cards per sub-deck: one per cloze number, or per template with something on
    its front (two for deckgen Reversed)."""
    registry = NoteTypes(deck.note_types)
    counts: Counter[str] = Counter()
    for card in deck.cards:
        note_type = note_type_of(card, registry)
        numbers = len(cloze_numbers(card.question)) if note_type.cloze else 0
        filled = filled_fields(card, note_type)
        counts[deck.subdeck_name(card)] += card_count(note_type, filled, numbers)
    return dict(sorted(counts.items()))
