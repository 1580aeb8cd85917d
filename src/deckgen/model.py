"""The parsed deck as plain, frozen data: no genanki, no click, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class SourceLoc:
    """Where something stands in the notes: a display path and a 1-based line."""

    path: str
    line: int
    column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# The card-quality checks (deckgen.quality), by the short names that a quality comment
# (`<!-- quality: ok NAME — reason -->`) and deck.toml's `[quality] off = [...]` use.
QUALITY_CHECKS = (
    "long-answer",
    "list",
    "two-questions",
    "cloze-count",
    "cloze-guessable",
    "leak",
    "duplicate",
    "ambiguous",
)


@dataclass(frozen=True, slots=True)
class Silence:
    """`<!-- quality: ok list — the four states are the point -->`: the author accepts one
    quality finding on a card, and says why."""

    check: str  # one of QUALITY_CHECKS
    reason: str
    loc: SourceLoc


class CardKind(enum.Enum):
    BASIC = "basic"
    CLOZE = "cloze"


@dataclass(frozen=True, slots=True)
class FieldSection:
    """A field of a card written under its own `#### Field` heading (note types with named
    fields), as Markdown, with the 1-based line its Markdown starts on."""

    name: str
    markdown: str
    line: int


@dataclass(frozen=True, slots=True)
class Card:
    """One note of the deck, as the author wrote it (Markdown, not yet HTML).

    For a basic card `question` is the front and `answer` the back; for a cloze card
    `question` is the text with its `{{cN::…}}` markers and `answer` is empty.
    `answer_line` is the 1-based line where the answer's Markdown starts (None when there
    is no answer), so rendering can report problems at the line an author wrote them.
    """

    kind: CardKind
    question: str
    answer: str
    deck: str  # the sub-deck's name under the root, e.g. "EC2"; "" for the root deck itself
    topic: str | None  # the H2 the card stands under
    tags: tuple[str, ...]
    source: str  # path relative to the notes folder, POSIX style
    loc: SourceLoc
    explicit_id: str | None = None
    answer_line: int | None = None
    note_type: str = ""  # the note type's name; "" for deckgen Basic or deckgen Cloze by kind
    sections: tuple[FieldSection, ...] = ()  # fields given under `#### Field` headings
    silences: tuple[Silence, ...] = ()  # quality findings the author accepted on this card
    # GitHub's anchor of the heading the card stands under: its own H3's, else its topic's
    # (notes/anchors.py); a link to the card uses it, never the line, which moves
    anchor: str | None = None


@dataclass(frozen=True)
class Template:
    """One card template of a note type: Anki makes a card of it when its front is not empty."""

    name: str
    front: str
    back: str


@dataclass(frozen=True)
class NoteType:
    """A note type as data: deckgen's own, or one declared in notes/notetypes/<slug>.toml.

    Anki keys a note type by `id` and skips every update to a note whose note type's fields
    changed, so `id`, `name` and `fields` are frozen once released; templates and CSS may
    evolve. deckgen's built-ins carry no templates here: the package supplies them."""

    name: str
    id: int
    fields: tuple[str, ...]
    cloze: bool = False
    templates: tuple[Template, ...] = ()
    css: str = ""
    loc: SourceLoc | None = None  # where a custom one is declared


@dataclass(frozen=True)
class QualitySettings:
    """deck.toml's `[quality]` table: the thresholds of the card-quality checks."""

    max_answer_words: int = 30  # words of prose in a basic card's answer (no code, no tables)
    max_list_items: int = 4  # items of a list, table or enumeration to recall at once
    max_cloze_deletions: int = 3  # cards (c1, c2 …) of one cloze note
    max_definition_words: int = 20  # answer of an open "What is X?" question, of several facts
    off: tuple[str, ...] = ()  # checks not run at all


@dataclass(frozen=True)
class SourceLinks:
    """deck.toml's `repository`: where the notes are published, so that each card's back
    links to its notes file (at the card's heading) and to the forge's page that edits it.

    `file_url` and `edit_url` are templates of a file's address with `{ref}` (the branch)
    and `{path}` (the file's path in the repository); deckgen knows GitHub's and adds the
    card's heading anchor itself, never a line number (lines move when cards are added)."""

    repository: str
    file_url: str
    edit_url: str | None
    branch: str = "main"
    notes_path: str = "notes"  # the notes folder's path in the repository ("" at its root)

    def path(self, source: str) -> str:
        """A notes file's path in the repository (`source` is relative to the notes folder)."""
        return f"{self.notes_path}/{source}" if self.notes_path else source


@dataclass(frozen=True)
class DeckConfig:
    """deck.toml, validated."""

    name: str
    slug: str
    version: str
    description: str = ""
    keep_removed: int = 2  # releases a removed note ships for as a tombstone
    id: str | None = None  # which deck this is, whatever its name: a lock of another is refused
    docs: tuple[str, ...] = ("README.md",)  # Markdown files that document the notes: not read
    quality: QualitySettings = QualitySettings()
    links: SourceLinks | None = None  # cards link to their source (deck.toml `repository`)


@dataclass(frozen=True)
class Deck:
    config: DeckConfig
    cards: tuple[Card, ...]
    note_types: tuple[NoteType, ...] = ()  # declared in the notes folder (built-ins aside)

    def subdeck_name(self, card: Card) -> str:
        return f"{self.config.name}::{card.deck}" if card.deck else self.config.name


@dataclass(frozen=True, slots=True)
class ShippedNote:
    """One note as a build ships it, rendered, and as deck.lock.json remembers it."""

    guid: str
    key: str  # "id:<explicit id>", else "<sub-deck slug>:<normalised question>"
    question: str  # the author's Markdown, for diffs and changelogs
    note_type: str
    deck: str  # full deck name, e.g. "Learn AWS::EC2"
    fields: tuple[str, ...]  # in the note type's field order
    tags: tuple[str, ...]
    mod: int  # the release time at which this content last changed

    def content(self) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        """What Anki sees of a note; a change here needs a newer modification time."""
        return self.note_type, self.deck, self.fields, self.tags
