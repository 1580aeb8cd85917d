"""The lock of an imported deck: every note as the first build ships it, under its ORIGINAL
GUID and modification time, so that build updates learners' notes in place.

Anki matches an imported note by GUID and updates it only when the incoming one is newer.
The lock gives each note (key `id:<its id>`) its original GUID, and records it as deckgen
renders the imported Markdown, at the note's original modification time. The first build
finds nothing changed since this "release", so it ships every note at that time: learners
who have the note get a duplicate (left as it is, with its review history; the rendered
HTML is equivalent to theirs), new learners get the note as deckgen renders it. A later
edit gets the build's time and reaches everyone. Note types likewise keep their original
times (0 for a stock note type nobody edited), so learners' note types stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from deckgen import ids
from deckgen.cards.render import RenderedNote
from deckgen.importing.equivalence import plain_text
from deckgen.importing.layout import NotePlan
from deckgen.importing.source import SourceNote
from deckgen.model import Deck, DeckConfig, NoteType, ShippedNote
from deckgen.notes.notetypes import NoteTypes, note_type_of
from deckgen.releases.lock import DeckSettings, Lock, NoteTypeState, Tombstone
from deckgen.releases.plan import removed_deck
from deckgen.releases.shapes import state_of
from deckgen.times import EARLIEST, latest


def plausible(seconds: int, now: float) -> int:
    """A time a lock may hold: between 2000 and now (a clock that was wrong when the note
    was made gives it a time deckgen cannot ship; the nearest one it can is taken)."""
    return min(max(seconds, EARLIEST), latest(now) - 1)


def imported_lock(
    deck: Deck,
    rendered: Sequence[RenderedNote],
    originals: Mapping[str, SourceNote],
    tombstones: Iterable[NotePlan],
    note_type_times: Mapping[int, int],
    now: float,
) -> Lock:
    """`originals` by explicit id; `tombstones` a deckgen deck's removed notes, shipped on
    as they are; `note_type_times` by note type id."""
    registry = NoteTypes(deck.note_types)
    notes: list[ShippedNote] = []
    states: dict[str, NoteTypeState] = {}

    def record(note_type: NoteType) -> None:
        if note_type.name not in states:
            mod = note_type_times.get(note_type.id, 0)
            mod = 0 if mod == 0 else plausible(mod, now)
            states[note_type.name] = state_of(note_type, mod)

    for note in rendered:
        card = note.card
        assert card.explicit_id is not None, "every imported note has an explicit id"
        original = originals[card.explicit_id]
        note_type = note_type_of(card, registry)
        record(note_type)
        notes.append(
            ShippedNote(
                original.guid,
                ids.note_key(card),
                card.question,
                note_type.name,
                deck.subdeck_name(card),
                note.fields,
                card.tags,
                plausible(original.mod, now),
            )
        )
    removed = []
    for plan in tombstones:
        note_type = registry.named(plan.builtin or plan.note_type.name)
        record(note_type)
        removed.append(_tombstone(plan, note_type, deck.config, now))
    released = max([EARLIEST, *(n.mod for n in notes), *(s.mod for s in states.values())])
    return Lock(
        deck.config.version,
        released,
        DeckSettings.of(deck.config),
        dict(sorted(states.items())),
        tuple(notes),
        tuple(removed),
    )


_REMOVED_IN = re.compile(r"in version ([0-9A-Za-z.+-]+?)\.</b>")


def _tombstone(plan: NotePlan, note_type: NoteType, config: DeckConfig, now: float) -> Tombstone:
    """A removed note as the package ships it, exactly, for one more release."""
    note = plan.note
    fields = tuple(note.fields) + ("",) * (len(note_type.fields) - len(note.fields))
    shipped = ShippedNote(
        note.guid,
        f"id:{plan.explicit_id}",
        plain_text(note.fields[0]),
        note_type.name,
        removed_deck(config),
        fields[: len(note_type.fields)],
        note.tags,
        plausible(note.mod, now),
    )
    found = _REMOVED_IN.search(note.fields[1]) if len(note.fields) > 1 else None
    return Tombstone(shipped, found.group(1) if found else config.version, 1)
