"""`deckgen verify` as a learner or CI runs it: a genuine release passes, an edited one fails
naming what was edited, and usage errors exit 2."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import cli
from release_helpers import FIXTURE, edit

T1 = 1_790_000_000
DECK = "decks/learn-aws-1.0.0.apkg"


def run(*args: str, when: int | None = None) -> Result:
    env = {"SOURCE_DATE_EPOCH": str(when) if when is not None else None}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A first release cut in tmp_path (the working folder): notes/, decks/."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE, tmp_path / "notes")
    result = run("release", "notes", "-o", "decks", when=T1)
    assert result.exit_code == 0, result.output
    return tmp_path


def sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def rezip(apkg: Path, out: Path, change: Callable[[sqlite3.Connection], None] | None) -> None:
    """`apkg`'s entries, the collection changed by `change`, zipped again by zipfile."""
    work = out.parent / "unzipped"
    with zipfile.ZipFile(apkg) as archive:
        archive.extractall(work)
        names = archive.namelist()
    if change is not None:
        db = sqlite3.connect(work / "collection.anki2")
        change(db)
        db.commit()
        db.close()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(work / name, name)


def test_a_genuine_release_verifies(released: Path) -> None:
    result = run("verify", DECK)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"OK: {DECK} is exactly Learn AWS 1.0.0 as notes builds it (sha256 {sha256(DECK)})\n"
    )
    assert (released / "decks" / "SHA256SUMS").read_text() == f"{sha256(DECK)}  {Path(DECK).name}\n"


def edit_back(db: sqlite3.Connection) -> None:
    guid, fields = db.execute(
        "SELECT guid, flds FROM notes WHERE flds LIKE 'What is a Spot%'"
    ).fetchone()
    front, back, *rest = fields.split("\x1f")
    new = "\x1f".join([front, back.replace("two-minute", "five-minute"), *rest])
    db.execute("UPDATE notes SET flds = ? WHERE guid = ?", (new, guid))


def test_a_package_with_one_field_edited_fails_naming_the_note(released: Path) -> None:
    rezip(released / DECK, released / "edited.apkg", edit_back)
    result = run("verify", "edited.apkg")
    assert result.exit_code == 1
    guid = json.loads(run("list", "notes", "--json").output)[0]["guid"]
    assert result.stdout == ""
    assert result.stderr == (
        f"notes/ec2.md:8: error DG091 the package's note 'What is a Spot Instance?' (guid {guid})"
        " differs in Back\n"
        "Error: edited.apkg is not Learn AWS 1.0.0 as notes builds it: 1 note differs"
        f" (sha256 {sha256('edited.apkg')}, rebuilt {sha256(DECK)})\n"
    )


def test_json_names_the_field_and_both_values(released: Path) -> None:
    rezip(released / DECK, released / "edited.apkg", edit_back)
    result = run("verify", "edited.apkg", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["deck"] == "Learn AWS 1.0.0"
    assert report["rebuilt_sha256"] == sha256(DECK)
    (difference,) = report["differences"]
    assert difference["kind"] == "note" and difference["question"] == "What is a Spot Instance?"
    assert list(difference["parts"]) == ["Back"]
    back = difference["parts"]["Back"]
    assert "five-minute" in back["package"] and "two-minute" in back["rebuilt"]
    assert [(d["path"], d["line"], d["code"]) for d in report["diagnostics"]] == [
        ("notes/ec2.md", 8, "DG091")
    ]


def drop_a_note(db: sqlite3.Connection) -> None:
    (nid,) = db.execute("SELECT id FROM notes WHERE flds LIKE 'Which purchasing%'").fetchone()
    db.execute("DELETE FROM cards WHERE nid = ?", (nid,))
    db.execute("DELETE FROM notes WHERE id = ?", (nid,))


def restyle(db: sqlite3.Connection) -> None:
    (models,) = db.execute("SELECT models FROM col").fetchone()
    data = json.loads(models)
    for model in data.values():
        if model["name"] == "deckgen Cloze":
            model["css"] += ".card { color: red; }"
    db.execute("UPDATE col SET models = ?", (json.dumps(data),))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            drop_a_note,
            "notes/ec2.md:12: error DG091 the package lacks the note"
            " 'Which purchasing option has no commitment?' (guid {guid})",
        ),
        (
            restyle,
            "edited.apkg:1: error DG091 the package's note type 'deckgen Cloze' differs in css",
        ),
    ],
    ids=["note-removed", "note-type-restyled"],
)
def test_other_edits_are_named(
    change: Callable[[sqlite3.Connection], None], expected: str, released: Path
) -> None:
    rezip(released / DECK, released / "edited.apkg", change)
    result = run("verify", "edited.apkg")
    assert result.exit_code == 1
    rows = json.loads(run("list", "notes", "--json").output)
    guid = next(r["guid"] for r in rows if r["question"].startswith("Which purchasing"))
    assert result.stderr.splitlines()[0] == expected.format(guid=guid)


