"""`deckgen release`, `diff`, `check --release` and `changelog` as a user runs them."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import cli
from release_helpers import FIXTURE, edit, v2_changes

T1 = 1_790_000_000
T2 = T1 + 86_400
GOLDEN = Path(__file__).parent / "fixtures" / "release_golden"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "notes"))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "decks"


def run(args: list[str], when: int | None = None) -> Result:
    env = {"SOURCE_DATE_EPOCH": str(when)} if when is not None else {}
    return CliRunner().invoke(cli, args, env=env)


def cut(notes: Path, out: Path, when: int, *extra: str) -> Result:
    return run(["release", str(notes), "-o", str(out), *extra], when)


def test_first_release_writes_everything(notes: Path, out: Path) -> None:
    result = cut(notes, out, T1)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Released 1.0.0, the first release: 7 notes in all.\n"
        f"  wrote {out.as_posix()}/learn-aws-1.0.0.apkg\n"
        f"  wrote {out.as_posix()}/SHA256SUMS\n"
        f"  wrote {notes.as_posix()}/deck.lock.json\n"
        f"  wrote {out.as_posix()}/CHANGELOG.md\n"
        "Commit the notes and CHANGELOG.md, then tag v1.0.0 and push it when you publish"
        ' (git tag -a v1.0.0 -m "Release 1.0.0"): the deck learners get carries the'
        " tag's date.\n"
    )
    assert (out / "CHANGELOG.md").read_text(encoding="utf-8") == (
        "# Changelog\n\n## 1.0.0 (2026-09-21)\n\nFirst release: 7 notes in all.\n\n"
        "Import only the newest version. On Anki 2.1.55–24.11, if an edit does not arrive,"
        " import it again with “Update notes: Always” (Anki 23.10 or later).\n"
    )
    check = run(["check", str(notes), "--release", "-o", str(out), "--tag", "v1.0.0"])
    assert check.exit_code == 0, check.output
    assert check.output.endswith(
        "Release 1.0.0: the notes, deck.toml and the changelog match the lock.\n"
    )


def test_second_release_bumps_writes_deck_toml_and_matches_the_goldens(
    notes: Path, out: Path
) -> None:
    assert cut(notes, out, T1).exit_code == 0
    v2_changes(notes)
    edit(
        notes / "ec2.md",
        "Q: Which purchasing option suits short-term testing?",
        "Q: Which purchasing option suits a short test?",
    )
    diff = run(["diff", str(notes)], T2)
    assert diff.exit_code == 0, diff.output
    assert diff.output == (GOLDEN / "diff.txt").read_text(encoding="utf-8").replace(
        "NOTES", notes.as_posix()
    )

    result = cut(notes, out, T2)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Released 1.1.0 (from 1.0.0, minor changes): 2 added, 2 changed, 2 removed; 7 notes in all.\n"
    )
    assert 'version = "1.1.0"' in (notes / "deck.toml").read_text(encoding="utf-8")
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog == (GOLDEN / "CHANGELOG.md").read_text(encoding="utf-8")
    section = run(["changelog", str(notes), "-o", str(out)])
    assert section.output == changelog.split("\n\n", 1)[1].split("\n\n## 1.0.0")[0] + "\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "CHANGELOG.md",
        "SHA256SUMS",
        "learn-aws-1.0.0.apkg",
        "learn-aws-1.1.0.apkg",
    ]


def test_a_version_raised_by_hand_is_kept_if_high_enough(notes: Path, out: Path) -> None:
    assert cut(notes, out, T1).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    edit(notes / "deck.toml", 'version = "1.0.0"', 'version = "1.1.0"')
    assert cut(notes, out, T2).output.startswith("Released 1.1.0 (from 1.0.0, patch changes)")


def test_bump_may_ask_for_more(notes: Path, out: Path) -> None:
    assert cut(notes, out, T1).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    assert cut(notes, out, T2, "--bump", "minor").output.startswith("Released 1.1.0")


def test_release_refuses_notes_with_errors(notes: Path, out: Path) -> None:
    edit(notes / "ec2.md", "A: On-Demand: start and stop at will.", "")
    result = cut(notes, out, T1)
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/ec2.md:20: error DG110 'Q: Which purchasing option suits"
        " short-term testing?' has no 'A:' line after it\n"
        "Error: 1 error, 0 warnings\n"
    )
    assert not out.exists() and not (notes / "deck.lock.json").exists()


def test_release_refuses_when_nothing_changed(notes: Path, out: Path) -> None:
    assert cut(notes, out, T1).exit_code == 0
    result = cut(notes, out, T2)
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/deck.lock.json:1: error DG062 nothing changed since 1.0.0:"
        " there is nothing to release\n"
        "Error: 1 error, 0 warnings\n"
    )


def test_release_refuses_a_lower_bump(notes: Path, out: Path) -> None:
    assert cut(notes, out, T1).exit_code == 0
    v2_changes(notes)
    lock_before = (notes / "deck.lock.json").read_bytes()
    result = cut(notes, out, T2, "--bump", "patch")
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/deck.toml:3: error DG063 --bump patch is lower than the minor"
        " bump these changes need (see `deckgen diff`)\n"
        "Error: 1 error, 0 warnings\n"
    )
    assert (notes / "deck.lock.json").read_bytes() == lock_before


def test_release_refuses_bump_on_the_first_release(notes: Path, out: Path) -> None:
    result = cut(notes, out, T1, "--bump", "major")
    assert result.exit_code == 1
    assert "DG064 the first release keeps deck.toml's version 1.0.0: drop --bump" in result.output


@pytest.mark.parametrize("command", ["release", "build"])
def test_time_going_backwards_is_refused(notes: Path, out: Path, command: str) -> None:
    assert cut(notes, out, T1).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    result = run([command, str(notes), "-o", str(out)], T1 - 1)
    assert result.exit_code == 1
    assert result.output == (
        "SOURCE_DATE_EPOCH:1: error DG061 SOURCE_DATE_EPOCH=1789999999 is before the release"
        " of 1.0.0 (2026-09-21 14:13 UTC): times only go up, or Anki ignores the changes;"
        " set it later or unset it\n"
        "Error: 1 error, 0 warnings\n"
    )


def test_check_release_refuses_a_tag_that_is_not_the_version(notes: Path, out: Path) -> None:
    assert cut(notes, out, T1).exit_code == 0
    result = run(["check", str(notes), "--release", "-o", str(out), "--tag", "v1.0.1"])
    assert result.exit_code == 1
    assert result.output.endswith(
        f"{notes.as_posix()}/deck.toml:3: error DG069 tag 'v1.0.1' does not match version"
        " 1.0.0: expected tag v1.0.0\n"
        "Error: not a release: 1 error, 0 warnings\n"
    )


def test_check_release_refuses_unreleased_notes_version_and_changelog(
    notes: Path, out: Path
) -> None:
    assert cut(notes, out, T1).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    edit(notes / "deck.toml", 'version = "1.0.0"', 'version = "1.0.1"')
    (out / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")
    result = run(["check", str(notes), "--release", "-o", str(out)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1:] == [
        f"{out.as_posix()}/CHANGELOG.md:1: error DG068 no section for 1.0.0:"
        " `deckgen release` writes it",
        f"{notes.as_posix()}/deck.lock.json:1: error DG066 the notes differ from release 1.0.0"
        " (0 added, 1 changed, 0 removed; 7 notes in all): run `deckgen diff`, then"
        " `deckgen release`",
        f"{notes.as_posix()}/deck.toml:3: error DG067 version 1.0.1 is not the released 1.0.0"
        " of deck.lock.json",
        "Error: not a release: 3 errors, 0 warnings",
    ]


def test_check_release_without_a_lock(notes: Path, out: Path) -> None:
    result = run(["check", str(notes), "--release", "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.endswith(
        f"{notes.as_posix()}/deck.lock.json:1: error DG065 no deck.lock.json: nothing has"
        " been released yet (run `deckgen release`)\n"
        "Error: not a release: 1 error, 0 warnings\n"
    )


def test_a_broken_lock_is_a_clear_error(notes: Path, out: Path) -> None:
    (notes / "deck.lock.json").write_text('{"format": 1,\n  "version": }', encoding="utf-8")
    result = run(["build", str(notes), "-o", str(out)], T1)
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/deck.lock.json:2: error DG060 deck.lock.json is not valid JSON:"
        " Expecting value; restore it from git\n"
        "Error: 1 error, 0 warnings\n"
    )


def test_diff_before_and_after_the_first_release(notes: Path, out: Path) -> None:
    assert run(["diff", str(notes)]).output == (
        "No release yet (no deck.lock.json): the first release ships 7 notes as version 1.0.0.\n"
    )
    assert cut(notes, out, T1).exit_code == 0
    assert run(["diff", str(notes)]).output == "No changes since 1.0.0 (released 2026-09-21).\n"


def test_build_without_changes_reproduces_the_release_whatever_the_time(
    notes: Path, out: Path, tmp_path: Path
) -> None:
    assert cut(notes, out, T1).exit_code == 0
    released = (out / "learn-aws-1.0.0.apkg").read_bytes()
    sums = (out / "SHA256SUMS").read_text(encoding="utf-8")
    rebuilt = tmp_path / "rebuilt"
    assert run(["build", str(notes), "-o", str(rebuilt)], T1 + 3600).exit_code == 0
    assert (rebuilt / "learn-aws-1.0.0.apkg").read_bytes() == released
    assert (rebuilt / "SHA256SUMS").read_text(encoding="utf-8") == sums


def test_list_shows_the_guid_the_build_ships(notes: Path, out: Path) -> None:
    # An id given to a released note keeps the note's GUID: the one derived from the id
    # alone is not the one in the package.
    assert cut(notes, out, T1).exit_code == 0
    question = "Which purchasing option suits short-term testing?"
    edit(notes / "ec2.md", f"Q: {question}\n", f"Q: {question}\n<!-- id: ec2-testing -->\n")
    lock = json.loads((notes / "deck.lock.json").read_text(encoding="utf-8"))
    released = {note["question"]: note["guid"] for note in lock["notes"]}

    result = run(["list", str(notes), "--json"])

    assert result.exit_code == 0, result.output
    listed = {row["question"]: row["guid"] for row in json.loads(result.output)}
    assert listed == released


def test_diff_full_shows_each_changed_field_whole(notes: Path, out: Path) -> None:
    assert cut(notes, out, T1).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning.", "two-minute interruption notice.")
    edit(notes / "ec2.md", "Spare EC2 capacity at a", "Unused EC2 capacity at a")
    head = (
        "Changes since 1.0.0 (released 2026-09-21):\n"
        f"  changed  EC2: What is a Spot Instance?  ({notes.as_posix()}/ec2.md:8)\n"
    )
    tail = "Next release: 1.0.1 (patch: 1 note changed)\n"
    assert run(["diff", str(notes)], T2).output == (
        f"{head}             Back: [-Spare-] {{+Unused+}} EC2 capacity at … with a two-minute"
        f" [-warning.-] {{+interruption notice.+}}\n{tail}"
    )
    assert run(["diff", "--full", str(notes)], T2).output == (
        f"{head}             Back: [-Spare-] {{+Unused+}} EC2 capacity at a discount; AWS can"
        f" reclaim it with a two-minute [-warning.-] {{+interruption notice.+}}\n{tail}"
    )


def test_a_build_of_unreleased_changes_never_takes_a_released_name(
    notes: Path, out: Path, tmp_path: Path
) -> None:
    assert cut(notes, out, T1).exit_code == 0
    released = (out / "learn-aws-1.0.0.apkg").read_bytes()
    edit(notes / "ec2.md", "## Tenancy", "### What is a Savings Plan?\nA commitment.\n\n## Tenancy")
    result = run(["build", str(notes), "-o", str(out)], T2)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Built {out.as_posix()}/learn-aws-1.1.0-dev.apkg: 8 notes")
    assert (out / "learn-aws-1.0.0.apkg").read_bytes() == released  # the release stays
    with zipfile.ZipFile(out / "learn-aws-1.1.0-dev.apkg") as package:
        (tmp_path / "c.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
    db.close()
    root = next(d for d in decks.values() if d["name"] == "Learn AWS")
    assert "<br><br>Version 1.1.0-dev: unreleased changes after 1.0.0. " in root["desc"]
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [
        "learn-aws-1.0.0.apkg",
        "learn-aws-1.1.0-dev.apkg",
    ]
