"""Small shared pieces for tests (importable, unlike conftest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

NotesFactory = Callable[..., Path]


def examples(share: float) -> int:
    """A property test's number of examples: its share of the loaded profile's budget."""
    from hypothesis import settings

    return max(10, int(settings.default.max_examples * share))
