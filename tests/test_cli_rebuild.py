"""`deckgen build` on a second run, with --force and with --quiet: exact output."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from deckgen.cli import cli
from helpers import NotesFactory

GOOD = {"ec2.md": "# EC2\n## Purchasing options\n### What is Spot?\nSpare capacity.\n"}
ENV = {"SOURCE_DATE_EPOCH": "1790000000"}


def test_an_unchanged_rebuild_says_up_to_date(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes, out = make_notes(GOOD), tmp_path / "decks"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(notes), "-o", str(out)], env=ENV).exit_code == 0
    result = runner.invoke(cli, ["build", str(notes), "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Up to date {out.as_posix()}/learn-aws-1.0.0-dev.apkg: 1 note, 1 card\n"
        "  Learn AWS::EC2      1 cards\n"
    )


def test_force_builds_again(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes, out = make_notes(GOOD), tmp_path / "decks"
    runner = CliRunner()
    runner.invoke(cli, ["build", str(notes), "-o", str(out)], env=ENV)
    result = runner.invoke(cli, ["build", "--force", str(notes), "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Built {out.as_posix()}/learn-aws-1.0.0-dev.apkg:")


def test_quiet_prints_only_problems(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes = make_notes({"ec2.md": "---\nauthor: x\n---\n" + GOOD["ec2.md"]})
    out = tmp_path / "decks"
    result = CliRunner().invoke(cli, ["build", "-q", str(notes), "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{notes.as_posix()}/ec2.md:2: warning DG022 unknown front-matter key 'author';"
        " known keys: deck, tags, notetype\n"
    )
    assert (out / "learn-aws-1.0.0-dev.apkg").is_file()
