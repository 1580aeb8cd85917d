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
from deckgen.apkg.package import note_type_hash
from deckgen.cards.render import RenderedNote
from deckgen.errors import DeckgenError, error
from deckgen.model import Card, Deck, DeckConfig, NoteType, ShippedNote, SourceLoc
from deckgen.notes.notetypes import NoteTypes, note_type_of
from deckgen.releases.lock import DeckSettings, Lock, NoteTypeState, Tombstone
from deckgen.releases.versions import Bump
from deckgen.times import utc_time

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
    note_type_fields: tuple[str, ...] = ()  # released note types whose fields changed

    @property
    def any(self) -> bool:
        parts = (self.added, self.changed, self.removed, self.note_types, self.note_type_fields)
        return self.first_release or any((*parts, self.settings))

    @property
    def switched(self) -> tuple[tuple[ShippedNote, ShippedNote], ...]:
        """Notes that changed to another note type."""
        return tuple((old, new) for old, new in self.changed if old.note_type != new.note_type)

    @property
    def needs_merge(self) -> bool:
        """Whether learners must tick *Merge note types* (and update notes *Always*) on
        import for every update to arrive: Anki skips a note whose note type's fields differ
        from theirs, and merging stamps their notes with the import's time."""
        return bool(self.note_type_fields)

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
        """What a learner must know to import this package (the root deck's description)."""
        if not self.changes.needs_merge:
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
            self.release_notes,
        )


def removed_deck(config: DeckConfig) -> str:
    return f"{config.name}::{REMOVED_DECK}"


def subdeck_of(note: ShippedNote) -> str:
    """The sub-deck's own name, without the root: "EC2" for "Learn AWS::EC2"."""
    return note.deck.split("::", 1)[-1]


def _released(lock: Lock) -> dict[str, ShippedNote]:
    """Every note the lock knows, live or tombstone, by GUID."""
    return {n.guid: n for n in (*lock.notes, *(t.note for t in lock.removed))}


