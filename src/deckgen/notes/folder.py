"""A notes folder → a validated Deck and every diagnostic found on the way.

Reads deck.toml and each service file, parses them, then runs the checks that need the
whole folder at once (ids and questions must be unique).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deckgen import ids
from deckgen.errors import Diagnostic, error, info, warning
from deckgen.model import Card, Deck, DeckConfig, SourceLinks, SourceLoc
from deckgen.notes.config import DECK_TOML, DEFAULT_DOCS, parse_deck_toml
from deckgen.notes.files import (
    decode,
    display_path,
    is_markdown,
    outside_error,
    printable,
    read_bytes,
    read_text,
    resolves_outside,
)
from deckgen.notes.notetype_files import load_note_types
from deckgen.notes.notetypes import FOLDER as NOTE_TYPES_FOLDER
from deckgen.notes.notetypes import NoteTypes
from deckgen.notes.parse import ParsedFile, parse_notes_file


@dataclass(frozen=True)
class LoadResult:
    deck: Deck | None  # None when errors kept the deck from being assembled
    diagnostics: list[Diagnostic]
    # Every card that did parse, even beside errors (None without a valid deck.toml), so
    # that rendering can still report its own problems in the same run.
    partial: Deck | None = None


# folders tools keep in the notes folder, never the author's: git's, deckgen's diagrams
_TOOL_FOLDERS = (".git", ".diagrams")


@dataclass(frozen=True)
class Discovery:
    """The folder's Markdown files: the notes files to read, and the rest, each reported."""

    notes: list[Path]
    unread: list[Diagnostic]


def discover(notes_dir: Path, docs: tuple[str, ...] = DEFAULT_DOCS) -> Discovery:
    """Every Markdown file of the folder is read or reported. A notes file is any Markdown
    file (.md, .MD, .markdown …) of the folder or a folder in it, except the documents
    deck.toml names in `docs` (a bare name such as README.md in any folder, a path only
    there); hidden files and folders (tools' own aside), and Markdown among the note
    types, are listed as info."""
    notes: list[Path] = []
    unread: list[Diagnostic] = []
    for root, dirs, files in os.walk(notes_dir):
        dirs[:] = sorted(d for d in dirs if d not in _TOOL_FOLDERS)
        here = Path(root)
        hidden = next((p for p in here.relative_to(notes_dir).parts if p.startswith(".")), None)
        # a folder named like a notes file is read as one, and reported as unreadable
        named_like_notes = [d for d in dirs if is_markdown(Path(d))]
        dirs[:] = [d for d in dirs if d not in named_like_notes]
        for name in sorted([*files, *named_like_notes]):
            path = here / name
            relative = path.relative_to(notes_dir).as_posix()
            if not is_markdown(path) or name in docs or relative in docs:
                continue
            shown = display_path(notes_dir, path)
            if hidden is not None:
                message = f"Markdown in the hidden folder {hidden}: not read (rename the folder)"
                unread.append(info(SourceLoc(shown, 1), "DG006", message))
            elif name.startswith("."):
                message = "hidden Markdown file: not read (rename it to make it a notes file)"
                unread.append(info(SourceLoc(shown, 1), "DG006", message))
            elif relative.startswith(f"{NOTE_TYPES_FOLDER}/"):
                message = f"Markdown in {NOTE_TYPES_FOLDER}/, which holds note types: not read"
                unread.append(info(SourceLoc(shown, 1), "DG006", message))
            else:
                notes.append(path)
    return Discovery(notes, unread)


def folder_names(notes_dir: Path, file: Path) -> tuple[str, ...]:
    """The folders a notes file stands in, inside the notes folder: its deck's parents."""
    return tuple(printable(part) for part in file.relative_to(notes_dir).parts[:-1])


def bad_folder(names: tuple[str, ...]) -> str | None:
    """Why a folder cannot name a deck (`::` or no letters), or None."""
    for name in names:
        if "::" in name or not ids.slug(name):
            return f"folder '{name}' cannot name a deck: it needs letters or digits, and no '::'"
    return None


def load_config(notes_dir: Path) -> tuple[DeckConfig | None, list[Diagnostic]]:
    path = notes_dir / DECK_TOML
    shown = display_path(notes_dir, path)
    if resolves_outside(notes_dir, path):
        return None, [outside_error(shown)]
    if not path.exists() and not path.is_symlink():
        return None, [
            error(
                SourceLoc(shown, 1),
                "DG010",
                f"{DECK_TOML} is missing: every notes folder needs one",
            )
        ]
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    config, more = parse_deck_toml(text, shown)
    return config, problems + more


@dataclass(frozen=True)
class NotesFile:
    """One notes file of the folder, as the pipeline asks for it to be parsed."""

    path: Path  # on disk
    shown: str  # display path for diagnostics, e.g. notes/ec2.md
    source: str  # path relative to the notes folder, POSIX style
    deck_slug: str  # the root deck's slug, the first part of every tag
    folders: tuple[str, ...] = ()  # the folders it stands in: its deck's parent decks
    note_types: NoteTypes = field(default_factory=NoteTypes)  # the folder's, to choose from
    root_name: str | None = None  # deck.toml's name: a top-level file of that deck holds its cards
    links: SourceLinks | None = None  # where its cards link to their source (deck.toml)


