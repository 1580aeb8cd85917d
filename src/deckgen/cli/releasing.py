"""The commands of a release: diff, release, changelog."""

from __future__ import annotations

from pathlib import Path

import click

from deckgen.cli.output import NOTES_DIR, OUT_DIR, fail, print_diagnostics, waiting
from deckgen.errors import DeckgenError


@click.command(short_help="Show what changed since the last release.")
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
    if prepared.note:
        click.echo(f"Note: {prepared.note}.")
    click.echo(report(plan, prepared.lock, version), nl=False)


@click.command(short_help="Cut a release: version, lock, changelog, deck.")
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
    from deckgen.pipeline import pinned_time
    from deckgen.publish import release as run_release
    from deckgen.releases.changelog import counts_line
    from deckgen.releases.versions import parse_bump

    requested = parse_bump(bump_level) if bump_level else None
    try:
        result = run_release(notes_dir, out_dir, pinned_time(), requested, waiting)
    except DeckgenError as exc:
        fail(exc)
        return
    print_diagnostics(result.diagnostics)
    if result.note:
        click.echo(f"Note: {result.note}.")
    counts = counts_line(result.plan.changes, result.plan)
    if result.previous is None:
        click.echo(f"Released {result.version}, the first release: {counts}")
    else:
        changes = f"{result.needed.label} changes"
        click.echo(f"Released {result.version} (from {result.previous}, {changes}): {counts}")
    for path in (result.path, result.path.with_name("SHA256SUMS"), result.lock, result.changelog):
        click.echo(f"  wrote {path.as_posix()}")
    click.echo(
        f"Commit the notes and {result.changelog.name}, then tag v{result.version} and push it"
        f' when you publish (git tag -a v{result.version} -m "Release {result.version}"):'
        " the deck learners get carries the tag's date."
    )


@click.command(short_help="Print one release's changelog section.")
@NOTES_DIR
@OUT_DIR
@click.option("--version", "version", help="The release to show (default: deck.toml's version).")
def changelog(notes_dir: Path, out_dir: Path, version: str | None) -> None:
    """Print one release's section of OUT/CHANGELOG.md (the release notes)."""
    from deckgen.errors import error
    from deckgen.model import SourceLoc
    from deckgen.notes.folder import load_config
    from deckgen.releases.changelog import changelog_path, find_section, read_changelog

    if version is None:
        config, problems = load_config(notes_dir)
        if config is None:
            fail(DeckgenError(problems))
            return
        version = config.version
    path = changelog_path(out_dir)
    try:
        text = read_changelog(out_dir)
    except DeckgenError as exc:
        fail(exc)
        return
    section = find_section(text, version)
    if section is None:
        loc = SourceLoc(path.as_posix(), 1)
        fail(DeckgenError([error(loc, "DG068", f"no section for {version}")]))
        return
    click.echo(section, nl=False)
