"""The `deckgen` command: parse arguments, call the core, print, map errors to exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from deckgen import __version__
from deckgen.errors import (
    DeckgenError,
    Diagnostic,
    Severity,
    fails,
    has_errors,
    plural,
    sorted_diagnostics,
)

F = TypeVar("F", bound=Callable[..., Any])

NOTES_DIR = click.argument(
    "notes_dir", default="notes", required=False, type=click.Path(file_okay=False, path_type=Path)
)
STRICT = click.option(
    "--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors."
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


def failure_line(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    strict_note = "" if has_errors(items) else " (--strict: warnings fail the run)"
    return summary_line(items) + strict_note


def fail(exc: DeckgenError) -> None:
    print_diagnostics(exc.diagnostics)
    raise click.ClickException(failure_line(exc.diagnostics))


class _Exit1(click.ClickException):
    exit_code = 1


def out_option(default: str, help_text: str) -> Callable[[F], F]:
    """The -o/--out folder option, the same on every command that writes."""
    return click.option(
        "-o",
        "--out",
        "out_dir",
        default=default,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


OUT_DIR = out_option("decks", "Folder of the .apkg, SHA256SUMS and CHANGELOG.md.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="deckgen")
def cli() -> None:
    """deckgen turns structured Markdown notes into versioned Anki decks.

    A notes folder holds deck.toml and one Markdown file per sub-deck. Every H3,
    Q:/A: pair and {{c1::cloze}} becomes a note that keeps its identity across
    builds, so re-importing a new version updates notes and keeps review history.

    Start with `deckgen check` (what would be built, and every mistake as
    path:line), then `deckgen build`. `deckgen COMMAND --help` says more.
    """


@cli.command(short_help="Build OUT/<slug>-<version>.apkg from the notes.")
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
    error nothing is written and an earlier deck stays as it was. When neither the
    notes nor deckgen changed since the last build, the deck is kept as it is;
    parsed and rendered files are cached in .deckgen-cache/ beside OUT, which is
    always safe to delete.
    """
    from deckgen.cli.progress import progress_bar
    from deckgen.pipeline import build as run_build
    from deckgen.pipeline import pinned_time

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