@dataclass(frozen=True)
class NotesFolder:
    """A notes folder opened: deck.toml, the notes files to read, and what was wrong so far."""

    root: Path
    config: DeckConfig | None
    files: tuple[NotesFile, ...]  # every notes file that may be read, in order
    diagnostics: tuple[Diagnostic, ...]  # deck.toml, no notes files, files linking outside
    note_types: NoteTypes = field(default_factory=NoteTypes)


# One notes file → its cards and the diagnostics of reading and parsing it.
LoadFile = Callable[[NotesFile], tuple[list[Card], list[Diagnostic]]]
ParseBytes = Callable[[NotesFile, bytes], tuple[list[Card], list[Diagnostic]]]


def open_folder(notes_dir: Path) -> NotesFolder:
    config, diagnostics = load_config(notes_dir)
    note_types, problems = load_note_types(notes_dir)
    diagnostics += problems
    found = discover(notes_dir, config.docs if config else DEFAULT_DOCS)
    candidates = found.notes if notes_dir.is_dir() else []
    diagnostics += found.unread
    if not candidates:
        where = SourceLoc(notes_dir.as_posix(), 1)
        message = f"no Markdown notes files (*.md) in {notes_dir.as_posix()}"
        diagnostics.append(error(where, "DG040", message))
    deck_slug = config.slug if config else "deck"
    root_name = config.name if config else None
    files: list[NotesFile] = []
    for file in candidates:
        shown = display_path(notes_dir, file)
        folders = folder_names(notes_dir, file)
        if resolves_outside(notes_dir, file):
            diagnostics.append(outside_error(shown))
            continue
        why = bad_folder(folders)
        if why is not None:
            diagnostics.append(error(SourceLoc(shown, 1), "DG033", why))
            continue
        source = printable(file.relative_to(notes_dir).as_posix())
        links = config.links if config else None
        files.append(
            NotesFile(file, shown, source, deck_slug, folders, note_types, root_name, links)
        )
    return NotesFolder(notes_dir, config, tuple(files), tuple(diagnostics), note_types)


def parse_bytes(file: NotesFile, data: bytes) -> tuple[list[Card], list[Diagnostic]]:
    """A notes file's bytes, as read → its cards and diagnostics."""
    parsed, problems = parse_file(file, data)
    return (parsed.cards if parsed is not None else []), problems


def load_file(
    file: NotesFile, parse: ParseBytes = parse_bytes
) -> tuple[list[Card], list[Diagnostic]]:
    """One notes file → its cards and diagnostics; its bytes are read, then parsed by
    `parse` (default: parse_bytes)."""
    data, problems = read_bytes(file.path, file.shown)
    if data is None:
        return [], problems
    return parse(file, data)


def parse_file(file: NotesFile, data: bytes) -> tuple[ParsedFile | None, list[Diagnostic]]:
    """A notes file's bytes, as read → the file parsed (None when it is not text) and the
    diagnostics of reading and parsing it."""
    text, problems = decode(data, file.shown)
    if text is None:
        return None, problems
    parsed = parse_notes_file(
        text, file.shown, file.source, file.deck_slug, file.note_types, file.folders, file.root_name
    )
    return parsed, problems + parsed.diagnostics


def load_notes(notes_dir: Path, load: LoadFile = load_file) -> LoadResult:
    return assemble(open_folder(notes_dir), load)


def assemble(folder: NotesFolder, load: LoadFile = load_file) -> LoadResult:
    """Every file loaded with `load` (the pipeline passes one that also renders), then the
    checks that need the whole folder at once."""
    diagnostics = list(folder.diagnostics)
    cards: list[Card] = []
    for file in folder.files:
        file_cards, problems = load(file)
        diagnostics.extend(problems)
        cards.extend(file_cards)
    diagnostics.extend(check_unique(cards))
    if folder.files and not cards and not any(d.is_error for d in diagnostics):
        where = SourceLoc(folder.root.as_posix(), 1)
        message = "the notes hold no cards: add an H3 question, a Q:/A: pair or a cloze"
        diagnostics.append(error(where, "DG041", message))
    config = folder.config
    declared = folder.note_types.declared
    partial = Deck(config, tuple(cards), declared) if config is not None else None
    if partial is None or any(d.is_error for d in diagnostics):
        return LoadResult(None, diagnostics, partial)
    return LoadResult(partial, diagnostics, partial)


def check_unique(cards: list[Card]) -> list[Diagnostic]:
    """Explicit ids are unique in the folder; questions are unique within a sub-deck: an
    error when either note lacks an id (a note without one is known by its question), a
    warning when both have one (two notes of their own that ask the same, as imported
    decks may hold)."""
    problems: list[Diagnostic] = []
    first_id: dict[str, Card] = {}
    first_question: dict[str, Card] = {}
    for card in cards:
        if card.explicit_id is not None:
            seen = first_id.setdefault(card.explicit_id, card)
            if seen is not card:
                message = f"duplicate id '{card.explicit_id}' (first at {seen.loc})"
                problems.append(error(card.loc, "DG101", message))
        seen = first_question.setdefault(ids.question_key(card), card)
        if seen is not card:
            message = (
                f"duplicate question '{card.question}' in sub-deck {card.deck or 'the root deck'}"
                f" (first at {seen.loc})"
            )
            both_named = card.explicit_id is not None and seen.explicit_id is not None
            problems.append((warning if both_named else error)(card.loc, "DG102", message))
    return problems
