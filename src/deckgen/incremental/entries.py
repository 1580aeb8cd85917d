"""A notes file's cache entry as plain JSON: its cards, the diagnostics of reading and
parsing it, and each card's rendered note (fields, the names of its media files, problems).
Media bytes are stored beside the entries, under their content-hashed names (cache.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deckgen.cards.media import MediaFile
from deckgen.cards.render import RenderedNote
from deckgen.errors import Diagnostic
from deckgen.incremental.cache import BuildCache, diagnostic_from_json, diagnostic_to_json
from deckgen.model import Card, CardKind, FieldSection, Silence, SourceLoc
from deckgen.pipeline import FileResult

# Card's fields in the order Card takes them; a test fails when Card gains another.
CARD_FIELDS = (
    "kind", "question", "answer", "deck", "topic", "tags", "source", "loc", "explicit_id",
    "answer_line", "note_type", "sections", "silences", "anchor",
)  # fmt: skip
# Columns whose values repeat across a file's cards: loaded as one string object each.
_REPEATED = ("deck", "topic", "source", "note_type")
_KINDS = {kind.value: kind for kind in CardKind}


# --- entries as plain JSON ---------------------------------------------------------------


def cards_to_json(cards: Sequence[Card]) -> dict[str, list[Any]]:
    """A file's cards as columns, one list per Card field: a column of a file's cards
    loads several times faster than an object per card (`from_json` is what an edit that
    keeps the other files of a big deck waits for)."""
    columns: dict[str, list[Any]] = {name: [] for name in CARD_FIELDS}
    for card in cards:
        for name in CARD_FIELDS:
            columns[name].append(getattr(card, name))
    columns["kind"] = [kind.value for kind in columns["kind"]]
    columns["loc"] = [[loc.path, loc.line, loc.column] for loc in columns["loc"]]
    columns["sections"] = [[[s.name, s.markdown, s.line] for s in v] for v in columns["sections"]]
    columns["silences"] = [
        [[s.check, s.reason, s.loc.line] for s in v] for v in columns["silences"]
    ]
    return columns


def cards_from_json(columns: dict[str, list[Any]], pool: dict[Any, Any]) -> list[Card]:
    """The cards of `cards_to_json`. `pool` makes equal strings and tags one object each:
    JSON gives every card its own copies, and a big deck holds 100,000 cards."""
    share = pool.setdefault
    values = dict(columns)
    values["kind"] = [_KINDS[kind] for kind in columns["kind"]]
    for name in _REPEATED:
        values[name] = [share(value, value) for value in columns[name]]
    values["tags"] = [share(tags, tags) for tags in map(tuple, columns["tags"])]
    locs = [SourceLoc(share(path, path), line, column) for path, line, column in columns["loc"]]
    values["loc"] = locs
    values["sections"] = [
        tuple(FieldSection(name, text, line) for name, text, line in sections) if sections else ()
        for sections in columns["sections"]
    ]
    values["silences"] = [
        tuple(Silence(check, reason, SourceLoc(loc.path, at)) for check, reason, at in rows)
        if rows
        else ()
        for rows, loc in zip(columns["silences"], locs, strict=True)
    ]
    return [Card(*row) for row in zip(*(values[name] for name in CARD_FIELDS), strict=True)]


def to_json(cache: BuildCache, result: FileResult) -> dict[str, Any]:
    for note in result.rendered:
        for file in note.media:
            cache.write_media(file.name, file.data)
    notes = result.rendered
    return {
        "cards": cards_to_json([note.card for note in notes]),
        "fields": [note.fields for note in notes],
        "media": [[file.name for file in note.media] for note in notes],
        "problems": [[diagnostic_to_json(d) for d in note.diagnostics] for note in notes],
        "diagnostics": [diagnostic_to_json(d) for d in result.diagnostics],
    }


def from_json(cache: BuildCache, data: Any) -> FileResult | None:
    """The stored file, or None when the entry is missing, damaged or names lost media."""
    pool: dict[Any, Any] = {}
    parsed = parsed_from_json(data, pool)
    if parsed is None:
        return None
    cards, diagnostics = parsed
    try:
        media = [_media(cache, names) if names else () for names in data["media"]]
        problems = [tuple(map(diagnostic_from_json, ds)) if ds else () for ds in data["problems"]]
        # short fields (context, source) repeat across a file's notes: one string object each
        share = pool.setdefault
        fields = [tuple([share(v, v) if len(v) < 120 else v for v in vs]) for vs in data["fields"]]
        rendered = [
            RenderedNote(*note) for note in zip(cards, fields, media, problems, strict=True)
        ]
    except (TypeError, KeyError, ValueError, _MediaGone):
        return None
    return FileResult(cards, diagnostics, rendered)


def parsed_from_json(
    data: Any, pool: dict[Any, Any] | None = None
) -> tuple[list[Card], list[Diagnostic]] | None:
    """What reading and parsing the file gave, its cards and their diagnostics (all that a
    command rendering nothing itself needs); None when the entry is missing or damaged.
    `pool`: as cards_from_json's."""
    try:
        cards = cards_from_json(data["cards"], {} if pool is None else pool)
        return cards, [diagnostic_from_json(row) for row in data["diagnostics"]]
    except (TypeError, KeyError, ValueError):
        return None


def _media(cache: BuildCache, names: list[str]) -> tuple[MediaFile, ...]:
    files = []
    for name in names:
        content = cache.read_media(name)
        if content is None:
            raise _MediaGone(name)
        files.append(MediaFile(name, content))
    return tuple(files)


class _MediaGone(Exception):
    pass
