"""deckgen: structured Markdown notes → versioned Anki decks."""

from __future__ import annotations

__version__: str  # read from the installed package's metadata when first asked for

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # importlib.metadata costs more to import than a build that finds its deck up to date
    # spends on everything else, so the version is looked up only when something asks.
    if name != "__version__":
        raise AttributeError(f"module 'deckgen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("deckgen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
