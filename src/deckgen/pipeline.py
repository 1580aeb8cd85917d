"""The pipeline, end to end: load → render → plan → package. Only the last step touches the disk.

The parser, renderer, planner and genanki are imported where they are used: a deck that
is up to date is kept without them, in the time it takes to hash the notes folder.
"""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen.errors import DeckgenError, Diagnostic, error, fails, has_errors
from deckgen.incremental.cache import BuildCache, diagnostic_from_json, diagnostic_to_json
from deckgen.model import Card, CardKind, Deck, SourceLoc

if TYPE_CHECKING:
    from deckgen.cards.media import MediaFile
    from deckgen.cards.render import RenderedNote
    from deckgen.notes.folder import LoadResult
    from deckgen.releases.plan import Plan

# (stage, done, total): stage is "files" (parsed and rendered) or "package" (written)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    path: Path
    deck: Deck | None  # None when the deck was up to date and kept as it was
    cards_per_subdeck: dict[str, int]
    diagnostics: list[Diagnostic]
    notes: int
    tombstones: int = 0  # removed notes shipped once more
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


def cloze_numbers(card: Card) -> list[int]:
    """The distinct cloze numbers of a note's text, in order: Anki makes a card of each."""
    from deckgen.notes.cloze import CLOZE_OPEN

    return sorted({int(n) for n in CLOZE_OPEN.findall(card.question)})


def cards_of(card: Card) -> int:
    """How many Anki cards a note makes: one per cloze number, one for a basic note."""
    return 1 if card.kind is CardKind.BASIC else len(cloze_numbers(card))


def count_cards(deck: Deck) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for card in deck.cards:
        counts[deck.subdeck_name(card)] += cards_of(card)
    return dict(sorted(counts.items()))


def output_path(deck: Deck, out_dir: Path) -> Path:
    return out_dir / f"{deck.config.slug}-{deck.config.version}.apkg"


def load_deck(notes_dir: Path, *, strict: bool = False) -> tuple[Deck, list[Diagnostic]]:
    """Load and validate, raising DeckgenError (with every diagnostic) on any error,
    and with `strict` on any warning too."""
    from deckgen.notes.folder import load_notes

    loaded = load_notes(notes_dir)
    if loaded.deck is None or fails(loaded.diagnostics, strict=strict):
        raise DeckgenError(loaded.diagnostics)
    return loaded.deck, loaded.diagnostics


def check_notes(notes_dir: Path) -> LoadResult:
    """Everything `build` would report, without rendering diagrams or writing anything."""
    from deckgen.cards.render import render_deck
    from deckgen.notes.folder import LoadResult, load_notes

    loaded = load_notes(notes_dir)
    if loaded.partial is None:
        return loaded
    complete = loaded.deck is not None
    _, problems = render_deck(loaded.partial, notes_dir, render_diagrams=False, list_stale=complete)
    deck = None if has_errors(problems) else loaded.deck
    return LoadResult(deck, [*loaded.diagnostics, *problems], loaded.partial)


def load_and_render(
    notes_dir: Path, *, strict: bool = False
) -> tuple[Deck, list[RenderedNote], list[Diagnostic]]:
    """The deck and its rendered notes, raising DeckgenError (with every diagnostic) on any
    error, and with `strict` on any warning; diagrams missing from the cache are rendered
    when this machine can."""
    from deckgen.cards.render import render_deck
    from deckgen.notes.folder import load_notes

    # Problems of the notes do not stop rendering the cards that did parse, so one run
    # reports every problem (and --strict every warning) at once.
    loaded = load_notes(notes_dir)
    if loaded.partial is None:
        raise DeckgenError(loaded.diagnostics)
    ok = loaded.deck is not None
    rendered, problems = render_deck(loaded.partial, notes_dir, render_diagrams=ok)
    deck, diagnostics = passing_deck(loaded, problems, strict=strict)
    return deck, rendered, diagnostics


