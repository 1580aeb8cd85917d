"""Parse and render notes files in worker processes when there is enough to do.

Files are independent until the folder-wide checks, so each one is a task: a worker runs
the pipeline's own `parse_and_render` on it and sends back cards, diagnostics and rendered
notes, so the deck is the same either way; only the wall time changes. Small builds stay
in one process, where starting workers would cost more than it saves. Workers never start
a browser: a diagram missing from the diagram cache is rendered again in the main process,
which starts at most one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.diagrams.source import DiagramSource
from deckgen.notes.folder import NotesFile
from deckgen.pipeline import FileResult, parse_and_render

if TYPE_CHECKING:
    from concurrent.futures import Future

    from deckgen.cards.render import RenderedNote

# One file worked; the function given with it returns what an earlier build rendered of the
# file, and is called only when the file is rendered in this process (parse_and_render).
ReusingWork = Callable[[NotesFile, Callable[[], Sequence["RenderedNote"]]], FileResult]

# Below this much Markdown to parse (about 1,000 cards) a pool costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


def _in_worker(file: NotesFile, root: Path) -> FileResult:
    with DiagramSource.beside(root, render=False) as diagrams:
        return parse_and_render(file, root, diagrams)


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _size(file: NotesFile) -> int:
    try:
        return file.path.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def pool_work(
    root: Path, todo: Sequence[NotesFile], diagrams: DiagramSource, jobs: int | None = None
) -> Iterator[ReusingWork]:
    """Yield the function that works one file; the files in `todo` are started in worker
    processes up front when that pays, and the function then waits for their result (a
    worker renders every card: what an earlier build rendered is used in this process)."""

    def here(file: NotesFile, earlier: Callable[[], Sequence[RenderedNote]]) -> FileResult:
        return parse_and_render(file, root, diagrams, earlier())

    # never more processes than CPUs (`-j 1000` must not start a process per file)
    workers = min(default_jobs(), jobs or default_jobs(), len(todo))
    if workers < 2 or sum(_size(file) for file in todo) < PARALLEL_MIN_BYTES:
        yield here
        return
    import multiprocessing  # with concurrent.futures and pickle: only when a pool pays
    from concurrent.futures import ProcessPoolExecutor

    # fork starts a worker in milliseconds with every module already imported; elsewhere
    # (macOS, Windows) the platform's default start method is the safe one.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: dict[NotesFile, Future[FileResult]] = {
            file: pool.submit(_in_worker, file, root) for file in todo
        }

        def work(file: NotesFile, earlier: Callable[[], Sequence[RenderedNote]]) -> FileResult:
            future = futures.pop(file, None)
            result = future.result() if future is not None else None
            if result is None or (result.unrendered and diagrams.render):
                # this process may render the diagrams a worker could not
                return here(file, earlier)
            return result

        try:
            yield work
        finally:
            for future in futures.values():
                future.cancel()
