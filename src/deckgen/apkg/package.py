"""Shipped notes → a package (genanki's decks and note types; the notes' rows written as
genanki's objects would write them, rows.py) → an .apkg file, written atomically.

Only this subpackage knows genanki. The file is written to a temporary name beside its
destination and renamed into place (deckgen.atomic), so a failed or interrupted build
never leaves a half-written deck where the last good one stood.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki

from deckgen import ids
from deckgen.apkg.collection import write_collection
from deckgen.apkg.notetypes import genanki_model
from deckgen.apkg.reproducible import CHECKSUMS, Entry, checksums_text, sha256_of, write_zip
from deckgen.apkg.rows import write_rows
from deckgen.atomic import Transaction, temp_beside
from deckgen.model import Deck, NoteType, ShippedNote

# For learners, in the root deck's description and in every release's changelog: Anki
# 2.1.55–24.11 stamp a note they update with the import's time and skip a later release
# dated before it (tests/anki_matrix measures it); "Update notes: Always" brings the edit.
IMPORT_ADVICE = (
    "Import only the newest version. On Anki 2.1.55–24.11, if an edit does not arrive,"
    " import it again with “Update notes: Always” (Anki 23.10 or later)."
)
# In a release's changelog when a note type changed its fields (it needs merging); the root
# deck's description gives it as a notice of its own (releases.plan.Plan.notices).
MERGE_ADVICE = (
    "**When you import this version, tick *Merge note types* and set *Update notes* to"
    " *Always* in the import dialog.** A note type changed its fields; without both,"
    " Anki keeps your old notes (and adds an unused copy of the note type)."
)


def root_description(
    deck: Deck,
    unreleased_after: str | None = None,
    notices: Sequence[str] = (),
    release_notes: str | None = None,
) -> str:
    """The root deck's description: the author's, the version, what a learner must know
    about importing this version (`notices`, one paragraph each), and what the release
    changed (`release_notes`, HTML): Anki replaces an existing deck's description on every
    import, so a learner reads there which version they have and what it brought."""
    config = deck.config
    version = f"Version {config.version}"
    if config.version.endswith("-dev"):  # a build that is not a release says so
        after = f" after {unreleased_after}" if unreleased_after else ", before the first release"
        version += f": unreleased changes{after}"
    parts = [config.description] if config.description else []
    changes = [release_notes] if release_notes else []
    return "<br><br>".join([*parts, f"{version}. {IMPORT_ADVICE}", *notices, *changes])


class _TimedModel(genanki.Model):  # type: ignore[misc]  # genanki has no type hints
    """A copy of a frozen note type with its own modification time: Anki takes template
    and CSS changes only from a newer note type."""

    def __init__(self, base: genanki.Model, mod: int) -> None:
        super().__init__(
            base.model_id,
            base.name,
            fields=copy.deepcopy(base.fields),
            templates=copy.deepcopy(base.templates),
            css=base.css,
            model_type=base.model_type,
            latex_pre=base.latex_pre,
            latex_post=base.latex_post,
            sort_field_index=base.sort_field_index,
        )
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(self.mod, deck_id)
        return data


def note_type_hash(note_type: NoteType) -> str:
    """A hash of everything Anki keeps of a note type but its time: what a learner's copy
    must be updated for (templates, CSS) or cannot be (fields)."""
    data = _TimedModel(genanki_model(note_type), 0).to_json(0, 0)
    del data["mod"], data["did"]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Package:
    """What an .apkg holds: its decks in order, each with its notes (every note stamped
    with its own modification time: Anki updates a note on import only when the incoming
    time is newer, see lock.py), the note types by name, and the media files.

    Written as genanki's Package of the same decks, genanki Notes and Models would write
    itself (rows.py), except that note and card ids end at the package's time instead of
    starting there. Anki's ids are creation times in milliseconds; genanki numbers notes
    and cards one millisecond apart *from* the package time, so a deck of 50,000 notes and
    cards built now would hold ids 50 seconds ahead of the clock, and Anki 2.1.54 and
    2.1.55 refuse a whole deck holding an id later than the learner's clock (2.1.56–2.1.60:
    more than a day later).
    """

    def __init__(
        self,
        decks: list[tuple[genanki.Deck, list[ShippedNote]]],
        models: dict[str, genanki.Model],
        media_files: list[str],
    ) -> None:
        self.decks = decks
        self.models = models
        self.media_files = media_files

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
        """genanki.Package.write_to_db's signature: the ids are this package's own."""
        write_rows(cursor, self.decks, self.models, timestamp)


def make_package(
    deck: Deck,
    notes: Iterable[ShippedNote],
    note_types: Mapping[str, tuple[NoteType, int]],
    descriptions: Mapping[str, str] | None = None,
    media: Iterable[Path] = (),
    unreleased_after: str | None = None,
    notices: Sequence[str] = (),
    release_notes: str | None = None,
) -> Package:
    """`note_types` gives each note type of the notes, by name, with its modification time;
    `descriptions` gives sub-decks (by full name) a description of their own;
    `release_notes` (HTML) what the release changed, for the root deck's description."""
    root = deck.config.name
    description = root_description(deck, unreleased_after, notices, release_notes)
    decks: dict[str, tuple[genanki.Deck, list[ShippedNote]]] = {
        root: (genanki.Deck(ids.deck_id(root), root, description=description), [])
    }
    models = {
        name: _TimedModel(genanki_model(note_type), mod)
        for name, (note_type, mod) in note_types.items()
    }
    for note in notes:
        if note.deck not in decks:
            about = (descriptions or {}).get(note.deck, "")
            decks[note.deck] = (genanki.Deck(ids.deck_id(note.deck), note.deck, about), [])
        decks[note.deck][1].append(note)
    return Package(list(decks.values()), models, [str(path) for path in sorted(media)])


