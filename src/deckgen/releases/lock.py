"""deck.lock.json: the state of the last release, beside deck.toml, committed with the notes.

It records, for every released note, its GUID, its key and the note exactly as it was
shipped (rendered fields, tags, note type, deck) with the release time at which that
content last changed; the note types' hashes and times; and the removed notes still
shipped as tombstones. Builds read it to give unchanged notes their old times, so
re-importing a release only updates what really changed. It is written sorted, one
field per line, so its git diff reads as a changelog of the rendered deck.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deckgen.apkg.notetypes import BASIC_FIELDS, BASIC_NAME, CLOZE_FIELDS, CLOZE_NAME
from deckgen.atomic import atomic_path
from deckgen.errors import DeckgenError, error
from deckgen.model import DeckConfig, ShippedNote, SourceLoc

LOCK_FILE = "deck.lock.json"
LOCK_FORMAT = 1
FIELD_NAMES: dict[str, tuple[str, ...]] = {BASIC_NAME: BASIC_FIELDS, CLOZE_NAME: CLOZE_FIELDS}


@dataclass(frozen=True)
class Tombstone:
    """A removed note, shipped once more (tagged, with a notice) for `releases_left` releases."""

    note: ShippedNote
    removed_in: str
    releases_left: int


@dataclass(frozen=True)
class NoteTypeState:
    id: int
    hash: str
    mod: int


@dataclass(frozen=True)
class DeckSettings:
    """The deck.toml values a release ships, its version aside."""

    name: str
    slug: str
    description: str
    keep_removed: int

    @classmethod
    def of(cls, config: DeckConfig) -> DeckSettings:
        return cls(config.name, config.slug, config.description, config.keep_removed)


@dataclass(frozen=True)
class Lock:
    version: str
    released: int
    deck: DeckSettings
    note_types: dict[str, NoteTypeState]
    notes: tuple[ShippedNote, ...]
    removed: tuple[Tombstone, ...]


def lock_path(notes_dir: Path) -> Path:
    return notes_dir / LOCK_FILE


# --- writing ----------------------------------------------------------------------


def _note_json(note: ShippedNote) -> dict[str, Any]:
    names = FIELD_NAMES[note.note_type]
    return {
        "guid": note.guid,
        "key": note.key,
        "question": note.question,
        "note_type": note.note_type,
        "deck": note.deck,
        "fields": dict(zip(names, note.fields, strict=True)),
        "tags": list(note.tags),
        "mod": note.mod,
    }


def lock_json(lock: Lock) -> str:
    data = {
        "format": LOCK_FORMAT,
        "version": lock.version,
        "released": lock.released,
        "deck": vars(lock.deck),
        "note_types": {name: vars(state) for name, state in lock.note_types.items()},
        "notes": [_note_json(n) for n in sorted(lock.notes, key=lambda n: n.key)],
        "removed": [
            {**_note_json(t.note), "removed_in": t.removed_in, "releases_left": t.releases_left}
            for t in sorted(lock.removed, key=lambda t: t.note.key)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_lock(lock: Lock, notes_dir: Path) -> Path:
    path = lock_path(notes_dir)
    with atomic_path(path) as temp:
        temp.write_text(lock_json(lock), encoding="utf-8")
    return path


# --- reading ----------------------------------------------------------------------


def _note_state(data: dict[str, Any]) -> ShippedNote:
    names = FIELD_NAMES[data["note_type"]]
    fields = tuple(str(data["fields"][name]) for name in names)
    return ShippedNote(
        guid=str(data["guid"]),
        key=str(data["key"]),
        question=str(data["question"]),
        note_type=str(data["note_type"]),
        deck=str(data["deck"]),
        fields=fields,
        tags=tuple(str(tag) for tag in data["tags"]),
        mod=int(data["mod"]),
    )


def _lock_from(data: dict[str, Any]) -> Lock:
    if data.get("format") != LOCK_FORMAT:
        raise ValueError(f"format {data.get('format')!r} is not {LOCK_FORMAT}")
    deck = data["deck"]
    return Lock(
        version=str(data["version"]),
        released=int(data["released"]),
        deck=DeckSettings(
            str(deck["name"]),
            str(deck["slug"]),
            str(deck["description"]),
            int(deck["keep_removed"]),
        ),
        note_types={
            str(name): NoteTypeState(int(s["id"]), str(s["hash"]), int(s["mod"]))
            for name, s in data["note_types"].items()
        },
        notes=tuple(_note_state(n) for n in data["notes"]),
        removed=tuple(
            Tombstone(_note_state(t), str(t["removed_in"]), int(t["releases_left"]))
            for t in data["removed"]
        ),
    )


def read_lock(notes_dir: Path) -> Lock | None:
    """The lock beside deck.toml, or None before the first release."""
    path = lock_path(notes_dir)
    shown = path.as_posix()
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        message = f"{LOCK_FILE} is not valid JSON: {exc.msg}; restore it from git"
        raise DeckgenError([error(SourceLoc(shown, exc.lineno), "DG060", message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot read {LOCK_FILE}: {exc}"
        raise DeckgenError([error(SourceLoc(shown, 1), "DG060", message)]) from None
    try:
        return _lock_from(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        message = (
            f"{LOCK_FILE} is not a deckgen lock ({type(exc).__name__}: {exc}); restore it from git"
        )
        raise DeckgenError([error(SourceLoc(shown, 1), "DG060", message)]) from None
