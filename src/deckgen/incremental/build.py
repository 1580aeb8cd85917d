"""The incremental build: the pipeline's build, wrapped at its one seam.

Before anything is parsed, a build whose inputs are those of the last build into the same
output folder keeps the deck that build wrote (`Up to date`). Otherwise the pipeline runs
with `cached_workers` as its FileWorkers: a notes file parsed and rendered before is
answered from the cache, the others by worker processes or the pipeline itself, and
stored for next time. The folder-wide steps (unique ids and questions, the deck-wide
diagram warning, the plan) always run in the pipeline, from the same inputs a build
without the cache gives them, so the result is the same deck.

A file whose diagrams could be neither found in the diagram cache nor rendered is not
stored: it depends on this machine, and the next build should try again. A build during
which a file every entry depends on changed (deck.toml, a note type, an image, a diagram)
may have read entries made under the old one and written entries under a key that no
longer says what they were made from: once the files are read, before anything is planned
or written, such entries are removed and the deck is built again without the cache
(cached_workers).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen.atomic import exclusive
from deckgen.errors import DeckgenError, fails
from deckgen.incremental.cache import BuildCache, diagnostic_from_json, diagnostic_to_json
from deckgen.pipeline import BuildResult, FileResult, FileWork, FileWorkers, Progress, check_output
from deckgen.pipeline import build as build_deck

if TYPE_CHECKING:
    from deckgen.cards.render import RenderedNote
    from deckgen.diagrams.source import DiagramSource
    from deckgen.notes.folder import NotesFile, NotesFolder


def build(
    notes_dir: Path,
    out_dir: Path,
    timestamp: int | None = None,
    *,
    strict: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
    on_wait: Callable[[Path], None] | None = None,
) -> BuildResult:
    """deckgen.pipeline.build, made fast by what earlier builds into `out_dir` did.

    When the notes folder, deckgen and the timestamp are those of the last build into
    `out_dir`, and its deck is still the file that build wrote, the deck is kept as it is
    (`skipped`); `force` builds anyway and ignores the cache. Files that miss the cache
    are worked by `jobs` processes (default and most: one per CPU; small builds use one).
    Another deckgen command writing the same folders is waited for (`on_wait` is told)."""
    with exclusive([notes_dir, out_dir], on_wait):
        return _build(notes_dir, out_dir, timestamp, strict, force, progress, jobs)


def _build(
    notes_dir: Path,
    out_dir: Path,
    timestamp: int | None,
    strict: bool,
    force: bool,
    progress: Progress | None,
    jobs: int | None,
) -> BuildResult:
    check_output(notes_dir, out_dir)
    cache = BuildCache.open(notes_dir, rewrite=force)
    key = cache.build_key(timestamp)
    # a kept build's warnings were printed before; --strict must still fail on them
    kept = None if force else cache.up_to_date(out_dir, key)
    if kept is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            same = _kept(*kept)
            if fails(same.diagnostics, strict=strict):
                raise DeckgenError(same.diagnostics)
            return same

    def run(workers: FileWorkers) -> BuildResult:
        return build_deck(
            notes_dir, out_dir, timestamp, strict=strict, progress=progress, workers=workers
        )

    result: BuildResult | None = None
    with contextlib.suppress(_Untrusted):  # nothing was written
        result = run(cached_workers(cache, jobs=jobs))
    if result is None:  # built again, reading and keeping nothing, once the first try
        return run(cached_workers(None, jobs=jobs))  # and its traceback (its deck) are gone
    if result.machine_independent:
        cache.record_build(result.path, key, _record(result))
    cache.prune()
    return result


class _Untrusted(Exception):
    """The files every cache entry depends on changed while the files were read."""


def cached_workers(cache: BuildCache | None, *, jobs: int | None) -> FileWorkers:
    """The pipeline's FileWorkers answered from `cache`, else by worker processes, and
    stored for the next build under the fingerprint of the bytes that were parsed (with
    no cache, every file is worked and nothing stored).

    When the files are read, before anything is planned or written, the files every entry
    depends on (deck.toml, note types, images, diagrams: the salt) are scanned again, but
    for the diagrams this build rendered: if one changed, entries made under the old
    files were mixed with files read under the new, and entries written under the old key
    hold what the new files made. Those entries are removed and _Untrusted is raised, also
    over an error the mixed files caused."""
    from deckgen.incremental.entries import from_json, to_json
    from deckgen.incremental.workers import pool_work

    @contextlib.contextmanager
    def workers(folder: NotesFolder, diagrams: DiagramSource) -> Iterator[FileWork]:
        if cache is None:
            with pool_work(folder.root, folder.files, diagrams, jobs) as work:
                yield lambda file: work(file, tuple)
            return
        todo = [f for f in folder.files if not cache.has_entry(cache.file_key(f))]
        with pool_work(folder.root, todo, diagrams, jobs) as work:

            def answer(file: NotesFile) -> FileResult:
                scanned = cache.file_key(file)
                stored = from_json(cache, cache.read_entry(scanned))
                if stored is not None:
                    cache.used_for(file, scanned)
                    return stored

                def earlier() -> Sequence[RenderedNote]:
                    entry = from_json(cache, cache.earlier_entry(file))
                    return entry.rendered if entry is not None else ()

                result = work(file, earlier)
                cache.note_parsed(file, result.sha256)
                if not result.unrendered and result.sha256 is not None:
                    parsed = cache.file_key(file, result.sha256)
                    cache.write_entry(parsed, to_json(cache, result))
                    cache.used_for(file, parsed)
                return result

            def distrusted() -> bool:
                """The salt changed: what this build wrote is removed."""
                if cache.salt_unchanged(made=diagrams.cache.written):
                    return False
                cache.forget_written()
                return True

            try:
                yield answer
            except Exception as exc:  # a mixed read can fail where the files as they are do not
                if distrusted():
                    raise _Untrusted from exc
                raise
            except BaseException:  # an interrupt stays one; what it wrote may be doubtful
                cache.forget_written()
                raise
            if distrusted():
                raise _Untrusted

    return workers


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
