"""The note types of a build against the last release's: which is which, what changed, and
what Anki cannot take.

Anki knows a note type by its id, so a released note type found under another name is the
same one, renamed (its notes follow it). What a learner's copy depends on is its *shape*:
its kind (standard or cloze), its fields and its templates (their names, in order). A new
look (template text, CSS) reaches learners as a newer note type; a new shape only when
they tick *Merge note types* (and update notes *Always*): a major release. A note type
whose id or kind changed is another note type to Anki, and so is a note moved to another
note type: merging would fold two note types into one for good, so these are refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from deckgen.apkg.package import note_type_hash
from deckgen.errors import Diagnostic, error
from deckgen.model import NoteType, ShippedNote, SourceLoc
from deckgen.notes.notetypes import NoteTypes
from deckgen.releases.lock import Lock, NoteTypeState

SWITCHED = "DG138"
GONE = "DG132"


def shape(note_type: NoteType) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    return note_type.fields, tuple(t.name for t in note_type.templates), note_type.cloze


def _shape_changed(state: NoteTypeState, note_type: NoteType) -> bool:
    fields, templates, _ = shape(note_type)
    # a lock from before template names were recorded knows only the fields
    return state.fields != fields or (bool(state.templates) and state.templates != templates)


def align(lock: Lock, registry: NoteTypes) -> tuple[Lock, list[Diagnostic]]:
    """The lock with each released note type under its current name (found by name, else by
    id: a renamed one), and what cannot be released: a note type that is gone while notes
    of it still ship, or whose id or kind changed."""
    where = SourceLoc(lock.shown, 1)
    renamed: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for name, state in lock.note_types.items():
        current = registry.find(name) or registry.with_id(state.id)
        if current is None:
            message = (
                f"note type '{name}' of released notes is gone: keep it in notetypes/ while"
                " its notes ship (as tombstones too)"
            )
            problems.append(error(where, GONE, message))
            continue
        renamed[name] = current.name
        if current.id != state.id or current.cloze != state.cloze:
            what = "its id" if current.id != state.id else "its kind (standard or cloze)"
            message = (
                f"note type '{current.name}' changed {what} since it was released: to Anki it"
                " is another note type, and learners' notes of it would be skipped; keep it,"
                " and declare a new note type (a new id and name) for new notes"
            )
            problems.append(error(current.loc or where, SWITCHED, message))

    def follow(note: ShippedNote) -> ShippedNote:
        return dataclasses.replace(note, note_type=renamed.get(note.note_type, note.note_type))

    aligned = dataclasses.replace(
        lock,
        note_types={renamed.get(n, n): state for n, state in lock.note_types.items()},
        notes=tuple(follow(note) for note in lock.notes),
        removed=tuple(dataclasses.replace(t, note=follow(t.note)) for t in lock.removed),
    )
    return aligned, problems


def fit(note: ShippedNote, released: tuple[str, ...], current: tuple[str, ...]) -> ShippedNote:
    """A released note's fields on its note type's current fields, matched by name (a field
    added since is empty): what a tombstone of it ships."""
    if released == current:
        return note
    by_name = dict(zip(released, note.fields, strict=True))
    return dataclasses.replace(note, fields=tuple(by_name.get(name, "") for name in current))


@dataclass(frozen=True)
class NoteTypePlan:
    states: dict[str, NoteTypeState]  # every note type shipped, by its current name
    used: dict[str, NoteType]
    look_changed: tuple[str, ...]  # templates' text or CSS
    shape_changed: tuple[str, ...]  # fields or templates: learners must merge note types


def plan_note_types(
    registry: NoteTypes, names: Iterable[str], lock: Lock | None, timestamp: int
) -> NoteTypePlan:
    """The state of every note type `names` uses: the lock's while it is unchanged, else new
    at `timestamp`; and which released ones changed their look or their shape."""
    states: dict[str, NoteTypeState] = {}
    used: dict[str, NoteType] = {}
    look: list[str] = []
    reshaped: list[str] = []
    for name in sorted(set(names)):
        note_type = registry.find(name)
        if note_type is None:  # only after align() reported it
            continue
        used[name] = note_type
        old = lock.note_types.get(name) if lock else None
        state = state_of(note_type, timestamp)
        if old is not None and old.hash == state.hash and not _shape_changed(old, note_type):
            states[name] = dataclasses.replace(state, mod=old.mod)
            continue
        states[name] = state
        if old is not None:
            (reshaped if _shape_changed(old, note_type) else look).append(name)
    return NoteTypePlan(states, used, tuple(look), tuple(reshaped))


def state_of(note_type: NoteType, mod: int) -> NoteTypeState:
    """What a lock records of `note_type`, changed last at `mod`: the one place that says."""
    fields, templates, cloze = shape(note_type)
    return NoteTypeState(note_type.id, note_type_hash(note_type), mod, fields, templates, cloze)
