"""How a build holds memory, most of which is its deck (~2 KB a card: Markdown, HTML, keys).

The cyclic garbage collector is paused while a build makes millions of short-lived objects
(`few_collections`); once the deck's collection is written and its notes let go of, the
memory they held is given back to the system (`give_back`) before the zip maps the whole
collection file: at 100,000 cards that is ~80 MB of notes the build no longer holds beside
the 82 MB collection (benchmarks/RESULTS.md, peak RSS).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
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


def give_back() -> None:
    """Return the C allocator's free pages to the system: glibc keeps the pages of freed
    blocks for its next allocations, so notes let go of would otherwise still count in
    the build's memory while the zip runs (4 ms at 100,000 cards, where the 41 MB it gives
    back are there to give; a full garbage collection there finds 11 objects in 0.14 s, so
    none is run). Elsewhere (macOS, musl) the allocator decides alone."""
    import ctypes  # only here: nothing else of a build needs it

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
