"""One static HTML page of every card, front and back, light and dark, for review without Anki.

The page uses the note types' own templates and CSS, filled in the way Anki fills them
(``{{Field}}``, ``{{FrontSide}}``, ``{{cloze:Text}}``, ``{{#Field}}…{{/Field}}``), and shows
each side twice: on a plain card and on a card carrying Anki's night-mode classes. No
iframes and no scripts; the media files are written beside the page. Math stays as its
TeX source between MathJax delimiters, which Anki typesets and a plain browser does not.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from deckgen import ids
from deckgen.apkg.notetypes import anki_note_type
from deckgen.atomic import atomic_path, write_error
from deckgen.cards.media import MediaFile, stage_media
from deckgen.cards.render import RenderedNote, deck_media
from deckgen.errors import Diagnostic, plural
from deckgen.model import Deck, NoteType
from deckgen.notes.cloze import CLOZE_TOKEN, cloze_numbers
from deckgen.notes.notetypes import NoteTypes, card_count, note_type_of
from deckgen.pipeline import check_output, load_and_render

PAGE_NAME = "index.html"
NIGHT_CLASSES = "nightMode night_mode"  # what Anki puts on the card's <body> in night mode

_SECTION = re.compile(r"\{\{([#^])\s*([^}]+?)\s*\}\}(.*?)\{\{/\s*\2\s*\}\}", re.DOTALL)
_REPLACEMENT = re.compile(r"\{\{\s*([^#^/}][^}]*?)\s*\}\}")
_TAG = re.compile(r"<[^>]*>")

PREVIEW_CSS = """\
body.preview {
  margin: 0; padding: 1em; background: #d8dadd; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Arial, sans-serif;
  overflow-wrap: break-word;
}
.preview > header, .preview > nav, .subdeck { max-width: 90em; margin: 0 auto 1em; }
.preview > header h1 { margin: 0 0 0.2em; font-size: 1.4em; }
.preview > header p { margin: 0; color: #444c56; }
.preview > nav h2 { font-size: 1em; margin: 0 0 0.3em; }
.preview > nav ol { margin: 0; padding-left: 1.4em; columns: 16em; }
.preview a { color: #0550ae; }
.subdeck > h2 { font-size: 1.15em; margin: 1.2em 0 0.6em; border-bottom: 1px solid #afb8c1; }
.subdeck > h2 small { font-weight: 400; color: #444c56; }
.subdeck > h2 a { font-size: 0.7em; font-weight: 400; margin-left: 0.6em; }
.note { margin: 0 0 1.5em; }
.note > h3 { font-size: 0.85em; font-weight: 600; color: #444c56; margin: 0 0 0.4em; }
/* The four views read in order: front then back, light then dark; two a row on a wide
   screen, one a row on a phone. minmax(0, …) lets a column narrow below its content. */
.sides { display: grid; gap: 0.6em; grid-template-columns: repeat(2, minmax(0, 1fr)); }
@media (max-width: 44em) {
  body.preview { padding: 0.5em; }
  .sides { grid-template-columns: minmax(0, 1fr); }
}
.side { margin: 0; min-width: 0; }
.side > figcaption { font-size: 0.75em; color: #444c56; margin-bottom: 0.2em; }
.side > .card { max-width: none; margin: 0; padding: 0.8em 1em; border-radius: 8px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.25); min-height: 4em; }
"""


def field_is_empty(value: str) -> bool:
    """Anki's test for {{#Field}}: nothing left once tags and whitespace are gone."""
    return not _TAG.sub("", value).strip()


def render_cloze(text: str, ordinal: int, *, question: bool) -> str:
    """`{{cN::text::hint}}` markers as Anki shows them on card `ordinal`."""
    levels: list[list[str]] = [[]]
    numbers: list[int] = []
    pos = 0
    for match in CLOZE_TOKEN.finditer(text):
        levels[-1].append(text[pos : match.start()])
        pos = match.end()
        if match.group(1) is not None:
            numbers.append(int(match.group(1)))
            levels.append([])
        elif numbers:
            body = "".join(levels.pop())
            levels[-1].append(_cloze_span(body, numbers.pop(), ordinal, question))
        else:
            levels[-1].append(match.group(0))
    levels[-1].append(text[pos:])
    while len(levels) > 1:  # an unclosed marker stays as written
        inner = "".join(levels.pop())
        levels[-1].append(f"{{{{c{numbers.pop()}::{inner}")
    return "".join(levels[0])


def _cloze_span(body: str, number: int, ordinal: int, question: bool) -> str:
    answer, _, hint = body.partition("::")
    if number != ordinal:
        return f'<span class="cloze-inactive" data-ordinal="{number}">{answer}</span>'
    if question:
        shown = f"[{hint}]" if hint else "[...]"
        return f'<span class="cloze" data-ordinal="{number}">{shown}</span>'
    return f'<span class="cloze" data-ordinal="{number}">{answer}</span>'


def fill_template(
    template: str,
    fields: Mapping[str, str],
    *,
    ordinal: int = 1,
    question: bool = True,
    front_side: str = "",
) -> str:
    """A card template filled in the way Anki fills it (the subset deckgen's templates use)."""

    def section(match: re.Match[str]) -> str:
        shown = not field_is_empty(fields.get(match.group(2), ""))
        keep = shown if match.group(1) == "#" else not shown
        return match.group(3) if keep else ""

    previous = None
    while previous != template:  # nested sections, innermost last
        previous, template = template, _SECTION.sub(section, template)

    def replacement(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "FrontSide":
            return front_side
        if name.startswith("cloze:"):
            return render_cloze(fields.get(name[6:], ""), ordinal, question=question)
        if name.startswith("type:"):
            return type_answer(fields.get(name[5:], ""), question=question)
        return fields.get(name, "")

    return _REPLACEMENT.sub(replacement, template)


def type_answer(field: str, *, question: bool) -> str:
    """Anki's `{{type:Field}}`: a box to type into on the front; on the back (where Anki
    compares what was typed) the expected answer."""
    if question:
        return '<input id="typeans" type="text" disabled placeholder="type the answer">'
    expected = html.escape(" ".join(_TAG.sub(" ", html.unescape(field)).split()))
    return f'<code id="typeans">{expected}</code>'


@dataclass(frozen=True)
class CardSides:
    heading: str
    front: str
    back: str
    note_type: int = 0  # its id: the card wears only that note type's CSS, as in Anki
    ordinal: int = 1  # Anki's card1, card2 … class: the template's number, or the cloze's


def card_sides(note: RenderedNote, note_type: NoteType) -> Iterator[CardSides]:
    """The Anki cards of one note: one per template whose front shows something (two for
    deckgen Reversed), or one per cloze number."""
    return note_sides(note.fields, note_type, f"{note.card.loc} · {note_type.name}")


def note_sides(values: Sequence[str], note_type: NoteType, where: str) -> Iterator[CardSides]:
    """The Anki cards of a note given by its fields' HTML (`where` heads each card)."""
    fields = dict(zip(note_type.fields, values, strict=True))
    if note_type.cloze:
        template = note_type.templates[0]
        for ordinal in cloze_numbers(fields.get(note_type.fields[0], "")):
            front = fill_template(template.front, fields, ordinal=ordinal)
            back = fill_template(template.back, fields, ordinal=ordinal, question=False)
            yield CardSides(f"{where} c{ordinal}", front, back, note_type.id, ordinal)
        return
    many = len(note_type.templates) > 1
    filled = {name for name, value in fields.items() if not field_is_empty(value)}
    for ordinal, template in enumerate(note_type.templates, start=1):
        if card_count(dataclasses.replace(note_type, templates=(template,)), filled, 0) == 0:
            continue  # Anki makes no card of a template whose front shows no field
        front = fill_template(template.front, fields)
        back = fill_template(template.back, fields, question=False, front_side=front)
        heading = f"{where} · {template.name}" if many else where
        yield CardSides(heading, front, back, note_type.id, ordinal)


def _side(caption: str, body: str, night: bool, sides: CardSides, kind: str = "") -> str:
    classes = f"card card{sides.ordinal}" + (f" {NIGHT_CLASSES}" if night else "")
    figure = " ".join(part for part in ("side", kind, _scope(sides.note_type)) if part)
    return (
        f'<figure class="{figure}"><figcaption>{caption}</figcaption>'
        f'<div class="{classes}">\n{body}\n</div></figure>'
    )


def side_panes(sides: CardSides, label: str = "", kind: str = "") -> list[str]:
    """A card's four views in reading order: front and back, light then dark (`label`, e.g.
    "Before", heads each caption; `kind` classes each pane)."""
    prefix = f"{label} · " if label else ""
    return [
        _side(
            f"{prefix}{side} · {theme}", getattr(sides, side.lower()), theme == "dark", sides, kind
        )
        for theme in ("light", "dark")
        for side in ("Front", "Back")
    ]


def _card_section(number: int, sides: CardSides) -> str:
    return (
        f'<section class="note" id="card-{number}"><h3>{html.escape(sides.heading)}</h3>'
        f'<div class="sides">\n{chr(10).join(side_panes(sides))}\n</div></section>'
    )


def _by_subdeck(
    deck: Deck, notes: list[RenderedNote]
) -> tuple[dict[str, list[CardSides]], dict[int, NoteType]]:
    """Every card, grouped by sub-deck in the order the sub-decks first appear, and the
    note types they use, by id."""
    groups: dict[str, list[CardSides]] = {}
    used: dict[int, NoteType] = {}
    registry = NoteTypes(deck.note_types)
    for note in notes:
        note_type = note_type_of(note.card, registry)
        used.setdefault(note_type.id, note_type)
        groups.setdefault(deck.subdeck_name(note.card), []).extend(card_sides(note, note_type))
    return groups, used


def _scope(note_type: int) -> str:
    return f"note-type-{note_type}"


def note_type_css(note_types: Mapping[int, NoteType]) -> str:
    """Each note type's CSS as the package ships it, applied to its own cards only (in
    Anki a card never wears another note type's CSS): an @scope rule per note type."""
    return "".join(
        f"@scope (.{_scope(id_)}) {{\n{anki_note_type(t).css}\n}}\n"
        for id_, t in sorted(note_types.items())
    )


def preview_page(deck: Deck, notes: list[RenderedNote]) -> tuple[str, int]:
    """The page's HTML and how many cards it shows: an index of the sub-decks, then each
    sub-deck's cards, every card's four views in reading order."""
    index: list[str] = []
    groups: list[str] = []
    number = 0
    subdecks, used = _by_subdeck(deck, notes)
    for name, cards in subdecks.items():
        anchor = f"deck-{len(groups) + 1}-{ids.slug(name)}"
        count = plural(len(cards), "card")
        index.append(f'<li><a href="#{anchor}">{html.escape(name)}</a> · {count}</li>')
        sections = [_card_section(number + i, sides) for i, sides in enumerate(cards, start=1)]
        number += len(cards)
        groups.append(
            f'<section class="subdeck" id="{anchor}"><h2>{html.escape(name)} <small>{count}'
            f'</small><a href="#index">index</a></h2>\n{chr(10).join(sections)}\n</section>'
        )
    title = html.escape(f"{deck.config.name} {deck.config.version}")
    header = (
        f"<header><h1>{title}</h1><p>{number} cards, each front and back, light and dark.\n"
        "Math shows as TeX here; Anki typesets it.</p></header>\n"
        '<nav id="index" aria-label="Sub-decks"><h2>Sub-decks</h2><ol>\n'
        f"{chr(10).join(index)}\n</ol></nav>"
    )
    page = page_html(f"{title} · preview", used, f"{header}\n{chr(10).join(groups)}")
    return page, number


def page_html(
    title: str, note_types: Mapping[int, NoteType], body: str, extra_css: str = ""
) -> str:
    """A whole page: the CSS of the note types its cards use (by id), each on its own
    cards, and the preview's own (and `extra_css`), then `body`."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{note_type_css(note_types)}</style>
<style>
{PREVIEW_CSS}{extra_css}</style>
</head>
<body class="preview">
{body}
</body>
</html>
"""


@dataclass(frozen=True)
class PreviewResult:
    path: Path
    cards: int
    media: int
    diagnostics: list[Diagnostic]


def write_preview(notes_dir: Path, out_dir: Path) -> PreviewResult:
    """Render the deck and write OUT_DIR/index.html with its media beside it."""
    check_output(notes_dir, out_dir)
    loaded = load_and_render(notes_dir, store=False)  # a preview only reads the notes
    deck, rendered, diagnostics = loaded.deck, loaded.rendered, loaded.diagnostics
    page, cards = preview_page(deck, rendered)
    return write_page(out_dir, page, cards, deck_media(rendered), diagnostics)


def write_page(
    out_dir: Path, page: str, cards: int, media: Sequence[MediaFile], diagnostics: list[Diagnostic]
) -> PreviewResult:
    """OUT_DIR/index.html, with the media files it shows beside it."""
    path = out_dir / PAGE_NAME
    try:
        staged = stage_media(media, out_dir)
    except OSError as exc:
        raise write_error(Path(exc.filename or out_dir), exc) from exc
    with atomic_path(path) as temp:
        temp.write_text(page, encoding="utf-8")
    return PreviewResult(path, cards, len(staged), diagnostics)
