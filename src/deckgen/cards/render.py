"""Cards → rendered notes: each card's fields as HTML (see fields.py), with the media
files they reference and every problem found on the way, at the line the author wrote it.
For a whole deck, also what to say about diagrams that could not be rendered here.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from deckgen.cards.fields import FieldEnv, RenderSetup, render_block, render_inline
from deckgen.cards.media import MediaFile, MediaFolder
from deckgen.cards.parsed import ParsedNotes, render_tokens
from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.diagrams.source import CACHE_FOLDER, DiagramSource
from deckgen.errors import Diagnostic, info, warning
from deckgen.model import Card, CardKind, Deck, NoteType, SourceLinks, SourceLoc
from deckgen.notes.notetypes import (
    CONTEXT,
    SOURCE,
    NoteTypes,
    default_note_type,
    note_type_of,
)

DIAGRAMS_AS_CODE = "DG301"
DIAGRAM_UNCACHED = "DG302"
STALE_DIAGRAM = "DG303"


@dataclass(frozen=True, slots=True)
class RenderedNote:
    """A card's fields as HTML, in the order of its note type's fields, with the media
    files they reference and the problems found while rendering them."""

    card: Card
    fields: tuple[str, ...]
    media: tuple[MediaFile, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


def context_line(card: Card) -> str:
    deck = card.deck.replace("::", " › ")
    parts = [part for part in (deck, card.topic) if part]
    return " › ".join(parts)


@lru_cache(maxsize=1024)  # cards of a topic share one string: big decks hold 100,000
def _escaped(text: str) -> str:
    return html.escape(text)


SUGGEST_A_FIX = "suggest a fix"


def source_field(card: Card, links: SourceLinks | None) -> str:
    """The Source field: the card's notes file. With deck.toml's `repository`, the file's
    name links to the card in the repository (the file at the card's heading anchor, which
    moves only with the card's own heading, never with cards added above it) and "suggest
    a fix" to the forge's page that edits the file. Plain links, which Anki opens in the
    browser; they take the small print's colour, so they read at WCAG AA in both themes."""
    name = _escaped(card.source)
    if links is None:
        return name
    path = links.path(card.source)
    anchor = f"#{quote(card.anchor, safe='')}" if card.anchor else ""
    parts = [_link(_address(links.file_url, links.branch, path) + anchor, name)]
    if links.edit_url is not None:
        parts.append(_link(_address(links.edit_url, links.branch, path), SUGGEST_A_FIX))
    return " · ".join(parts)


@dataclass(frozen=True)
class SourceOf:
    """What a Source field says (source_field's inverse, for `deckgen import`): the notes
    file, and where it linked when the deck had a `repository`."""

    file: str
    url: str | None = None  # the file's page, with the card's anchor
    edit_url: str | None = None


_SOURCE_LINKS = re.compile(
    r'^<a href="([^"]*)" style="color:inherit">([^<]*)</a>'
    rf'(?: · <a href="([^"]*)" style="color:inherit">{re.escape(SUGGEST_A_FIX)}</a>)?$'
)


def source_of(field: str) -> SourceOf:
    links = _SOURCE_LINKS.match(field)
    if links is None:
        return SourceOf(html.unescape(field))
    edit = html.unescape(links[3]) if links[3] is not None else None
    return SourceOf(html.unescape(links[2]), html.unescape(links[1]), edit)


def _address(template: str, ref: str, path: str) -> str:
    return template.replace("{ref}", quote(ref, safe="/")).replace("{path}", quote(path, safe="/"))


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}" style="color:inherit">{text}</a>'


def may_report(markdown: str) -> bool:
    """Whether rendering this Markdown can report a problem or need a file: only raw HTML
    and autolinks (`<`), links and images (`[`) and diagram fences (`mermaid`, in any case)
    can. Every rule of fields.py that records a diagnostic or a media file must keep this
    true (tests/property/test_may_report.py)."""
    return "<" in markdown or "[" in markdown or "mermaid" in markdown.lower()


def markdown_of(card: Card) -> list[str]:
    """The Markdown of each field the card's author wrote."""
    return [card.question, card.answer, *(section.markdown for section in card.sections)]


def render_card(
    card: Card,
    setup: RenderSetup | None = None,
    note_type: NoteType | None = None,
    parsed: ParsedNotes | None = None,
) -> RenderedNote:
    """Render one card into its note type's fields (default: deckgen Basic or Cloze, by the
    card's kind). Without a setup, images keep their paths and diagrams stay code. `parsed`
    is the card's notes file as its structure was parsed: fields that are whole blocks of
    it are rendered from its tokens (deckgen.cards.parsed), to the same HTML."""
    setup = setup or RenderSetup()
    kind = note_type or default_note_type(card.kind is CardKind.CLOZE)
    names = kind.fields
    envs: list[FieldEnv] = []

    def env(line: int) -> FieldEnv:
        envs.append(FieldEnv(setup, card.loc.path, card.source, line))
        return envs[-1]

    values: dict[str, str] = {}
    tokens = parsed.question(card) if parsed is not None else None
    if tokens is not None:
        values[names[0]] = render_tokens(tokens, env(1))
    elif card.kind is CardKind.BASIC:
        values[names[0]] = render_inline(card.question, env(card.loc.line))
    else:
        values[names[0]] = render_block(card.question, env(card.loc.line))
    if len(names) > 1 and card.answer:
        tokens = parsed.answer(card) if parsed is not None else None
        if tokens is not None:
            values[names[1]] = render_tokens(tokens, env(1))
        else:
            values[names[1]] = render_block(card.answer, env(card.answer_line or card.loc.line))
    for section in card.sections:
        values[section.name] = render_block(section.markdown, env(section.line))
    if CONTEXT in names:
        values[CONTEXT] = _escaped(context_line(card))
    if SOURCE in names:
        values[SOURCE] = source_field(card, setup.links)
    media = {name: file for field_env in envs for name, file in field_env.media.items()}
    problems = tuple(problem for field_env in envs for problem in field_env.diagnostics)
    fields = tuple(values.get(name, "") for name in names)
    return RenderedNote(card, fields, tuple(media[name] for name in sorted(media)), problems)


