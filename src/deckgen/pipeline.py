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
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.atomic import real_path
from deckgen.errors import DeckgenError, Diagnostic, error, fails, has_errors
from deckgen.memory import few_collections, give_back
from deckgen.model import Card, Deck, DeckConfig, SourceLoc

if TYPE_CHECKING:
    from deckgen.apkg.package import StagedPackage
    from deckgen.atomic import Transaction
    from deckgen.cards.media import MediaFile
    from deckgen.cards.render import RenderedNote
    from deckgen.diagrams.source import DiagramSource
    from deckgen.notes.folder import LoadFile, LoadResult, NotesFile, NotesFolder
    from deckgen.quality.lint import Silenced
    from deckgen.releases.plan import Plan
    from deckgen.releases.published import Base

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


def parse_and_render(
    file: NotesFile, root: Path, diagrams: DiagramSource, earlier: Sequence[RenderedNote] = ()
) -> FileResult:
    """Read, parse and render one notes file: the unit of work of every build. `earlier`:
    what a build with the same deckgen and folder but other bytes of this file rendered."""
    from deckgen.cards.fields import RenderSetup
    from deckgen.cards.media import MediaFolder
    from deckgen.cards.parsed import ParsedNotes
    from deckgen.cards.render import render_cards
    from deckgen.notes.files import content_digest, read_bytes
    from deckgen.notes.folder import parse_file

    data, diagnostics = read_bytes(file.path, file.shown)
    cards: list[Card] = []
    tokens = None
    if data is not None:  # the very bytes parsed are the ones fingerprinted
        parsed, diagnostics = parse_file(file, data)
        if parsed is not None:
            cards, tokens = parsed.cards, ParsedNotes.of(parsed.lines, parsed.blocks)
    seen = len(diagrams.unrendered)
    setup = RenderSetup(MediaFolder(root), diagrams, file.links)
    rendered = render_cards(cards, setup, file.note_types, tokens, earlier)
    digest = content_digest(data) if data is not None else None
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


def output_path(deck: Deck, out_dir: Path) -> Path:
    return out_dir / f"{deck.config.slug}-{deck.config.version}.apkg"


def check_output(notes_dir: Path, out_dir: Path) -> None:
    """An output folder inside the notes folder (it would become part of the notes): refused."""
    notes, out = real_path(notes_dir), real_path(out_dir)
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


def check_notes(notes_dir: Path, load: LoadFile | None = None) -> Checked:
    """Everything `build` would report, writing nothing (diagrams missing from the cache
    are rendered only for mermaid to check them, where this machine can), and the quality
    lint (deckgen.quality) of every card that parsed. `load` reads a file (default: parses)."""
    from deckgen.cards.render import render_deck
    from deckgen.notes.folder import load_file, load_notes
    from deckgen.quality.lint import lint
    from deckgen.releases.published import base_lock, notes_path_problem

    with few_collections():
        loaded = load_notes(notes_dir, load or load_file)
        if loaded.partial is None:
            return Checked(loaded.deck, loaded.diagnostics)
        stale = loaded.deck is not None  # cached diagrams no card uses: a complete deck's
        _, problems = render_deck(loaded.partial, notes_dir, checking=True, list_stale=stale)
    try:  # a lock a build would refuse (a merge conflict, another deck's) fails the check too
        base_lock(notes_dir, loaded.partial.config, time.time())
    except DeckgenError as exc:
        problems += exc.diagnostics
    problems += filter(None, [notes_path_problem(notes_dir, loaded.partial.config)])
    quality = lint(loaded.partial.cards, loaded.partial.config.quality)
    deck = None if has_errors(problems) else loaded.deck
    return Checked(deck, [*loaded.diagnostics, *problems, *quality.diagnostics], quality.silenced)


def load_and_render(
    notes_dir: Path,
    *,
    strict: bool = False,
    workers: FileWorkers = in_process,
    progress: Progress | None = None,
    store: bool = True,
) -> Loaded:
    """The deck and its rendered notes, raising DeckgenError (with every diagnostic) on any
    error, and with `strict` on any warning; diagrams missing from the cache are rendered
    when this machine can, and kept in it with `store` (commands that only read, without).
    Each file goes through `workers`."""
    from deckgen.cards.render import unrendered_warnings
    from deckgen.diagrams.source import DiagramSource
    from deckgen.notes.folder import assemble, open_folder

    folder = open_folder(notes_dir)
    rendered: list[RenderedNote] = []  # file by file: the order of the deck's cards
    unrendered: list[SourceLoc] = []
    done = 0
    with (
        DiagramSource.beside(notes_dir, store=store) as diagrams,
        workers(folder, diagrams) as work,
    ):

        def load(file: NotesFile) -> tuple[list[Card], list[Diagnostic]]:
            nonlocal done
            result = work(file)
            if len(result.rendered) != len(result.cards):  # notes are matched to cards in order
                raise ValueError(f"{file.shown}: {len(result.cards)} cards, other notes")
            rendered.extend(result.rendered)
            unrendered.extend(result.unrendered)
            done += 1
            if progress is not None:
                progress("files", done, len(folder.files))
            return result.cards, result.diagnostics

        loaded = assemble(folder, load)
    # Problems of the notes do not stop rendering the cards that did parse, so one run
    # reports every problem of both stages (and --strict every warning) at once.
    has_cards = loaded.partial is not None
    problems = [p for note in rendered for p in note.diagnostics] if has_cards else []
    if loaded.deck is not None:
        problems += unrendered_warnings(unrendered, notes_dir)
    deck, diagnostics = passing_deck(loaded, problems, strict=strict)
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


