"""Rendered notes + the last release's lock + a build time → what a build ships, and what changed.

Every note keeps the GUID and the modification time the lock gives it while its content
stays the same, so a re-import leaves it alone; a note whose content changed, or a new
one, gets the build time, so a re-import updates or adds it. A note that left the notes
is shipped once more as a tombstone. Pure: no disk, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from deckgen import ids
from deckgen.apkg.package import MERGE_ADVICE
from deckgen.cards.render import RenderedNote
from deckgen.errors import Diagnostic, error
from deckgen.model import Card, Deck, DeckConfig, NoteType, ShippedNote, SourceLoc
from deckgen.notes.notetypes import NoteTypes, note_type_of
from deckgen.releases.lock import DeckSettings, Lock, NoteTypeState, Tombstone
from deckgen.releases.shapes import SWITCHED, align, fit, plan_note_types
from deckgen.releases.versions import Bump

REMOVED_DECK = "Removed"
ANSWER_FIELD = 1  # Back, or Extra for a cloze


@dataclass(frozen=True)
class Changes:
    """What a build holds that the last release did not."""

    added: tuple[ShippedNote, ...]
    changed: tuple[tuple[ShippedNote, ShippedNote], ...]  # (as released, as built)
    removed: tuple[ShippedNote, ...]  # as last released
    note_types: tuple[str, ...]  # note types whose templates or CSS changed
    settings: tuple[str, ...]  # deck.toml keys
    first_release: bool
    note_type_shape: tuple[str, ...] = ()  # released note types whose fields or templates changed
    switched: tuple[tuple[ShippedNote, ShippedNote], ...] = ()  # notes moved to another type

    @property
    def any(self) -> bool:
        parts = (self.added, self.changed, self.removed, self.note_types, self.note_type_shape)
        return self.first_release or any((*parts, self.settings))

    @property
    def needs_merge(self) -> bool:
        """Whether learners must tick *Merge note types* (and update notes *Always*) on
        import for every update to arrive: Anki skips a note whose note type's shape differs
        from theirs, and merging stamps their notes with the import's time."""
        return bool(self.note_type_shape)

    def needed_bump(self) -> Bump:
        """major: learners must merge note types; minor: cards added or removed, or the look
        of a note type changed; patch: any other change of a note or of deck.toml."""
        if self.first_release:
            return Bump.NONE
        if self.needs_merge:
            return Bump.MAJOR
        if self.added or self.removed or self.note_types:
            return Bump.MINOR
        return Bump.PATCH if self.changed or self.settings else Bump.NONE


@dataclass(frozen=True)
class Plan:
    deck: Deck
    notes: tuple[ShippedNote, ...]
    tombstones: tuple[Tombstone, ...]
    note_types: dict[str, NoteTypeState]
    changes: Changes
    timestamp: int  # the package's own time: the build's if anything changed, else the release's
    locations: dict[str, SourceLoc]  # GUID → where the note is written

    @property
    def shipped(self) -> tuple[ShippedNote, ...]:
        return self.notes + tuple(t.note for t in self.tombstones)

    anki_note_types: dict[str, NoteType]  # every note type the shipped notes use, by name
    unreleased_after: str | None = None  # a build of changes not released yet: after which
    problems: tuple[Diagnostic, ...] = ()  # what no release may ship (DG132, DG138)
    released: Lock | None = None  # the last release, its note types under their current names
    # What the release changed, as its changelog section says it, for the root deck's
    # description: a release's own (publish.py sets it), or the lock's for a build of the
    # released notes; None for a build of unreleased changes
    release_notes: str | None = None

    @property
    def shipped_note_types(self) -> dict[str, tuple[NoteType, int]]:
        """Each note type the package holds, with the modification time it ships with."""
        return {
            name: (note_type, self.note_types[name].mod)
            for name, note_type in self.anki_note_types.items()
        }

    def notices(self) -> list[str]:
        """What a learner must know to import this package (the root deck's description):
        to merge note types, for a release that needs it, cut now or built from its tag."""
        if not (self.changes.needs_merge or MERGE_ADVICE in (self.release_notes or "")):
            return []
        return [
            "<b>When you import this version, tick <i>Merge note types</i> and set"
            " <i>Update notes</i> to <i>Always</i></b> in the import dialog: a note type"
            " changed its fields, and without both Anki keeps your old notes."
        ]

    def removed_deck_description(self) -> dict[str, str]:
        config = self.deck.config
        description = (
            f"Notes removed from {config.name}, each tagged {config.slug}::removed."
            " They are safe to delete: in the Browser, search"
            f" <code>tag:{config.slug}::removed</code>, select all and delete."
        )
        return {removed_deck(config): description}

    def to_lock(self, version: str, released: int) -> Lock:
        return Lock(
            version,
            released,
            DeckSettings.of(self.deck.config),
            self.note_types,
            self.notes,
            self.tombstones,
            release_notes=self.release_notes,
        )


