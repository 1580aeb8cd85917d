"""`deckgen preview --changed`: one page with only the cards a change touches since the last
release, for a pull request's reviewers: the added ones; the changed ones before and after,
with what changed in words; the removed ones as learners had them. Each card front and
back, light and dark, as the full preview shows it.

"Before" is the note as the lock shipped it (its rendered fields), shown with today's
templates and CSS: the lock keeps only a hash of those. An image the change replaced shows
its alt text there, since its old file is no longer in the notes.
"""

from __future__ import annotations

import dataclasses
import html
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from deckgen.cards.media import MediaFile
from deckgen.cards.render import deck_media
from deckgen.errors import plural
from deckgen.model import Deck, NoteType, ShippedNote
from deckgen.pipeline import check_output, load_and_render
from deckgen.preview.page import (
    CardSides,
    PreviewResult,
    note_sides,
    page_html,
    side_panes,
    write_page,
)
from deckgen.releases.diff import by_file, in_place, note_changes, source_of
from deckgen.releases.plan import Plan, make_plan, subdeck_of
from deckgen.releases.published import base_lock
from deckgen.times import utc_date

CHANGES_CSS = """\
.change > h2 { font-size: 1.15em; margin: 1.2em 0 0.6em; border-bottom: 1px solid #afb8c1; }
.change > h2 small { font-weight: 400; color: #444c56; }
.change > h2 a { font-size: 0.7em; font-weight: 400; margin-left: 0.6em; }
.note > .changes { margin: 0 0 0.5em; padding-left: 1.4em; font-size: 0.8em; color: #444c56; }
.side.before > figcaption { color: #a40e26; }
.side.after > figcaption { color: #116329; }
.side.before > .card { box-shadow: 0 0 0 2px #cf222e; }
.side.after > .card { box-shadow: 0 0 0 2px #1a7f37; }
"""
_MEDIA_NAME = re.compile(r'src="([^"/]+)"|\[sound:([^\]/]+)\]')


@dataclass(frozen=True)
class _Shown:
    """One note of the page: its heading, what changed in words, its cards by version."""

    heading: str
    changes: list[str]
    versions: list[tuple[str, list[CardSides]]]  # (label, cards): "", "Before", "After" …

    @property
    def cards(self) -> int:
        return sum(len(cards) for _, cards in self.versions)


def _sides(note: ShippedNote, note_type: NoteType) -> list[CardSides]:
    """The note's cards, each headed by what tells it from the note's others (`c2`, a
    template's name) or by nothing."""
    return [
        dataclasses.replace(sides, heading=sides.heading.strip(" ·"))
        for sides in note_sides(note.fields, note_type, "")
    ]


def _as_released(note: ShippedNote, plan: Plan) -> NoteType:
    """The note type of a note as the last release shipped it: today's templates on the
    fields it had then (its note type matched by id, so a renamed one is found)."""
    note_type = plan.anki_note_types[note.note_type]
    released = plan.released
    if released is None or note.note_type not in released.note_types:
        return note_type
    return dataclasses.replace(note_type, fields=released.fields_of(note))


def _question(note: ShippedNote) -> str:
    return f"{subdeck_of(note)}: {' '.join(note.question.split())}"


def shown_notes(plan: Plan) -> Iterator[tuple[str, _Shown]]:
    """("added" | "changed" | "removed", the note as the page shows it), in file order."""
    lock = plan.released  # the last release, its note types under their current names
    kinds = plan.anki_note_types
    for note in in_place(plan, plan.changes.added):
        heading = f"{_question(note)} · {plan.locations[note.guid]} · {note.note_type}"
        yield "added", _Shown(heading, [], [("", _sides(note, kinds[note.note_type]))])
    changed = sorted(plan.changes.changed, key=lambda pair: plan.locations[pair[1].guid])
    for old, new in changed:
        heading = f"{_question(new)} · {plan.locations[new.guid]} · {new.note_type}"
        names = plan.note_types[new.note_type].fields
        versions = [
            ("Before", _sides(old, _as_released(old, plan))),
            ("After", _sides(new, kinds[new.note_type])),
        ]
        then = plan.released.fields_of(old) if plan.released is not None else None
        changes = list(note_changes(old, new, names, old_names=then))
        yield "changed", _Shown(heading, changes, versions)
    for note in by_file(plan.changes.removed, lock):
        heading = f"{_question(note)} · was in {source_of(note, lock)} · {note.note_type}"
        versions = [("Removed", _sides(note, _as_released(note, plan)))]
        yield "removed", _Shown(heading, [], versions)


