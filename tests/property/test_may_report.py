"""`deckgen check` renders only the cards whose Markdown may report something
(deckgen.cards.render.may_report): Markdown without `<`, `[` or a mermaid fence renders
without a problem, a media file or a diagram, whatever else it holds."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from notes_strategies import RICH_ANSWER, SYNTAX_CHAR, TEXT, XSS
from test_render_from_tokens import TRICKY_ANSWER

from deckgen.cards.fields import FieldEnv, RenderSetup, render_block, render_inline
from deckgen.cards.media import MediaFolder
from deckgen.cards.render import may_report
from deckgen.diagrams.source import DiagramSource
from helpers import examples

# What could make a problem once `<` and `[` are gone: entities, escapes, look-alikes,
# URLs, media file names, fences, math, clozes.
NEAR_MISSES = st.sampled_from(
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;img src=x onerror=alert(1)&#62;",
        "＜script＞",
        "javascript:alert(1)",
        "(javascript:alert(1))",
        "!x](missing.png)",
        "https://example.com/x.png",
        "media/missing.png",
        "```python\nprint('<')\n```",
        "```diagram\ngraph TD\n```",
        "~~~\ncode\n~~~",
        "$x < y$ and $$\\frac{1}{2}$$",
        "{{c1::answer}}",
        "[sound:x.mp3]",
        "| a | b |\n| - | - |\n| c | d |",
    ]
)
PIECES = st.one_of(TEXT, SYNTAX_CHAR, XSS, TRICKY_ANSWER, RICH_ANSWER, NEAR_MISSES)
MARKDOWN = st.lists(PIECES, max_size=6).map("\n".join)


@pytest.fixture(scope="module")
def notes_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:  # no image and no cached diagram in it
        yield Path(folder)


@settings(max_examples=examples(0.5))
@given(raw=MARKDOWN, inline=st.booleans())
def test_markdown_that_may_not_report_renders_without_a_problem(
    notes_dir: Path, raw: str, inline: bool
) -> None:
    markdown = re.sub(r"[<\[]", "", raw)
    assume(not may_report(markdown))
    with DiagramSource.beside(notes_dir, render=False, store=False) as diagrams:
        env = FieldEnv(RenderSetup(MediaFolder(notes_dir), diagrams), "n.md", "n.md", 1)
        (render_inline if inline else render_block)(markdown, env)
    assert env.diagnostics == []
    assert env.media == {}
    assert diagrams.sources == []


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<b onclick=x>bold</b>",
        "<javascript:alert(1)>",
        "![x](media/missing.png)",
        "[x](javascript:alert(1))",
        "```MerMaid\ngraph TD; A-->B\n```",
    ],
)
def test_what_may_report_does_report(notes_dir: Path, markdown: str) -> None:
    assert may_report(markdown)
    with DiagramSource.beside(notes_dir, render=False, store=False) as diagrams:
        env = FieldEnv(RenderSetup(MediaFolder(notes_dir), diagrams), "n.md", "n.md", 1)
        render_block(markdown, env)
    assert env.diagnostics or diagrams.sources
