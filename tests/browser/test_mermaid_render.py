"""The real renderer: the pinned mermaid bundle in headless Chromium.

Skipped where Chromium (`sudo apt-get install chromium`), the bundle or playwright
(`make diagrams`) is absent. Writes tests/artifacts/mermaid_themes.png: both variants as Anki would show them,
via <img>, on a light and on a dark card, for a human to look at.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from deckgen.diagrams import renderer as mermaid_render
from deckgen.diagrams.cache import THEMES, DiagramCache, MermaidError, RendererError
from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.diagrams.source import render_cached
from helpers import NEEDS_PLAYWRIGHT

pytest.importorskip("playwright.sync_api", reason=NEEDS_PLAYWRIGHT)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SVG_NS = "{http://www.w3.org/2000/svg}"
FLOW = """\
flowchart TD
  Q[Spot request] --> D{Capacity?}
  D -->|yes| R[Instance runs]
  D -->|no| W[Request waits]
"""
LABELS = {"Spot request", "Capacity?", "Instance runs", "Request waits", "yes", "no"}
# Anki's default card backgrounds, day and night.
CARD_BACKGROUND = {"light": "#ffffff", "dark": "#2c2c2c"}


def labels_of(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    texts = ("".join(el.itertext()).strip() for el in root.iter(f"{SVG_NS}text"))
    return {" ".join(t.split()) for t in texts if t}


@pytest.mark.parametrize("theme", THEMES)
def test_flowchart_is_static_svg_with_text_labels(renderer: MermaidRenderer, theme: str) -> None:
    svg = renderer.render(FLOW, theme)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox")
    assert int(root.get("width", "0")) > 0
    assert int(root.get("height", "0")) > 0
    assert labels_of(svg) >= LABELS
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    assert "foreignObject" not in tags
    assert "script" not in tags
    assert not any(name.startswith("on") for el in root.iter() for name in el.attrib)


def test_themes_differ(renderer: MermaidRenderer) -> None:
    assert renderer.render(FLOW, "light") != renderer.render(FLOW, "dark")


def test_rendering_is_deterministic(renderer: MermaidRenderer) -> None:
    first = renderer.render(FLOW, "light")
    # Other renders in between must not shift ids or leak settings.
    renderer.render("%%{init: {'theme': 'forest'}}%%\nsequenceDiagram\n  A->>B: hi", "dark")
    assert renderer.render(FLOW, "light") == first
    # A fresh browser gives the same bytes too (render() relaunches after close()).
    renderer.close()
    assert renderer.render(FLOW, "light") == first


def test_gantt_does_not_depend_on_today(renderer: MermaidRenderer) -> None:
    gantt = "gantt\n  dateFormat YYYY-MM-DD\n  section S\n  Task :a1, 2024-01-01, 3d"
    svg = renderer.render(gantt, "light")
    assert renderer.render(gantt, "light") == svg
    # The clock is frozen in 2000, so the "today" marker sits left of a 2024 chart.
    today = [el for el in ET.fromstring(svg).iter(f"{SVG_NS}line") if el.get("class") == "today"]
    assert today
    assert all(float(el.get("x1", "0")) < 0 for el in today)


def test_timeout_is_a_mermaid_error_and_the_next_render_recovers(
    renderer: MermaidRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mermaid_render, "RENDER_TIMEOUT_MS", 1)
    with pytest.raises(MermaidError, match="did not finish"):
        renderer.render(FLOW + "  W --> Q\n", "dark")
    monkeypatch.undo()
    assert labels_of(renderer.render(FLOW, "dark")) >= LABELS


def test_syntax_error_carries_mermaids_message(renderer: MermaidRenderer) -> None:
    with pytest.raises(MermaidError) as caught:
        renderer.render("flowchart TD\n  A --> B\n  B --> C[oops\n  C --> D\n", "light")
    assert "Parse error" in caught.value.message
    assert "Expecting" in caught.value.message
    assert caught.value.line == 3


def test_unknown_diagram_has_no_line(renderer: MermaidRenderer) -> None:
    with pytest.raises(MermaidError, match="No diagram type detected") as caught:
        renderer.render("not a diagram", "dark")
    assert caught.value.line is None


# Lines counted in the source as written, although mermaid drops comments and front
# matter before parsing (and counts lines of what is left).
@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("%% a comment\n%% another\nflowchart TD\n  A --> B\n  B -- C --> )\n", 5),
        ("---\ntitle: Hi\n---\nflowchart TD\n  A --> B\n  B -- C --> )\n", 6),
        ("\n\nflowchart TD\n  A --> B\n  B -- C --> )\n", 5),
        ("flowchart TD\n  %% c\n  A --> B\n  B -- C --> )\n", 4),
        ("%%{init: {'theme':'forest'}}%%\nflowchart TD\n  A --> B\n  B -- C --> )\n", 4),
        ('pie title Pets\n  "Dogs" : 386\n  %% x\n  "Cats" : abc\n', 4),
        ("sequenceDiagram\n  Alice->>Bob: hi\n\n  %% c\n  Bob-->>>Alice: x\n", 5),
    ],
)
def test_error_line_is_within_the_source(renderer: MermaidRenderer, source: str, line: int) -> None:
    with pytest.raises(MermaidError) as caught:
        renderer.render(source, "light")
    assert caught.value.line == line


def test_render_cached_fills_the_cache(renderer: MermaidRenderer, tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path / ".diagrams")
    svgs = render_cached(FLOW, cache, renderer)
    assert svgs is not None
    assert set(svgs) == set(THEMES)
    assert all(cache.get(FLOW, theme) is not None for theme in THEMES)
    assert render_cached(FLOW, cache, None) == svgs


def test_variants_are_readable_on_their_cards(renderer: MermaidRenderer) -> None:
    """Screenshot both variants shown via <img>; check label colour against the card."""
    from playwright.sync_api import sync_playwright

    svgs = [renderer.render(FLOW, theme) for theme in THEMES]
    cells = []
    for theme, svg in zip(THEMES, svgs, strict=True):
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        cells.append(
            f'<div style="background:{CARD_BACKGROUND[theme]};padding:16px;display:inline-block">'
            f'<img id="{theme}" src="data:image/svg+xml;base64,{data}"></div>'
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API allows one instance per thread: release the renderer's.
    renderer.close()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(renderer.chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 900, "height": 600})
        page.set_content("<body style='margin:0'>" + "".join(cells) + "</body>")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        sizes = page.evaluate("[...document.images].map(i => [i.naturalWidth, i.naturalHeight])")
        page.screenshot(path=str(ARTIFACTS / "mermaid_themes.png"), full_page=True)
        browser.close()
    # An <img> knows its size from the SVG itself (no 300x150 fallback).
    assert all(w > 150 and h > 150 for w, h in sizes)
    for theme, svg in zip(THEMES, svgs, strict=True):
        assert _text_contrasts(svg, CARD_BACKGROUND[theme])


def _text_contrasts(svg: str, background: str) -> bool:
    # The label colour is the flowchart's `.label text` fill in mermaid's theme CSS.
    style = "".join(el.text or "" for el in ET.fromstring(svg).iter(f"{SVG_NS}style"))
    marker = " .label text,"
    start = style.index(marker)
    rule = style[start : style.index("}", start)]
    fill = rule.split("fill:")[1].split(";")[0]
    return abs(_luminance(fill) - _luminance(background)) > 0.4


def _luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    r, g, b = (int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_a_chromium_that_cannot_start_is_a_renderer_error(
    renderer: MermaidRenderer, tmp_path: Path
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    renderer.close()  # one Playwright instance per thread
    with MermaidRenderer(fake, renderer.bundle) as broken, pytest.raises(RendererError):
        broken.render(FLOW, "light")
