"""How a build holds memory, most of which is its deck (~2 KB a card: Markdown, HTML, keys).

The cyclic garbage collector is paused while a build makes millions of short-lived objects
(`few_collections`). Once the deck's collection is written and its notes let go of, the
memory they held is given back to the system (`give_back`) before the zip maps the whole
collection file: at 100,000 cards the build holds ~145 MB instead of ~205 MB beside the
82 MB collection (benchmarks/RESULTS.md, peak RSS).
"""

from __future__ import annotations

import contextlib
import gc
import sys
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
    the build's memory while the zip runs (at 100,000 cards: 4 ms, and ~40 MB given back;
    a full garbage collection there finds 11 objects in 0.14 s, so none is run). Only
    glibc has malloc_trim, looked up in the C library this process already uses;
    elsewhere (macOS, Windows, musl, a Python without ctypes) the allocator decides alone."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # only here: nothing else of a build needs it

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
