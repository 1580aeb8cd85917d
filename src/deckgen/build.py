"""The pipeline, end to end: load → render → package. Only the last step touches the disk.

The parser, renderer and genanki are imported where they are used: a deck that is up to
date is kept without them, in the time it takes to hash the notes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen.cache import BuildCache, diagnostic_from_json, diagnostic_to_json
from deckgen.errors import DeckgenError, Diagnostic, error
from deckgen.model import Card, CardKind, Deck, SourceLoc

if TYPE_CHECKING:
    from deckgen.load import LoadFile

# (stage, done, total): stage is "files" (parsed and rendered) or "package" (written)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    path: Path
    deck: Deck | None  # None when the deck was up to date and kept as it was
    cards_per_subdeck: dict[str, int]
    diagnostics: list[Diagnostic]
    notes: int
    skipped: bool = False

    @property
    def cards(self) -> int:
        return sum(self.cards_per_subdeck.values())


def pinned_time(environ: Mapping[str, str] = os.environ) -> int | None:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else None."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        loc = SourceLoc("SOURCE_DATE_EPOCH", 1)
        raise DeckgenError(
            [error(loc, "DG050", f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}")]
        )
    return int(value)


def build_time(environ: Mapping[str, str] = os.environ) -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    pinned = pinned_time(environ)
    return int(time.time()) if pinned is None else pinned


def cards_of(card: Card) -> int:
    """How many Anki cards a note makes: one per cloze number, one for a basic note."""
    from deckgen.parse import CLOZE_OPEN

    if card.kind is CardKind.BASIC:
        return 1
    return len({int(n) for n in CLOZE_OPEN.findall(card.question)})


def count_cards(deck: Deck) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for card in deck.cards:
        counts[deck.subdeck_name(card)] += cards_of(card)
    return dict(sorted(counts.items()))


def output_path(deck: Deck, out_dir: Path) -> Path:
    return out_dir / f"{deck.config.slug}-{deck.config.version}.apkg"


def load_deck(notes_dir: Path, load: LoadFile | None = None) -> tuple[Deck, list[Diagnostic]]:
    """Load and validate, raising DeckgenError (with every diagnostic) on any error."""
    from deckgen.load import load_file, load_notes

    loaded = load_notes(notes_dir, load or load_file)
    if loaded.deck is None:
        raise DeckgenError(loaded.diagnostics)
    return loaded.deck, loaded.diagnostics


@dataclass(frozen=True)
class _Options:
    force: bool
    progress: Progress | None
    jobs: int | None


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Pause the cyclic garbage collector: a build makes millions of short-lived, acyclic
    objects (tokens) while holding every card, so each collection rescans a growing heap
    for nothing. Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(
    notes_dir: Path,
    out_dir: Path,
    timestamp: int | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> BuildResult:
    """Build the deck; `timestamp` None stamps it with the current time.

    When the notes, the tool and the timestamp are those of the last build of the same
    output, and the file is still what that build wrote, the file is kept as it is
    (`skipped`); `force` builds anyway. Otherwise files parsed and rendered before are
    taken from the cache, and the others parsed and rendered by `jobs` processes
    (default: one per CPU; small builds use one)."""
    cache = BuildCache.open(notes_dir, out_dir)
    key = cache.build_key(notes_dir, timestamp)
    kept = None if force else cache.up_to_date(out_dir, key)
    if kept is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return _kept(*kept)
    with _few_collections():
        result = _build(notes_dir, out_dir, timestamp, cache, _Options(force, progress, jobs))
    cache.record_build(result.path, key, _record(result))
    cache.prune()
    return result


def _build(
    notes_dir: Path,
    out_dir: Path,
    timestamp: int | None,
    cache: BuildCache,
    options: _Options,
) -> BuildResult:
    from deckgen.load import display_path, load_config, notes_files
    from deckgen.package import make_package, write_package
    from deckgen.render import RenderedNote, render_card
    from deckgen.workers import file_work

    config, _ = load_config(notes_dir)
    deck_slug = config.slug if config else "deck"
    files = notes_files(notes_dir) if notes_dir.is_dir() else []
    jobs = [
        (file, display_path(notes_dir, file), file.relative_to(notes_dir).as_posix(), deck_slug)
        for file in files
    ]
    todo = jobs if options.force else cache.missing(notes_dir, jobs)
    done = 0
    with file_work(todo, options.jobs) as work:
        loader = cache.cached_loader(notes_dir, work, reuse=not options.force)

        def load(
            path: Path, shown: str, source: str, deck_slug: str
        ) -> tuple[list[Card], list[Diagnostic]]:
            nonlocal done
            result = loader(path, shown, source, deck_slug)
            done += 1
            if options.progress is not None:
                options.progress("files", done, len(files))
            return result

        deck, diagnostics = load_deck(notes_dir, load)
    rendered = [
        RenderedNote(card, fields) if (fields := cache.rendered.get(card)) else render_card(card)
        for card in deck.cards
    ]
    package = make_package(deck, rendered)
    path = output_path(deck, out_dir)
    if options.progress is not None:
        options.progress("package", 0, 1)
    write_package(package, path, int(time.time()) if timestamp is None else timestamp)
    return BuildResult(path, deck, count_cards(deck), diagnostics, len(deck.cards))


def _record(result: BuildResult) -> dict[str, Any]:
    return {
        "notes": result.notes,
        "cards_per_subdeck": result.cards_per_subdeck,
        "diagnostics": [diagnostic_to_json(d) for d in result.diagnostics],
    }


def _kept(path: Path, record: dict[str, Any]) -> BuildResult:
    counts = {str(name): int(n) for name, n in record["cards_per_subdeck"].items()}
    diagnostics = [diagnostic_from_json(row) for row in record["diagnostics"]]
    return BuildResult(path, None, counts, diagnostics, int(record["notes"]), skipped=True)
