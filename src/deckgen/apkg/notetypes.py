"""Note types as Anki reads them: deckgen's CSS for its built-ins, and genanki's models.

Anki keys a note type by id. If a later deck arrives with the same id but other
fields, Anki makes a copy of the note type and skips every note of it, so the names
and fields of released note types must never change (a test pins the built-ins'; a
release refuses it for declared ones unless it is major). Templates and CSS may evolve.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from urllib.parse import quote

import genanki
from pygments.formatters import HtmlFormatter

from deckgen.cards.fields import CODE_CSS_CLASS
from deckgen.model import NoteType
from deckgen.notes.notetypes import BUILTINS

BUILTIN_IDS = frozenset(note_type.id for note_type in BUILTINS.values())

_NIGHT = (".nightMode", ".night_mode")

BASE_CSS = """\
.card {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue",
    Arial, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
  max-width: 42em;
  margin: 0 auto;
  padding: 0 0.6em;
  /* A word longer than the card (a registry URL, a policy name) breaks at the edge
     rather than widening the card, which a phone would scroll sideways. */
  overflow-wrap: break-word;
}
.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card {
  color: #e6edf3;
  background-color: #1e1f22;
}
/* Dark scrollbars at night: in the card's own boxes, and the page's when the card is it. */
.nightMode, .night_mode, :root:has(> body.nightMode), :root:has(> body.night_mode) {
  color-scheme: dark;
}
.context { font-size: 0.7em; color: #6e7781; margin-bottom: 0.6em; letter-spacing: 0.02em; }
.nightMode .context, .night_mode .context { color: #9198a1; }
.question { font-weight: 600; }
.answer { margin-top: 0.4em; }
/* Small print still reads at WCAG AA (4.5:1) on both backgrounds. */
.source { font-size: 0.6em; color: #59636e; margin-top: 1.2em; }
.nightMode .source, .night_mode .source { color: #9198a1; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 0.8em 0; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #3d444d; }
.cloze { font-weight: 700; color: #0969da; }
.nightMode .cloze, .night_mode .cloze { color: #58a6ff; }
code, pre {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.85em;
  background-color: #eff1f3;
  border-radius: 4px;
  padding: 0.1em 0.3em;
}
.nightMode code, .night_mode code { background-color: #2d333b; }
.nightMode pre code, .night_mode pre code { background: none; }
/* Code wraps instead of scrolling inside its box: on a phone a sideways swipe is easily
   taken for a reviewer gesture, and a command read in slices is hard to recall whole. */
pre {
  overflow-x: auto;
  padding: 0.7em;
  border-radius: 6px;
  background-color: #f6f8fa;
  font-size: 0.8em;
  line-height: 1.4;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.nightMode pre, .night_mode pre { background-color: #161b22; }
pre code { background: none; padding: 0; font-size: 1em; white-space: inherit; }
/* Tables keep their columns and scroll inside their own box. */
.table-wrap { overflow-x: auto; margin: 0.5em 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 0.25em 0.6em; vertical-align: top; }
th { background-color: #f6f8fa; }
.nightMode th, .nightMode td, .night_mode th, .night_mode td { border-color: #3d444d; }
.nightMode th, .night_mode th { background-color: #161b22; }
img { max-width: 100%; height: auto; }
.answer > :first-child, .question > :first-child { margin-top: 0; }
.answer > :last-child, .question > :last-child { margin-bottom: 0; }
.answer h4 { font-size: 1em; margin: 0.8em 0 0.3em; }
blockquote { margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #d0d7de; color: #59636e; }
.nightMode blockquote, .night_mode blockquote { border-left-color: #3d444d; color: #9198a1; }
.math { overflow-x: auto; }
/* Diagrams come as two SVG images; night mode shows the dark one. */
/* Diagrams shrink to fit a narrow card down to the min-width set on each image (55%: small
   labels stay legible), and scroll sideways below that. */
.diagram { margin: 0.6em 0; text-align: center; overflow-x: auto; }
.diagram img { max-width: 100%; height: auto; }
.diagram img.diagram-dark { display: none; }
.nightMode .diagram img.diagram-light, .night_mode .diagram img.diagram-light { display: none; }
.nightMode .diagram img.diagram-dark, .night_mode .diagram img.diagram-dark { display: inline; }
@media (max-width: 480px) {
  .card { font-size: 18px; padding: 0 0.3em; }
  pre { padding: 0.5em; }
}
"""


def code_css() -> str:
    """Pygments palettes: a light one, and a dark one under Anki's night-mode classes."""
    light = HtmlFormatter(style="default").get_style_defs(f".{CODE_CSS_CLASS}")  # type: ignore[no-untyped-call]
    night_selectors = [f"{night} .{CODE_CSS_CLASS}" for night in _NIGHT]
    dark = HtmlFormatter(style="github-dark").get_style_defs(night_selectors)  # type: ignore[no-untyped-call]
    return f"{light}\n{dark}\n"


def code_lines_css() -> str:
    """One block per source line of code: where a long line wraps, its continuation lines
    are indented and each starts with a ↳ in the margin, so a wrapped part never reads as
    a line of its own. The arrows tile a box that starts one line down (empty for a line
    that does not wrap), so nothing has to match the code's background."""
    rule = """\
pre code .line { display: block; position: relative; padding-left: 2ch; text-indent: -2ch; }
pre code .line::before {
  content: "";
  position: absolute;
  left: 0;
  top: 1.4em;
  bottom: 0;
  width: 2ch;
  background: {light} 0 0 / 2ch 1.4em repeat-y;
}
.nightMode pre code .line::before, .night_mode pre code .line::before { background-image: {dark}; }
"""
    arrows = {"light": _continuation_arrow("#8c959f"), "dark": _continuation_arrow("#7d8590")}
    return rule.replace("{light}", arrows["light"]).replace("{dark}", arrows["dark"])


def _continuation_arrow(stroke: str) -> str:
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 12 14'>"
        "<path d='M3 2v5.5h6.5M7 5l2.5 2.5L7 10' fill='none'"
        f" stroke='{stroke}' stroke-width='1.4'/></svg>"
    )
    return 'url("data:image/svg+xml,' + quote(svg, safe=" ='/:.") + '")'


def card_css() -> str:
    return BASE_CSS + code_lines_css() + code_css()


def is_builtin(note_type: NoteType) -> bool:
    return note_type.id in BUILTIN_IDS


def anki_note_type(note_type: NoteType) -> NoteType:
    """A note type as the package ships it: deckgen's built-ins wear deckgen's CSS."""
    if is_builtin(note_type):
        return dataclasses.replace(note_type, css=card_css())
    return note_type


@cache
def genanki_model(note_type: NoteType) -> genanki.Model:
    shipped = anki_note_type(note_type)
    return genanki.Model(
        shipped.id,
        shipped.name,
        fields=[{"name": name} for name in shipped.fields],
        templates=[{"name": t.name, "qfmt": t.front, "afmt": t.back} for t in shipped.templates],
        css=shipped.css,
        model_type=genanki.Model.CLOZE if shipped.cloze else genanki.Model.FRONT_BACK,
        sort_field_index=0,
    )
