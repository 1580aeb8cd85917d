"""The commands an author runs while writing: build, check, list, preview."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deckgen.cli.output import (
    NOTES_DIR,
    OUT_DIR,
    STRICT,
    Exit1,
    fail,
    failure_line,
    out_option,
    print_annotations,
    print_diagnostics,
    summary_line,
    waiting,
)
from deckgen.errors import DeckgenError, Diagnostic, Severity, fails, plural, sorted_diagnostics

if TYPE_CHECKING:
    from deckgen.model import Card, Deck
    from deckgen.quality.lint import Silenced


@click.command(short_help="Build OUT/<slug>-<version>.apkg from the notes.")
@NOTES_DIR
@out_option("decks", "Folder the .apkg is written to.")
@STRICT
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed; ignore the cache.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that parse and render files [default: one per CPU].",
)
def build(
    notes_dir: Path, out_dir: Path, strict: bool, force: bool, quiet: bool, jobs: int | None
) -> None:
    """Build OUT/<slug>-<version>.apkg from NOTES_DIR (default: notes).

    New and changed notes are stamped with SOURCE_DATE_EPOCH when it is set, else
    the current time; notes unchanged since the last release keep its time. On any
    error nothing is written and an earlier deck stays as it was. A build that is not
    exactly the last release is named for the next one, marked -dev. When neither the
    notes nor deckgen changed since the last build, the deck is kept as it is; parsed
    and rendered files are cached in your user cache folder (DECKGEN_CACHE_DIR to move
    it), which is always safe to delete and never changes what a build ships.
    """
    from deckgen.cli.progress import progress_bar
    from deckgen.incremental.build import build as run_build
    from deckgen.times import pinned_time

    try:
        with progress_bar(enabled=not quiet) as progress:
            result = run_build(
                notes_dir,
                out_dir,
                pinned_time(),
                strict=strict,
                force=force,
                progress=progress,
                jobs=jobs,
                on_wait=waiting,
            )
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics)
    if quiet:
        return
    verb = "Up to date" if result.skipped else "Built"
    click.echo(
        f"{verb} {result.path.as_posix()}: {plural(result.notes, 'note')},"
        f" {plural(result.cards, 'card')}"
    )
    width = max(len(name) for name in result.cards_per_subdeck)
    for name, count in result.cards_per_subdeck.items():
        click.echo(f"  {name:<{width}}  {count:>5} cards")
    if result.tombstones:
        click.echo(f"  and {plural(result.tombstones, 'removed note')} shipped as tombstones")


@click.command(short_help="Validate the notes; write nothing.")
@NOTES_DIR
@click.option(
    "--release",
    "for_release",
    is_flag=True,
    help="Also fail unless the notes, deck.toml and CHANGELOG.md are exactly the locked release.",
)
@OUT_DIR
@click.option("--tag", help="With --release: fail unless TAG is v<version> (e.g. v1.2.0).")
@STRICT
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="json: one object on stdout, for editors and CI; github: GitHub Actions annotations.",
)
def check(
    notes_dir: Path,
    for_release: bool,
    out_dir: Path,
    tag: str | None,
    strict: bool,
    output_format: str,
) -> None:
    """Validate NOTES_DIR without writing anything.

    Prints every problem as path:line: severity code message (with --format github, as
    GitHub Actions annotations on the pull request's lines), including info lines
    for prose that makes no card, and the card-quality findings (DG5xx: long answers,
    lists, leaks, duplicates …) that no `<!-- quality: ok CHECK — reason -->` comment
    silenced. Diagrams not in the cache yet are checked by mermaid where it can run here
    (nothing is stored). Exits 1 if there is any error (or, with --strict, any warning).
    With --release (for CI on release tags) it also checks that nothing changed since the
    release in deck.lock.json and that the version and changelog match it.
    """
    from deckgen.incremental.checking import cached_check
    from deckgen.notes.notetypes import count_cards

    loaded = cached_check(notes_dir)
    failed = loaded.deck is None or fails(loaded.diagnostics, strict=strict)
    counts = count_cards(loaded.deck) if loaded.deck is not None else None
    if output_format == "json":
        diagnostics = list(loaded.diagnostics)
        if for_release and not failed:
            diagnostics += release_problems(notes_dir, out_dir, tag)
            failed = fails(diagnostics, strict=strict)
        notes = len(loaded.deck.cards) if loaded.deck is not None else None
        report = check_report(notes_dir, diagnostics, notes, counts, failed=failed)
        report["silenced"] = [silenced_as_dict(item) for item in loaded.silenced]
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        if failed:
            raise click.exceptions.Exit(1)
        return
    if output_format == "github":
        print_annotations(loaded.diagnostics)
    else:
        print_diagnostics(loaded.diagnostics, show_info=True)
    silenced = len(loaded.silenced)
    quiet = f"; {plural(silenced, 'quality finding')} silenced" if silenced else ""
    if failed or loaded.deck is None or counts is None:
        raise Exit1(failure_line(loaded.diagnostics) + quiet)
    click.echo(
        f"{notes_dir.as_posix()}: {plural(len(loaded.deck.cards), 'note')},"
        f" {plural(sum(counts.values()), 'card')} in {plural(len(counts), 'sub-deck')};"
        f" {summary_line(loaded.diagnostics)}{quiet}"
    )
    if for_release:
        check_release_of(notes_dir, out_dir, tag, loaded.deck.config.version, output_format)


def release_problems(notes_dir: Path, out_dir: Path, tag: str | None) -> list[Diagnostic]:
    from deckgen.publish import check_release

    try:
        return list(check_release(notes_dir, out_dir, tag))
    except DeckgenError as exc:
        return list(exc.diagnostics)


def check_release_of(
    notes_dir: Path, out_dir: Path, tag: str | None, version: str, output_format: str = "text"
) -> None:
    problems = release_problems(notes_dir, out_dir, tag)
    if problems:
        (print_annotations if output_format == "github" else print_diagnostics)(problems)
        raise Exit1(f"not a release: {summary_line(problems)}")
    click.echo(f"Release {version}: the notes, deck.toml and the changelog match the lock.")


@click.command(short_help="Write one HTML page showing every card.")
@NOTES_DIR
@out_option("decks/preview", "Folder the page and its media files are written to.")
@click.option(
    "--changed",
    is_flag=True,
    help="Only the cards added, changed (before and after) and removed since the last release.",
)
def preview(notes_dir: Path, out_dir: Path, changed: bool) -> None:
    """Write OUT/index.html: every card of NOTES_DIR, front and back, light and dark.

    One static page (no scripts) with the deck's own templates and CSS, and the
    images and diagrams beside it, for reviewing a deck in a browser without Anki:
    an index of the sub-decks, then each card's four views in reading order.
    With --changed, only the cards a change touches since the last release (for a
    pull request): the added ones, the changed ones before (as deck.lock.json shipped
    them) and after, and the removed ones.
    """
    from deckgen.preview import write_preview
    from deckgen.preview.changes import write_changed_preview

    try:
        write = write_changed_preview if changed else write_preview
        result = write(notes_dir, out_dir)
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics)
    click.echo(
        f"Wrote {result.path.as_posix()}: {plural(result.cards, 'card')},"
        f" {plural(result.media, 'media file')}"
    )


def check_report(
    notes_dir: Path,
    diagnostics: list[Diagnostic],
    notes: int | None,
    counts: dict[str, int] | None,
    *,
    failed: bool,
) -> dict[str, object]:
    """`check --format json`: every diagnostic with its location, and the totals."""
    ordered = sorted_diagnostics(diagnostics)
    return {
        "notes_dir": notes_dir.as_posix(),
        "ok": not failed,
        "errors": sum(d.severity is Severity.ERROR for d in ordered),
        "warnings": sum(d.severity is Severity.WARNING for d in ordered),
        "infos": sum(d.severity is Severity.INFO for d in ordered),
        "notes": notes,
        "cards": sum(counts.values()) if counts is not None else None,
        "diagnostics": [d.as_dict() for d in ordered],
    }


def silenced_as_dict(item: Silenced) -> dict[str, object]:
    """A silenced quality finding for `check --format json`: the finding, marked silenced,
    with the reason its card gave and the line of that comment."""
    return {
        **item.diagnostic.as_dict(),
        "silenced": True,
        "reason": item.silence.reason,
        "comment_line": item.silence.loc.line,
    }


@click.command("list", short_help="List the notes: sub-deck, file:line, question.")
@NOTES_DIR
@click.option(
    "--json", "as_json", is_flag=True, help="Print every note whole as JSON, for scripts."
)
def list_cards(notes_dir: Path, as_json: bool) -> None:
    """List the notes of NOTES_DIR by sub-deck: file:line and question.

    On a terminal each line is cut to its width; piped, lines are whole. --json adds
    each note's kind, id, GUID and tags.
    """
    from deckgen.pipeline import load_deck
    from deckgen.releases.plan import resolve_guids
    from deckgen.releases.published import base_lock

    try:
        deck, _ = load_deck(notes_dir)
        # the GUIDs a build ships: the lock keeps those of reworded and claimed notes
        guids = resolve_guids(deck.cards, base_lock(notes_dir, deck.config, time.time()).lock)
    except DeckgenError as exc:
        fail(exc)
        return
    if as_json:
        rows = [
            {
                "deck": deck.subdeck_name(card),
                "kind": card.kind.value,
                "id": card.explicit_id,
                "guid": guid,
                "tags": list(card.tags),
                "question": card.question,
                "source": f"{card.source}:{card.loc.line}",
            }
            for card, guid in zip(deck.cards, guids, strict=True)
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for line in note_listing(deck, terminal_width()):
        click.echo(line)


def terminal_width() -> int | None:
    """The terminal's width when stdout is one, else None (piped: nothing is cut)."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def note_listing(deck: Deck, width: int | None = None) -> list[str]:
    """`deckgen list`: a line per sub-deck, then one per note, `file:line  question`,
    each cut to `width` (None: whole)."""
    by_subdeck: dict[str, list[Card]] = {}
    for card in deck.cards:
        by_subdeck.setdefault(deck.subdeck_name(card), []).append(card)
    lines = []
    for name, cards in by_subdeck.items():
        where = max(len(str(card.loc)) for card in cards)
        lines.append(f"{name} ({plural(len(cards), 'note')})")
        lines += [f"  {card.loc!s:<{where}}  {' '.join(card.question.split())}" for card in cards]
    if width is None:
        return lines
    return [line if len(line) <= width else line[: max(width - 1, 0)] + "…" for line in lines]
