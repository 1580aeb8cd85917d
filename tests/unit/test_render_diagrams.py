"""Diagrams in a build: cache first, then the renderer, else code with one warning.

The renderer is replaced by a stand-in here; tests/browser runs the real one.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType

import pytest

from deckgen.diagrams.cache import DiagramCache, MermaidError, RendererError
from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.errors import DeckgenError
from deckgen.pipeline import build, check_notes
from helpers import NotesFactory

EC2 = """\
# EC2

## Launch

### How does an instance start?
Like this:

```mermaid
flowchart LR
  AMI --> Instance
  Instance --> Running
```

### And a second diagram?
```mermaid
sequenceDiagram
  A->>B: hi
```
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{n}" height="10"><text>{theme}</text></svg>'


class FakeRenderer:
    """Stands in for MermaidRenderer: renders to a tiny SVG, or fails as told."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.calls: list[tuple[str, str]] = []
        self.entered = 0

    def __enter__(self) -> FakeRenderer:
        self.entered += 1
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    def render(self, source: str, theme: str) -> str:
        self.calls.append((source, theme))
        if self.fail is not None:
            raise self.fail
        return SVG.format(n=100 + len(self.calls), theme=theme)


LACKS = ["Chromium (`sudo apt-get install chromium`)"]


def use_renderer(monkeypatch: pytest.MonkeyPatch, renderer: FakeRenderer | None) -> None:
    """`renderer` stands in for this machine's; without one, Chromium is what it lacks."""
    monkeypatch.setattr(MermaidRenderer, "locate", classmethod(lambda cls, root=None: renderer))
    lacks = LACKS if renderer is None else []
    monkeypatch.setattr(MermaidRenderer, "missing", staticmethod(lambda root=None: lacks))


def test_uncached_diagrams_are_rendered_once_and_cached(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    renderer = FakeRenderer()
    use_renderer(monkeypatch, renderer)
    result = build(notes, tmp_path / "decks", 1)
    assert [d for d in result.diagnostics if d.severity.value != "info"] == []
    assert len(renderer.calls) == 4 and renderer.entered == 1
    assert len(list((notes / ".diagrams").glob("*.svg"))) == 4

    use_renderer(monkeypatch, None)  # a second build needs no renderer at all
    again = build(notes, tmp_path / "decks", 1)
    assert [d for d in again.diagnostics if d.severity.value != "info"] == []


def test_without_cache_or_renderer_the_build_warns_once_and_shows_code(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    use_renderer(monkeypatch, None)
    result = build(notes, tmp_path / "decks", 1)
    warnings = [str(d) for d in result.diagnostics if d.severity.value == "warning"]
    assert warnings == [
        f"{notes.as_posix()}/ec2.md:8: warning DG301 2 diagrams are not in"
        f" {notes.as_posix()}/.diagrams and cannot be rendered here (needs Chromium"
        " (`sudo apt-get install chromium`)): shown as code"
    ]


def test_check_has_mermaid_check_uncached_diagrams_and_stores_nothing(
    make_notes: NotesFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    renderer = FakeRenderer()
    use_renderer(monkeypatch, renderer)
    result = check_notes(notes)
    listed = [str(d) for d in result.diagnostics if d.severity.value == "warning"]
    cache = f"{notes.as_posix()}/.diagrams"
    assert listed == [
        f"{notes.as_posix()}/ec2.md:{line}: warning DG302 diagram not in {cache} yet"
        f" (mermaid accepts it): build, then commit {cache}"
        for line in (8, 15)
    ]
    assert len(renderer.calls) == 4
    assert not (notes / ".diagrams").exists()
    assert result.deck is not None


def test_check_reports_a_diagram_mermaid_rejects_at_the_notes_line(
    make_notes: NotesFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    error = MermaidError("Parse error on line 9:\n...x\n--^\nExpecting 'EOF'", line=2)
    use_renderer(monkeypatch, FakeRenderer(error))
    result = check_notes(notes)
    errors = [str(d) for d in result.diagnostics if d.severity.value == "error"]
    assert errors == [
        f"{notes.as_posix()}/ec2.md:{line}: error DG310 mermaid: Parse error: ...x Expecting 'EOF'"
        for line in (10, 17)
    ]
    assert result.deck is None


def test_check_without_a_renderer_says_what_it_could_not_check(
    make_notes: NotesFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    use_renderer(monkeypatch, None)
    result = check_notes(notes)
    cache = f"{notes.as_posix()}/.diagrams"
    assert [str(d) for d in result.diagnostics if d.severity.value == "warning"] == [
        f"{notes.as_posix()}/ec2.md:{line}: warning DG302 diagram not in {cache} yet, and not"
        " checked: mermaid cannot run here (needs Chromium (`sudo apt-get install chromium`));"
        f" build where it can, then commit {cache}"
        for line in (8, 15)
    ]


def test_a_mermaid_syntax_error_is_reported_at_the_notes_line(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    message = (
        "Parse error on line 3:\n...tance --> Running\n----------^\nExpecting 'SEMI', got 'EOF'"
    )
    use_renderer(monkeypatch, FakeRenderer(MermaidError(message, line=3)))
    with pytest.raises(DeckgenError) as caught:
        build(notes, tmp_path / "decks", 1)
    first = caught.value.errors[0]
    assert str(first) == (
        f"{notes.as_posix()}/ec2.md:11: error DG310 mermaid: Parse error:"
        " ...tance --> Running Expecting 'SEMI', got 'EOF'"
    )
    assert not (tmp_path / "decks").exists()


def test_a_mermaid_error_without_a_line_points_at_the_fence(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    use_renderer(monkeypatch, FakeRenderer(MermaidError("No diagram type detected")))
    with pytest.raises(DeckgenError) as caught:
        build(notes, tmp_path / "decks", 1)
    assert [(e.loc.line, e.code) for e in caught.value.errors] == [(8, "DG310"), (15, "DG310")]


def test_a_broken_renderer_is_an_error_not_a_silent_fallback(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    use_renderer(monkeypatch, FakeRenderer(RendererError("headless Chromium failed: boom")))
    with pytest.raises(DeckgenError) as caught:
        build(notes, tmp_path / "decks", 1)
    assert str(caught.value.errors[0]).endswith(
        "ec2.md:8: error DG311 cannot render diagram: headless Chromium failed: boom"
    )


def test_cached_diagrams_ship_as_a_light_and_a_dark_image(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes({"ec2.md": EC2})
    cache = DiagramCache(notes / ".diagrams")
    source = "flowchart LR\n  AMI --> Instance\n  Instance --> Running\n"
    cache.put(source, "light", SVG.format(n=400, theme="light"))
    cache.put(source, "dark", SVG.format(n=400, theme="dark"))
    use_renderer(monkeypatch, None)
    from deckgen.cards.render import render_deck
    from deckgen.pipeline import load_deck

    deck, _ = load_deck(notes)
    rendered, _ = render_deck(deck, notes)
    back = rendered[0].fields[1]
    assert re.fullmatch(
        r'<p>Like this:</p>\n<div class="diagram">'
        r'<img class="diagram-light" src="mermaid-[0-9a-f]{16}\.svg" alt="Diagram: light" style="min-width: 220px">'
        r'<img class="diagram-dark" src="mermaid-[0-9a-f]{16}\.svg" alt="Diagram: light" style="min-width: 220px">'
        r"</div>",
        back,
    )
    assert sorted(f.data.decode() for f in rendered[0].media) == sorted(
        [SVG.format(n=400, theme="dark"), SVG.format(n=400, theme="light")]
    )