def render_cards(
    cards: Sequence[Card],
    setup: RenderSetup,
    note_types: NoteTypes,
    parsed: ParsedNotes | None = None,
    earlier: Sequence[RenderedNote] = (),
) -> list[RenderedNote]:
    """A notes file's cards rendered (render_card). `earlier`: notes rendered of an earlier
    version of the file with the same setup and note types; a card equal to one of theirs
    (the same Markdown, lines, tags and anchor) keeps its rendered note, since rendering
    depends on nothing else."""
    known = {note.card: note for note in earlier}
    return [
        dataclasses.replace(known[card], card=card)
        if card in known
        else render_card(card, setup, note_type_of(card, note_types), parsed)
        for card in cards
    ]


def render_deck(
    deck: Deck, notes_dir: Path, *, checking: bool = False, list_stale: bool = False
) -> tuple[list[RenderedNote], list[Diagnostic]]:
    """Every card rendered, and every problem found (sorted later by the caller).

    Diagrams missing from the cache are rendered when this machine has a renderer, and
    those that cannot be get one warning for the whole deck. With `checking` (`deckgen
    check`, which keeps only the problems) only the cards whose rendering could report one
    are rendered (may_report), and diagrams only for mermaid to check them, never stored,
    each listed, saying whether it could be checked. With `list_stale` (a complete deck
    only), cached diagrams no card uses are listed as info.
    """
    with DiagramSource.beside(notes_dir, store=not checking) as diagrams:
        setup = RenderSetup(MediaFolder(notes_dir), diagrams, deck.config.links, checking)
        cards = [
            card
            for card in deck.cards
            if not checking or any(may_report(text) for text in markdown_of(card))
        ]
        rendered = render_cards(cards, setup, NoteTypes(deck.note_types))
    problems = [problem for note in rendered for problem in note.diagnostics]
    if checking:
        problems += uncached_warnings(diagrams.unrendered, diagrams.unstored, notes_dir)
    else:
        problems += unrendered_warnings(diagrams.unrendered, notes_dir)
    if list_stale:
        problems += [stale_diagram_info(path) for path in diagrams.stale_files()]
    return rendered, problems


def stale_diagram_info(path: Path) -> Diagnostic:
    message = "no diagram in the notes uses this cached SVG any more: it is safe to delete"
    return info(SourceLoc(path.as_posix(), 1), STALE_DIAGRAM, message)


def _needs() -> str:
    """` (needs …)`: what to install for a renderer here, named wherever one was missed."""
    lacks = MermaidRenderer.missing()
    return f" (needs {' and '.join(lacks)})" if lacks else ""


def unrendered_warnings(unrendered: Sequence[SourceLoc], notes_dir: Path) -> list[Diagnostic]:
    """A build's one warning about diagrams neither in the cache nor renderable here."""
    if not unrendered:
        return []
    cache = (notes_dir / CACHE_FOLDER).as_posix()
    count = len(unrendered)
    message = (
        f"{count} diagram{'s are' if count > 1 else ' is'} not in {cache} and cannot be"
        f" rendered here{_needs()}: shown as code"
    )
    return [warning(unrendered[0], DIAGRAMS_AS_CODE, message)]


def uncached_warnings(
    unchecked: Sequence[SourceLoc], checked: Sequence[SourceLoc], notes_dir: Path
) -> list[Diagnostic]:
    """`deckgen check`: each diagram missing from the cache, and whether mermaid checked it."""
    cache = (notes_dir / CACHE_FOLDER).as_posix()
    found = []
    if unchecked:  # what this machine lacks is looked up only when it is said
        not_checked = (
            f"diagram not in {cache} yet, and not checked: mermaid cannot run here{_needs()};"
            f" build where it can, then commit {cache}"
        )
        found = [warning(loc, DIAGRAM_UNCACHED, not_checked) for loc in unchecked]
    ok = f"diagram not in {cache} yet (mermaid accepts it): build, then commit {cache}"
    return found + [warning(loc, DIAGRAM_UNCACHED, ok) for loc in checked]


def deck_media(notes: Iterable[RenderedNote]) -> list[MediaFile]:
    """The media files of every note, once each, by name."""
    files = {file.name: file for note in notes for file in note.media}
    return [files[name] for name in sorted(files)]
