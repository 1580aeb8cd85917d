"""Parse and render notes files, in worker processes when there is enough to do.

Files are independent until the folder-wide checks, so each one is a task: a worker reads,
parses and renders it and sends back cards, diagnostics and rendered notes. They are the
very functions a single process runs, so the deck is the same either way; only the wall
time changes. Small builds stay in one process, where starting workers would cost more
than it saves. Workers never start a browser: a diagram missing from the diagram cache is
rendered again in the main process, which starts at most one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.cards.fields import RenderSetup
from deckgen.cards.media import MediaFolder
from deckgen.cards.render import RenderedNote, render_card
from deckgen.diagrams.source import DiagramSource
from deckgen.errors import Diagnostic
from deckgen.model import Card, SourceLoc
from deckgen.notes.folder import load_file

# Below this much Markdown to parse (about 1,000 cards) a pool costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024

FileJob = tuple[Path, str, str, str]  # file, display path, path in the folder, deck slug


@dataclass
class FileResult:
    """One notes file, parsed and rendered."""

    cards: list[Card]
    diagnostics: list[Diagnostic]  # from reading and parsing; rendering's are on the notes
    rendered: list[RenderedNote]
    # diagrams neither in the diagram cache nor renderable here, shown as code
    unrendered: list[SourceLoc] = field(default_factory=list)


FileWork = Callable[[FileJob], FileResult]


def work_file(notes_dir: Path, job: FileJob, diagrams: DiagramSource) -> FileResult:
    cards, diagnostics = load_file(*job)
    seen = len(diagrams.unrendered)
    setup = RenderSetup(MediaFolder(notes_dir), diagrams)
    rendered = [render_card(card, setup) for card in cards]
    return FileResult(cards, diagnostics, rendered, diagrams.unrendered[seen:])


def _in_worker(notes_dir: Path, job: FileJob) -> FileResult:
    with DiagramSource.beside(notes_dir, render=False) as diagrams:
        return work_file(notes_dir, job, diagrams)


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _size(job: FileJob) -> int:
    try:
        return job[0].stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def file_work(
    notes_dir: Path, todo: list[FileJob], diagrams: DiagramSource, jobs: int | None = None
) -> Iterator[FileWork]:
    """Yield the function that works one file; the files in `todo` are started in worker
    processes up front when that pays, and the function then waits for their result."""

    def here(job: FileJob) -> FileResult:
        return work_file(notes_dir, job, diagrams)

    workers = min(default_jobs() if jobs is None else jobs, len(todo))
    if workers < 2 or sum(_size(job) for job in todo) < PARALLEL_MIN_BYTES:
        yield here
        return
    # fork starts a worker in milliseconds with every module already imported; elsewhere
    # (macOS, Windows) the platform's default start method is the safe one.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: dict[FileJob, Future[FileResult]] = {
            job: pool.submit(_in_worker, notes_dir, job) for job in todo
        }

        def work(job: FileJob) -> FileResult:
            future = futures.pop(job, None)
            result = future.result() if future is not None else None
            if result is None or (result.unrendered and diagrams.render):
                return here(job)  # this process may render the diagrams a worker could not
            return result

        try:
            yield work
        finally:
            for future in futures.values():
                future.cancel()
