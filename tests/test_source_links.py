"""From a card to its source: with deck.toml's `repository`, the back of every card links to
its notes file at the card's heading, and to the forge's page that edits the file."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from deckgen.cards.sanitize import _CLEANER
from deckgen.incremental.build import build as incremental_build
from deckgen.pipeline import load_and_render
from deckgen.publish import prepare, release
from deckgen.releases.diff import report
from release_helpers import FIXTURE, edit, with_settings

T1 = 1_790_000_000
T2 = T1 + 86_400
GITHUB = 'repository = "https://github.com/acme/learn-aws"\n'
SPOT_SOURCE = (
    '<a href="https://github.com/acme/learn-aws/blob/main/notes/ec2.md#what-is-a-spot-instance"'
    ' style="color:inherit">ec2.md</a> · '
    '<a href="https://github.com/acme/learn-aws/edit/main/notes/ec2.md"'
    ' style="color:inherit">suggest a fix</a>'
)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def sources(notes: Path) -> dict[str, str]:
    """Each note's question → its Source field, as a build renders it."""
    loaded = load_and_render(notes)
    return {note.card.question: note.fields[-1] for note in loaded.rendered}


def test_without_repository_the_source_is_the_file_as_before(notes: Path) -> None:
    assert set(sources(notes).values()) == {"ec2.md", "storage.md"}


def test_github_links_to_the_card_and_to_the_edit_page(notes: Path) -> None:
    found = sources(with_settings(notes, GITHUB))
    assert found["What is a Spot Instance?"] == SPOT_SOURCE
    # a Q: card and a cloze link to their topic's heading
    assert found["Which purchasing option suits short-term testing?"].startswith(
        '<a href="https://github.com/acme/learn-aws/blob/main/notes/ec2.md#purchasing-options"'
    )
    cloze = next(s for q, s in found.items() if q.startswith("A Dedicated Host"))
    assert "notes/ec2.md#tenancy" in cloze


def test_branch_notes_path_and_names_are_written_as_urls(notes: Path) -> None:
    (notes / "ec2.md").rename(notes / "EC2 notes.md")
    toml = GITHUB + 'branch = "release/2"\nnotes_path = "decks/Learn AWS"\n'
    found = sources(with_settings(notes, toml))["What is a Spot Instance?"]
    assert found == (
        '<a href="https://github.com/acme/learn-aws/blob/release/2/decks/Learn%20AWS/'
        'EC2%20notes.md#what-is-a-spot-instance" style="color:inherit">EC2 notes.md</a> · '
        '<a href="https://github.com/acme/learn-aws/edit/release/2/decks/Learn%20AWS/'
        'EC2%20notes.md" style="color:inherit">suggest a fix</a>'
    )


def test_another_forge_by_its_templates(notes: Path) -> None:
    toml = (
        'repository = "https://gitlab.com/acme/learn-aws"\n'
        'source_url = "https://gitlab.com/acme/learn-aws/-/blob/{ref}/{path}"\n'
    )
    found = sources(with_settings(notes, toml))["What is a Spot Instance?"]
    assert found == (
        '<a href="https://gitlab.com/acme/learn-aws/-/blob/main/notes/ec2.md'
        '#what-is-a-spot-instance" style="color:inherit">ec2.md</a>'
    ), "no edit_url: no 'suggest a fix'"


def test_links_pass_the_html_policy(notes: Path) -> None:
    """Exactly what deckgen's cleaner keeps of raw HTML: an https link and its colour."""
    for source in sources(with_settings(notes, GITHUB)).values():
        assert _CLEANER.clean(source) == source


def test_a_card_added_at_the_top_of_a_file_changes_no_other_note(
    notes: Path, tmp_path: Path
) -> None:
    with_settings(notes, GITHUB)
    released = release(notes, tmp_path / "decks", T1, None)
    edit(
        notes / "ec2.md",
        "# EC2\n",
        "# EC2\n\n## Regions\n\n### What is a Region?\nA geographic area.\n\n"
        "Q: What is an Availability Zone?\nA: Data centers in a Region.\n",
    )
    plan = prepare(notes).plan(T2)
    assert [n.question for n in plan.changes.added] == [
        "What is a Region?",
        "What is an Availability Zone?",
    ]
    assert plan.changes.changed == () and plan.changes.removed == ()
    shipped = {n.guid: n for n in released.plan.notes}
    for note in plan.notes:
        if note.guid in shipped:
            assert note.fields == shipped[note.guid].fields, note.question
            assert note.mod == T1, "unchanged notes keep their release's time"


def test_giving_the_deck_a_repository_changes_every_note_once(notes: Path, tmp_path: Path) -> None:
    release(notes, tmp_path / "decks", T1, None)
    with_settings(notes, GITHUB)
    prepared = prepare(notes)
    plan = prepared.plan(T2)
    assert len(plan.changes.changed) == len(plan.notes) == 7
    assert plan.changes.needed_bump().label == "patch"
    text = report(plan, "1.0.1")
    assert "             Source: ec2.md {+· suggest a fix+}\n" in text


def test_a_removed_note_is_named_by_its_file_when_its_source_links(
    notes: Path, tmp_path: Path
) -> None:
    with_settings(notes, GITHUB)
    release(notes, tmp_path / "decks", T1, None)
    edit(notes / "storage.md", "- An EBS volume lives in one {{c1::Availability Zone}}.", "")
    prepared = prepare(notes)
    text = report(prepared.plan(T2), "1.1.0")
    assert "(was in storage.md)" in text


def test_an_incremental_build_sees_a_new_repository(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    incremental_build(notes, out, T1)
    with_settings(notes, GITHUB)
    result = incremental_build(notes, out, T1)
    with zipfile.ZipFile(result.path) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    fields = [row[0] for row in db.execute("select flds from notes")]
    db.close()
    assert any(SPOT_SOURCE in f for f in fields)


def test_check_warns_when_git_has_the_notes_elsewhere(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from deckgen.cli import cli
    from release_helpers import git

    repo = tmp_path / "repo"
    notes = Path(shutil.copytree(FIXTURE, repo / "decks" / "aws"))
    with_settings(notes, GITHUB)
    outside = CliRunner().invoke(cli, ["check", str(notes)])
    assert outside.exit_code == 0 and "DG016" not in outside.output  # no git: no opinion
    git(repo, "init", "-q")
    result = CliRunner().invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output.startswith(
        f"{notes.as_posix()}/deck.toml:5: warning DG016 git has the notes folder at"
        " 'decks/aws', but notes_path is 'notes': the cards' links to their source would"
        ' lead nowhere; set notes_path = "decks/aws"\n'
    )
    with_settings(notes, 'notes_path = "decks/aws"\n')
    assert "DG016" not in CliRunner().invoke(cli, ["check", str(notes)]).output
