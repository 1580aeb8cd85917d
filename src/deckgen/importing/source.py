"""An existing Anki deck as `deckgen import` reads it: plain, frozen data, no Anki objects.

The reader (reader.py) fills these from a temporary collection that Anki's own importer
made of the package; everything after it works on these alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deckgen.model import Template


@dataclass(frozen=True)
class SourceNoteType:
    """A note type as Anki keeps it: its id, name, fields and templates are what learners'
    notes are matched by, so they are carried over exactly."""

    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    css: str
    mod: int  # seconds; 0 for a note type as Anki made it and nobody edited since


@dataclass(frozen=True)
class SourceNote:
    """One note: its GUID and modification time (what Anki matches and compares on
    import), its fields as HTML in its note type's order, its tags, and its home deck."""

    id: int
    guid: str
    note_type_id: int
    mod: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]
    deck: str  # full name of the deck of its first card inside the imported deck
    other_decks: tuple[str, ...] = ()  # decks of its other cards, when they differ


@dataclass(frozen=True)
class Source:
    """The deck read from a package: its top deck, notes, their note types and media."""

    package: Path
    root: str  # full name of the imported top deck
    description: str  # the top deck's description (HTML)
    notes: tuple[SourceNote, ...]
    note_types: dict[int, SourceNoteType]
    media_dir: Path | None  # the media files, by name (valid while the reader's context lasts)

    @property
    def root_name(self) -> str:
        """The name the notes folder's deck.toml gives the deck: the top deck's own name."""
        return self.root.rsplit("::", 1)[-1]

    def media_file(self, name: str) -> Path | None:
        """The media file `name`, if the package has it."""
        if self.media_dir is None or not name or "/" in name or "\\" in name:
            return None
        path = self.media_dir / name
        return path if path.is_file() else None