@cli.command(short_help="Validate the notes; write nothing.")
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
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object on stdout, for editors and CI annotations.",
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

    Prints every problem as path:line: severity code message, including info lines
    for prose that makes no card. Exits 1 if there is any error (or, with --strict,
    any warning). With --release (for CI on release tags) it also checks that nothing
    changed since the release in deck.lock.json and that the version and changelog
    match it.
    """
    from deckgen.pipeline import check_notes, count_cards

    loaded = check_notes(notes_dir)
    failed = loaded.deck is None or fails(loaded.diagnostics, strict=strict)
    counts = count_cards(loaded.deck) if loaded.deck is not None else None
    if output_format == "json":
        diagnostics = list(loaded.diagnostics)
        if for_release and not failed:
            diagnostics += release_problems(notes_dir, out_dir, tag)
            failed = fails(diagnostics, strict=strict)
        notes = len(loaded.deck.cards) if loaded.deck is not None else None
        report = check_report(notes_dir, diagnostics, notes, counts, failed=failed)
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        if failed:
            raise click.exceptions.Exit(1)
        return
    print_diagnostics(loaded.diagnostics, show_info=True)
    if failed or loaded.deck is None or counts is None:
        raise _Exit1(failure_line(loaded.diagnostics))
    click.echo(
        f"{notes_dir.as_posix()}: {plural(len(loaded.deck.cards), 'note')},"
        f" {plural(sum(counts.values()), 'card')} in {plural(len(counts), 'sub-deck')};"
        f" {summary_line(loaded.diagnostics)}"
    )
    if for_release:
        check_release_of(notes_dir, out_dir, tag, loaded.deck.config.version)


def release_problems(notes_dir: Path, out_dir: Path, tag: str | None) -> list[Diagnostic]:
    from deckgen.publish import check_release

    try:
        return list(check_release(notes_dir, out_dir, tag))
    except DeckgenError as exc:
        return list(exc.diagnostics)


def check_release_of(notes_dir: Path, out_dir: Path, tag: str | None, version: str) -> None:
    problems = release_problems(notes_dir, out_dir, tag)
    if problems:
        print_diagnostics(problems)
        raise _Exit1(f"not a release: {summary_line(problems)}")
    click.echo(f"Release {version}: the notes, deck.toml and the changelog match the lock.")


@cli.command(short_help="Write one HTML page showing every card.")
@NOTES_DIR
@out_option("decks/preview", "Folder the page and its media files are written to.")
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


@cli.command("list", short_help="List the cards: sub-deck, tags, question.")
@NOTES_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the cards as JSON, for scripts.")
def list_cards(notes_dir: Path, as_json: bool) -> None:
    """List the cards of NOTES_DIR: sub-deck, tags and question."""
    from deckgen.pipeline import load_deck
    from deckgen.releases.lock import read_lock
    from deckgen.releases.plan import resolve_guids

    try:
        deck, _ = load_deck(notes_dir)
        # the GUIDs a build ships: the lock keeps those of reworded and claimed notes
        guids = resolve_guids(deck.cards, read_lock(notes_dir))
    except DeckgenError as exc:
        fail(exc)
        return
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


@cli.command(short_help="Show what changed since the last release.")
@NOTES_DIR
def diff(notes_dir: Path) -> None:
    """Show what changed in NOTES_DIR since the last release (deck.lock.json).

    Lists the notes added, changed (with a short word diff per field) and removed,
    changed note types and deck settings, probable rewordings with the id that keeps
    their review history, and the version the next release would get.
    """
    from deckgen.pipeline import build_time
    from deckgen.publish import next_version, prepare
    from deckgen.releases.diff import report

    try:
        prepared = prepare(notes_dir)
        plan = prepared.plan(build_time())
        version = next_version(prepared, plan.changes.needed_bump(), None)
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(prepared.diagnostics)
    click.echo(report(plan, prepared.lock, version), nl=False)


@cli.command(short_help="Cut a release: version, lock, changelog, deck.")
@NOTES_DIR
@OUT_DIR
@click.option(
    "--bump",
    "bump_level",
    type=click.Choice(["patch", "minor", "major"]),
    help="Raise the version at least this far (never less than the changes need).",
)
def release(notes_dir: Path, out_dir: Path, bump_level: str | None) -> None:
    """Cut a release of NOTES_DIR: version, lock, changelog and the .apkg.

    The version goes up as the changes since deck.lock.json need (removed notes or a
    changed note type: major; added notes: minor; other changes: patch) unless
    deck.toml was already raised that far. Writes deck.toml, deck.lock.json,
    OUT/CHANGELOG.md, OUT/<slug>-<version>.apkg and OUT/SHA256SUMS. Refuses when the
    notes have errors, when nothing changed, or when time would go backwards.
    """
    from deckgen.pipeline import build_time
    from deckgen.publish import release as run_release
    from deckgen.releases.changelog import counts_line
    from deckgen.releases.versions import parse_bump

    requested = parse_bump(bump_level) if bump_level else None
    try:
        result = run_release(notes_dir, out_dir, build_time(), requested)
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics)
    counts = counts_line(result.plan.changes, result.plan)
    if result.previous is None:
        click.echo(f"Released {result.version}, the first release: {counts}")
    else:
        changes = f"{result.needed.label} changes"
        click.echo(f"Released {result.version} (from {result.previous}, {changes}): {counts}")
    for path in (result.path, result.path.with_name("SHA256SUMS"), result.lock, result.changelog):
        click.echo(f"  wrote {path.as_posix()}")
    click.echo(
        f"Commit the notes and {result.changelog.name}, then tag v{result.version} and push it."
    )


@cli.command(short_help="Print one release's changelog section.")
@NOTES_DIR
@OUT_DIR
@click.option("--version", "version", help="The release to show (default: deck.toml's version).")
def changelog(notes_dir: Path, out_dir: Path, version: str | None) -> None:
    """Print one release's section of OUT/CHANGELOG.md (the release notes)."""
    from deckgen.errors import error
    from deckgen.model import SourceLoc
    from deckgen.notes.folder import load_config
    from deckgen.releases.changelog import changelog_path, find_section

    if version is None:
        config, problems = load_config(notes_dir)
        if config is None:
            fail(DeckgenError(problems))
            return
        version = config.version
    path = changelog_path(out_dir)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    section = find_section(text, version)
    if section is None:
        loc = SourceLoc(path.as_posix(), 1)
        fail(DeckgenError([error(loc, "DG068", f"no section for {version}")]))
        return
    click.echo(section, nl=False)


def main() -> None:
    cli(prog_name="deckgen")