def removed_deck(config: DeckConfig) -> str:
    return f"{config.name}::{REMOVED_DECK}"


def subdeck_of(note: ShippedNote) -> str:
    """The sub-deck's own name, without the root: "EC2" for "Learn AWS::EC2"."""
    return note.deck.split("::", 1)[-1]


def _released(lock: Lock) -> dict[str, ShippedNote]:
    """Every note the lock knows, live or tombstone, by GUID."""
    return {n.guid: n for n in (*lock.notes, *(t.note for t in lock.removed))}


def resolve_guids(
    cards: Sequence[Card],
    lock: Lock | None,
    types: Sequence[str] | None = None,
    keys: Sequence[str] | None = None,
) -> list[str]:
    """Each card's GUID: the lock's for its key; for an explicit id new to the lock, the GUID
    of the released note without an id that it claims (same question, or the id
    `ids.claim_id` names for it); else the GUID derived from its key, unless another note
    already holds that one. With `types` (each card's note type), a card claims only a note of
    its own note type: a note cannot move to another one. `keys`: each card's
    ids.note_key, when the caller has them."""
    if keys is None:
        keys = [ids.note_key(card) for card in cards]
    if lock is None:
        return [ids.guid_for_key(key) for key in keys]
    released = _released(lock)
    # keys as this deckgen derives them: a lock written by an older one still matches
    known = {ids.canonical_key(note.key): note.guid for note in released.values()}
    claimable: dict[str, str] = {}
    in_use = set(keys)
    for note in released.values():
        key = ids.canonical_key(note.key)
        if key.startswith("id:") or key in in_use:
            continue
        claimable.setdefault(key, note.guid)
        claimable.setdefault(f"id:{ids.claim_id(subdeck_of(note), note.question)}", note.guid)
    guids: list[str | None] = []
    for index, (card, key) in enumerate(zip(cards, keys, strict=True)):
        guid = known.get(key)
        if guid is None and card.explicit_id is not None:
            note_type = types[index] if types is not None else None
            for claim in (ids.question_key(card), key):
                found = claimable.get(claim)
                if found is not None and note_type in (None, released[found].note_type):
                    guid = found
                    claimable = {k: g for k, g in claimable.items() if g != guid}
                    break
        guids.append(guid)
    # A derived GUID may be one the lock gives a note of another key: a note reworded under
    # its claim id keeps the GUID of its old question, which a new note may ask again.
    taken = {guid for guid in guids if guid is not None}
    resolved = []
    for guid, key in zip(guids, keys, strict=True):
        if guid is None:
            guid = ids.free_guid(key, taken)
            taken.add(guid)
        resolved.append(guid)
    return resolved


def _current_notes(
    deck: Deck,
    rendered: Sequence[RenderedNote],
    lock: Lock | None,
    timestamp: int,
    registry: NoteTypes,
) -> list[ShippedNote]:
    types = [note_type_of(note.card, registry).name for note in rendered]
    keys = [ids.note_key(note.card) for note in rendered]
    guids = resolve_guids([note.card for note in rendered], lock, types, keys)
    released = {} if lock is None else _released(lock)
    notes = []
    for note, guid, note_type, key in zip(rendered, guids, types, keys, strict=True):
        card = note.card
        built = ShippedNote(
            guid,
            key,
            card.question,
            note_type,
            deck.subdeck_name(card),
            note.fields,
            card.tags,
            timestamp,
        )
        old = released.get(guid)
        if old is not None and old.content() == built.content():
            built = dataclasses.replace(built, mod=old.mod)
        notes.append(built)
    return notes


def tombstone(config: DeckConfig, note: ShippedNote, timestamp: int) -> Tombstone:
    """A removed note's last shipment: same GUID, tagged, a notice first in its answer."""
    tag = f"{config.slug}::removed"
    notice = (
        f'<p class="removed"><b>Removed from {config.name} in version {config.version}.</b>'
        f" You can delete this note: search <code>tag:{tag}</code>.</p>"
    )
    fields = list(note.fields)
    answer = ANSWER_FIELD if len(fields) > ANSWER_FIELD else 0
    fields[answer] = notice + fields[answer]
    shipped = dataclasses.replace(
        note,
        deck=removed_deck(config),
        fields=tuple(fields),
        tags=tuple(dict.fromkeys((*note.tags, tag))),
        mod=timestamp,
    )
    return Tombstone(shipped, config.version, config.keep_removed)


