"""deck.lock.json: the state of the last release, beside deck.toml, committed with the notes.

It records, for every released note, its GUID, its key and the note exactly as it was
shipped (rendered fields, tags, note type, deck) with the release time at which that
content last changed; the note types' hashes and times; and the removed notes still
shipped as tombstones. Builds read it to give unchanged notes their old times, so
re-importing a release only updates what really changed. It is written sorted, one
field per line, so its git diff reads as a changelog of the rendered deck.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from deckgen.atomic import atomic_path
from deckgen.errors import DeckgenError, error
from deckgen.model import DeckConfig, ShippedNote, SourceLoc
from deckgen.notes.config import SEMVER
from deckgen.notes.notetypes import BUILTINS
from deckgen.times import implausible

LOCK_FILE = "deck.lock.json"
LOCK_FORMAT = 1
_BUILTINS = {note_type.name: note_type for note_type in BUILTINS.values()}


@dataclass(frozen=True)
class Tombstone:
    """A removed note, shipped once more (tagged, with a notice) for `releases_left` releases."""

    note: ShippedNote
    removed_in: str
    releases_left: int


@dataclass(frozen=True)
class NoteTypeState:
    """A released note type: what Anki keys it by and learners' notes depend on (its id,
    kind, fields and the names of its templates), a hash of everything (templates, CSS),
    and the release time at which that last changed. `mod` 0 is a note type as Anki made
    it, never edited since (`deckgen import` keeps it): learners' copies carry 0 too, and
    any change beats it."""

    id: int
    hash: str
    mod: int
    fields: tuple[str, ...]
    templates: tuple[str, ...] = ()  # () in locks from before they were recorded: unknown
    cloze: bool = False

    def as_json(self) -> dict[str, object]:
        shape: dict[str, object] = {"fields": list(self.fields), "cloze": self.cloze}
        if self.templates:
            shape["templates"] = list(self.templates)
        return {"id": self.id, "hash": self.hash, "mod": self.mod, **shape}


@dataclass(frozen=True)
class DeckSettings:
    """The deck.toml values a release ships, its version aside."""

    name: str
    slug: str
    description: str
    keep_removed: int
    id: str | None = None  # deck.toml's `id`: which deck this lock belongs to

    @classmethod
    def of(cls, config: DeckConfig) -> DeckSettings:
        return cls(config.name, config.slug, config.description, config.keep_removed, config.id)

    def as_json(self) -> dict[str, object]:
        """Without `id` when the deck has none, so older locks stay byte for byte."""
        return {key: value for key, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class Lock:
    version: str
    released: int
    deck: DeckSettings
    note_types: dict[str, NoteTypeState]
    notes: tuple[ShippedNote, ...]
    removed: tuple[Tombstone, ...]
    shown: str = LOCK_FILE  # where it was read from, for diagnostics
    # The release's section of the changelog, which its deck shows learners (root deck's
    # description); None in locks written before deckgen kept it
    release_notes: str | None = None

    def fields_of(self, note: ShippedNote) -> tuple[str, ...]:
        return self.note_types[note.note_type].fields


def _by_key(note: ShippedNote) -> str:
    return note.key


def lock_path(notes_dir: Path) -> Path:
    return notes_dir / LOCK_FILE


# --- writing ----------------------------------------------------------------------


def _note_json(note: ShippedNote, names: tuple[str, ...]) -> dict[str, Any]:
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
        "deck": lock.deck.as_json(),
        "note_types": {name: state.as_json() for name, state in lock.note_types.items()},
        "notes": [_note_json(n, lock.fields_of(n)) for n in sorted(lock.notes, key=_by_key)],
        "removed": [
            {
                **_note_json(t.note, lock.fields_of(t.note)),
                "removed_in": t.removed_in,
                "releases_left": t.releases_left,
            }
            for t in sorted(lock.removed, key=lambda t: t.note.key)
        ],
    }
    if lock.release_notes is not None:  # older locks stay byte for byte
        data["release_notes"] = lock.release_notes
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_lock(lock: Lock, notes_dir: Path) -> Path:
    path = lock_path(notes_dir)
    with atomic_path(path) as temp:
        temp.write_text(lock_json(lock), encoding="utf-8")
    return path


# --- reading ----------------------------------------------------------------------


def _note_state(data: dict[str, Any], note_types: dict[str, NoteTypeState]) -> ShippedNote:
    names = note_types[str(data["note_type"])].fields
    if set(data["fields"]) != set(names):
        raise ValueError(f"a note's fields are not those of {data['note_type']}")
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


def _note_type_state(name: str, data: dict[str, Any]) -> NoteTypeState:
    # Locks from before note types were data record only the built-ins, without their shape.
    builtin = _BUILTINS.get(name)
    fields = data.get("fields", builtin.fields if builtin else None)
    if not isinstance(fields, list | tuple) or not fields:
        raise ValueError(f"the note type {name!r} has no fields")
    templates = data.get("templates", [t.name for t in builtin.templates] if builtin else [])
    cloze = data.get("cloze", builtin.cloze if builtin else False)
    if not isinstance(templates, list) or not isinstance(cloze, bool):
        raise ValueError(f"the note type {name!r} has a malformed shape")
    return NoteTypeState(
        int(data["id"]),
        str(data["hash"]),
        int(data["mod"]),
        tuple(str(field) for field in fields),
        tuple(str(template) for template in templates),
        cloze,
    )


def _lock_from(data: dict[str, Any]) -> Lock:
    note_types = {
        str(name): _note_type_state(str(name), state) for name, state in data["note_types"].items()
    }
    deck = data["deck"]
    release_notes = data.get("release_notes")
    if release_notes is not None and not isinstance(release_notes, str):
        raise ValueError("its release notes are not text")
    return Lock(
        version=str(data["version"]),
        released=int(data["released"]),
        deck=DeckSettings(
            str(deck["name"]),
            str(deck["slug"]),
            str(deck["description"]),
            int(deck["keep_removed"]),
            str(deck["id"]) if deck.get("id") is not None else None,
        ),
        note_types=note_types,
        notes=tuple(_note_state(n, note_types) for n in data["notes"]),
        removed=tuple(
            Tombstone(_note_state(t, note_types), str(t["removed_in"]), int(t["releases_left"]))
            for t in data["removed"]
        ),
        release_notes=release_notes,
    )


_CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)


def merge_conflict_line(text: str) -> int | None:
    """The 1-based line of git's first merge-conflict marker in `text`, or None."""
    found = _CONFLICT_MARKER.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def parse_lock(text: str, shown: str, now: float) -> Lock:
    """A lock's text → the Lock, or DeckgenError saying what is wrong with it and what to do.
    `shown` names it in messages (a path, or `v1.2.0:notes/deck.lock.json`)."""

    def fail(line: int, code: str, message: str) -> NoReturn:
        raise DeckgenError([error(SourceLoc(shown, line), code, message)])

    conflict = merge_conflict_line(text)
    if conflict is not None:
        fail(
            conflict,
            "DG071",
            f"{LOCK_FILE} has merge-conflict markers: two releases met in a merge. Keep one"
            f" side (git checkout --theirs {shown}, or --ours), then run `deckgen release`",
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(exc.lineno, "DG060", f"{LOCK_FILE} is not valid JSON: {exc.msg}; restore it from git")
    except RecursionError:
        fail(1, "DG060", f"{LOCK_FILE} is nested too deeply; restore it from git")
    found = data.get("format") if isinstance(data, dict) else None
    if isinstance(found, int) and not isinstance(found, bool) and found > LOCK_FORMAT:
        fail(
            1,
            "DG072",
            f"{LOCK_FILE} was written by a newer deckgen (lock format {found}; this one reads"
            f" {LOCK_FORMAT}): upgrade deckgen",
        )
    try:
        if found != LOCK_FORMAT:
            raise ValueError(f"format {found!r} is not {LOCK_FORMAT}")
        lock = _lock_from(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        fail(1, "DG060", f"{LOCK_FILE} is not a deckgen lock ({why}); restore it from git")
    problem = _implausible_content(lock, now)
    if problem is not None:
        fail(1, "DG060", f"{LOCK_FILE} {problem}; restore it from git")
    return dataclasses.replace(lock, shown=shown)


def _implausible_content(lock: Lock, now: float) -> str | None:
    if not SEMVER.match(lock.version):
        return f"has the version {lock.version!r}, which is not semver like 1.2.3"
    times = [
        ("release time", lock.released),
        *(("time of a note type", s.mod) for s in lock.note_types.values() if s.mod != 0),
        *(("time of a note", note.mod) for note in lock.notes),
        *(("time of a removed note", t.note.mod) for t in lock.removed),
    ]
    for what, seconds in times:
        # a time before 2000 (SOURCE_DATE_EPOCH=315532800 under Nix) is beaten by any release;
        # only a future one strands learners
        why = implausible(seconds, now) if seconds > now else None
        if why is not None:
            return (
                f"has a {what} of {why}: such a time cannot be beaten by a later release, so"
                " learners who imported it could never be updated"
            )
    guids = [n.guid for n in lock.notes] + [t.note.guid for t in lock.removed]
    keys = [n.key for n in lock.notes] + [t.note.key for t in lock.removed]
    if len(set(guids)) != len(guids) or len(set(keys)) != len(keys):
        return "holds a note twice (a GUID or key repeats), as a bad merge leaves it"
    return None


def read_lock(notes_dir: Path, now: float | None = None) -> Lock | None:
    """The lock beside deck.toml, or None before the first release."""
    path = lock_path(notes_dir)
    shown = path.as_posix()
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot read {LOCK_FILE}: {exc}; restore it from git"
        raise DeckgenError([error(SourceLoc(shown, 1), "DG060", message)]) from None
    return parse_lock(text, shown, time.time() if now is None else now)
