"""The pipeline, end to end: load → render → plan → package. Only the last step touches the disk.

Each notes file is parsed and rendered on its own (`parse_and_render`), then the checks
that need the whole folder run and the deck is assembled, planned against the last
release's lock and packaged. Speed-ups wrap one seam: the pipeline asks a `FileWorkers`
for the function that parses and renders one file; `in_process` does it here, and the
incremental build (deckgen.incremental) answers from its cache or its worker processes,
calling `parse_and_render` for what it does not have. The pipeline never imports it.

The parser, renderer, planner and genanki are imported where they are used, so that
importing this module (for `BuildResult`, say) costs nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.errors import DeckgenError, Diagnostic, error, fails, has_errors
from deckgen.model import Card, Deck, SourceLoc

if TYPE_CHECKING:
    from deckgen.atomic import Transaction
    from deckgen.cards.media import MediaFile
    from deckgen.cards.render import RenderedNote
    from deckgen.diagrams.source import DiagramSource
    from deckgen.notes.folder import LoadResult, NotesFile, NotesFolder
    from deckgen.quality.lint import Silenced
    from deckgen.releases.lock import Lock
    from deckgen.releases.plan import Plan

# (stage, done, total): stage is "files" (parsed and rendered) or "package" (written)
Progress = Callable[[str, int, int], None]


# --- one file: the seam ------------------------------------------------------------------


@dataclass
class FileResult:
    """One notes file, parsed and rendered."""

    cards: list[Card]
    diagnostics: list[Diagnostic]  # from reading and parsing; rendering's are on the notes
    rendered: list[RenderedNote]
    # diagrams neither in the diagram cache nor renderable here, shown as code
    unrendered: list[SourceLoc] = field(default_factory=list)
    sha256: str | None = None  # of the bytes parsed; None when the file could not be read


FileWork = Callable[["NotesFile"], FileResult]
# Given the opened folder and where diagrams come from, a context that yields the function
# parsing and rendering one file of it (the files are known up front, to start work early).
FileWorkers = Callable[["NotesFolder", "DiagramSource"], AbstractContextManager[FileWork]]


def parse_and_render(file: NotesFile, root: Path, diagrams: DiagramSource) -> FileResult:
    """Read, parse and render one notes file: the unit of work of every build."""
    from deckgen.cards.fields import RenderSetup
    from deckgen.cards.media import MediaFolder
    from deckgen.cards.parsed import ParsedNotes
    from deckgen.cards.render import render_card
    from deckgen.notes.folder import parse_file, read_bytes
    from deckgen.notes.notetypes import note_type_of

    data, diagnostics = read_bytes(file.path, file.shown)
    cards: list[Card] = []
    tokens = None
    if data is not None:  # the very bytes parsed are the ones fingerprinted
        parsed, diagnostics = parse_file(file, data)
        if parsed is not None:
            cards, tokens = parsed.cards, ParsedNotes.of(parsed.lines, parsed.blocks)
    seen = len(diagrams.unrendered)
    setup = RenderSetup(MediaFolder(root), diagrams)
    rendered = [
        render_card(card, setup, note_type_of(card, file.note_types), tokens) for card in cards
    ]
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    return FileResult(cards, diagnostics, rendered, diagrams.unrendered[seen:], digest)


@contextlib.contextmanager
def in_process(folder: NotesFolder, diagrams: DiagramSource) -> Iterator[FileWork]:
    """The plain FileWorkers: every file parsed and rendered here, when asked for."""
    yield lambda file: parse_and_render(file, folder.root, diagrams)


# --- the deck ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """A deck that passed, its rendered notes, and every diagnostic of the way."""

    deck: Deck
    rendered: list[RenderedNote]
    diagnostics: list[Diagnostic]
    machine_independent: bool  # False when a diagram could not be had on this machine


def count_cards(deck: Deck) -> dict[str, int]:
    """Anki cards per sub-deck: one per cloze number, or per template with something on
    its front (two for deckgen Reversed)."""
    from deckgen.notes.cloze import cloze_numbers
    from deckgen.notes.notetypes import NoteTypes, card_count, filled_fields, note_type_of

    registry = NoteTypes(deck.note_types)
    counts: Counter[str] = Counter()
    for card in deck.cards:
        note_type = note_type_of(card, registry)
        numbers = len(cloze_numbers(card.question)) if note_type.cloze else 0
        filled = filled_fields(card, note_type)
        counts[deck.subdeck_name(card)] += card_count(note_type, filled, numbers)
    return dict(sorted(counts.items()))


def output_path(deck: Deck, out_dir: Path) -> Path:
    return out_dir / f"{deck.config.slug}-{deck.config.version}.apkg"


def check_output(notes_dir: Path, out_dir: Path) -> None:
    """An output folder inside the notes folder would become part of the notes (and make
    every build stale): refused."""
    notes, out = notes_dir.resolve(), out_dir.resolve()
    if out == notes or out.is_relative_to(notes):
        message = (
            f"the output folder {out_dir.as_posix()} is inside the notes folder: what a build"
            " writes would become part of the notes; choose another (e.g. -o decks)"
        )
        raise DeckgenError([error(SourceLoc(out_dir.as_posix(), 1), "DG052", message)])


def load_deck(notes_dir: Path, *, strict: bool = False) -> tuple[Deck, list[Diagnostic]]:
    """Load and validate, raising DeckgenError (with every diagnostic) on any error,
    and with `strict` on any warning too."""
    from deckgen.notes.folder import load_notes

    loaded = load_notes(notes_dir)
    if loaded.deck is None or fails(loaded.diagnostics, strict=strict):
        raise DeckgenError(loaded.diagnostics)
    return loaded.deck, loaded.diagnostics


@dataclass(frozen=True)
class Checked:
    deck: Deck | None  # None when errors kept the deck from being assembled
    diagnostics: list[Diagnostic]  # the card-quality findings among them
    silenced: list[Silenced] = field(default_factory=list)  # quality findings cards accepted


def check_notes(notes_dir: Path) -> Checked:
    """Everything `build` would report, writing nothing (diagrams missing from the cache
    are rendered only for mermaid to check them, where this machine can), and the
    card-quality lint (deckgen.quality) of every card that parsed."""
    from deckgen.cards.render import render_deck
    from deckgen.notes.folder import load_notes
    from deckgen.quality.lint import lint
    from deckgen.releases.published import base_lock

    loaded = load_notes(notes_dir)
    if loaded.partial is None:
        return Checked(loaded.deck, loaded.diagnostics)
    complete = loaded.deck is not None
    _, problems = render_deck(loaded.partial, notes_dir, checking=True, list_stale=complete)
    try:  # a lock a build would refuse (a merge conflict, another deck's) fails the check too
        base_lock(notes_dir, loaded.partial.config, time.time())
    except DeckgenError as exc:
        problems += exc.diagnostics
    quality = lint(loaded.partial.cards, loaded.partial.config.quality)
    deck = None if has_errors(problems) else loaded.deck
    return Checked(deck, [*loaded.diagnostics, *problems, *quality.diagnostics], quality.silenced)


def load_and_render(
    notes_dir: Path,
    *,
    strict: bool = False,
    workers: FileWorkers = in_process,
    progress: Progress | None = None,
) -> Loaded:
    """The deck and its rendered notes, raising DeckgenError (with every diagnostic) on any
    error, and with `strict` on any warning; diagrams missing from the cache are rendered
    when this machine can. Each file goes through `workers`."""
    from deckgen.cards.render import unrendered_warnings
    from deckgen.diagrams.source import DiagramSource
    from deckgen.notes.folder import assemble, open_folder

    folder = open_folder(notes_dir)
    notes: dict[Card, RenderedNote] = {}
    unrendered: list[SourceLoc] = []
    done = 0
    with DiagramSource.beside(notes_dir) as diagrams, workers(folder, diagrams) as work:

        def load(file: NotesFile) -> tuple[list[Card], list[Diagnostic]]:
            nonlocal done
            result = work(file)
            notes.update(zip(result.cards, result.rendered, strict=True))
            unrendered.extend(result.unrendered)
            done += 1
            if progress is not None:
                progress("files", done, len(folder.files))
            return result.cards, result.diagnostics

        loaded = assemble(folder, load)
    # Problems of the notes do not stop rendering the cards that did parse, so one run
    # reports every problem of both stages (and --strict every warning) at once.
    parsed = loaded.partial.cards if loaded.partial is not None else ()
    problems = [p for card in parsed if card in notes for p in notes[card].diagnostics]
    if loaded.deck is not None:
        problems += unrendered_warnings(unrendered, notes_dir)
    deck, diagnostics = passing_deck(loaded, problems, strict=strict)
    rendered = [notes[card] for card in deck.cards]
    return Loaded(deck, rendered, diagnostics, machine_independent=not unrendered)


def passing_deck(
    loaded: LoadResult, render_problems: list[Diagnostic], *, strict: bool
) -> tuple[Deck, list[Diagnostic]]:
    """The one place that decides whether a build passes: no error among the problems of
    loading and rendering together (with `strict`, no warning either). Raises otherwise."""
    diagnostics = [*loaded.diagnostics, *render_problems]
    if loaded.deck is None or fails(diagnostics, strict=strict):
        raise DeckgenError(diagnostics)
    return loaded.deck, diagnostics


def write_deck(
    plan: Plan, out_dir: Path, media: Sequence[MediaFile] = (), files: Transaction | None = None
) -> Path:
    """The .apkg a plan describes, with its media files, and its line in OUT_DIR/SHA256SUMS,
    written together: into `files` (a release's transaction) or a transaction of their own."""
    from deckgen.apkg.package import make_package, write_package
    from deckgen.apkg.reproducible import CHECKSUMS, checksums_text, sha256_of
    from deckgen.atomic import transaction
    from deckgen.cards.media import stage_media

    if files is None:
        with transaction() as own:
            return write_deck(plan, out_dir, media, own)
    path = output_path(plan.deck, out_dir)
    staged = files.stage(path)
    with tempfile.TemporaryDirectory(prefix="deckgen-media-") as media_dir:
        # genanki packages media from disk, each under its file name.
        package = make_package(
            plan.deck,
            plan.shipped,
            plan.shipped_note_types,
            plan.removed_deck_description(),
            stage_media(media, Path(media_dir)),
            plan.unreleased_after,
            plan.notices(),
        )
        write_package(package, staged, plan.timestamp, files.scratch(path))
    sums = out_dir / CHECKSUMS
    existing = sums.read_text(encoding="utf-8", errors="replace") if sums.is_file() else ""
    text = checksums_text(existing, out_dir, {path.name: sha256_of(staged)})
    files.stage(sums).write_text(text, encoding="utf-8")
    return path


# --- a build -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    path: Path
    deck: Deck | None  # None when the deck was up to date and kept as it was
    cards_per_subdeck: dict[str, int]
    diagnostics: list[Diagnostic]
    notes: int
    tombstones: int = 0  # removed notes shipped once more
    skipped: bool = False
    machine_independent: bool = True  # False when a diagram could not be had on this machine

    @property
    def cards(self) -> int:
        return sum(self.cards_per_subdeck.values())


def _unreleased(
    plan: Plan, released: str, rendered: Sequence[RenderedNote], lock: Lock, stamp: int
) -> Plan:
    """A build of notes that differ from the last release never takes a released version's
    name: it is the next release's version marked `-dev` (file name, deck description)."""
    from deckgen.releases.plan import make_plan
    from deckgen.releases.versions import next_release

    config = plan.deck.config
    version = f"{next_release(config.version, released, plan.changes.needed_bump())}-dev"
    deck = dataclasses.replace(plan.deck, config=dataclasses.replace(config, version=version))
    return dataclasses.replace(make_plan(deck, rendered, lock, stamp), unreleased_after=released)


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
    progress: Progress | None = None,
    workers: FileWorkers = in_process,
) -> BuildResult:
    """Build the deck; notes unchanged since the lock's release keep their release times.
    `timestamp` None stamps the build with the current time. With `strict` any warning
    fails the build too."""
    from deckgen.cards.render import deck_media
    from deckgen.releases.plan import check_time, make_plan
    from deckgen.releases.published import base_lock

    check_output(notes_dir, out_dir)
    with _few_collections():
        loaded = load_and_render(notes_dir, strict=strict, workers=workers, progress=progress)
        deck, diagnostics = loaded.deck, loaded.diagnostics
        independent = loaded.machine_independent
        now = time.time()
        lock = base_lock(notes_dir, deck.config, now).lock
        stamp = int(now) if timestamp is None else timestamp
        plan = make_plan(deck, loaded.rendered, lock, stamp)
        check_time(plan, lock, stamp, pinned=timestamp is not None)
        if lock is not None and plan.changes.any:
            plan = _unreleased(plan, lock.version, loaded.rendered, lock, stamp)
        media = deck_media(loaded.rendered)
        del loaded  # the plan holds what the package needs; a big deck needs the memory
        if progress is not None:
            progress("package", 0, 1)
        path = write_deck(plan, out_dir, media)
    return BuildResult(
        path,
        deck,
        count_cards(deck),
        diagnostics,
        len(deck.cards),
        len(plan.tombstones),
        machine_independent=independent,
    )
