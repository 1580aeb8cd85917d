"""Moving a deck to deckgen, measured in real Anki: a learner's collection before and after
the first build of an imported deck is imported over it (tests/anki/test_import_migration.py)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anki.collection import Collection
from anki_helpers import import_deck, review

from deckgen.importing.run import ImportResult
from deckgen.importing.run import import_deck as deckgen_import
from deckgen.pipeline import build


def new_collection(folder: Path) -> Collection:
    """A collection of its own in `folder` (made if missing), as a profile of Anki's."""
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG (grey), for image fields and Image Occlusion."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Snapshot:
    """What a learner has of a deck: notes, cards with their scheduling, note types,
    decks and the review log."""

    notes: dict[str, tuple[int, int, int, str, str]]  # guid → (id, note type, mod, tags, fields)
    cards: dict[int, tuple[Any, ...]]  # card id → (note, deck, ord, type, queue, due, ivl, reps)
    note_types: dict[int, tuple[Any, ...]]  # id → (name, mod, fields, templates, css)
    decks: frozenset[str]
    revlog: int


def snapshot(col: Collection) -> Snapshot:
    db = col.db
    assert db is not None
    notes = {
        str(guid): (int(nid), int(mid), int(mod), str(tags), str(flds))
        for nid, guid, mid, mod, tags, flds in db.all(
            "SELECT id, guid, mid, mod, tags, flds FROM notes"
        )
    }
    cards = {
        int(row[0]): tuple(row[1:])
        for row in db.all("SELECT id, nid, did, ord, type, queue, due, ivl, reps FROM cards")
    }
    note_types = {
        int(m["id"]): (
            m["name"],
            m["mod"],
            tuple(f["name"] for f in m["flds"]),
            tuple((t["name"], t["qfmt"], t["afmt"]) for t in m["tmpls"]),
            m["css"],
        )
        for m in col.models.all()
    }
    decks = frozenset(d.name for d in col.decks.all_names_and_ids())
    return Snapshot(notes, cards, note_types, decks, int(db.scalar("SELECT count() FROM revlog")))


def review_some(col: Collection, every: int = 2) -> int:
    """Answer every `every`-th card once, as the reviewer does; the number answered."""
    card_ids = sorted(col.find_cards(""))[::every]
    for card_id in card_ids:
        review(col, card_id)
    return len(card_ids)


@dataclass(frozen=True)
class Migration:
    """One deck moved to deckgen: the import's result, Anki's log of importing the first
    build over the learner's collection, and the collection before and after."""

    name: str
    imported: ImportResult
    counts: dict[str, int]  # new, updated, duplicate, conflicting
    before: Snapshot
    after: Snapshot
    apkg: Path

    @property
    def markdown_share(self) -> float:
        return self.imported.markdown_fields / self.imported.fields

    def report(self) -> str:
        c = self.counts
        return (
            f"{self.name}: {self.imported.notes} notes imported; first build over the learner:"
            f" new {c['new']}, updated {c['updated']}, duplicate {c['duplicate']},"
            f" conflicting {c['conflicting']}; revlog {self.before.revlog} → {self.after.revlog};"
            f" note types unchanged: {self.before.note_types == self.after.note_types};"
            f" fields as Markdown {self.imported.markdown_fields}/{self.imported.fields}"
            f" ({100 * self.markdown_share:.1f} %)"
        )


def migrate(name: str, learner: Collection, package: Path, work: Path) -> Migration:
    """deckgen import of `package`, a build of the notes, and that build imported over the
    learner's collection with Anki's default options."""
    before = snapshot(learner)
    imported = deckgen_import(package, work / "notes")
    apkg = build(work / "notes", work / "decks").path
    log = import_deck(learner, apkg)
    parts = ("new", "updated", "duplicate", "conflicting")
    counts = {part: len(getattr(log, part)) for part in parts}
    return Migration(name, imported, counts, before, snapshot(learner), apkg)
