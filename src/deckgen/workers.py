"""Parse and render notes files, in worker processes when there is enough to do.

Files are independent until the folder-wide checks, so each one is a task: a worker reads,
parses and renders it and sends back cards, diagnostics and HTML. The results are the
very functions a single process runs, so the deck is the same either way; only the wall
time changes. Small builds stay in one process, where starting workers would cost more
than it saves.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from deckgen.cache import FileJob, FileResult, FileWork
from deckgen.load import load_file
from deckgen.render import render_card

# Below this much Markdown to parse (about 1,000 cards) a pool costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


def load_and_render(path: Path, shown: str, source: str, deck_slug: str) -> FileResult:
    cards, diagnostics = load_file(path, shown, source, deck_slug)
    return cards, diagnostics, [render_card(card).fields for card in cards]


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
def file_work(todo: list[FileJob], jobs: int | None = None) -> Iterator[FileWork]:
    """Yield the function that works one file; files in `todo` are started in worker
    processes up front when that pays, and the function then waits for their result."""
    workers = min(default_jobs() if jobs is None else jobs, len(todo))
    if workers < 2 or sum(_size(job) for job in todo) < PARALLEL_MIN_BYTES:
        yield load_and_render
        return
    # fork starts a worker in milliseconds with every module already imported; elsewhere
    # (macOS, Windows) the platform's default start method is the safe one.
    method = "fork" if sys.platform == "linux" else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: dict[FileJob, Future[FileResult]] = {
            job: pool.submit(load_and_render, *job) for job in todo
        }

        def work(path: Path, shown: str, source: str, deck_slug: str) -> FileResult:
            future = futures.pop((path, shown, source, deck_slug), None)
            if future is None:
                return load_and_render(path, shown, source, deck_slug)
            return future.result()

        try:
            yield work
        finally:
            for future in futures.values():
                future.cancel()
