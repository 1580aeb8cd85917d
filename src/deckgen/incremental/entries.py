"""Load and render a notes folder, reusing what earlier builds did for unchanged files.

Each notes file is a unit: its cards, the diagnostics of reading and parsing it, and each
card's rendered note (fields, media files, problems) are stored under a key of the file's
bytes and everything else it depends on (cache.py). Files that miss are worked in worker
processes when there are enough of them (workers.py). The folder-wide steps (unique ids
and questions, the deck-wide diagram warning) run on every build, from the same inputs a
build without the cache would give them, so the result is the same deck.

A file whose diagrams could be neither found in the diagram cache nor rendered is not
stored: it depends on this machine, and the next build should try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from deckgen.cards.media import MediaFile
from deckgen.cards.render import RenderedNote, unrendered_warnings
from deckgen.diagrams.source import DiagramSource
from deckgen.errors import Diagnostic
from deckgen.incremental.cache import BuildCache, diagnostic_from_json, diagnostic_to_json
from deckgen.incremental.workers import FileJob, FileResult, FileWork, file_work
from deckgen.model import Card, CardKind, Deck, SourceLoc
from deckgen.notes.folder import (
    display_path,
    load_config,
    load_notes,
    notes_files,
    printable,
    resolves_outside,
)
from deckgen.pipeline import Progress, passing_deck

_T = TypeVar("_T")

# Card fields this module knows how to store; a test fails when Card gains another.
CARD_FIELDS = (
    "kind", "question", "answer", "deck", "topic", "tags", "source", "loc", "explicit_id",
    "answer_line",
)  # fmt: skip


@dataclass(frozen=True)
class Loaded:
    deck: Deck
    rendered: list[RenderedNote]
    diagnostics: list[Diagnostic]
    machine_independent: bool  # False when a diagram could not be had on this machine


def load_and_render_cached(
    notes_dir: Path,
    cache: BuildCache,
    *,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Loaded:
    """What build.load_and_render gives, raising DeckgenError the same way."""
    config, _ = load_config(notes_dir)
    deck_slug = config.slug if config else "deck"
    files = notes_files(notes_dir) if notes_dir.is_dir() else []
    # as load_notes will ask for them; files outside the folder are never read
    all_jobs: list[FileJob] = [
        (
            file,
            display_path(notes_dir, file),
            printable(file.relative_to(notes_dir).as_posix()),
            deck_slug,
        )
        for file in files
        if not resolves_outside(notes_dir, file)
    ]
    todo = (
        all_jobs
        if force
        else [j for j in all_jobs if not cache.has_entry(cache.file_key(notes_dir, j))]
    )
    notes: dict[Card, RenderedNote] = {}
    unrendered: list[SourceLoc] = []
    done = 0
    with (
        DiagramSource.beside(notes_dir) as diagrams,
        file_work(notes_dir, todo, diagrams, jobs) as work,
    ):

        def load(
            path: Path, shown: str, source: str, slug: str
        ) -> tuple[list[Card], list[Diagnostic]]:
            nonlocal done
            result = _load_file(
                cache, notes_dir, (path, shown, source, slug), work, reuse=not force
            )
            notes.update(zip(result.cards, result.rendered, strict=True))
            unrendered.extend(result.unrendered)
            done += 1
            if progress is not None:
                progress("files", done, len(files))
            return result.cards, result.diagnostics

        loaded = load_notes(notes_dir, load)
    # Every parsed card was rendered, so one run reports the problems of both stages.
    parsed = loaded.partial.cards if loaded.partial is not None else ()
    problems = [p for card in parsed if card in notes for p in notes[card].diagnostics]
    if loaded.deck is not None:
        problems += unrendered_warnings(unrendered, notes_dir, render_diagrams=True)
    deck, diagnostics = passing_deck(loaded, problems, strict=strict)
    rendered = [notes[card] for card in deck.cards]
    return Loaded(deck, rendered, diagnostics, machine_independent=not unrendered)


def _load_file(
    cache: BuildCache, notes_dir: Path, job: FileJob, work: FileWork, *, reuse: bool
) -> FileResult:
    key = cache.file_key(notes_dir, job)
    stored = _from_json(cache, cache.read_entry(key)) if reuse else None
    if stored is not None:
        return stored
    result = work(job)
    if not result.unrendered:
        cache.write_entry(key, _to_json(cache, result))
    return result


# --- entries as plain JSON ---------------------------------------------------------------


def card_to_json(card: Card) -> dict[str, Any]:
    data = {name: getattr(card, name) for name in CARD_FIELDS}
    loc = card.loc
    return {
        **data,
        "kind": card.kind.value,
        "tags": list(card.tags),
        "loc": [loc.path, loc.line, loc.column],
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
    )
    return Card(**values)


def _to_json(cache: BuildCache, result: FileResult) -> dict[str, Any]:
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


def _from_json(cache: BuildCache, data: Any) -> FileResult | None:
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
    front, back, context, source = data["fields"]
    problems = tuple(diagnostic_from_json(row) for row in data["diagnostics"])
    card = card_from_json(data["card"], shared)
    fields = (front, back, shared.setdefault(context, context), shared.setdefault(source, source))
    return RenderedNote(card, fields, tuple(media), problems)
