"""A progress bar for long builds, drawn on a terminal only.

It appears once a build has run for a second (short builds stay silent), redraws at most
ten times a second, and erases itself at the end, so the summary lines that follow are
the same on a terminal, in a pipe and in CI. Piped output and CI (`CI` set) never see it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

DELAY_S = 1.0
REDRAW_S = 0.1
WIDTH = 30


def wanted(stream: TextIO, environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    if environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    if environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


class Bar:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < DELAY_S:
            return
        final = stage == "package"
        if not final and self.drawn_at is not None and now - self.drawn_at < REDRAW_S:
            return
        self.drawn_at = now
        if final:
            line = "Writing the package…"
        else:
            filled = WIDTH * done // max(total, 1)
            line = f"Building [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} files"
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn_at is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


@contextlib.contextmanager
def progress_bar(
    enabled: bool = True, stream: TextIO | None = None
) -> Iterator[Callable[[str, int, int], None] | None]:
    """Yield a progress callback for `build()`, or None when no bar should be drawn."""
    out = sys.stderr if stream is None else stream
    if not enabled or not wanted(out):
        yield None
        return
    bar = Bar(out)
    try:
        yield bar
    finally:
        bar.close()
