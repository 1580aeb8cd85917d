"""Where each imported note goes: its notes file (decks become folders and files), its
topic, and the explicit id it is known by from now on.

A deck's notes go to `<folders of its parent decks>/<slug of its name>.md`, whose H1 names
it; the top deck's own notes to a top-level file named for it (notes/parse.py). Notes a
deckgen build made carry their file and topic in their Source and Context fields, so they
go back where they were written, under their H2, when that agrees with their deck and tags.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from deckgen import ids
from deckgen.cards.render import source_of
from deckgen.importing.equivalence import plain_text
from deckgen.importing.source import Source, SourceNote, SourceNoteType
from deckgen.notes.notetypes import BUILTINS, CONTEXT, SOURCE

_BUILTIN_IDS = {nt.id: short for short, nt in BUILTINS.items()}
_BAD_FOLDER = re.compile(r"[/\\\x00-\x1f]")
_MARKDOWN = re.compile(r"^[^./][^/]*\.(?:md|markdown)$", re.IGNORECASE)


@dataclass
class NotePlan:
    note: SourceNote
    note_type: SourceNoteType
    builtin: str | None  # deckgen's own note type, by its short name: declared by nobody
    explicit_id: str = ""
    topic: str | None = None


@dataclass
class FilePlan:
    path: str  # relative to the notes folder
    deck: str  # the deck it names: its own name, or the top deck's for the top deck's notes
    folders: tuple[str, ...]
    notes: list[NotePlan] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.folders)


@dataclass(frozen=True)
class Renamed:
    """A deck whose name cannot be a folder or file of the notes: what it became."""

    deck: str
    shown_as: str


def builtin_of(note_type: SourceNoteType) -> str | None:
    """The short name of deckgen's own note type this is (a deck deckgen built), or None."""
    short = _BUILTIN_IDS.get(note_type.id)
    if short is None or BUILTINS[short].fields != note_type.fields:
        return None
    return short


@dataclass
class Layout:
    files: list[FilePlan]
    tombstones: list[NotePlan]  # a deckgen deck's removed notes, still shipped: for the lock
    renamed: list[Renamed]


def is_tombstone(note: SourceNote, root: str, slug: str) -> bool:
    """A note a deckgen release removed and ships once more (releases/plan.py): in the
    Removed sub-deck, tagged `<slug>::removed`, its answer opening with the notice."""
    return (
        note.deck == f"{root}::Removed"
        and f"{slug}::removed" in note.tags
        and len(note.fields) > 1
        and '<p class="removed">' in note.fields[1][:40]
    )


def lay_out(source: Source, slug: str) -> Layout:
    """Every note of `source` in a file; `slug` is the deck's (topic tags start with it)."""
    files: dict[str, FilePlan] = {}
    renamed: dict[str, Renamed] = {}
    tombstones: list[NotePlan] = []
    for note in source.notes:
        note_type = source.note_types[note.note_type_id]
        plan = NotePlan(note, note_type, builtin_of(note_type))
        if is_tombstone(note, source.root, slug):
            tombstones.append(plan)
            continue
        parts = _deck_parts(source.root, note.deck, renamed)
        placed = _from_source_field(plan, parts, slug) if plan.builtin else None
        path = placed if placed is not None else _default_path(source.root_name, parts)
        if path not in files:
            name = parts[-1] if parts else source.root_name
            files[path] = FilePlan(path, name, tuple(parts[:-1]))
        if files[path].deck != (parts[-1] if parts else source.root_name):
            path = _free(f"{path.rsplit('.', 1)[0]}-{ids.slug(note.deck)}.md", files)
            files[path] = FilePlan(
                path, parts[-1] if parts else source.root_name, tuple(parts[:-1])
            )
            plan.topic = None
        files[path].notes.append(plan)
    removed = FilePlan("", "Removed", (), tombstones)
    _assign_ids([*files.values(), removed], source.root_name)
    return Layout(sorted(files.values(), key=lambda f: f.path), tombstones, list(renamed.values()))


def _deck_parts(root: str, deck: str, renamed: dict[str, Renamed]) -> list[str]:
    """The deck's names below the top deck, each one a folder or file name can hold."""
    below = deck[len(root) + 2 :] if deck != root else ""
    parts = below.split("::") if below else []
    safe = [_folder_name(part) for part in parts]
    if safe != parts and deck not in renamed:
        renamed[deck] = Renamed(deck, "::".join([root.rsplit("::", 1)[-1], *safe]))
    return safe


def _folder_name(name: str) -> str:
    cleaned = _BAD_FOLDER.sub("-", name).strip()
    if cleaned.startswith("."):
        cleaned = "_" + cleaned.lstrip(".")
    if not ids.slug(cleaned):
        cleaned = f"deck {cleaned}".strip()
    return cleaned


def _default_path(root_name: str, parts: list[str]) -> str:
    leaf = parts[-1] if parts else root_name
    return posixpath.join(*parts[:-1], f"{ids.slug(leaf) or 'deck'}.md")


def _free(path: str, files: dict[str, FilePlan]) -> str:
    stem, number = path[: -len(".md")], 2
    while path in files:
        path, number = f"{stem}-{number}.md", number + 1
    return path


def _from_source_field(plan: NotePlan, parts: list[str], slug: str) -> str | None:
    """A deckgen-built note's file (its Source field) and topic (its Context field), when
    they agree with its deck: the file's folders are the deck's parents, its topic tag is
    among its tags."""
    fields = dict(zip(plan.note_type.fields, plan.note.fields, strict=False))
    source = source_of(fields.get(SOURCE, "")).file
    folders, name = posixpath.split(source)
    if (
        not parts
        or not _MARKDOWN.match(name)
        or tuple(folders.split("/") if folders else ()) != tuple(parts[:-1])
    ):
        return None
    if any(
        part in ("", ".", "..") or part.startswith(".") for part in folders.split("/") if folders
    ):
        return None
    context = html.unescape(fields.get(CONTEXT, ""))
    prefix = " › ".join(parts) + " › "
    if context.startswith(prefix):
        topic = context[len(prefix) :]
        subdeck = "::".join(ids.slug(part) for part in parts)
        if ids.topic_tag(slug, subdeck, ids.slug(topic)) in plan.note.tags:
            plan.topic = topic
    return source


def _assign_ids(files: Iterable[FilePlan], root_name: str) -> None:
    """Each note's explicit id: its deck and first field, readable (`ec2-what-is-ec2`),
    unique in the notes (-2, -3 … when two would share one)."""
    taken: set[str] = set()
    for file in files:
        deck = file.deck or root_name
        for plan in file.notes:
            question = plain_text(plan.note.fields[0]) if plan.note.fields else ""
            base = ids.claim_id(deck, question) or f"{ids.slug(deck) or 'deck'}-note"
            candidate, number = base, 2
            while candidate in taken:
                candidate, number = f"{base}-{number}", number + 1
            taken.add(candidate)
            plan.explicit_id = candidate
