"""Where a build gets each diagram: the committed cache first, then the renderer, else none.

The renderer (headless Chromium) is looked for only when a diagram is missing from the
cache, so a build whose diagrams are all cached neither needs nor starts a browser. A
diagram that is neither cached nor renderable is remembered, so the build can print one
warning and `deckgen check` can list them. `deckgen check` renders without storing
(`store=False`): mermaid checks each uncached diagram, and the cache stays as it was.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import Self

from deckgen.diagrams.cache import THEMES, DiagramCache
from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.model import SourceLoc

# The cache folder beside the notes; committed, so fresh machines build the same deck.
CACHE_FOLDER = ".diagrams"


class DiagramSource:
    """SVGs per theme for a diagram's source; use as a context manager (it may own a browser)."""

    def __init__(
        self,
        cache: DiagramCache,
        *,
        render: bool = True,
        store: bool = True,
        project_root: Path | None = None,
    ) -> None:
        self.cache = cache
        self.render = render
        self.store = store
        self.project_root = project_root
        self.unrendered: list[SourceLoc] = []
        self.unstored: list[SourceLoc] = []  # rendered here but, without `store`, not cached
        self.sources: list[str] = []  # every diagram asked for, to tell stale cache files
        self._renderer: MermaidRenderer | None = None
        self._located = False
        self._stack = contextlib.ExitStack()

    @classmethod
    def beside(cls, notes_dir: Path, *, render: bool = True, store: bool = True) -> DiagramSource:
        return cls(DiagramCache(notes_dir / CACHE_FOLDER), render=render, store=store)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()

    def svgs(self, source: str, loc: SourceLoc) -> dict[str, str] | None:
        """Every theme's SVG, or None (and `loc` remembered) when it cannot be had here.

        Raises MermaidError for a diagram mermaid rejects, RendererError for a broken renderer.
        """
        self.sources.append(source)
        cached = render_cached(source, self.cache, None)
        if cached is not None:
            return cached
        renderer = self._locate() if self.render else None
        if renderer is None:
            self.unrendered.append(loc)
            return None
        svgs = render_cached(source, self.cache, renderer, store=self.store)
        if not self.store:
            self.unstored.append(loc)
        return svgs

    def stale_files(self) -> list[Path]:
        """Cache files that no diagram asked for so far needs (old versions, edited diagrams)."""
        return self.cache.unused(self.sources)

    def _locate(self) -> MermaidRenderer | None:
        if not self._located:
            self._located = True
            found = MermaidRenderer.locate(self.project_root)
            if found is not None:
                self._renderer = self._stack.enter_context(found)
        return self._renderer


def render_cached(
    source: str, cache: DiagramCache, renderer: MermaidRenderer | None, *, store: bool = True
) -> dict[str, str] | None:
    """Every theme of one diagram, taken from the cache or rendered (and, with `store`,
    stored).

    Returns None when a theme is uncached and there is no renderer: the caller then
    shows the source as a code block. Raises MermaidError for a rejected diagram.
    """
    svgs: dict[str, str] = {}
    for theme in THEMES:
        svg = cache.get(source, theme)
        if svg is None:
            if renderer is None:
                return None
            svg = renderer.render(source, theme)
            if store:
                cache.put(source, theme, svg)
        svgs[theme] = svg
    return svgs