def test_the_same_contents_zipped_otherwise_differ_only_in_bytes(released: Path) -> None:
    rezip(released / DECK, released / "rezipped.apkg", None)
    result = run("verify", "rezipped.apkg")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "rezipped.apkg:1: error DG091 the package's bytes differ from the rebuilt deck's, but"
        " none of its notes, cards, note types, decks or media files do: it was packaged by"
        " another deckgen version or another writer"
    )
    assert ": only its bytes differ (sha256 " in result.stderr


def test_a_file_that_is_no_package_is_an_error_not_a_traceback(released: Path) -> None:
    Path("notes.txt").write_text("not a zip", encoding="utf-8")
    result = run("verify", "notes.txt")
    assert result.exit_code == 1
    assert result.stderr == (
        "notes.txt:1: error DG090 cannot read the package: it is not a readable zip"
        " (File is not a zip file)\n"
        "Error: cannot verify notes.txt: 1 error, 0 warnings\n"
    )


def first_note_type(
    change: Callable[[dict[str, object]], None],
) -> Callable[[sqlite3.Connection], None]:
    """A change to the JSON of the note type of the package's first note."""

    def apply(db: sqlite3.Connection) -> None:
        (mid,) = db.execute("SELECT mid FROM notes LIMIT 1").fetchone()
        (models,) = db.execute("SELECT models FROM col").fetchone()
        data = json.loads(models)
        change(data[str(mid)])
        db.execute("UPDATE col SET models = ?", (json.dumps(data),))

    return apply


CRAFTED: dict[str, str | Callable[[sqlite3.Connection], None]] = {
    "models-a-list": "UPDATE col SET models = '[1, 2]'",
    "models-not-objects": """UPDATE col SET models = '{"1": "a"}'""",
    "model-without-fields": first_note_type(lambda model: model.pop("flds")),
    "model-fields-a-number": first_note_type(lambda model: model.update(flds=3)),
    "model-name-a-number": first_note_type(lambda model: model.update(name=7)),
    "decks-nested-too-deep": "UPDATE col SET decks = '" + "[" * 100_000 + "]" * 100_000 + "'",
    "fields-a-blob": "UPDATE notes SET flds = x'ff00'",
    "tags-a-blob": "UPDATE notes SET tags = x'00'",
    "guid-a-blob": "UPDATE notes SET guid = x'0102'",
    "mod-text": "UPDATE notes SET mod = 'yesterday'",
    "card-ordinal-a-blob": "UPDATE cards SET ord = x'01'",
    "no-col-row": "DELETE FROM col",
}


