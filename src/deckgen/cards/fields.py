"""Markdown → the HTML of one Anki field, with one configured renderer for the whole project.

Code is highlighted with Pygments at build time into CSS classes (the note types carry a
light and a night-mode palette), so cards need no JavaScript and no network. Math in
``$…$`` / ``$$…$$`` becomes Anki's MathJax delimiters. Images become media files with
content-hashed names; mermaid diagrams become two SVG images (light and dark) that the
night-mode CSS switches between. What a field needs packaged, and every problem found on
the way (at the line the author wrote it), are collected in its FieldEnv.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from deckgen.cards.media import (
    MediaFile,
    MediaFolder,
    MediaProblem,
    hashed_name,
    is_audio,
    rewrite_img_sources,
)
from deckgen.cards.plain import plain_html
from deckgen.cards.sanitize import html_diagnostics, sanitize_plugin
from deckgen.diagrams.alt import alt_text
from deckgen.diagrams.cache import MermaidError, RendererError
from deckgen.diagrams.lines import without_its_lines
from deckgen.diagrams.source import DiagramSource
from deckgen.errors import Diagnostic, error
from deckgen.model import SourceLinks, SourceLoc

CODE_CSS_CLASS = "highlight"
MERMAID_SYNTAX = "DG310"
RENDERER_FAILED = "DG311"
_ENV_KEY = "deckgen"


@cache
def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass=CODE_CSS_CLASS, nowrap=True)


@cache
def _lexer(language: str) -> Lexer:
    """Pygments' lexer for `language`; plain text for an unknown language or none."""
    try:
        return get_lexer_by_name(language, stripnl=False) if language else _plain_lexer()
    except ClassNotFound:
        return _plain_lexer()


def _plain_lexer() -> Lexer:
    return TextLexer(stripnl=False)


def highlight_code(code: str, language: str, _attrs: str = "") -> str:
    """markdown-it's highlight hook: every fenced block as <pre><code>, highlighted by
    Pygments when it knows the language, with each source line in a span of its own.

    The note types' CSS wraps long lines, and the per-line span lets it indent and mark a
    wrapped line's continuation, so a reader never takes it for a line of its own.
    Pygments closes every token's span at the end of a line, so each line stands alone.
    """
    name = language.strip()
    body = highlight(code, _lexer(name.lower()), _formatter())
    lines = "".join(f'<span class="line">{line}\n</span>' for line in body.split("\n")[:-1])
    lang = f' class="language-{html.escape(name, quote=True)}"' if name else ""
    return f'<pre class="{CODE_CSS_CLASS}"><code{lang}>{lines}</code></pre>\n'


# --- what one field's rendering needs and collects ---------------------------------------


@dataclass(frozen=True)
class RenderSetup:
    """Per build: where images come from and where diagrams come from (None: not here),
    and where cards link to their source (deck.toml `repository`; None: no links).
    `problems_only` (`deckgen check`): only the problems are kept, so code that is not a
    diagram is not highlighted (it has none to report)."""

    media: MediaFolder | None = None
    diagrams: DiagramSource | None = None
    links: SourceLinks | None = None
    problems_only: bool = False


