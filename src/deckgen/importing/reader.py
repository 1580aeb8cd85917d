"""An Anki package → Source, read by Anki's own code (the official `anki` package).

Every format Anki writes is read the way Anki reads it: the package is imported into a
fresh collection in a temporary folder (`.apkg`, new or legacy as genanki writes them, by
the package importer; `.colpkg` by the collection-package importer; a bare
`collection.anki2` opened as a collection), then its notes, note types, decks, tags and
media are read from there. The only module of deckgen that imports `anki`: it is the
optional extra `deckgen[import]`.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen.errors import DeckgenError, error
from deckgen.importing.source import Source, SourceNote, SourceNoteType
from deckgen.model import SourceLoc, Template

if TYPE_CHECKING:
    from anki.collection import Collection

NEEDS_ANKI = "DG600"
# the `import` extra, added to the environment deckgen runs in (PyPI's `deckgen` is another
# project, so never `pip install 'deckgen[import]'`)
INSTALL_IMPORT = (
    "in a checkout, .venv/bin/python -m pip install -e '.[import]';"
    " with pipx, pipx inject deckgen anki markdownify"
)
UNREADABLE = "DG601"
WHICH_DECK = "DG603"
NO_NOTES = "DG604"
_SQLITE = b"SQLite format 3\x00"


def _fail(package: Path, code: str, message: str) -> DeckgenError:
    return DeckgenError([error(SourceLoc(package.as_posix(), 1), code, message)])


@contextlib.contextmanager
def read_package(package: Path, deck: str | None = None) -> Iterator[Source]:
    """The deck in `package` (its one top deck, or `deck` and what is under it), valid
    inside the `with` block: its media files live in a temporary folder until it ends."""
    try:
        from anki.collection import Collection  # noqa: F401  (only to fail early)
        from markdownify import MarkdownConverter  # noqa: F401
    except ImportError as exc:
        message = (
            f"deckgen import reads packages with Anki's own code and converts fields with"
            f" markdownify (the `import` extra), and {exc.name or 'one'} is not installed:"
            f" {INSTALL_IMPORT}"
        )
        raise _fail(package, NEEDS_ANKI, message) from None
    with tempfile.TemporaryDirectory(prefix="deckgen-import-") as work:
        col = _open(package, Path(work))
        try:
            yield _source(col, package, deck)
        finally:
            col.close(downgrade=False)


def _open(package: Path, work: Path) -> Collection:
    from anki._backend import RustBackend
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    if not package.is_file():
        raise _fail(package, UNREADABLE, "no such file")
    with package.open("rb") as file:
        head = file.read(len(_SQLITE))
    col_path = work / "collection.anki2"
    try:
        if head == _SQLITE:  # a bare collection.anki2: media beside it, if any
            shutil.copyfile(package, col_path)
            media = package.parent / "collection.media"
            if media.is_dir():
                shutil.copytree(media, work / "collection.media")
            return Collection(str(col_path))
        if not zipfile.is_zipfile(package):
            raise _fail(package, UNREADABLE, "not an Anki package (.apkg, .colpkg) or collection")
        if package.suffix.lower() == ".colpkg":
            backend = RustBackend()
            backend.import_collection_package(
                col_path=str(col_path),
                backup_path=str(package.resolve()),
                media_folder=str(work / "collection.media"),
                media_db=str(work / "collection.media.db2"),
            )
            return Collection(str(col_path), backend=backend)
        col = Collection(str(col_path))
        _make_room(col)
        request = ImportAnkiPackageRequest(
            package_path=str(package.resolve()),
            options=ImportAnkiPackageOptions(with_scheduling=False),
        )
        try:
            col.import_anki_package(request)
        except BaseException:
            col.close(downgrade=False)
            raise
        return col
    except DeckgenError:
        raise
    except Exception as exc:  # Anki's errors: a damaged or foreign file
        raise _fail(package, UNREADABLE, f"Anki cannot read it: {exc}") from None


def _make_room(col: Collection) -> None:
    """Rename the new collection's own note types out of the way: Anki renames a note type
    it imports whose name is taken ("Basic" → "Basic+"), and the names must stay."""
    for model in col.models.all():
        model["name"] = f"deckgen import placeholder {model['id']}"
        col.models.update_dict(model)


def _source(col: Collection, package: Path, wanted: str | None) -> Source:
    db = col.db
    assert db is not None, "the collection is open"
    names = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
    cards: dict[int, list[tuple[int, str]]] = {}
    for nid, did, odid, ordinal in db.all("SELECT nid, did, odid, ord FROM cards"):
        home = names.get(int(odid or did), names.get(int(did), ""))
        cards.setdefault(int(nid), []).append((int(ordinal), home))
    root = _root(package, wanted, {name for decks in cards.values() for _, name in decks})
    notes: list[SourceNote] = []
    rows = db.all("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")
    for nid, guid, mid, mod, tags, flds in rows:
        inside = [name for _, name in sorted(cards.get(int(nid), [])) if _under(name, root)]
        if not inside:
            continue
        others = tuple(dict.fromkeys(name for name in inside[1:] if name != inside[0]))
        notes.append(
            SourceNote(
                int(nid), str(guid), int(mid), int(mod), tuple(str(tags).split()),
                tuple(str(flds).split("\x1f")), inside[0], others,
            )
        )  # fmt: skip
    if not notes:
        raise _fail(package, NO_NOTES, f"the deck {root!r} holds no notes")
    used = {note.note_type_id for note in notes}
    note_types = {nt.id: nt for nt in map(_note_type, col.models.all()) if nt.id in used}
    root_deck = col.decks.by_name(root)
    description = str(root_deck.get("desc", "")) if root_deck else ""
    media = Path(col.media.dir())
    return Source(package, root, description, tuple(notes), note_types, media)


def _under(name: str, root: str) -> bool:
    return name == root or name.startswith(root + "::")


def _root(package: Path, wanted: str | None, decks: set[str]) -> str:
    """The deck to import: `wanted`, else the one top deck that holds cards."""
    tops = sorted({name.split("::", 1)[0] for name in decks if name})
    if wanted is not None:
        wanted = "::".join(part.strip() for part in wanted.split("::"))
        if any(_under(name, wanted) for name in decks):
            return wanted
        message = f"no cards in a deck named {wanted!r}; its decks: {', '.join(tops)}"
        raise _fail(package, WHICH_DECK, message)
    if len(tops) == 1:
        return tops[0]
    if not tops:
        raise _fail(package, NO_NOTES, "the package holds no cards")
    listed = ", ".join(repr(top) for top in tops)
    message = f"the package holds several decks ({listed}): choose one with --deck NAME"
    raise _fail(package, WHICH_DECK, message)


def _note_type(model: dict[str, Any]) -> SourceNoteType:
    templates = tuple(
        Template(str(t["name"]), str(t["qfmt"]), str(t["afmt"])) for t in model["tmpls"]
    )
    return SourceNoteType(
        int(model["id"]),
        str(model["name"]),
        int(model.get("type", 0)) == 1,
        tuple(str(f["name"]) for f in sorted(model["flds"], key=lambda f: int(f["ord"]))),
        templates,
        str(model.get("css", "")),
        int(model.get("mod", 0)),
    )