def write_deck(plan: Plan, out_dir: Path, media: Sequence[MediaFile], files: Transaction) -> Path:
    """The .apkg a plan describes, with its media files, and its line in OUT_DIR/SHA256SUMS,
    written into `files` (a release's transaction) together."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="deckgen-media-") as media_dir:
        return stage_deck(plan, out_dir, media, files, Path(media_dir)).finish()


def stage_deck(
    plan: Plan, out_dir: Path, media: Sequence[MediaFile], files: Transaction, media_dir: Path
) -> StagedPackage:
    """The package a plan describes, its collection written into `files`, its zip to be
    finished; genanki packages media from disk, each under its file name (in `media_dir`)."""
    from deckgen.apkg.package import make_package, stage_package
    from deckgen.cards.media import stage_media
    from deckgen.releases.changelog import release_notes_html

    package = make_package(
        plan.deck,
        plan.shipped,
        plan.shipped_note_types,
        plan.removed_deck_description(),
        stage_media(media, media_dir),
        plan.unreleased_after,
        plan.notices(),
        release_notes_html(plan.release_notes) if plan.release_notes else None,
    )
    return stage_package(package, output_path(plan.deck, out_dir), plan.timestamp, files)


# --- a build -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    path: Path
    # deck.toml's settings (its version is the notes', `version` the package's); None when
    # the deck was up to date and kept as it was
    config: DeckConfig | None
    cards_per_subdeck: dict[str, int]
    diagnostics: list[Diagnostic]
    notes: int
    tombstones: int = 0  # removed notes shipped once more
    skipped: bool = False
    machine_independent: bool = True  # False when a diagram could not be had on this machine
    locations: dict[str, SourceLoc] = field(default_factory=dict)  # GUID → where it is written
    version: str = ""  # what the package is: the release's version, or the next one's -dev

    @property
    def cards(self) -> int:
        return sum(self.cards_per_subdeck.values())


def build(
    notes_dir: Path,
    out_dir: Path,
    timestamp: int | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    workers: FileWorkers = in_process,
    history: Base | None = None,
    at_release: bool = False,
    store: bool = True,
) -> BuildResult:
    """Build the deck; notes unchanged since the last release keep their release times.
    `timestamp` None stamps the build with the current time (with `at_release`, the
    release's: a rebuild of what was released, which must then be unchanged). With
    `strict` any warning fails the build too. `history` is the release to build against
    (default: the one learners hold, releases.published.base_lock). Without `store`
    diagrams rendered here are not kept in notes/.diagrams (verify only reads the notes)."""
    import tempfile

    from deckgen.atomic import transaction
    from deckgen.cards.render import deck_media
    from deckgen.notes.notetypes import count_cards
    from deckgen.releases.dev import build_plan
    from deckgen.releases.lock import lock_path
    from deckgen.releases.published import base_lock

    check_output(notes_dir, out_dir)
    with (
        few_collections(),
        transaction() as files,
        tempfile.TemporaryDirectory(prefix="deckgen-media-") as media_dir,
    ):
        loaded = load_and_render(
            notes_dir, strict=strict, workers=workers, progress=progress, store=store
        )
        deck = loaded.deck
        now = time.time()
        lock = (history or base_lock(notes_dir, deck.config, now)).lock
        where = lock_path(notes_dir).as_posix()
        plan = build_plan(deck, loaded.rendered, lock, timestamp, now, at_release, where)
        media = deck_media(loaded.rendered)
        result = BuildResult(
            output_path(plan.deck, out_dir),
            deck.config,
            count_cards(deck),
            loaded.diagnostics,
            len(deck.cards),
            len(plan.tombstones),
            machine_independent=loaded.machine_independent,
            locations=plan.locations,
            version=plan.deck.config.version,
        )
        del loaded, deck, lock, history  # the plan holds what the package needs
        if progress is not None:
            progress("package", 0, 1)
        staged = stage_deck(plan, out_dir, media, files, Path(media_dir))
        del plan, media  # the zip maps the whole collection: the notes are let go of first
        give_back()
        staged.finish()
    return result
