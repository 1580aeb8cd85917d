"""What an .apkg holds, read back, and what differs between two of them.

`deckgen verify` compares a downloaded package with the one the notes build. When the bytes
differ, this says *what* differs, in the terms a learner sees: notes (by GUID and question),
their fields, tags, times and cards; note types; decks; media files. The package is read as
untrusted input: the collection read-only with the stdlib sqlite3 (reading needs no pinned
library), entry sizes bounded, and every way it can be broken reported as PackageError.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COLLECTION = "collection.anki2"
MEDIA_INDEX = "media"
_MAX_ENTRY = 2 << 30  # no deck's collection comes near 2 GiB; a zip bomb might


class PackageError(Exception):
    """The file is not an Anki package deckgen can read; the message says why."""


@dataclass(frozen=True)
class Note:
    guid: str
    note_type: str
    fields: tuple[tuple[str, str], ...]  # (field name, HTML) in the note type's order
    tags: tuple[str, ...]
    mod: int
    cards: tuple[tuple[str, int], ...]  # (deck name, template ordinal), sorted

    @property
    def question(self) -> str:
        """The first field as one line of text."""
        text = html.unescape(re.sub(r"<[^>]*>", " ", self.fields[0][1] if self.fields else ""))
        return " ".join(text.split())


@dataclass(frozen=True)
class Contents:
    notes: dict[str, Note]  # by GUID
    note_types: dict[str, dict[str, Any]]  # by name: Anki's JSON of it
    decks: dict[str, dict[str, Any]]  # by full name
    media: dict[str, str]  # file name → sha256 of its bytes


@dataclass(frozen=True)
class Difference:
    """One thing that is not the same in a package and in the deck it is compared with."""

    kind: str  # "note", "note type", "deck" or "media file"
    name: str  # the note's GUID, or the note type's, deck's or file's name
    only_in: str | None  # "package" or "rebuilt" when only one has it; None: both, differing
    parts: tuple[str, ...] = ()  # what differs when both have it: field names, "tags", "mod" …
    question: str = ""  # a note's question, as text
    # each part's value in the package and in the rebuilt deck (a media file's: sha256)
    values: dict[str, tuple[str, str]] = field(default_factory=dict)


def read_package(path: Path) -> Contents:
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as work:
            entries = {info.filename: info for info in archive.infolist()}
            if COLLECTION not in entries:
                raise PackageError(f"it has no {COLLECTION}: not an Anki package")
            too_large = [n for n, i in entries.items() if i.file_size > _MAX_ENTRY]
            if too_large:
                raise PackageError(f"its entry {too_large[0]!r} is larger than 2 GiB")
            collection = Path(work, COLLECTION)
            with archive.open(COLLECTION) as source, collection.open("wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            media = _media(archive, entries)
            return _read_collection(collection, media)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise PackageError(f"it is not a readable zip ({exc})") from None
    except (sqlite3.Error, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise PackageError(f"its {COLLECTION} cannot be read ({exc})") from None
    except RecursionError:  # JSON nested deeper than any note type or deck is
        raise PackageError(f"its {COLLECTION} holds JSON nested too deep to read") from None


def _media(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    index = json.loads(archive.read(MEDIA_INDEX)) if MEDIA_INDEX in entries else {}
    if not isinstance(index, dict):
        raise ValueError("the media index is not a JSON object")
    media: dict[str, str] = {}
    for number, name in index.items():
        if str(number) not in entries:
            raise PackageError(f"its media index names entry {number}, which it lacks")
        digest = hashlib.sha256()
        with archive.open(str(number)) as data:
            for chunk in iter(lambda: data.read(1 << 20), b""):
                digest.update(chunk)
        media[str(name)] = digest.hexdigest()
    return media


def _read_collection(path: Path, media: dict[str, str]) -> Contents:
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
        models = _objects(models_json, "note type")
        decks = _objects(decks_json, "deck")
        cards: dict[int, list[tuple[str, int]]] = {}
        for nid, did, ord_ in db.execute("SELECT nid, did, ord FROM cards ORDER BY id"):
            deck = _name(decks[did]) if did in decks else f"deck id {did}"
            cards.setdefault(nid, []).append((deck, int(ord_)))
        notes: dict[str, Note] = {}
        query = "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"
        for nid, guid, mid, mod, tags, flds in db.execute(query):
            model = models.get(mid, {"name": f"note type id {mid}", "flds": []})
            names = [_name(f) for f in _list(model.get("flds"))]
            values = _text(flds).split("\x1f")
            names += [f"field {i + 1}" for i in range(len(names), len(values))]
            notes[_text(guid)] = Note(
                _text(guid),
                _name(model),
                tuple(zip(names, values, strict=False)),
                tuple(_text(tags).split()),
                int(mod),
                tuple(sorted(cards.get(nid, []))),
            )
    finally:
        db.close()
    return Contents(
        notes,
        {_name(m): m for m in models.values()},
        {_name(d): d for d in decks.values()},
        media,
    )


# A package is untrusted: every value is checked for the type Anki writes, so that a crafted
# one is a PackageError (ValueError, TypeError), never an AttributeError deep in a compare.


def _objects(text: object, what: str) -> dict[int, dict[str, Any]]:
    """The col table's JSON of note types or decks: objects by id."""
    data = json.loads(_text(text))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"its {what}s are not JSON objects by id")
    return {int(k): v for k, v in data.items()}


