"""The release fixture and the edits that make its versions 2 and 3 (shared by several tests)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "notes_release"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def with_settings(notes: Path, toml: str) -> Path:
    """The notes with `toml` (deck.toml lines) added to their deck.toml."""
    deck_toml = notes / "deck.toml"
    deck_toml.write_text(deck_toml.read_text(encoding="utf-8") + toml, encoding="utf-8")
    return notes


def v2_changes(notes: Path) -> None:
    """One answer edited, one question reworded under its id, one note removed, one added."""
    three_card_changes(notes)
    edit(
        notes / "ec2.md",
        "Which purchasing option has no commitment?",
        "Which option needs no commitment?",
    )


def v3_changes(notes: Path) -> None:
    """One answer edited, one cloze removed, one note added."""
    storage = notes / "storage.md"
    edit(storage, "--region eu-west-1", "--region eu-west-1 --output table")
    edit(storage, "## Block storage", "## Block storage\n\nQ: What is EBS?\nA: Block storage.\n")
    ec2 = notes / "ec2.md"
    edit(
        ec2,
        "<!-- id: ec2-dedicated-host -->\n"
        "A Dedicated Host gives {{c1::visibility and control of the physical server}}.\n",
        "",
    )


def git(repo: Path, *args: str, when: int | None = None) -> str:
    """A git command in `repo` as a fixed author, whatever the machine's git config; with
    `when`, commits and annotated tags are dated then (a release ships at its tag's date)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "maintainer",
        "GIT_AUTHOR_EMAIL": "maintainer@example.com",
        "GIT_COMMITTER_NAME": "maintainer",
        "GIT_COMMITTER_EMAIL": "maintainer@example.com",
    }
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    args = ("-c", "tag.gpgSign=false", "-c", "commit.gpgSign=false", *args)
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout


def commit_and_tag(repo: Path, version: str, when: int | None = None) -> None:
    """Commit the notes and the changelog of a release, and tag it v<version> (dated `when`)."""
    git(repo, "add", "notes", "decks/CHANGELOG.md")
    git(repo, "commit", "-q", "-m", f"Release {version}", when=when)
    git(repo, "tag", f"v{version}", when=when)


def three_card_changes(notes: Path) -> None:
    """A pull request's worth: one card edited, one added, one removed, nothing else."""
    ec2 = notes / "ec2.md"
    edit(ec2, "two-minute warning", "two-minute interruption notice")
    edit(
        ec2,
        "### What do you commit to with Reserved Instances?\n<!-- id: ec2-reserved -->\n"
        "A specific instance configuration for a 1-year or 3-year term.\n\n",
        "",
    )
    edit(
        ec2,
        "## Tenancy",
        "### What is a Savings Plan?\n<!-- id: ec2-savings -->\n"
        "A commitment to an amount of usage in USD per hour.\n\n## Tenancy",
    )
