"""Where a cold build spends its CPU time, stage by stage: one `deckgen build -j 1` with an
empty cache, in this process, with each stage's functions wrapped in a timer.

A stage's time is exclusive (a stage called from inside another is taken out of it), in CPU
seconds (`time.process_time`). `imports` is importing what a build imports, done first;
`other` is what no stage claims (the CLI, the folder-wide bookkeeping). Prints one JSON
object: {"stages": {stage: seconds}, "total": seconds}.

    python benchmarks/stages.py NOTES_DIR OUT_DIR CACHE_DIR
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

# what a build imports, timed as one stage before the build starts
IMPORTS = (
    "deckgen.cli",
    "deckgen.incremental.build",
    "deckgen.incremental.entries",
    "deckgen.incremental.workers",
    "deckgen.pipeline",
    "deckgen.notes.folder",
    "deckgen.cards.render",
    "deckgen.releases.dev",
    "deckgen.releases.published",
    "deckgen.apkg.package",
)

# stage → the functions it is made of, as module:attribute where callers look them up
STAGES: dict[str, tuple[str, ...]] = {
    "load": (
        "deckgen.notes.folder:open_folder",
        "deckgen.notes.folder:read_bytes",
        "deckgen.notes.files:read_bytes",
        "deckgen.notes.folder:decode",
        "deckgen.incremental.cache:scan_inputs",
        "deckgen.incremental.cache:tags_fingerprint",
        "deckgen.incremental.cache:tool_fingerprint",
    ),
    "parse": ("deckgen.notes.folder:parse_notes_file",),
    "render": ("deckgen.cards.render:render_card", "deckgen.cards.parsed:ParsedNotes.of"),
    "cache": (
        "deckgen.incremental.entries:to_json",
        "deckgen.incremental.entries:from_json",
        "deckgen.incremental.cache:BuildCache.write_entry",
        "deckgen.incremental.cache:BuildCache.read_entry",
        "deckgen.incremental.cache:BuildCache.has_entry",
        "deckgen.incremental.cache:BuildCache.prune",
        "deckgen.incremental.cache:BuildCache.record_build",
    ),
    "checks": ("deckgen.notes.folder:check_unique", "deckgen.notes.notetypes:count_cards"),
    "plan": ("deckgen.releases.dev:build_plan", "deckgen.releases.published:base_lock"),
    "package": (
        "deckgen.apkg.package:make_package",
        "deckgen.apkg.package:write_collection",
    ),
    # with giving the deck's memory back, which a build does just before it zips
    "zip": (
        "deckgen.pipeline:give_back",
        "deckgen.apkg.package:write_zip",
        "deckgen.apkg.package:sha256_of",
    ),
}


class Stopwatch:
    """Exclusive CPU time per stage: entering a stage pauses the one it was called from."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stack: list[tuple[str, float]] = []

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.process_time()
            if self.stack:
                outer, since = self.stack[-1]
                self.seconds[outer] = self.seconds.get(outer, 0.0) + now - since
            self.stack.append((stage, now))
            try:
                return function(*args, **kwargs)
            finally:
                end = time.process_time()
                _, since = self.stack.pop()
                self.seconds[stage] = self.seconds.get(stage, 0.0) + end - since
                if self.stack:
                    self.stack[-1] = (self.stack[-1][0], end)

        return timed


def install(watch: Stopwatch) -> None:
    for stage, names in STAGES.items():
        for name in names:
            module_name, _, path = name.partition(":")
            owner: Any = importlib.import_module(module_name)
            *parents, attribute = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            setattr(owner, attribute, watch.wrap(stage, getattr(owner, attribute)))


def main() -> None:
    notes, out, cache = (Path(arg) for arg in sys.argv[1:4])
    os.environ.update(DECKGEN_CACHE_DIR=str(cache), SOURCE_DATE_EPOCH="1700000000", CI="true")
    start = time.process_time()
    for module in IMPORTS:
        importlib.import_module(module)
    imports = time.process_time() - start
    watch = Stopwatch()
    install(watch)
    from deckgen.cli import cli

    begin = time.process_time()
    try:
        cli.main(["build", str(notes), "-o", str(out), "-j", "1", "-q"], prog_name="deckgen")
    except SystemExit as done:
        if done.code:
            raise
    total = time.process_time() - begin
    stages = {"imports": imports, **watch.seconds}
    stages["other"] = total - sum(watch.seconds.values())
    print(json.dumps({"stages": stages, "total": total + imports}))


if __name__ == "__main__":
    main()
