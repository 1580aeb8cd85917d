"""The `deckgen` command: parse arguments, call the core, print, map errors to exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import click

from deckgen import __version__
from deckgen.errors import DeckgenError, Diagnostic, Severity, sorted_diagnostics

NOTES_DIR = click.argument(
    "notes_dir", default="notes", required=False, type=click.Path(file_okay=False, path_type=Path)
)


def print_diagnostics(diagnostics: Iterable[Diagnostic], *, show_info: bool = False) -> None:
    for diagnostic in sorted_diagnostics(diagnostics):
        if diagnostic.severity is Severity.INFO and not show_info:
            continue
        click.echo(str(diagnostic), err=diagnostic.severity is not Severity.INFO)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in items)
    warnings = sum(d.severity is Severity.WARNING for d in items)

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def fail(exc: DeckgenError) -> None:
    print_diagnostics(exc.diagnostics)
    raise click.ClickException(summary_line(exc.diagnostics))


class _Exit1(click.ClickException):
    exit_code = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="deckgen")
def cli() -> None:
    """deckgen turns structured Markdown notes into versioned Anki decks.

    A notes folder holds deck.toml and one Markdown file per sub-deck. Every H3,
    Q:/A: pair and {{c1::cloze}} becomes a note that keeps its identity across
    builds, so re-importing a new version updates notes and keeps review history.
    """


@cli.command()
@NOTES_DIR
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="decks",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the .apkg is written to.",
)
def build(notes_dir: Path, out_dir: Path) -> None:
    """Build OUT/<slug>-<version>.apkg from NOTES_DIR (default: notes).

    The package is stamped with SOURCE_DATE_EPOCH when it is set, else the current
    time. On any error nothing is written and an earlier deck stays as it was.
    """
    from deckgen.build import build as run_build
    from deckgen.build import build_time

    try:
        result = run_build(notes_dir, out_dir, build_time())
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics)
    click.echo(
        f"Built {result.path.as_posix()}: {plural(result.notes, 'note')},"
        f" {plural(result.cards, 'card')}"
    )
    width = max(len(name) for name in result.cards_per_subdeck)
    for name, count in result.cards_per_subdeck.items():
        click.echo(f"  {name:<{width}}  {count:>5} cards")


@cli.command()
@NOTES_DIR
def check(notes_dir: Path) -> None:
    """Validate NOTES_DIR without writing anything.

    Prints every problem as path:line: severity code message, including info lines
    for prose that makes no card. Exits 1 if there is any error.
    """
    from deckgen.build import check_notes, count_cards

    loaded = check_notes(notes_dir)
    print_diagnostics(loaded.diagnostics, show_info=True)
    if loaded.deck is None:
        raise _Exit1(summary_line(loaded.diagnostics))
    counts = count_cards(loaded.deck)
    click.echo(
        f"{notes_dir.as_posix()}: {plural(len(loaded.deck.cards), 'note')},"
        f" {plural(sum(counts.values()), 'card')} in {plural(len(counts), 'sub-deck')};"
        f" {summary_line(loaded.diagnostics)}"
    )


@cli.command()
@NOTES_DIR
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="decks/preview",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the page and its media files are written to.",
)
def preview(notes_dir: Path, out_dir: Path) -> None:
    """Write OUT/index.html: every card of NOTES_DIR, front and back, light and dark.

    One static page (no scripts) with the deck's own templates and CSS, and the
    images and diagrams beside it, for reviewing a deck in a browser without Anki.
    """
    from deckgen.preview import write_preview

    try:
        result = write_preview(notes_dir, out_dir)
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics)
    click.echo(
        f"Wrote {result.path.as_posix()}: {plural(result.cards, 'card')},"
        f" {plural(result.media, 'media file')}"
    )


@cli.command("list")
@NOTES_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the cards as JSON, for scripts.")
def list_cards(notes_dir: Path, as_json: bool) -> None:
    """List the cards of NOTES_DIR: sub-deck, tags and question."""
    from deckgen.build import load_deck
    from deckgen.ids import guid_for_card

    try:
        deck, _ = load_deck(notes_dir)
    except DeckgenError as exc:
        fail(exc)
        return
    rows = [
        {
            "deck": deck.subdeck_name(card),
            "kind": card.kind.value,
            "id": card.explicit_id,
            "guid": guid_for_card(card),
            "tags": list(card.tags),
            "question": card.question,
            "source": f"{card.source}:{card.loc.line}",
        }
        for card in deck.cards
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = [
        (str(row["deck"]), " ".join(card.tags) or "-", card.question)
        for row, card in zip(rows, deck.cards, strict=True)
    ]
    deck_width = max(len(d) for d, _, _ in table)
    tag_width = max(len(t) for _, t, _ in table)
    for subdeck, tags, question in table:
        click.echo(f"{subdeck:<{deck_width}}  {tags:<{tag_width}}  {question}")


def main() -> None:
    cli(prog_name="deckgen")