def resolve_guids(cards: Sequence[Card], lock: Lock | None) -> list[str]:
    """Each card's GUID: the lock's for its key; for an explicit id new to the lock, the GUID
    of the released note without an id that it claims (same question, or the id
    `ids.claim_id` names for it); else the GUID derived from its key, unless another note
    already holds that one."""
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
    for card, key in zip(cards, keys, strict=True):
        guid = known.get(key)
        if guid is None and card.explicit_id is not None:
            guid = claimable.pop(ids.question_key(card), None) or claimable.pop(key, None)
            if guid is not None:
                claimable = {k: g for k, g in claimable.items() if g != guid}
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
    deck: Deck, rendered: Sequence[RenderedNote], lock: Lock | None, timestamp: int
) -> list[ShippedNote]:
    guids = resolve_guids([note.card for note in rendered], lock)
    released = {} if lock is None else _released(lock)
    registry = NoteTypes(deck.note_types)
    notes = []
    for note, guid in zip(rendered, guids, strict=True):
        card = note.card
        built = ShippedNote(
            guid,
            ids.note_key(card),
            card.question,
            note_type_of(card, registry).name,
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


@dataclass(frozen=True)
class _NoteTypePlan:
    states: dict[str, NoteTypeState]
    used: dict[str, NoteType]
    look_changed: tuple[str, ...]
    fields_changed: tuple[str, ...]


def _note_types(
    deck: Deck, notes: Sequence[ShippedNote], lock: Lock | None, timestamp: int
) -> _NoteTypePlan:
    """The state of every note type the notes (and any tombstone) use: the lock's while it
    is unchanged, else new at `timestamp`, and which changed their look or their fields."""
    registry = NoteTypes(deck.note_types)
    names = {note.note_type for note in notes}
    if lock is not None:
        names |= {note.note_type for note in (*lock.notes, *(t.note for t in lock.removed))}
    states: dict[str, NoteTypeState] = {}
    used: dict[str, NoteType] = {}
    look: list[str] = []
    fields: list[str] = []
    for name in sorted(names):
        note_type = registry.find(name)
        if note_type is None:
            message = (
                f"note type '{name}' of released notes is gone: keep it in notetypes/ while"
                " its notes ship (as tombstones too)"
            )
            raise DeckgenError([error(SourceLoc("deck.lock.json", 1), "DG132", message)])
        used[name] = note_type
        digest = note_type_hash(note_type)
        old = lock.note_types.get(name) if lock else None
        if old is not None and (old.hash, old.fields) == (digest, note_type.fields):
            states[name] = old
            continue
        states[name] = NoteTypeState(note_type.id, digest, timestamp, note_type.fields)
        if old is not None:
            (fields if old.fields != note_type.fields else look).append(name)
    return _NoteTypePlan(states, used, tuple(look), tuple(fields))


def _changed_settings(config: DeckConfig, lock: Lock | None) -> tuple[str, ...]:
    if lock is None:
        return ()
    now, then = vars(DeckSettings.of(config)), vars(lock.deck)
    return tuple(key for key in now if now[key] != then[key])


def _tombstones(
    config: DeckConfig, notes: list[ShippedNote], lock: Lock | None, ship_new: bool, timestamp: int
) -> list[Tombstone]:
    """The tombstones to ship. A build that changes something (a release) makes new ones for
    the notes removed since the lock and counts down those it inherits; a build that
    changes nothing ships the lock's as they are."""
    if lock is None:
        return []
    live = {note.guid for note in notes}
    kept = [t for t in lock.removed if t.note.guid not in live]
    if ship_new:
        kept = [
            dataclasses.replace(t, releases_left=t.releases_left - 1)
            for t in kept
            if t.releases_left > 1
        ]
        removed = [note for note in lock.notes if note.guid not in live]
        kept += [tombstone(config, note, timestamp) for note in removed]
    return sorted(kept, key=lambda t: t.note.key)


def make_plan(
    deck: Deck, rendered: Sequence[RenderedNote], lock: Lock | None, timestamp: int
) -> Plan:
    notes = _current_notes(deck, rendered, lock, timestamp)
    types = _note_types(deck, notes, lock, timestamp)
    previous = {} if lock is None else {n.guid: n for n in lock.notes}
    live = {note.guid for note in notes}
    changes = Changes(
        added=tuple(n for n in notes if n.guid not in previous),
        changed=tuple(
            (previous[n.guid], n)
            for n in notes
            if n.guid in previous and _differs(previous[n.guid], n)
        ),
        removed=tuple(n for n in previous.values() if n.guid not in live),
        note_types=types.look_changed,
        settings=_changed_settings(deck.config, lock),
        first_release=lock is None,
        note_type_fields=types.fields_changed,
    )
    tombstones = _tombstones(deck.config, notes, lock, changes.any, timestamp)
    locations = {n.guid: r.card.loc for n, r in zip(notes, rendered, strict=True)}
    unchanged = lock is not None and not changes.any
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
        release_notes=lock.release_notes if lock is not None and unchanged else None,
    )


def _differs(old: ShippedNote, new: ShippedNote) -> bool:
    """A change of content, or of key (an id given to a note keeps its GUID, but the lock
    must learn the new key)."""
    return (old.content(), ids.canonical_key(old.key)) != (new.content(), new.key)


def check_time(plan: Plan, lock: Lock | None, timestamp: int, *, pinned: bool) -> None:
    """Times only go up: a build that changes something must be later than the last release,
    or Anki ignores its updates. A build that changes nothing ships the lock's own times,
    whatever the clock says. `pinned`: the time came from SOURCE_DATE_EPOCH."""
    if lock is None or not plan.changes.any or timestamp > lock.released:
        return
    relation = "before" if timestamp < lock.released else "the same as"
    if pinned:
        what, fix = f"SOURCE_DATE_EPOCH={timestamp}", "set it later or unset it"
    else:
        what = f"this machine's clock ({utc_time(timestamp)})"
        fix = "check the clock, or set SOURCE_DATE_EPOCH later than the release"
    message = (
        f"{what} is {relation} the release of {lock.version} ({utc_time(lock.released)}):"
        f" times only go up, or Anki ignores the changes; {fix}"
    )
    raise DeckgenError([error(SourceLoc("SOURCE_DATE_EPOCH", 1), "DG061", message)])