def _name(entry: object) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ValueError("a note type, field or deck has no name")
    return str(entry["name"])


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("a note type's fields are not a list")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} where Anki writes text")
    return value


def compare(package: Contents, rebuilt: Contents) -> list[Difference]:
    """Every difference, notes first (in the rebuilt deck's order, then the package's)."""
    found: list[Difference] = []
    for guid in [*rebuilt.notes, *(g for g in package.notes if g not in rebuilt.notes)]:
        mine, theirs = package.notes.get(guid), rebuilt.notes.get(guid)
        if mine is None or theirs is None:
            question = (mine or theirs).question  # type: ignore[union-attr]
            found.append(Difference("note", guid, _only(mine), question=question))
        elif mine != theirs:
            values = _note_parts(mine, theirs)
            found.append(Difference("note", guid, None, tuple(values), theirs.question, values))
    for kind, ours, theirs_ in (
        ("note type", package.note_types, rebuilt.note_types),
        ("deck", package.decks, rebuilt.decks),
    ):
        found += _compare_json(kind, ours, theirs_)
    for name in sorted(package.media.keys() | rebuilt.media.keys()):
        here, there = package.media.get(name), rebuilt.media.get(name)
        if here is None or there is None:
            found.append(Difference("media file", name, _only(here)))
        elif here != there:
            found.append(
                Difference("media file", name, None, ("bytes",), values={"bytes": (here, there)})
            )
    return found


def _only(in_package: object) -> str:
    return "package" if in_package is not None else "rebuilt"


def _note_parts(mine: Note, theirs: Note) -> dict[str, tuple[str, str]]:
    parts: dict[str, tuple[str, str]] = {}
    if mine.note_type != theirs.note_type:
        parts["note type"] = (mine.note_type, theirs.note_type)
    ours, others = dict(mine.fields), dict(theirs.fields)
    for name in [*others, *(n for n in ours if n not in others)]:
        if ours.get(name) != others.get(name):
            parts[name] = (ours.get(name, ""), others.get(name, ""))
    if mine.tags != theirs.tags:
        parts["tags"] = (" ".join(mine.tags), " ".join(theirs.tags))
    if mine.mod != theirs.mod:
        parts["mod"] = (str(mine.mod), str(theirs.mod))
    if mine.cards != theirs.cards:
        parts["cards"] = (_cards(mine.cards), _cards(theirs.cards))
    return parts


def _cards(cards: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{deck} #{ordinal + 1}" for deck, ordinal in cards)


def _compare_json(
    kind: str, package: dict[str, dict[str, Any]], rebuilt: dict[str, dict[str, Any]]
) -> list[Difference]:
    found: list[Difference] = []
    for name in sorted(package.keys() | rebuilt.keys()):
        mine, theirs = package.get(name), rebuilt.get(name)
        if mine is None or theirs is None:
            found.append(Difference(kind, name, _only(mine)))
        elif mine != theirs:
            keys = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
            values = {k: (_short(mine.get(k)), _short(theirs.get(k))) for k in keys}
            found.append(Difference(kind, name, None, tuple(keys), values=values))
    return found


def _short(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
