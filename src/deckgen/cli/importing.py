"""`deckgen import`: an existing Anki deck → a notes folder whose builds update it in place."""

from __future__ import annotations

from pathlib import Path

import click

from deckgen.cli.output import fail, print_diagnostics, summary_line
from deckgen.errors import DeckgenError, plural


def _version(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from deckgen.notes.config import SEMVER

    if not SEMVER.match(value):
        raise click.BadParameter(f"{value!r} is not a version like 1.0.0")
    return value


@click.command("import", short_help="Make a notes folder of an existing Anki deck.")
@click.argument("package", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "notes_dir",
    default="notes",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The notes folder to write: new, or empty.",
)
@click.option(
    "--version",
    "version",
    default="1.0.0",
    show_default=True,
    callback=_version,
    help="The deck's version in deck.toml and the lock.",
)
@click.option("--deck", help="The deck to import, when the package holds several (A::B too).")
def import_package(package: Path, notes_dir: Path, version: str, deck: str | None) -> None:
    """Write the deck in PACKAGE (.apkg, .colpkg, or a collection.anki2) as a notes folder.

    Every note keeps its GUID, note type (declared in notes/notetypes/ with its Anki id)
    and tags, and is written as Markdown wherever deckgen renders that Markdown back to
    the same HTML (else as HTML, said at its line). deck.lock.json records each note at
    its original time, so the first build, imported over the original deck, updates the
    learners' notes in place and keeps every review. Needs the `import` extra (the `anki`
    package and markdownify): in a checkout, .venv/bin/python -m pip install -e '.[import]';
    with pipx, pipx inject deckgen anki markdownify.
    """
    from deckgen.importing.run import import_deck

    try:
        result = import_deck(package, notes_dir, version=version, deck=deck)
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics, show_info=True)
    shown = notes_dir.as_posix()
    click.echo(
        f"Imported {result.root} from {package.name} into {shown}/:"
        f" {plural(result.notes, 'note')}, {plural(len(result.note_types), 'note type')},"
        f" {plural(result.media, 'media file')}"
    )
    width = max((len(name) for name in result.per_deck), default=0)
    for name, kinds in sorted(result.per_deck.items()):
        parts = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        click.echo(f"  {name:<{width}}  {sum(kinds.values()):>6} notes  ({parts})")
    for name, (note_type_id, count) in sorted(result.note_types.items()):
        click.echo(f"  note type {name} (id {note_type_id}): {plural(count, 'note')}")
    share = 100 * result.markdown_fields / result.fields if result.fields else 100.0
    click.echo(
        f"Fields: {result.markdown_fields} of {result.fields} as Markdown ({share:.1f} %),"
        f" {result.html_fields} kept as HTML"
        + (f"; {plural(result.skipped, 'note')} not imported" if result.skipped else "")
    )
    click.echo(f"{summary_line(result.diagnostics)}")
    click.echo(
        f"Next: deckgen check {shown}, then deckgen build {shown}: imported over the original"
        " deck, the build updates learners' notes in place."
    )
