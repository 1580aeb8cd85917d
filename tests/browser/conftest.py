"""What the browser tests need. A test skips only where a piece is missing, and the skip
names the command that installs it (in CI, tests/conftest.py turns the skip into a failure).

- `chromium`: Debian's Chromium, enough for pages whose diagrams are all cached.
- `renderer_here`: the whole mermaid renderer (Chromium, the pinned bundle, playwright)
  is on this machine, for builds that render; `renderer`: it, entered, to render with.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deckgen.diagrams import renderer as mermaid_render
from deckgen.diagrams.renderer import MermaidRenderer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def chromium() -> Path:
    found = mermaid_render.find_chromium()
    if found is None:
        pytest.skip(f"needs Chromium: `{mermaid_render.INSTALL_CHROMIUM}`")
    return found


def locate_renderer() -> MermaidRenderer:
    """The renderer of this checkout, or a skip that names what to install."""
    found = MermaidRenderer.locate(ROOT)
    if found is None:
        pytest.skip("needs " + " and ".join(MermaidRenderer.missing(ROOT)))
    return found


@pytest.fixture(scope="session")
def renderer_here() -> Path:
    """Chromium, when the whole renderer is here."""
    return locate_renderer().chromium


@pytest.fixture(scope="module")
def renderer() -> Iterator[MermaidRenderer]:
    with locate_renderer() as found:
        yield found
