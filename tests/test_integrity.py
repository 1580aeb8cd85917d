"""A deck ships exactly what the notes say, and every learner can always receive the next fix.

One test (or a few) per class of failure an author's ordinary day produced: files nobody
read, a cache that shipped what was no longer written, locks from elsewhere, times that
strand learners, reverted releases, renormalised text, half-written releases. They run
the `deckgen` command as a user does, so each one failed on the code before the fix.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import cli
from helpers import DECK_TOML, NotesFactory, cache_folder
from release_helpers import FIXTURE, commit_and_tag, edit, git

T1 = 1_790_000_000
T2 = T1 + 86_400
EC2 = "# EC2\n## Purchasing\n### What is Spot?\nSpare capacity.\n"


def run(args: list[str], when: int | None = T1, **env: str) -> Result:
    environ = {"SOURCE_DATE_EPOCH": str(when) if when is not None else None, **env}
    return CliRunner().invoke(cli, args, env=environ)


def rows(apkg: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    """(guid, fields, tags) of every note of a package, by GUID."""
    db = tmp_path / f"read-{time.monotonic_ns()}.anki2"
    with zipfile.ZipFile(apkg) as package:
        db.write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT guid, flds, tags FROM notes ORDER BY guid").fetchall()
    conn.close()
    return [(str(g), str(f), str(t)) for g, f, t in found]


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for folder in folders
        if folder.exists()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- nothing ships that is not in the notes: every Markdown file is read or reported -----


def test_capitalised_names_and_other_markdown_suffixes_are_notes(
    make_notes: NotesFactory,
) -> None:
    notes = make_notes(
        {
            "EC2.md": EC2,
            "S3.MD": "# S3\n## Basics\n### What is S3?\nObject storage.\n",
            "IAM.markdown": "# IAM\n## Basics\n### What is IAM?\nIdentity and access.\n",
        }
    )
    result = run(["list", str(notes), "--json"])
    assert result.exit_code == 0, result.output
    assert sorted(row["deck"] for row in __import__("json").loads(result.output)) == [
        "Learn AWS::EC2",
        "Learn AWS::IAM",
        "Learn AWS::S3",
    ]


def test_documents_are_named_in_deck_toml(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ec2.md": EC2, "COVERAGE.md": "# Coverage\nprose", "README.md": "about"},
        deck_toml=DECK_TOML + 'docs = ["README.md", "COVERAGE.md"]\n',
    )
    result = run(["check", str(notes)])
    assert result.exit_code == 0, result.output
    assert "1 note, 1 card in 1 sub-deck" in result.output


def test_markdown_in_sub_folders_is_read_and_hidden_files_are_reported(
    make_notes: NotesFactory,
) -> None:
    notes = make_notes(
        {
            "ec2.md": EC2,
            "extra/iam.md": "# IAM\n## T\n### What is IAM?\nIdentity.\n",
            ".draft.md": "# Draft\n",
            "notetypes/NOTES.md": "about the note types",
            ".drafts/deep/s3.md": "# S3\n## T\n### What is S3?\nObjects.\n",
            ".git/notes.md": "git's own",
            ".diagrams/x.md": "deckgen's own",
        }
    )
    result = run(["check", str(notes)])
    assert result.exit_code == 0, result.output
    shown = notes.as_posix()
    assert f"{shown}/.draft.md:1: info DG006 hidden Markdown file: not read" in result.output
    assert (
        f"{shown}/.drafts/deep/s3.md:1: info DG006 Markdown in the hidden folder .drafts: not read"
    ) in result.output
    assert ".git/" not in result.output and ".diagrams/" not in result.output
    assert f"{shown}/notetypes/NOTES.md:1: info DG006 Markdown in notetypes/" in result.output
    assert "2 notes, 2 cards in 2 sub-decks" in result.output
    listed = run(["list", str(notes), "--json"]).output
    assert "Learn AWS::extra::IAM" in listed


# --- the cache never makes a build different --------------------------------------------


def test_a_file_saved_during_a_build_is_never_shipped_after_it_is_undone(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    """An editor saves while the build reads; the author undoes the edit; the next build
    must ship the notes as they are, not the edit (it used to say 'Up to date')."""
    notes = make_notes({"ec2.md": EC2})
    out = tmp_path / "decks"
    original = (notes / "ec2.md").read_text()
    edited = original.replace("Spare capacity.", "EDITED DURING THE BUILD.")
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from deckgen.incremental import cache
        from deckgen.incremental.build import build
        real = cache.scan_inputs
        calls = []
        def scan(notes_dir, **options):
            found = real(notes_dir, **options)
            if not calls:  # the editor saves right after the build fingerprinted the notes
                Path({str(notes / "ec2.md")!r}).write_text({edited!r})
            calls.append(1)
            return found
        cache.scan_inputs = scan
        build(Path({str(notes)!r}), Path({str(out)!r}), {T1})
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    (notes / "ec2.md").write_text(original)  # the author undoes the edit
    result = run(["build", str(notes), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Built ")
    fields = rows(out / "learn-aws-1.0.0-dev.apkg", tmp_path)[0][1]
    assert "Spare capacity." in fields and "EDITED" not in fields


def test_a_truncated_cached_media_file_never_ships_and_force_repairs_it(
    tmp_path: Path,
) -> None:
    notes = Path(
        shutil.copytree(Path(__file__).parent / "fixtures" / "notes_media", tmp_path / "n")
    )
    out = tmp_path / "decks"
    assert run(["build", str(notes), "-o", str(out)]).exit_code == 0
    good = snapshot(out)
    media = sorted(cache_folder().glob("*/media/*"))
    assert media
    for path in media:
        path.write_bytes(path.read_bytes()[:10])
    (notes / "cloud.md").write_text((notes / "cloud.md").read_text() + "\n")  # a new build
    assert run(["build", str(notes), "-o", str(out)]).exit_code == 0
    assert snapshot(out) == good
    assert run(["build", str(notes), "-o", str(out), "--force"]).exit_code == 0
    assert all(len(path.read_bytes()) > 10 for path in media)


def test_a_planted_cache_entry_never_ships(make_notes: NotesFactory, tmp_path: Path) -> None:
    """Someone with write access to a cache folder swaps an entry's content for a script."""
    notes = make_notes({"ec2.md": EC2})
    out = tmp_path / "decks"
    assert run(["build", str(notes), "-o", str(out)]).exit_code == 0
    for entry in cache_folder().glob("*/*.json"):
        raw = entry.read_bytes()
        entry.write_bytes(raw.replace(b"Spare capacity.", b"<script>alert(1)</script>"))
    other = tmp_path / "other"  # a build elsewhere: no deck to keep, files from the cache
    assert run(["build", str(notes), "-o", str(other), "--strict"]).exit_code == 0
    assert "script" not in str(rows(other / "learn-aws-1.0.0-dev.apkg", tmp_path))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_cache_others_may_write_is_refused(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes = make_notes({"ec2.md": EC2})
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    result = run(
        ["build", str(notes), "-o", str(tmp_path / "decks")], DECKGEN_CACHE_DIR=str(shared)
    )
    assert result.exit_code == 1
    assert (
        f"{shared.as_posix()}:1: error DG080 the build cache {shared.as_posix()} may be written"
        " by other users" in result.output
    )
    assert not (tmp_path / "decks").exists()


def test_the_cache_is_not_beside_the_output(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes = make_notes({"ec2.md": EC2})
    out = tmp_path / "tmpdir" / "decks"
    assert run(["build", str(notes), "-o", str(out)]).exit_code == 0
    assert not (tmp_path / "tmpdir" / ".deckgen-cache").exists()
    assert list(cache_folder().glob("*/*.json"))


# --- a copied notes folder carries another deck's lock ----------------------------------


def test_a_lock_of_another_deck_is_refused_with_the_fix(tmp_path: Path) -> None:
    original = Path(shutil.copytree(FIXTURE, tmp_path / "learn"))
    assert run(["release", str(original), "-o", str(tmp_path / "d1")]).exit_code == 0
    copy = Path(shutil.copytree(original, tmp_path / "mine"))
    (copy / "deck.toml").write_text('name = "My Deck"\nversion = "0.1.0"\n')
    for command in (["build", "-o", str(tmp_path / "d2")], ["release", "-o", str(tmp_path / "d2")]):
        result = run([command[0], str(copy), *command[1:]], T2)
        assert result.exit_code == 1
        assert (
            f"{copy.as_posix()}/deck.lock.json:1: error DG070 deck.lock.json belongs to the deck"
            " 'Learn AWS' (learn-aws), not to 'My Deck' (my-deck): a new deck starts without a"
            " lock (delete deck.lock.json)" in result.output
        )
    (copy / "deck.lock.json").unlink()
    result = run(["release", str(copy), "-o", str(tmp_path / "d2")], T2)
    assert result.exit_code == 0 and "Released 0.1.0, the first release" in result.output


def test_decks_with_ids_are_told_apart_by_id(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    edit(notes / "deck.toml", 'version = "1.0.0"', 'version = "1.0.0"\nid = "deck-a"')
    assert run(["release", str(notes), "-o", str(tmp_path / "d")]).exit_code == 0
    edit(notes / "deck.toml", 'id = "deck-a"', 'id = "deck-b"')
    result = run(["check", str(notes)])
    assert result.exit_code == 1 and "DG070 deck.lock.json belongs to another deck" in result.output


# --- times learners can always beat --------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["1790000000000", "٣٤٥٦٧٨٩٠١٢", "9" * 5000, "1.5", "-1", "315532800", "4102444800"],
    ids=["milliseconds", "arabic-indic", "huge", "fraction", "negative", "1980", "2100"],
)
def test_implausible_source_date_epochs_are_refused(
    value: str, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"ec2.md": EC2})
    result = CliRunner().invoke(
        cli, ["build", str(notes), "-o", str(tmp_path)], env={"SOURCE_DATE_EPOCH": value}
    )
    assert result.exit_code == 1
    assert result.output.startswith("SOURCE_DATE_EPOCH:1: error DG050 SOURCE_DATE_EPOCH")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not list(tmp_path.glob("*.apkg"))


def test_a_lock_with_a_time_in_the_future_is_refused(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    assert run(["release", str(notes), "-o", str(tmp_path / "d")]).exit_code == 0
    lock = notes / "deck.lock.json"
    lock.write_text(lock.read_text().replace(f'"released": {T1}', '"released": 1790000000000'))
    result = run(["build", str(notes), "-o", str(tmp_path / "d")], T2)
    assert result.exit_code == 1
    assert "DG060 deck.lock.json has a release time of a time out of range" in result.output or (
        "DG060 deck.lock.json has a release time of" in result.output
        and "in the future" in result.output
    )


def test_an_unchanged_release_builds_with_any_clock(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    assert run(["release", str(notes), "-o", str(tmp_path / "a")], T2).exit_code == 0
    released = (tmp_path / "a" / "learn-aws-1.0.0.apkg").read_bytes()
    result = run(["build", str(notes), "-o", str(tmp_path / "b")], T1)  # a clock behind
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "learn-aws-1.0.0.apkg").read_bytes() == released


def test_time_going_backwards_without_source_date_epoch_blames_the_clock(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    future = int(time.time()) + 60  # released a minute from now, within the clock skew
    assert run(["release", str(notes), "-o", str(tmp_path / "d")], future).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    result = run(["build", str(notes), "-o", str(tmp_path / "d")], None)
    assert result.exit_code == 1
    assert "DG061 this machine's clock (" in result.output
    assert "check the clock" in result.output and "unset it" not in result.output


# --- published history lives in git tags --------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root / "notes")
    git(root, "init", "-q", "-b", "main")
    return root


def publish(repo: Path, when: int, message: str) -> str:
    result = run(["release", str(repo / "notes"), "-o", str(repo / "decks")], when)
    assert result.exit_code == 0, result.output
    version = result.output.split()[1].rstrip(",")
    commit_and_tag(repo, version, when)  # published as soon as it was cut
    return version


def test_a_reverted_release_is_followed_by_a_newer_one(repo: Path, tmp_path: Path) -> None:
    notes = repo / "notes"
    assert publish(repo, T1, "1.0.0") == "1.0.0"
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    edit(
        notes / "ec2.md",
        "## Tenancy",
        "### What is a Savings Plan?\n<!-- id: ec2-sp -->\nA commitment.\n\n## Tenancy",
    )
    published = publish(repo, T2, "1.1.0")
    git(repo, "revert", "--no-edit", "HEAD")
    diff = run(["diff", str(notes)], T2 + 3600)
    assert diff.exit_code == 0, diff.output
    assert f"deck.lock.json is at 1.0.0, older than the published v{published}" in diff.output
    result = run(["release", str(notes), "-o", str(repo / "decks")], T2 + 3600)
    assert result.exit_code == 0, result.output
    version = result.output.split()[1].rstrip(",")
    assert version > published  # 2.0.0 or 1.2.0, depending on the bump rules: newer
    lock = __import__("json").loads((notes / "deck.lock.json").read_text())
    assert lock["released"] == T2 + 3600
    removed = {note["key"] for note in lock["removed"]}
    assert "id:ec2-sp" in removed  # what the reverted release added is tombstoned
    reshipped = [n for n in lock["notes"] if "warning" in n["fields"].get("Back", "")]
    assert reshipped and all(n["mod"] == T2 + 3600 for n in reshipped)


def test_a_deleted_lock_after_a_release_names_the_tag(repo: Path) -> None:
    publish(repo, T1, "1.0.0")
    (repo / "notes" / "deck.lock.json").unlink()
    result = run(["release", str(repo / "notes"), "-o", str(repo / "decks")], T2)
    assert result.exit_code == 1
    assert (
        "DG073 deck.lock.json is missing, but v1.0.0 was published: restore it (git checkout"
        " v1.0.0 -- notes/deck.lock.json)" in result.output
    )


def test_two_different_locks_of_one_version_are_refused(repo: Path) -> None:
    publish(repo, T1, "1.0.0")
    lock = repo / "notes" / "deck.lock.json"
    lock.write_text(lock.read_text().replace("two-minute warning", "two-minute notice"))
    result = run(["diff", str(repo / "notes")], T2)
    assert result.exit_code == 1
    assert "DG073 deck.lock.json says 1.0.0, but it is not the lock published as v1.0.0" in (
        result.output
    )


def test_a_lock_with_merge_conflict_markers_says_so(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    assert run(["release", str(notes), "-o", str(tmp_path / "d")]).exit_code == 0
    lock = notes / "deck.lock.json"
    lines = lock.read_text().splitlines(keepends=True)
    lines[3:3] = ["<<<<<<< HEAD\n", '  "version": "1.1.0",\n', "=======\n", ">>>>>>> other\n"]
    lock.write_text("".join(lines))
    for command in ("check", "build", "diff", "release"):
        result = run(
            [command, str(notes), "-o", str(tmp_path / "d")]
            if command != "check" and command != "diff"
            else [command, str(notes)],
            T2,
        )
        assert result.exit_code == 1, command
        assert (
            f"{notes.as_posix()}/deck.lock.json:4: error DG071 deck.lock.json has" in result.output
        )


def test_a_changelog_with_conflict_markers_fails_the_changelog_command(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    assert run(["release", str(notes), "-o", str(out)]).exit_code == 0
    log = out / "CHANGELOG.md"
    log.write_text(log.read_text() + "<<<<<<< HEAD\n## 1.1.0\n=======\n## 1.1.0\n>>>>>>> b\n")
    result = run(["changelog", str(notes), "-o", str(out)])
    assert (
        result.exit_code == 1 and "DG074 CHANGELOG.md has merge-conflict markers" in result.output
    )


def test_a_lock_from_a_newer_deckgen_says_so(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    assert run(["release", str(notes), "-o", str(tmp_path / "d")]).exit_code == 0
    lock = notes / "deck.lock.json"
    lock.write_text(lock.read_text().replace('"format": 1', '"format": 9'))
    result = run(["build", str(notes), "-o", str(tmp_path / "d")], T2)
    assert result.exit_code == 1 and "DG072 deck.lock.json was written by a newer deckgen" in (
        result.output
    )


def test_a_lock_with_a_version_that_is_not_semver_is_an_error_not_a_traceback(
    tmp_path: Path,
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    assert run(["release", str(notes), "-o", str(tmp_path / "d")]).exit_code == 0
    lock = notes / "deck.lock.json"
    lock.write_text(lock.read_text().replace('"version": "1.0.0"', '"version": "one"'))
    result = run(["diff", str(notes)], T2)
    assert result.exit_code == 1
    assert "DG060 deck.lock.json has the version 'one', which is not semver" in result.output


# --- identity survives what editors do ----------------------------------------------------


def test_renormalising_a_file_keeps_every_guid(make_notes: NotesFactory) -> None:
    composed = "# Café\n## T\n### Qu'est-ce qu'un café crème?\nUn café.\n"
    notes = make_notes({"cafe.md": composed})
    before = run(["list", str(notes), "--json"]).output
    import unicodedata

    (notes / "cafe.md").write_text(unicodedata.normalize("NFD", composed), encoding="utf-8")
    after = run(["list", str(notes), "--json"]).output
    guid = __import__("json").loads
    assert [r["guid"] for r in guid(before)] == [r["guid"] for r in guid(after)]


@pytest.mark.parametrize(
    "twin",
    ["What is\u200b Spot?", "What is Ｓｐｏｔ?", "What is Sp\u00adot?"],
    ids=["zero-width-space", "full-width", "soft-hyphen"],
)
def test_invisible_duplicates_are_duplicates(twin: str, make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": EC2 + f"\n### {twin}\nAgain.\n"})
    result = run(["check", str(notes)])
    assert result.exit_code == 1 and "DG102 duplicate question" in result.output


def test_a_renamed_sub_deck_gets_the_id_that_keeps_history(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    (notes / "extra.md").write_text("# Extra\n## T\n### What is a placement group?\nA grouping.\n")
    assert run(["release", str(notes), "-o", str(tmp_path / "d")]).exit_code == 0
    edit(notes / "extra.md", "# Extra", "# Placement")
    result = run(["diff", str(notes)], T2)
    assert "Probable move (Extra → Placement) at" in result.output
    assert "<!-- id: extra-what-is-a-placement-group -->" in result.output
    edit(
        notes / "extra.md",
        "### What is a placement group?\n",
        "### What is a placement group?\n<!-- id: extra-what-is-a-placement-group -->\n",
    )
    result = run(["diff", str(notes)], T2)
    assert "changed  Placement: What is a placement group?" in result.output
    assert "removed" not in result.output


# --- writes are all or nothing --------------------------------------------------------------


def test_a_release_that_cannot_read_the_changelog_writes_nothing(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    assert run(["release", str(notes), "-o", str(out)]).exit_code == 0
    (out / "CHANGELOG.md").write_bytes(b"# Changelog\n\n\xff\xfe not UTF-8\n")
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    before = snapshot(notes, out)
    result = run(["release", str(notes), "-o", str(out)], T2)
    assert result.exit_code == 1 and "DG074 CHANGELOG.md is not UTF-8" in result.output
    assert snapshot(notes, out) == before


def test_a_release_that_fails_half_way_leaves_the_tree_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    assert run(["release", str(notes), "-o", str(out)]).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    before = snapshot(notes, out)
    real_replace = Path.replace

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target).name == "deck.lock.json":  # the last file a release renames
            raise OSError(28, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    result = run(["release", str(notes), "-o", str(out)], T2)
    assert result.exit_code == 1
    assert "DG051 cannot write the file: No space left on device" in result.output
    monkeypatch.undo()
    assert snapshot(notes, out) == before  # the deck, SHA256SUMS, changelog, deck.toml put back
    assert not [p for p in (*notes.iterdir(), *out.iterdir()) if p.name.endswith(".tmp")]


def test_two_releases_at_once_make_one_release(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    assert run(["release", str(notes), "-o", str(out)]).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    command = [sys.executable, "-m", "deckgen", "release", str(notes), "-o", str(out)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(T2)}
    first, second = (
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    )
    codes = sorted(p.wait(timeout=120) for p in (first, second))
    assert codes == [0, 1]  # the second waited, then found nothing to release
    log = (out / "CHANGELOG.md").read_text()
    assert log.count("## 1.0.1 ") == 1


def test_a_command_that_writes_waits_for_another_writing_the_same_folder(
    tmp_path: Path,
) -> None:
    from deckgen.atomic import exclusive

    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    command = [sys.executable, "-m", "deckgen", "release", str(notes), "-o", str(out)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(T1)}
    with exclusive([notes]):  # another deckgen command is writing the notes
        waiting = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        assert waiting.poll() is None, "the release did not wait"
        assert not (notes / "deck.lock.json").exists()
    assert waiting.wait(timeout=120) == 0
    assert waiting.stderr is not None
    told = waiting.stderr.read().decode()
    assert f"Waiting for another deckgen command writing {notes.resolve().as_posix()}" in told
    assert (notes / "deck.lock.json").exists()


def test_a_release_run_again_after_a_kill_writes_one_changelog_section(tmp_path: Path) -> None:
    """Killed after the changelog was renamed but before the lock: running it again
    finishes the release, with the section replaced, not repeated."""
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    assert run(["release", str(notes), "-o", str(out)]).exit_code == 0
    edit(notes / "ec2.md", "two-minute warning", "two-minute notice")
    script = textwrap.dedent(
        """
        import os, signal
        from pathlib import Path
        real = Path.replace
        def replace(self, target):
            if Path(target).name == "deck.lock.json":
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, target)
        Path.replace = replace
        from deckgen.cli import main
        main()
        """
    )
    args = ["release", str(notes), "-o", str(out)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(T2)}
    killed = subprocess.run([sys.executable, "-c", script, *args], env=env, check=False)
    assert killed.returncode == -9
    assert "## 1.0.1 " in (out / "CHANGELOG.md").read_text()  # the kill came after it
    result = run(args, T2 + 60)
    assert result.exit_code == 0, result.output
    log = (out / "CHANGELOG.md").read_text()
    assert log.count("## 1.0.1 ") == 1 and log.count("## 1.0.0 ") == 1
    assert run(["check", str(notes), "--release", "-o", str(out)], None).exit_code == 0


def test_a_build_beside_a_release_keeps_both_in_sha256sums(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "d"
    assert run(["release", str(notes), "-o", str(out)]).exit_code == 0
    other = Path(shutil.copytree(FIXTURE, tmp_path / "other"))
    edit(other / "deck.toml", 'slug = "learn-aws"', 'slug = "other"')
    assert run(["build", str(other), "-o", str(out)]).exit_code == 0
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [
        "learn-aws-1.0.0.apkg",
        "other-1.0.0-dev.apkg",
    ]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("command", ["build", "preview", "release"])
def test_an_output_folder_inside_the_notes_is_refused(
    command: str, make_notes: NotesFactory
) -> None:
    notes = make_notes({"ec2.md": EC2})
    result = run([command, str(notes), "-o", str(notes / "decks")])
    assert result.exit_code == 1
    assert "DG052 the output folder" in result.output and not (notes / "decks").exists()


def test_jobs_never_exceed_the_cpus(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deckgen.incremental import workers
    from deckgen.incremental.build import build

    notes = make_notes({f"s{i}.md": f"# S{i}\n## T\n### Q{i}?\nA.\n" for i in range(12)})
    monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(workers, "default_jobs", lambda: 2)  # as on a two-CPU machine
    started: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def pool(max_workers: int, **kwargs: object) -> object:
        started.append(max_workers)
        return real(max_workers, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", pool)
    build(notes, tmp_path / "d", T1, jobs=1000)
    assert started == [2]


def test_list_into_a_closed_pipe_exits_0(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            f"s{i}.md": "".join(
                f"# S{i}\n## T\n" + "".join(f"### Question {i} {j}?\nA.\n" for j in range(400))
            )
            for i in range(10)
        }
    )
    shell = f"{sys.executable} -m deckgen list {notes} | head -1; echo exit=${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().endswith("exit=0"), done.stdout + done.stderr
    assert "Error" not in done.stderr and "Traceback" not in done.stderr


# --- links: a loop or a way out of the notes folder is an error, never a traceback --------


@pytest.mark.parametrize("command", ["check", "build", "preview", "list"])
def test_a_loop_of_symbolic_links_is_an_error_at_its_place(
    command: str, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"ec2.md": EC2 + "\n### A picture?\n![loop](img/a.png)\n"})
    (notes / "img").mkdir()
    (notes / "a.md").symlink_to("b.md")
    (notes / "b.md").symlink_to("a.md")
    (notes / "img" / "a.png").symlink_to("b.png")
    (notes / "img" / "b.png").symlink_to("a.png")
    out = {"build": ["-o", str(tmp_path / "d")], "preview": ["-o", str(tmp_path / "p")]}
    result = run([command, str(notes), *out.get(command, [])])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{notes.as_posix()}/a.md:1: error DG002 cannot read file: Too many levels" in (
        result.output
    )
    if command != "list":
        assert f"{notes.as_posix()}/ec2.md:7: error DG204 image 'img/a.png' not found" in (
            result.output
        )


def test_an_output_folder_that_is_a_loop_of_links_is_an_error(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"ec2.md": EC2})
    (tmp_path / "one").symlink_to(tmp_path / "two")
    (tmp_path / "two").symlink_to(tmp_path / "one")
    for command in (["build", "-o"], ["preview", "-o"], ["release", "-o"]):
        result = run([command[0], str(notes), command[1], str(tmp_path / "one")])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert " error DG05" in result.output


def test_note_types_and_their_css_never_read_outside_the_notes(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text(".card { color: red } /* private */", encoding="utf-8")
    note_type = textwrap.dedent(
        """\
        name = "Vocab"
        id = 1700000000123
        fields = ["Word", "Meaning"]
        css_file = "style.css"
        [[templates]]
        name = "Card 1"
        front = "{{Word}}"
        back = "{{FrontSide}}<hr id=answer>{{Meaning}}"
        """
    )
    notes = make_notes({"ec2.md": EC2, "notetypes/vocab.toml": note_type})
    (notes / "notetypes" / "style.css").symlink_to(secret)
    outside = tmp_path / "other.toml"
    outside.write_text(note_type.replace("Vocab", "Other"), encoding="utf-8")
    (notes / "notetypes" / "other.toml").symlink_to(outside)
    result = run(["build", str(notes), "-o", str(tmp_path / "d")])
    assert result.exit_code == 1
    shown = f"{notes.as_posix()}/notetypes"
    assert f"{shown}/other.toml:1: error DG005 {shown}/other.toml links to a file outside" in (
        result.output
    )
    assert f"{shown}/vocab.toml:4: error DG005 'style.css' links to a file outside" in (
        result.output
    )
    assert "private" not in result.output and not (tmp_path / "d").exists()


def test_folders_whose_names_slug_alike_keep_their_notes_apart(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    """`a b/c.md` and `a/b c.md` make the decks `a b::C` and `a::B c`, whose names both slug
    to a-b-c: the same question in each is two notes, each with its own deck's GUID (not
    one that depends on which file was read first)."""
    from deckgen import ids

    card = "# {name}\n## T\n### What is S3?\nObjects.\n"
    notes = make_notes({"a b/c.md": card.format(name="C"), "a/b c.md": card.format(name="B c")})
    result = run(["build", str(notes), "-o", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    (apkg,) = (tmp_path / "d").glob("*.apkg")
    guids = {guid for guid, _, _ in rows(apkg, tmp_path)}
    assert guids == {ids.guid_for_key(k) for k in ("a-b::c:what is s3", "a::b-c:what is s3")}


FLOW = "# Cloud\n## C\n### Which way?\n```mermaid\nflowchart LR\n  A --> B\n```\n"
FLOW_SOURCE = "flowchart LR\n  A --> B\n"


def _package_bytes(apkg: Path) -> bytes:
    with zipfile.ZipFile(apkg) as package:
        return b"".join(package.read(name) for name in package.namelist())


@pytest.mark.parametrize("linked", ["files", "folder"])
def test_a_diagram_cache_linking_outside_the_notes_is_never_read_nor_written(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: str
) -> None:
    """notes/.diagrams is committed with the notes: a link in it (or the folder itself as a
    link) to a file outside must not put that file in the deck, as an image's would not."""
    from deckgen.diagrams.cache import DiagramCache
    from deckgen.diagrams.renderer import MermaidRenderer
    from deckgen.diagrams.source import THEMES

    monkeypatch.setattr(MermaidRenderer, "locate", classmethod(lambda cls, root=None: None))
    monkeypatch.setattr(MermaidRenderer, "missing", staticmethod(lambda root=None: []))
    notes = make_notes({"cloud.md": FLOW})
    secret = b'<svg xmlns="http://www.w3.org/2000/svg"><text>SECRET-42</text></svg>'
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    names = [DiagramCache(outside).path_for(FLOW_SOURCE, theme).name for theme in THEMES]
    for name in names:
        (outside / name).write_bytes(secret)
    if linked == "folder":
        (notes / ".diagrams").symlink_to(outside, target_is_directory=True)
    else:
        (notes / ".diagrams").mkdir()
        for name in names:
            (notes / ".diagrams" / name).symlink_to(outside / name)
    result = run(["build", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output
    assert "DG301" in result.output  # shown as code: no SVG of the notes' own to show
    assert b"SECRET-42" not in _package_bytes(next((tmp_path / "decks").glob("*.apkg")))