def _changed_settings(config: DeckConfig, lock: Lock | None) -> tuple[str, ...]:
    if lock is None:
        return ()
    now, then = vars(DeckSettings.of(config)), vars(lock.deck)
    return tuple(key for key in now if now[key] != then[key])


def plan_tombstones(
    config: DeckConfig,
    notes: list[ShippedNote],
    lock: Lock | None,
    ship_new: bool,
    timestamp: int,
    note_types: dict[str, NoteType],
) -> list[Tombstone]:
    """The tombstones to ship. A build that changes something (a release) makes new ones for
    the notes removed since the lock and counts down those it inherits; a build that
    changes nothing ships the lock's as they are. Each fits its note type's current fields."""
    if lock is None:
        return []

    def fitted(note: ShippedNote) -> ShippedNote:
        return fit(note, lock.fields_of(note), note_types[note.note_type].fields)

    live = {note.guid for note in notes}
    kept = [
        dataclasses.replace(t, note=fitted(t.note)) for t in lock.removed if t.note.guid not in live
    ]
    if ship_new:
        kept = [
            dataclasses.replace(t, releases_left=t.releases_left - 1)
            for t in kept
            if t.releases_left > 1
        ]
        removed = [fitted(note) for note in lock.notes if note.guid not in live]
        kept += [tombstone(config, note, timestamp) for note in removed]
    return sorted(kept, key=lambda t: t.note.key)


def make_plan(
    deck: Deck, rendered: Sequence[RenderedNote], lock: Lock | None, timestamp: int
) -> Plan:
    """What a build ships against the last release's `lock`, and what changed. What no
    release may ship (a note type gone or changed in id or kind, a note moved to another
    note type) is in the plan's `problems`: builds and releases refuse it."""
    registry = NoteTypes(deck.note_types)
    problems: list[Diagnostic] = []
    if lock is not None:
        lock, problems = align(lock, registry)
    notes = _current_notes(deck, rendered, lock, timestamp, registry)
    previous = {} if lock is None else {n.guid: n for n in lock.notes}
    names = {n.note_type for n in (*notes, *previous.values())}
    if lock is not None:
        names |= {t.note.note_type for t in lock.removed}
    types = plan_note_types(registry, names, lock, timestamp)
    live = {note.guid for note in notes}
    changed = tuple(
        (previous[n.guid], n) for n in notes if n.guid in previous and _differs(previous[n.guid], n)
    )
    switched = tuple((old, new) for old, new in changed if old.note_type != new.note_type)
    locations = {n.guid: r.card.loc for n, r in zip(notes, rendered, strict=True)}
    problems += [_switched(old, new, locations[new.guid]) for old, new in switched]
    changes = Changes(
        added=tuple(n for n in notes if n.guid not in previous),
        changed=changed,
        removed=tuple(n for n in previous.values() if n.guid not in live),
        note_types=types.look_changed,
        settings=_changed_settings(deck.config, lock),
        first_release=lock is None,
        note_type_shape=types.shape_changed,
        switched=switched,
    )
    unchanged = lock is not None and not changes.any
    if problems:  # nothing can be planned for a note type that is gone
        return Plan(deck, tuple(notes), (), types.states, changes, timestamp, locations,
                    types.used, problems=tuple(problems), released=lock)  # fmt: skip
    tombstones = plan_tombstones(deck.config, notes, lock, changes.any, timestamp, types.used)
    package_time = lock.released if lock is not None and unchanged else timestamp
    return Plan(
        deck,
        tuple(notes),
        tuple(tombstones),
        types.states,
        changes,
        package_time,
        locations,
        types.used,
        released=lock,
        release_notes=lock.release_notes if lock is not None and unchanged else None,
    )


def _switched(old: ShippedNote, new: ShippedNote, where: SourceLoc) -> Diagnostic:
    message = (
        f"'{new.question}' was released as a {old.note_type} note and is now a"
        f" {new.note_type} one: Anki cannot move a learner's note to another note type"
        " without merging the two; give the card a new id (a new note, the old one is"
        " tombstoned)"
    )
    return error(where, SWITCHED, message)


def _differs(old: ShippedNote, new: ShippedNote) -> bool:
    """A change of content, or of key (an id given to a note keeps its GUID, but the lock
    must learn the new key)."""
    return (old.content(), ids.canonical_key(old.key)) != (new.content(), new.key)