@dataclass(frozen=True)
class StagedPackage:
    """A package whose collection.anki2 is written into a scratch file of a transaction:
    what is left (the zip and its line in SHA256SUMS) needs only files, so that a big
    deck's notes can be let go of before the zip maps the whole collection into memory.
    The media files must still be there, and `finish` must run before the transaction
    commits: until then the .apkg staged in it is empty."""

    path: Path  # where the .apkg goes
    staged: Path  # its temporary file in `files`
    collection: Path
    media: tuple[Path, ...]
    files: Transaction

    def finish(self) -> Path:
        """The .apkg and its line in SHA256SUMS beside it, staged in the transaction; the
        collection is removed once zipped (a big deck's is tens of MB)."""
        try:
            _write_zip(self.staged, self.collection, self.media)
        finally:
            self.collection.unlink(missing_ok=True)
        out_dir = self.path.parent
        sums = out_dir / CHECKSUMS
        existing = sums.read_text(encoding="utf-8", errors="replace") if sums.is_file() else ""
        text = checksums_text(existing, out_dir, {self.path.name: sha256_of(self.staged)})
        self.files.stage(sums).write_text(text, encoding="utf-8")
        return self.path


def stage_package(
    package: Package, path: Path, timestamp: float, files: Transaction
) -> StagedPackage:
    """`package`'s collection written with the pinned SQLite into a scratch file of `files`,
    the .apkg at `path` to be finished."""
    staged = files.stage(path)
    collection = files.scratch(path)
    write_collection(package, collection, timestamp)
    media = tuple(Path(name) for name in package.media_files)
    return StagedPackage(path, staged, collection, media, files)


def write_package(
    package: Package, path: Path, timestamp: float, scratch: Path | None = None
) -> None:
    """The .apkg of `package` at `path` on its own, without a transaction (tests and tools
    write a package this way; a build stages it, stage_package): the same bytes,
    its collection written into the file `scratch` (default: a temporary file beside
    `path`) and removed after."""
    collection = temp_beside(path) if scratch is None else scratch
    try:
        write_collection(package, collection, timestamp)
        _write_zip(path, collection, tuple(Path(name) for name in package.media_files))
    finally:
        collection.unlink(missing_ok=True)


def _write_zip(path: Path, collection: Path, media: tuple[Path, ...]) -> None:
    """What genanki's write_to_file writes (collection.anki2, the media index `media`, the
    media files as 0, 1, …), zipped by reproducible.write_zip."""
    index = json.dumps({i: file.name for i, file in enumerate(media)})
    entries: dict[str, Entry] = {"collection.anki2": collection, "media": index.encode()}
    entries.update((str(i), file) for i, file in enumerate(media))
    write_zip(path, entries)