@pytest.mark.parametrize("statement", CRAFTED.values(), ids=CRAFTED.keys())
def test_a_crafted_package_is_an_error_not_a_traceback(
    statement: str | Callable[[sqlite3.Connection], None], released: Path
) -> None:
    change = statement if callable(statement) else lambda db: db.execute(statement)
    rezip(released / DECK, released / "crafted.apkg", change)
    result = run("verify", "crafted.apkg")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(
        "crafted.apkg:1: error DG090 cannot read the package: its collection.anki2"
    ), result.stderr
    assert result.stderr.endswith("Error: cannot verify crafted.apkg: 1 error, 0 warnings\n")


def git(*args: str, date: int | None = None) -> None:
    """git as a tester; `date` dates the commit or annotated tag it makes."""
    dated = {"GIT_COMMITTER_DATE": f"{date} +0000"} if date is not None else {}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        env={**os.environ, **dated},
    )


def test_a_tag_is_verified_from_its_own_tree(released: Path) -> None:
    git("init", "-q", "-b", "main")
    git("add", "notes")
    git("commit", "-q", "-m", "Release 1.0.0", date=T1)  # published as it was cut
    git("tag", "v1.0.0")
    edit(released / "notes" / "ec2.md", "two-minute warning", "two-minute notice")  # not released

    assert run("verify", DECK).exit_code == 1  # the working tree is no longer the release
    result = run("verify", DECK, "notes", "--tag", "v1.0.0")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"OK: {DECK} is exactly Learn AWS 1.0.0 as notes at v1.0.0 builds it"
        f" (sha256 {sha256(DECK)})\n"
    )

    rezip(released / DECK, released / "edited.apkg", edit_back)
    failed = run("verify", "edited.apkg", "notes", "--tag", "v1.0.0")
    assert failed.exit_code == 1
    assert failed.stderr.startswith("v1.0.0:notes/ec2.md:8: error DG091 the package's note")


def test_a_tags_build_verifies_with_the_date_it_was_published(released: Path) -> None:
    """The release workflow builds the tagged tree, where what the release changed carries
    the annotated tag's date (later than the cut): verify --tag rebuilds it the same way."""
    git("init", "-q", "-b", "main")
    git("add", "notes")
    git("commit", "-q", "-m", "Release 1.0.0", date=T1 + 60)
    git("tag", "-a", "v1.0.0", "-m", "Release 1.0.0", date=T1 + 3600)
    built = run("build", "notes", "-o", "ci", when=T1 + 60)
    assert built.exit_code == 0, built.output
    apkg = "ci/learn-aws-1.0.0.apkg"
    assert sha256(apkg) != sha256(DECK)  # it ships at the tag's date, not the cut's
    result = run("verify", apkg, "notes", "--tag", "v1.0.0")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK: {apkg} is exactly Learn AWS 1.0.0 as notes at v1.0.0")


def test_an_unknown_tag_is_a_usage_error(released: Path) -> None:
    git("init", "-q", "-b", "main")
    result = run("verify", DECK, "notes", "--tag", "v9.9.9")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "notes:1: error DG092 no tag 'v9.9.9' in this repository (git tag --list)\n"
    )
    assert result.stderr.endswith(
        "Error: cannot verify decks/learn-aws-1.0.0.apkg: 1 error, 0 warnings\n"
    )


def test_a_missing_package_is_a_usage_error(released: Path) -> None:
    result = run("verify", "nowhere.apkg")
    assert result.exit_code == 2
    assert "File 'nowhere.apkg' does not exist." in result.stderr


def test_without_a_lock_the_time_must_be_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE, tmp_path / "notes")
    assert run("build", "notes", "-o", "decks", when=T1).exit_code == 0
    dev = "decks/learn-aws-1.0.0-dev.apkg"  # before the first release, a build is a -dev one
    result = run("verify", dev)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "notes/deck.lock.json:1: error DG065 no deck.lock.json, so the notes' times are"
        " unknown: set SOURCE_DATE_EPOCH to the time the package was built with\n"
    )
    assert run("verify", dev, when=T1).exit_code == 0