@dataclass
class FieldEnv:
    setup: RenderSetup
    path: str  # display path, for diagnostics
    source: str  # the notes file relative to the notes folder, for image paths
    first_line: int  # 1-based line of the field's first Markdown line
    media: dict[str, MediaFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def loc(self, line0: int) -> SourceLoc:
        return SourceLoc(self.path, self.first_line + line0)

    def image(self, src: str, line0: int) -> str | None:
        """The packaged name for `src`, or None after reporting why it cannot be shipped."""
        if self.setup.media is None:
            return src
        try:
            file = self.setup.media.image(src, self.source)
        except MediaProblem as problem:
            self.diagnostics.append(error(self.loc(line0), problem.code, problem.message))
            return None
        self.media[file.name] = file
        return file.name

    def diagram(self, source: str, line0: int) -> str | None:
        """<img> pair for a mermaid fence at `line0`, or None to show it as code."""
        diagrams = self.setup.diagrams
        if diagrams is None:
            return None
        try:
            svgs = diagrams.svgs(source, self.loc(line0))
        except MermaidError as err:
            # The diagram's first line is the one after the opening fence.
            line = line0 + (err.line or 0)
            message = f"mermaid: {one_line(without_its_lines(err.message))}"
            self.diagnostics.append(error(self.loc(line), MERMAID_SYNTAX, message))
            return None
        except RendererError as err:
            message = f"cannot render diagram: {one_line(str(err))}"
            self.diagnostics.append(error(self.loc(line0), RENDERER_FAILED, message))
            return None
        if svgs is None:
            return None
        # Both variants show the same thing; say it in words for screen readers and
        # for a reviewer that cannot show the image.
        alt = html.escape(alt_text(next(iter(svgs.values()))), quote=True)
        images = []
        for theme, svg in svgs.items():
            file = MediaFile(hashed_name("mermaid", svg.encode(), ".svg"), svg.encode())
            self.media[file.name] = file
            width = _svg_width(svg)
            style = f' style="min-width: {width * 55 // 100}px"' if width else ""
            images.append(f'<img class="diagram-{theme}" src="{file.name}" alt="{alt}"{style}>')
        return f'<div class="diagram">{"".join(images)}</div>\n'


_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="(\d+)"')


def _svg_width(svg: str) -> int | None:
    """The SVG's own width in pixels (the renderer sets it), for the shrink limit."""
    match = _SVG_WIDTH.search(svg)
    return int(match.group(1)) if match else None


def one_line(message: str) -> str:
    """Mermaid's multi-line messages (with a caret under the source) as one line."""
    lines = [line.strip() for line in message.splitlines()]
    return " ".join(line for line in lines if line and set(line) - {"-", "^"})


def _field_env(env: EnvType) -> FieldEnv | None:
    found = env.get(_ENV_KEY)
    return found if isinstance(found, FieldEnv) else None


# --- render rules ------------------------------------------------------------------------

_Rule = Any  # markdown-it passes the renderer itself as `self`


def _image(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """`![alt](media/x.png)` → a packaged image; `![label](media/x.mp3)` → Anki's sound tag,
    `[sound:x-<hash>.mp3]`, which plays on every Anki."""
    token, field_env = tokens[idx], _field_env(env)
    src = str(token.attrGet("src") or "")
    if field_env is not None:
        name = field_env.image(src, token.meta.get("line", 0))
        if name is not None:
            if is_audio(src) and field_env.setup.media is not None:
                return f"[sound:{html.escape(name)}]"
            token.attrSet("src", name)
    return str(RendererHTML.image(self, tokens, idx, options, env))


def _raw_html(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token, field_env = tokens[idx], _field_env(env)
    if field_env is None or "<img" not in token.content.lower():
        return token.content
    first = token.map[0] if token.map else token.meta.get("line", 0)
    return rewrite_img_sources(token.content, lambda src, line: field_env.image(src, first + line))


def _fence(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token, field_env = tokens[idx], _field_env(env)
    language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    if language == "mermaid" and field_env is not None:
        line0 = token.map[0] if token.map else 0
        diagram = field_env.diagram(token.content, line0)
        if diagram is not None:
            return diagram
    if _problems_only(field_env):
        return ""
    return str(RendererHTML.fence(self, tokens, idx, options, env))


def _problems_only(field_env: FieldEnv | None) -> bool:
    """Whether the HTML is thrown away (`deckgen check`): code need not be highlighted."""
    return field_env is not None and field_env.setup.problems_only


def _code_block(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # An indented block: plain text, laid out like a fenced one.
    return "" if _problems_only(_field_env(env)) else highlight_code(tokens[idx].content, "")


def _table_open(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # A wrapper that scrolls sideways, so a wide table does not widen the card on a phone.
    return '<div class="table-wrap">' + str(self.renderToken(tokens, idx, options, env))


def _table_close(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(self.renderToken(tokens, idx, options, env)) + "</div>\n"


def _math(display: bool) -> _Rule:
    # MathJax reads the text, so the TeX is only HTML-escaped.
    def rule(
        self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        tex = html.escape(tokens[idx].content.strip(), quote=False)
        return rf"\[{tex}\]" if display else rf"\({tex}\)"

    return rule


def _math_block(
    self: _Rule, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tex = html.escape(tokens[idx].content.strip(), quote=False)
    return f'<div class="math">\\[{tex}\\]</div>\n'


def _annotate_lines(state: StateCore) -> None:
    """Give inline tokens (images, raw tags) the 0-based line they stand on."""
    for token in state.tokens:
        if token.type != "inline" or token.map is None or not token.children:
            continue
        line = token.map[0]
        for child in token.children:
            child.meta["line"] = line
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            else:
                line += child.content.count("\n")


@cache
def markdown_renderer() -> MarkdownIt:
    """The one renderer of the project (see build_renderer)."""
    return build_renderer()


def build_renderer(*, sanitize: bool = True) -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, Pandoc-style dollar math; the author's
    raw HTML cleaned by deckgen's policy (sanitize.py) before any rule below adds HTML.
    `sanitize=False` exists for tests that compare against the unguarded output."""
    md = MarkdownIt("commonmark", {"highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    if sanitize:
        md.use(sanitize_plugin)
    # Pandoc's rules: no space just inside the dollars and no digit right after the
    # closing one, so "$5 and $10" stays text.
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    md.core.ruler.push("deckgen_lines", _annotate_lines)
    md.add_render_rule("math_inline", _math(display=False))
    md.add_render_rule("math_inline_double", _math(display=True))
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("image", _image)
    md.add_render_rule("html_inline", _raw_html)
    md.add_render_rule("html_block", _raw_html)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def env_of(field_env: FieldEnv | None) -> EnvType:
    """The markdown-it env a field renders with: its FieldEnv, for the render rules."""
    return {_ENV_KEY: field_env} if field_env is not None else {}


def _render(markdown: str, field_env: FieldEnv | None, *, inline: bool) -> str:
    plain = plain_html(markdown, inline=inline)
    if plain is not None:  # nothing for the HTML policy, the media or the diagrams to do
        return plain
    env = env_of(field_env)
    md = markdown_renderer()
    rendered = md.renderInline(markdown, env) if inline else md.render(markdown, env)
    if field_env is not None:
        # What the HTML policy removed, as warnings at the line the author wrote it on.
        found = html_diagnostics(env, field_env.path, first_line=field_env.first_line)
        field_env.diagnostics.extend(found)
    return str(rendered).strip()


def render_block(markdown: str, field_env: FieldEnv | None = None) -> str:
    return _render(markdown, field_env, inline=False)


def render_inline(markdown: str, field_env: FieldEnv | None = None) -> str:
    return _render(markdown, field_env, inline=True)
