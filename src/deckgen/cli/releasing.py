"""The commands of a release: diff, release, changelog, and verify for whoever holds one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deckgen.cli.output import (
    NOTES_DIR,
    OUT_DIR,
    Exit1,
    fail,
    print_diagnostics,
    summary_line,
    waiting,
    workflow_command,
)
from deckgen.errors import DeckgenError, Diagnostic, sorted_diagnostics

if TYPE_CHECKING:
    from deckgen.verify import Verdict


@click.command(short_help="Show what changed since the last release.")
@NOTES_DIR
@click.option(
    "--full", is_flag=True, help="Show each changed field whole, not a few words around each edit."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "github"]),
    default="text",
    show_default=True,
    help="markdown: for a pull request's job summary; github: a notice on each changed card.",
)
def diff(notes_dir: Path, full: bool, output_format: str) -> None:
    """Show what changed in NOTES_DIR since the last release (deck.lock.json).

    Lists the notes added, changed (with a short word diff per field; --full for the
    whole field) and removed, in file and line order, changed note types and deck
    settings, probable rewordings with the id that keeps their review history, and the
    version the next release would get. --format markdown writes the same in Markdown,
    for $GITHUB_STEP_SUMMARY; --format github prints a GitHub Actions notice at each
    added and changed card's line (and each removed card's file).
    """
    from deckgen.publish import next_version, prepare
    from deckgen.releases.diff import card_notices, report
    from deckgen.releases.summary import markdown_report
    from deckgen.times import build_time

    try:
        prepared = prepare(notes_dir, store=False)
        plan = prepared.plan(build_time())
        version = next_version(prepared, plan.changes.needed_bump(), None)
    except DeckgenError as exc:
        fail(exc)
        return
    if output_format == "markdown":
        summary = markdown_report(plan, version, full=full, note=prepared.note)
        click.echo(summary, nl=False)
        return
    if output_format == "github":
        for notice in card_notices(plan, notes_dir):
            click.echo(workflow_command("notice", notice.message, **notice.where))
        return
    print_diagnostics(prepared.diagnostics)
    if prepared.note:
        click.echo(f"Note: {prepared.note}.")
    click.echo(report(plan, version, full=full), nl=False)


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

    The version goes up as the changes since deck.lock.json need (a note type's fields or
    templates added, removed or renamed, which learners must merge: major; notes added or
    removed, or a note type's look changed: minor; any other change: patch) unless
    deck.toml was already raised that far. Writes deck.toml, deck.lock.json,
    OUT/CHANGELOG.md, OUT/<slug>-<version>.apkg and OUT/SHA256SUMS. Refuses when the
    notes have errors, when nothing changed, or when time would go backwards.
    """
    from deckgen.publish import release as run_release
    from deckgen.releases.changelog import counts_line
    from deckgen.releases.versions import parse_bump
    from deckgen.times import pinned_time

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


@click.command(short_help="Check that an .apkg is exactly the deck the notes build.")
@click.argument(
    "package", metavar="DECK.apkg", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@NOTES_DIR
@click.option("--tag", help="Build the notes as this release tag holds them (git), e.g. v1.2.0.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object on stdout, for CI.",
)
def verify(package: Path, notes_dir: Path, tag: str | None, output_format: str) -> None:
    """Check that DECK.apkg is exactly the deck NOTES_DIR (default: notes) builds.

    The notes are built again in a temporary folder with the lock's times (with --tag,
    as that git tag holds them) and the packages are compared byte for byte. When they
    differ, every note (by question and GUID, at the line that writes it), note type,
    deck and media file that differs is listed. Exits 0 when the package is that deck,
    1 when it is not, 2 on usage errors (an unknown tag, say).
    """
    from deckgen.times import pinned_time
    from deckgen.verify import TagError, summary
    from deckgen.verify import verify as run_verify

    source = notes_dir.as_posix() + (f" at {tag}" if tag else "")
    as_json = output_format == "json"
    try:
        verdict = run_verify(package, notes_dir, tag, pinned_time())
    except DeckgenError as exc:
        usage = isinstance(exc, TagError)
        if as_json:
            echo_json(verify_report(package, notes_dir, tag, None, exc.diagnostics))
            raise click.exceptions.Exit(2 if usage else 1) from None
        print_diagnostics(exc.diagnostics)
        failure = click.UsageError if usage else Exit1
        message = f"cannot verify {package.as_posix()}: {summary_line(exc.diagnostics)}"
        raise failure(message) from None
    if as_json:
        echo_json(verify_report(package, notes_dir, tag, verdict, verdict.diagnostics))
        if not verdict.identical:
            raise click.exceptions.Exit(1)
        return
    print_diagnostics(verdict.diagnostics)
    where = f"{verdict.deck} as {source} builds it"
    if not verdict.identical:
        raise Exit1(
            f"{package.as_posix()} is not {where}: {summary(verdict)}"
            f" (sha256 {verdict.sha256}, rebuilt {verdict.rebuilt_sha256})"
        )
    click.echo(f"OK: {package.as_posix()} is exactly {where} (sha256 {verdict.sha256})")


def echo_json(report: dict[str, object]) -> None:
    click.echo(json.dumps(report, indent=2, ensure_ascii=False))


def verify_report(
    package: Path,
    notes_dir: Path,
    tag: str | None,
    verdict: Verdict | None,
    diagnostics: list[Diagnostic],
) -> dict[str, object]:
    """`verify --format json`: the verdict, each difference, and every diagnostic."""
    differences = verdict.differences if verdict is not None else []
    return {
        "package": package.as_posix(),
        "notes_dir": notes_dir.as_posix(),
        "tag": tag,
        "ok": verdict is not None and verdict.identical,
        "deck": verdict.deck if verdict is not None else None,
        "sha256": verdict.sha256 if verdict is not None else None,
        "rebuilt_sha256": verdict.rebuilt_sha256 if verdict is not None else None,
        "differences": [
            {
                "kind": d.kind,
                "name": d.name,
                "question": d.question or None,
                "only_in": d.only_in,
                # what differs, each with its two values; empty when only one side has it
                "parts": {part: {"package": a, "rebuilt": b} for part, (a, b) in d.values.items()},
            }
            for d in differences
        ],
        "diagnostics": [d.as_dict() for d in sorted_diagnostics(diagnostics)],
    }
