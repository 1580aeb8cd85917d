"""`deckgen import`, end to end: read the package with Anki, lay its notes out, write the
notes folder, read it back with deckgen's own pipeline, and lock every note to its
original GUID.

Nothing is trusted that can be checked: the folder written is loaded and rendered as any
build would, every imported note must come back as exactly one card with its id, and each
field's HTML is compared once more with the original's. What differs is reported at the
line of the new file that holds it.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deckgen import ids
from deckgen.cards.render import RenderedNote, SourceOf, source_of
from deckgen.errors import DeckgenError, Diagnostic, error, info, warning
from deckgen.importing.convert import KEPT_AS_HTML, RENDERS_DIFFERENTLY, FieldConverter
from deckgen.importing.equivalence import equivalent
from deckgen.importing.layout import FilePlan, Layout, lay_out
from deckgen.importing.links import SOURCE_LINKS_LOST, repository_keys
from deckgen.importing.lockfile import imported_lock
from deckgen.importing.media import MediaFiles
from deckgen.importing.reader import read_package
from deckgen.importing.source import Source
from deckgen.importing.toml import deck_toml, note_type_toml
from deckgen.importing.writer import NOTE_SKIPPED, FileWriter, WrittenFile
from deckgen.model import SourceLoc
from deckgen.notes.notetypes import FOLDER as NOTE_TYPES_FOLDER
from deckgen.notes.notetypes import SOURCE

NOT_EMPTY = "DG602"
OTHER_DECKS = "DG617"
DECK_RENAMED = "DG619"
_SEVERITY = {KEPT_AS_HTML: info, OTHER_DECKS: info}


@dataclass
class ImportResult:
    """What an import wrote, for the summary."""

    notes_dir: Path
    root: str
    notes: int = 0
    per_deck: dict[str, Counter[str]] = field(default_factory=dict)  # deck → note type → notes
    note_types: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (id, notes)
    fields: int = 0
    markdown_fields: int = 0
    media: int = 0
    skipped: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def html_fields(self) -> int:
        return self.fields - self.markdown_fields


def import_deck(
    package: Path,
    notes_dir: Path,
    *,
    version: str = "1.0.0",
    deck: str | None = None,
    now: float | None = None,
) -> ImportResult:
    """Write the deck in `package` as a notes folder at `notes_dir` (missing or empty)."""
    if notes_dir.exists() and (not notes_dir.is_dir() or any(notes_dir.iterdir())):
        message = f"{notes_dir.as_posix()} is not an empty folder: import into a new one"
        raise DeckgenError([error(SourceLoc(notes_dir.as_posix(), 1), NOT_EMPTY, message)])
    with read_package(package, deck) as source:
        created = not notes_dir.exists()
        notes_dir.mkdir(parents=True, exist_ok=True)
        try:
            return _write(source, notes_dir, version, time.time() if now is None else now)
        except BaseException:
            if created:
                shutil.rmtree(notes_dir, ignore_errors=True)
            else:
                for child in notes_dir.iterdir():
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            raise


def _write(source: Source, notes_dir: Path, version: str, now: float) -> ImportResult:
    from deckgen.pipeline import load_and_render
    from deckgen.quality.lint import lint
    from deckgen.releases.lock import write_lock

    result = ImportResult(notes_dir, source.root)
    slug = ids.slug(source.root_name) or "deck"
    layout = lay_out(source, slug)
    keys, lost = repository_keys(_source_fields(layout))
    if lost:
        message = (
            "the cards link to their source on a forge deckgen cannot read back from the"
            " links: set repository (and source_url, edit_url) in deck.toml to keep them"
        )
        result.diagnostics.append(warning(_at(source.package), SOURCE_LINKS_LOST, message))
    toml = deck_toml(source.root_name, slug, version, source.description, source.package.name)
    extra = "".join(f"{line}\n" for line in keys.toml_lines()) if keys else ""
    (notes_dir / "deck.toml").write_text(toml + extra, encoding="utf-8")
    files = layout.files
    for change in layout.renamed:
        message = f"deck '{change.deck}' cannot be a folder or file name: it is '{change.shown_as}'"
        result.diagnostics.append(warning(_at(source.package), DECK_RENAMED, message))
    _write_note_types(source, notes_dir)
    media = MediaFiles()
    writer = FileWriter(FieldConverter(notes_dir, source, media), slug)
    written = [_write_file(writer, plan, notes_dir, result) for plan in files]
    loaded = load_and_render(notes_dir)  # raises, with every diagnostic, on any error
    originals = {
        note_id: plan.note
        for file in written
        for plan in file.plan.notes
        for note_id in [plan.explicit_id]
        if note_id in file.notes
    }
    by_id = {n.card.explicit_id: n for n in loaded.rendered if n.card.explicit_id}
    missing = sorted(set(originals) - set(by_id))
    if missing:
        raise AssertionError(
            f"deckgen import wrote notes the notes folder does not read: {missing}"
        )
    lock = imported_lock(
        loaded.deck,
        loaded.rendered,
        originals,
        layout.tombstones,
        {nt.id: nt.mod for nt in source.note_types.values()},
        now,
    )
    write_lock(lock, notes_dir)
    result.diagnostics += _compare(written, by_id, media.packaged_names(), notes_dir)
    quality = lint(loaded.deck.cards, loaded.deck.config.quality)
    result.diagnostics += [*loaded.diagnostics, *quality.diagnostics]
    _count(result, written)
    result.media = len(media.files)
    return result


def _source_fields(layout: Layout) -> Iterator[SourceOf]:
    """What the Source fields of the notes a deckgen build made say."""
    for plan in (p for f in layout.files for p in f.notes):
        if plan.builtin is not None and SOURCE in plan.note_type.fields:
            yield source_of(plan.note.fields[plan.note_type.fields.index(SOURCE)])


def _at(package: Path) -> SourceLoc:
    return SourceLoc(package.as_posix(), 1)


def _write_note_types(source: Source, notes_dir: Path) -> None:
    from deckgen.importing.layout import builtin_of

    folder = notes_dir / NOTE_TYPES_FOLDER
    taken: set[str] = set()
    for note_type in sorted(source.note_types.values(), key=lambda nt: nt.name):
        if builtin_of(note_type) is not None:
            continue  # deckgen's own: the built-in is used
        name = ids.slug(note_type.name) or f"notetype-{note_type.id}"
        while name in taken:
            name = f"{name}-{note_type.id}"
        taken.add(name)
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.toml").write_text(note_type_toml(note_type), encoding="utf-8")


def _write_file(
    writer: FileWriter, plan: FilePlan, notes_dir: Path, result: ImportResult
) -> WrittenFile:
    written = writer.write(plan)
    path = notes_dir / plan.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(written.text, encoding="utf-8")
    shown = (notes_dir / plan.path).as_posix()
    for line, code, message in written.problems:
        make = _SEVERITY.get(code, warning)
        result.diagnostics.append(make(SourceLoc(shown, line), code, message))
    for note_plan in plan.notes:
        if note_plan.note.other_decks and note_plan.explicit_id in written.notes:
            others = ", ".join(note_plan.note.other_decks)
            message = (
                f"the note's cards are also in {others}: learners keep their cards where they"
                f" are; new learners get every card of it in {note_plan.note.deck}"
            )
            line = written.notes[note_plan.explicit_id]
            result.diagnostics.append(info(SourceLoc(shown, line), OTHER_DECKS, message))
    for note_plan, why in written.skipped:
        message = (
            f"note {note_plan.note.guid} of {note_plan.note.deck} is not imported: {why}."
            " Learners who have it keep it; new learners will not get it"
        )
        result.diagnostics.append(warning(SourceLoc(shown, 1), NOTE_SKIPPED, message))
        result.skipped += 1
    return written


def _compare(
    written: list[WrittenFile],
    by_id: Mapping[str, RenderedNote],
    names: Mapping[str, str],
    notes_dir: Path,
) -> list[Diagnostic]:
    """Each field as the notes folder renders it, against the original: a difference the
    conversion did not already report (it would be a mistake of the importer's) is said."""
    found: list[Diagnostic] = []
    for file in written:
        shown = (notes_dir / file.plan.path).as_posix()
        for item in file.fields:
            note = by_id.get(item.note.explicit_id)
            if note is None or not item.text.faithful:
                continue
            index = item.note.note_type.fields.index(item.name)
            rendered = note.fields[index] if index < len(note.fields) else ""
            if not equivalent(item.text.expected, rendered, names):
                message = f"{item.name}: renders differently from the original in the notes"
                found.append(warning(SourceLoc(shown, item.line), RENDERS_DIFFERENTLY, message))
    return found


def _count(result: ImportResult, written: list[WrittenFile]) -> None:
    for file in written:
        for plan in file.plan.notes:
            if plan.explicit_id not in file.notes:
                continue
            result.notes += 1
            name = plan.note_type.name
            result.per_deck.setdefault(plan.note.deck, Counter())[name] += 1
            known_id, count = result.note_types.get(name, (plan.note_type.id, 0))
            result.note_types[name] = (known_id, count + 1)
        for item in file.fields:
            if item.note.explicit_id in file.notes:
                result.fields += 1
                result.markdown_fields += item.text.markdown
