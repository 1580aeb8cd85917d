"""Markdown → the HTML of Anki fields, with one configured renderer for the whole project.

Code is highlighted with Pygments at build time into CSS classes (the note types carry a
light and a night-mode palette), so cards need no JavaScript and no network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from deckgen.model import Card, CardKind
from deckgen.sanitize import sanitize_plugin

CODE_CSS_CLASS = "highlight"


@cache
def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass=CODE_CSS_CLASS, nowrap=True)


@cache
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return None


def highlight_code(code: str, language: str, _attrs: str = "") -> str:
    """markdown-it's highlight hook: Pygments spans inside <pre><code>, or '' to escape plainly."""
    lexer = _lexer(language.strip().lower()) if language.strip() else None
    if lexer is None:
        return ""
    body = highlight(code, lexer, _formatter())
    lang = html.escape(language.strip(), quote=True)
    return f'<pre class="{CODE_CSS_CLASS}"><code class="language-{lang}">{body}</code></pre>\n'


@cache
def markdown_renderer() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough; raw HTML cleaned by deckgen's policy."""
    md = MarkdownIt("commonmark", {"highlight": highlight_code})
    return md.enable(["table", "strikethrough"]).use(sanitize_plugin)


def render_block(markdown: str) -> str:
    return str(markdown_renderer().render(markdown)).strip()


def render_inline(markdown: str) -> str:
    return str(markdown_renderer().renderInline(markdown)).strip()


@dataclass(frozen=True)
class RenderedNote:
    """A card's fields as HTML, in the order of its note type's fields."""

    card: Card
    fields: tuple[str, str, str, str]


def context_line(card: Card) -> str:
    return f"{card.deck} › {card.topic}" if card.topic else card.deck


def render_card(card: Card) -> RenderedNote:
    context = html.escape(context_line(card))
    source = html.escape(card.source)
    if card.kind is CardKind.BASIC:
        fields = (render_inline(card.question), render_block(card.answer), context, source)
    else:
        fields = (render_block(card.question), "", context, source)
    return RenderedNote(card, fields)
