"""A new deck project, written from the templates beside this module.

Nothing comes from any deck deckgen ships: the example notes, the README and the workflows
are templates in the package, and the deck gets an identity of its own (deck.toml's `id`,
random), so no other deck's lock will ever be taken for its history. A project is only
written into an empty folder (a `.git` alone does not count), and all of its files are
written or none.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from deckgen import ids
from deckgen.atomic import real_path, transaction
from deckgen.errors import DeckgenError, error
from deckgen.model import SourceLoc
from deckgen.notes.config import DECK_TOML, parse_deck_toml
from deckgen.notes.files import is_markdown

NOTES = "notes"
FOLDER_NOT_EMPTY = "DG054"
# What a new project holds: its path → the template it is written from, and what it is for.
PROJECT_FILES = {
    f"{NOTES}/{DECK_TOML}": (DECK_TOML, "the deck: name, slug, version 0.1.0 and its own id"),
    f"{NOTES}/examples.md": ("examples.md", "one card of each kind, to replace with yours"),
    "README.md": ("README.md", "how to build, release and import the deck"),
    ".gitignore": ("gitignore", "built decks stay out of git"),
    ".github/workflows/check.yml": ("check.yml", "checks every pull request and push to main"),
    ".github/workflows/release.yml": ("release.yml", "publishes the release of every v* tag"),
}
_IGNORED = frozenset({".git"})  # `git init` first, then `deckgen init .`, is fine


class BadValue(ValueError):
    """A value `deckgen init` was given that cannot make a deck; `what` names it."""

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class NewDeck:
    """What a new deck is called and which deckgen its workflows install."""

    name: str
    slug: str
    deck_id: str
    deckgen_source: str  # a pip requirement: `deckgen @ git+URL@COMMIT`, `deckgen==X` …
    deckgen_home: str  # where a reader of its README finds deckgen

    @classmethod
    def named(cls, name: str, deckgen_source: str, deckgen_home: str) -> NewDeck:
        """A deck called `name` with a fresh random identity. Raises BadValue."""
        name = name.strip()
        if not name or "::" in name or not ids.slug(name):
            raise BadValue("name", "a deck's name needs letters or digits, and no '::'")
        source = deckgen_source.strip()
        if not source or any(c in source for c in "\r\n\"'$`\\"):
            raise BadValue(
                "deckgen_source", "one pip requirement on one line, without quotes, $, ` or \\"
            )
        return cls(name, ids.slug(name), uuid.uuid4().hex, source, deckgen_home)

    def text(self, template: str) -> str:
        """A template with this deck's values in place of its @NAME@-style fields."""
        pipx = self.deckgen_source.partition(" @ ")[2] or self.deckgen_source
        fields = {
            "@NAME@": self.name,
            "@NAME_TOML@": json.dumps(self.name, ensure_ascii=False),  # a TOML basic string
            "@SLUG@": self.slug,
            "@DECK_ID@": self.deck_id,
            "@DECKGEN_SOURCE_YAML@": "'" + self.deckgen_source.replace("'", "''") + "'",
            "@PIPX_SOURCE@": pipx,
            "@DECKGEN_HOME@": self.deckgen_home,
        }
        text = (files(__package__) / "templates" / template).read_text(encoding="utf-8")
        for field, value in fields.items():
            text = text.replace(field, value)
        return text


def default_name(folder: Path) -> str:
    """A deck name from its folder's name: `my-deck` → `My Deck`."""
    resolved = real_path(folder)
    base = resolved.parent if resolved.name == NOTES else resolved
    return " ".join(base.name.replace("_", "-").split("-")).title() or "My Deck"


def notes_without_deck(folder: Path) -> Path | None:
    """The notes folder of `folder` that has Markdown but no deck.toml (its `notes/`, or
    itself), for which `deckgen init` offers to write deck.toml alone; else None."""
    for candidate in (folder / NOTES, folder):
        if not candidate.is_dir() or (candidate / DECK_TOML).exists():
            continue
        if any(_is_notes_file(path) for path in candidate.iterdir()):
            return candidate
    return None


def write_project(folder: Path, deck: NewDeck) -> list[Path]:
    """Write a new project into `folder` (made if missing); returns the files written.
    Raises DeckgenError (DG054) when the folder holds anything but `.git`."""
    if folder.exists() and not folder.is_dir():
        raise _refused(folder, "this is a file, not a folder: nothing was written")
    for deck_toml in (folder / NOTES / DECK_TOML, folder / DECK_TOML):
        if deck_toml.is_file():
            message = (
                f"the folder holds a deck already ({deck_toml.as_posix()}): nothing was written"
            )
            raise _refused(folder, message)
    if folder.exists():
        present = sorted(p.name for p in folder.iterdir() if p.name not in _IGNORED)
        if present:
            shown = ", ".join(present[:4]) + (", …" if len(present) > 4 else "")
            raise _refused(
                folder,
                f"the folder is not empty ({shown}): deckgen init writes a new deck project"
                " into an empty folder only, so it wrote nothing",
            )
    written = [folder / path for path in PROJECT_FILES]
    _write_all({folder / path: deck.text(t) for path, (t, _) in PROJECT_FILES.items()})
    return written


def write_deck_toml(notes_dir: Path, deck: NewDeck) -> Path:
    """Write `notes_dir/deck.toml` alone, for an existing notes folder without one."""
    path = notes_dir / DECK_TOML
    if path.exists():
        raise _refused(path, "the notes folder has a deck.toml already: nothing was written")
    _write_all({path: deck.text(DECK_TOML)})
    return path


def _write_all(contents: dict[Path, str]) -> None:
    for path, text in contents.items():
        if path.name == DECK_TOML:  # what is written is a valid deck.toml, always
            config, problems = parse_deck_toml(text, path.as_posix())
            assert config is not None and not problems, problems
    with transaction() as files_:
        for path, text in contents.items():
            files_.stage(path).write_text(text, encoding="utf-8", newline="\n")


def _is_notes_file(path: Path) -> bool:
    return (
        path.is_file()
        and is_markdown(path)
        and path.name.lower() not in {"readme.md", "changelog.md"}
    )


def _refused(path: Path, message: str) -> DeckgenError:
    return DeckgenError([error(SourceLoc(path.as_posix(), 1), FOLDER_NOT_EMPTY, message)])
