"""Mermaid diagrams as static SVG: cache keys, the committed cache, and the errors.

Each diagram gets two SVGs, one per entry of `THEMES`: "light" (mermaid's "default"
theme, dark text) and "dark" (mermaid's "dark" theme, light text). Backgrounds are
transparent, so each variant suits a card background of its own brightness. The SVGs
are made at build time by the browser renderer in mermaid_render.py.

The SVGs are stored in a cache folder committed beside the notes (the caller chooses it,
e.g. ``notes/.diagrams/``). A build takes diagrams from the cache when present, which makes
builds byte-reproducible across machines (text measurement depends on installed fonts)
and lets a machine without Chromium or npm build a deck whose diagrams are all cached.

API::

    MERMAID_VERSION                  pinned bundle version (== tools/mermaid/package.json)
    THEMES = ("light", "dark")
    normalize_source(source) -> str  the form that is hashed and rendered
    leading_blank_lines(source) -> int   the blank lines normalize_source drops at the top
    diagram_key(source, theme) -> str         sha256 hex; the cache file is "<key>.svg"
    check_theme(theme)               ValueError unless theme is one of THEMES
    MermaidError(message, line)      a diagram mermaid rejects; line is 1-based within
                                     the diagram source, or None
    RendererError                    the renderer itself is broken or mismatched
    DiagramCache(folder)
        .get(source, theme) -> str | None
        .put(source, theme, svg)     atomic (temp file + rename)
        .unused(sources) -> list[Path]    stale files (`deckgen check` lists them, DG303)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from deckgen.notes.files import resolves_outside

MERMAID_VERSION = "12.3.0"
THEMES: tuple[str, ...] = ("light", "dark")

# Bump when the render settings in mermaid_render.py change the output, so stale cache
# entries are not reused (they simply become unreferenced files).
RENDER_SCHEME = 1


# --- keys -------------------------------------------------------------------------------


def normalize_source(source: str) -> str:
    """Line endings to LF and surrounding blank space dropped.

    A Windows checkout (CRLF) must hit the same cache entries as a Linux one, and mermaid
    ignores the dropped whitespace anyway.
    """
    return _lf(source).strip()


def leading_blank_lines(source: str) -> int:
    """How many lines normalize_source drops above the diagram's first line.

    Add it to a line of the normalised source to count from the caller's first line.
    """
    unstripped = _lf(source)
    return unstripped[: len(unstripped) - len(unstripped.lstrip())].count("\n")


def _lf(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n")


def check_theme(theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(f"unknown diagram theme {theme!r}; expected one of {THEMES}")


def diagram_key(source: str, theme: str) -> str:
    """sha256 hex of (scheme, mermaid version, theme, normalised source)."""
    check_theme(theme)
    # JSON gives an unambiguous encoding of the tuple (no separator can be forged).
    payload = json.dumps(
        [RENDER_SCHEME, MERMAID_VERSION, theme, normalize_source(source)], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- errors -----------------------------------------------------------------------------


class MermaidError(Exception):
    """Mermaid rejected a diagram. `line` is 1-based within the diagram source, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line


class RendererError(Exception):
    """The renderer is unusable (bundle version mismatch, browser failure)."""


# --- cache ------------------------------------------------------------------------------


class DiagramCache:
    """One SVG file per (source, theme), named ``<diagram_key>.svg``, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []  # the files put here, so far

    def path_for(self, source: str, theme: str) -> Path:
        return self.folder / f"{diagram_key(source, theme)}.svg"

    def get(self, source: str, theme: str) -> str | None:
        """The cached SVG, or None. A file that links out of the notes folder (the cache's
        parent) is none: what it points at is not the notes', and must never reach a deck."""
        path = self.path_for(source, theme)
        if resolves_outside(self.folder.parent, path):
            return None
        try:
            # Bytes, not read_text: no newline translation, a build ships what is committed.
            return path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):  # missing, a loop, a folder, not text: not cached
            return None

    def put(self, source: str, theme: str, svg: str) -> None:
        """Store an SVG; not when the cache folder links out of the notes folder."""
        if resolves_outside(self.folder.parent, self.folder):
            return
        target = self.path_for(source, theme)
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, svg.encode("utf-8"))
        self.written.append(target)

    def unused(self, sources: Iterable[str]) -> list[Path]:
        """Cache files no diagram of `sources` needs (old versions, edited diagrams)."""
        wanted = {f"{diagram_key(source, theme)}.svg" for source in sources for theme in THEMES}
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.svg") if p.name not in wanted)


def _atomic_write(target: Path, data: bytes) -> None:
    # Temp file in the same folder, so the rename stays on one filesystem and is atomic:
    # an interrupted build never leaves a truncated SVG that later builds would trust.
    import tempfile  # a build that renders no diagram needs none

    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".svg")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; a committed file should be readable like any other.
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