def _note_section(number: int, shown: _Shown) -> str:
    changes = "".join(f"<li>{html.escape(line)}</li>" for line in shown.changes)
    listed = f'<ul class="changes">{changes}</ul>\n' if changes else ""
    panes = [
        pane
        for label, cards in shown.versions
        for sides in cards
        for pane in side_panes(sides, _caption(label, sides.heading), label.lower())
    ]
    return (
        f'<section class="note" id="note-{number}"><h3>{html.escape(shown.heading)}</h3>\n'
        f'{listed}<div class="sides">\n{chr(10).join(panes)}\n</div></section>'
    )


def _caption(label: str, card: str) -> str:
    """`Before · c2`: the version, and which of the note's cards."""
    return " · ".join(part for part in (label, card) if part)


def changed_page(deck: Deck, plan: Plan) -> tuple[str, int]:
    """The page's HTML and how many cards it shows (a changed card counts twice: before and
    after)."""
    lock = plan.released  # the last release, its note types under their current names
    groups: dict[str, list[_Shown]] = {"added": [], "changed": [], "removed": []}
    for kind, shown in shown_notes(plan):
        groups[kind].append(shown)
    index: list[str] = []
    sections: list[str] = []
    number = 0
    for kind, notes in groups.items():
        count = plural(len(notes), "note")
        index.append(f'<li><a href="#{kind}">{kind.capitalize()}</a> · {count}</li>')
        parts = [_note_section(number + i, shown) for i, shown in enumerate(notes, start=1)]
        number += len(notes)
        sections.append(
            f'<section class="change {kind}" id="{kind}"><h2>{kind.capitalize()}'
            f' <small>{count}</small><a href="#index">index</a></h2>\n{chr(10).join(parts)}\n'
            "</section>"
        )
    cards = sum(shown.cards for notes in groups.values() for shown in notes)
    name = html.escape(deck.config.name)
    since = (
        f"changes since {html.escape(lock.version)} (released {utc_date(lock.released)})"
        if lock is not None
        else "no release yet: every card is new"
    )
    header = (
        f"<header><h1>{name}: {since}</h1><p>{plural(cards, 'card')}, each front and back,"
        " light and dark; a changed card before and after.\nMath shows as TeX here; Anki"
        " typesets it.</p></header>\n"
        f'<nav id="index" aria-label="Changes"><h2>Changes</h2><ol>\n{chr(10).join(index)}\n'
        "</ol></nav>"
    )
    body = f"{header}\n{chr(10).join(sections)}"
    note_types = {t.id: t for t in plan.anki_note_types.values()}
    return page_html(f"{name} · changed cards", note_types, body, CHANGES_CSS), cards


def _media_shown(page: str, media: Sequence[MediaFile]) -> list[MediaFile]:
    """The media files the page's cards use (an old version's that are still in the notes)."""
    names = {a or b for a, b in _MEDIA_NAME.findall(page)}
    return [file for file in media if file.name in names]


def write_changed_preview(notes_dir: Path, out_dir: Path) -> PreviewResult:
    """Compare the notes with the last release learners hold and write OUT_DIR/index.html
    with the cards that changed, and the media they show."""
    check_output(notes_dir, out_dir)
    loaded = load_and_render(notes_dir, store=False)  # a preview only reads the notes
    deck = loaded.deck
    lock = base_lock(notes_dir, deck.config, time.time()).lock
    plan = make_plan(deck, loaded.rendered, lock, int(time.time()))
    page, cards = changed_page(deck, plan)
    media = _media_shown(page, deck_media(loaded.rendered))
    return write_page(out_dir, page, cards, media, loaded.diagnostics)
