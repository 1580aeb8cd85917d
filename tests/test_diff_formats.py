"""Pull requests show cards, not only Markdown: `deckgen diff --format markdown` (the job
summary) and `--format github` (a notice on each card a change touches), exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import cli
from deckgen.releases.summary import md_code, md_text
from release_helpers import FIXTURE, edit, v2_changes

T1 = 1_790_000_000
T2 = T1 + 86_400
GOLDEN = Path(__file__).parent / "fixtures" / "release_golden"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


def run(args: list[str], when: int) -> Result:
    return CliRunner().invoke(cli, args, env={"SOURCE_DATE_EPOCH": str(when)})


def released(notes: Path, tmp_path: Path) -> Path:
    result = run(["release", str(notes), "-o", str(tmp_path / "decks")], T1)
    assert result.exit_code == 0, result.output
    return notes


def test_markdown_summary_matches_the_golden(notes: Path, tmp_path: Path) -> None:
    released(notes, tmp_path)
    v2_changes(notes)
    edit(
        notes / "ec2.md",
        "Q: Which purchasing option suits short-term testing?",
        "Q: Which purchasing option suits a short test?",
    )
    result = run(["diff", str(notes), "--format", "markdown"], T2)
    assert result.exit_code == 0, result.output
    golden = (GOLDEN / "diff.md").read_text(encoding="utf-8")
    assert result.output == golden.replace("NOTES", notes.as_posix())


def test_markdown_before_the_first_release_and_without_changes(notes: Path, tmp_path: Path) -> None:
    first = run(["diff", str(notes), "--format", "markdown"], T1)
    assert first.output == (
        "## Learn AWS: no release yet\n\n"
        "No deck.lock.json: the first release ships 7 notes in all as version **1.0.0**.\n"
    )
    released(notes, tmp_path)
    same = run(["diff", str(notes), "--format", "markdown"], T2)
    assert same.output == (
        "## Learn AWS: no changes\n\nNothing changed since 1.0.0 (released 2026-09-21).\n"
    )


def test_card_text_cannot_lay_markdown_or_html_over_the_summary(
    notes: Path, tmp_path: Path
) -> None:
    released(notes, tmp_path)
    edit(
        notes / "ec2.md",
        "## Tenancy",
        "### Is <b>*this*</b> | a `$5` [link](https://x.org) & ~~more~~?\nYes.\n\n## Tenancy",
    )
    result = run(["diff", str(notes), "--format", "markdown", "--full"], T2)
    assert (
        "- **EC2** · Is \\<b\\>\\*this\\*\\</b\\> \\| a \\`\\$5\\` \\[link\\](https://x.org)"
        " \\& \\~\\~more\\~\\~? · "
    ) in result.output


def test_word_diffs_in_markdown_mark_removed_and_added_words(notes: Path, tmp_path: Path) -> None:
    released(notes, tmp_path)
    edit(notes / "ec2.md", "billed per second.", "billed per *second* or hour.")
    result = run(["diff", str(notes), "--format", "markdown"], T2)
    assert "  - Back: On-Demand: no commitment, billed per ~~second.~~ **second or hour.**\n" in (
        result.output
    )


def test_md_helpers() -> None:
    assert md_text("a\n  b_c") == "a b\\_c"
    assert md_code("<!-- id: x -->") == "`<!-- id: x -->`"
    assert md_code("a `b` c") == "``a `b` c``"
    assert md_code("`x`") == "`` `x` ``"


def test_github_notices_on_each_card_the_change_touches(notes: Path, tmp_path: Path) -> None:
    released(notes, tmp_path)
    v2_changes(notes)
    result = run(["diff", str(notes), "--format", "github"], T2)
    path = notes.as_posix()
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"::notice file={path}/ec2.md,line=19,title=Added card::EC2: What is a Savings Plan?\n"
        f"::notice file={path}/ec2.md,line=8,title=Changed card::EC2: What is a Spot"
        " Instance?%0ABack: … with a two-minute [-warning.-] {+interruption notice.+}\n"
        f"::notice file={path}/ec2.md,line=12,title=Changed card::EC2: Which option needs no"
        " commitment?%0AFront: Which [-purchasing-] option [-has-] {+needs+} no commitment?\n"
        f"::notice file={path}/ec2.md,title=Removed card::EC2: What do you commit to with"
        " Reserved Instances?\n"
    )


def test_github_notices_before_the_first_release_are_none(notes: Path) -> None:
    assert run(["diff", str(notes), "--format", "github"], T1).output == ""


def test_a_note_type_that_gained_a_field_is_diffed_by_field_name(tmp_path: Path) -> None:
    types = Path(__file__).parent / "fixtures" / "notes_types"
    notes = Path(shutil.copytree(types, tmp_path / "notes"))
    released(notes, tmp_path)
    edit(notes / "notetypes" / "vocabulary.toml", '"Audio"]', '"Audio", "Plural"]')
    edit(
        notes / "French" / "Animals" / "animals.md",
        "#### Audio",
        "#### Plural\n\nles chats\n\n#### Audio",
    )
    for output_format in ("text", "markdown", "github"):
        result = run(["diff", str(notes), "--format", output_format], T2)
        assert result.exit_code == 0, result.output
        assert "Plural: {+les chats+}" in result.output or "Plural: **les chats**" in result.output
