"""Small shared pieces for tests (importable, unlike conftest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

NotesFactory = Callable[..., Path]