def passing_deck(
    loaded: LoadResult, render_problems: list[Diagnostic], *, strict: bool
) -> tuple[Deck, list[Diagnostic]]:
    """The one place that decides whether a build passes: no error among the problems of
    loading and rendering together (with `strict`, no warning either). Raises otherwise."""
    diagnostics = [*loaded.diagnostics, *render_problems]
    if loaded.deck is None or fails(diagnostics, strict=strict):
        raise DeckgenError(diagnostics)
    return loaded.deck, diagnostics


def write_deck(plan: Plan, out_dir: Path, media: Sequence[MediaFile] = ()) -> Path:
    """The .apkg a plan describes, with its media files, and OUT_DIR/SHA256SUMS for it."""
    from deckgen.apkg.package import atomic_path, make_package, write_package
    from deckgen.apkg.reproducible import CHECKSUMS, checksums_text
    from deckgen.cards.media import stage_media

    path = output_path(plan.deck, out_dir)
    with tempfile.TemporaryDirectory(prefix="deckgen-media-") as media_dir:
        # genanki packages media from disk, each under its file name.
        package = make_package(
            plan.deck,
            plan.shipped,
            plan.note_type_mods,
            plan.removed_deck_description(),
            stage_media(media, Path(media_dir)),
        )
        write_package(package, path, plan.timestamp)
    with atomic_path(out_dir / CHECKSUMS) as temp:
        temp.write_text(checksums_text([path]), encoding="utf-8")
    return path


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
    strict: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> BuildResult:
    """Build the deck; notes unchanged since the lock's release keep their release times.
    `timestamp` None stamps the build with the current time. With `strict` any warning
    fails the build too.

    When the notes folder, deckgen and the timestamp are those of the last build into
    `out_dir`, and its deck is still the file that build wrote, the deck is kept as it is
    (`skipped`); `force` builds anyway. Otherwise files parsed and rendered before come
    from the cache (incremental.py), and the others are worked by `jobs` processes
    (default: one per CPU; small builds use one)."""
    cache = BuildCache.open(notes_dir, out_dir)
    key = cache.build_key(notes_dir, timestamp)
    # a kept build's warnings were printed before; --strict must still fail on them
    kept = None if force else cache.up_to_date(out_dir, key)
    if kept is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            result = _kept(*kept)
            if fails(result.diagnostics, strict=strict):
                raise DeckgenError(result.diagnostics)
            return result

    from deckgen.cards.render import deck_media
    from deckgen.incremental.entries import load_and_render_cached
    from deckgen.releases.lock import read_lock
    from deckgen.releases.plan import check_time, make_plan

    with _few_collections():
        loaded = load_and_render_cached(
            notes_dir, cache, strict=strict, force=force, jobs=jobs, progress=progress
        )
        deck, diagnostics, reusable = loaded.deck, loaded.diagnostics, loaded.machine_independent
        lock = read_lock(notes_dir)
        stamp = int(time.time()) if timestamp is None else timestamp
        plan = make_plan(deck, loaded.rendered, lock, stamp)
        check_time(plan, lock, stamp)
        media = deck_media(loaded.rendered)
        del loaded  # the plan holds what the package needs; a big deck needs the memory
        if progress is not None:
            progress("package", 0, 1)
        path = write_deck(plan, out_dir, media)
    result = BuildResult(
        path, deck, count_cards(deck), diagnostics, len(deck.cards), len(plan.tombstones)
    )
    if reusable:
        cache.record_build(path, key, _record(result))
    cache.prune()
    return result


def _record(result: BuildResult) -> dict[str, Any]:
    return {
        "notes": result.notes,
        "tombstones": result.tombstones,
        "cards_per_subdeck": result.cards_per_subdeck,
        "diagnostics": [diagnostic_to_json(d) for d in result.diagnostics],
    }


def _kept(path: Path, record: dict[str, Any]) -> BuildResult:
    counts = {str(name): int(n) for name, n in record["cards_per_subdeck"].items()}
    diagnostics = [diagnostic_from_json(row) for row in record["diagnostics"]]
    notes, tombstones = int(record["notes"]), int(record["tombstones"])
    return BuildResult(path, None, counts, diagnostics, notes, tombstones, skipped=True)
