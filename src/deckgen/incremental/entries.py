"""A notes file's cache entry as plain JSON: its cards, the diagnostics of reading and
parsing it, and each card's rendered note (fields, the names of its media files, problems).
Media bytes are stored beside the entries, under their content-hashed names (cache.py).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from deckgen.cards.media import MediaFile
from deckgen.cards.render import RenderedNote
from deckgen.incremental.cache import BuildCache, diagnostic_from_json, diagnostic_to_json
from deckgen.model import Card, CardKind, FieldSection, Silence, SourceLoc
from deckgen.pipeline import FileResult

_T = TypeVar("_T")

# Card fields this module knows how to store; a test fails when Card gains another.
CARD_FIELDS = (
    "kind", "question", "answer", "deck", "topic", "tags", "source", "loc", "explicit_id",
    "answer_line", "note_type", "sections", "silences", "anchor",
)  # fmt: skip


# --- entries as plain JSON ---------------------------------------------------------------


def card_to_json(card: Card) -> dict[str, Any]:
    data = {name: getattr(card, name) for name in CARD_FIELDS}
    loc = card.loc
    return {
        **data,
        "kind": card.kind.value,
        "tags": list(card.tags),
        "loc": [loc.path, loc.line, loc.column],
        "sections": [[s.name, s.markdown, s.line] for s in card.sections],
        "silences": [[s.check, s.reason, s.loc.line] for s in card.silences],
    }


def card_from_json(data: dict[str, Any], shared: dict[Any, Any] | None = None) -> Card:
    """`shared` makes equal strings and tags of a file's cards one object each: JSON gives
    every card its own copies, and a big deck holds 100,000 cards."""
    pool: dict[Any, Any] = {} if shared is None else shared

    def share(value: _T) -> _T:
        return cast(_T, pool.setdefault(value, value))

    path, line, column = data["loc"]
    values = {name: data[name] for name in CARD_FIELDS}
    values.update(
        kind=CardKind(data["kind"]),
        tags=share(tuple(share(tag) for tag in data["tags"])),
        loc=SourceLoc(share(path), line, column),
        deck=share(data["deck"]),
        topic=share(data["topic"]),
        source=share(data["source"]),
        note_type=share(data["note_type"]),
        sections=tuple(FieldSection(name, text, line) for name, text, line in data["sections"]),
        silences=tuple(
            Silence(check, reason, SourceLoc(path, at)) for check, reason, at in data["silences"]
        ),
    )
    return Card(**values)


def to_json(cache: BuildCache, result: FileResult) -> dict[str, Any]:
    notes = []
    for note in result.rendered:
        for file in note.media:
            cache.write_media(file.name, file.data)
        notes.append(
            {
                "card": card_to_json(note.card),
                "fields": list(note.fields),
                "media": [file.name for file in note.media],
                "diagnostics": [diagnostic_to_json(d) for d in note.diagnostics],
            }
        )
    return {"notes": notes, "diagnostics": [diagnostic_to_json(d) for d in result.diagnostics]}


def from_json(cache: BuildCache, data: Any) -> FileResult | None:
    """The stored file, or None when the entry is missing, damaged or names lost media."""
    shared: dict[Any, Any] = {}
    try:
        rendered = [_note_from_json(cache, note, shared) for note in data["notes"]]
        diagnostics = [diagnostic_from_json(row) for row in data["diagnostics"]]
    except (TypeError, KeyError, ValueError, _MediaGone):
        return None
    return FileResult([note.card for note in rendered], diagnostics, rendered)


class _MediaGone(Exception):
    pass


def _note_from_json(
    cache: BuildCache, data: dict[str, Any], shared: dict[Any, Any]
) -> RenderedNote:
    media = []
    for name in data["media"]:
        content = cache.read_media(name)
        if content is None:
            raise _MediaGone(name)
        media.append(MediaFile(name, content))
    problems = tuple(diagnostic_from_json(row) for row in data["diagnostics"])
    card = card_from_json(data["card"], shared)
    # short fields (context, source) repeat across a file's notes: one string object each
    fields = tuple(shared.setdefault(v, v) if len(v) < 120 else v for v in data["fields"])
    return RenderedNote(card, fields, tuple(media), problems)
