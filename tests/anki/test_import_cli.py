"""`deckgen import` on the command line: what it prints, what it refuses, and every package
format Anki writes (.apkg new and legacy, .colpkg, a bare collection.anki2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import genanki
import pytest
from click.testing import CliRunner
from migration import new_collection

from deckgen.cli import cli

MODEL = genanki.Model(
    1_607_392_320,
    "Capitals",
    fields=[{"name": "Country"}, {"name": "Capital"}],
    templates=[{"name": "Card 1", "qfmt": "{{Country}}", "afmt": "{{FrontSide}}<hr>{{Capital}}"}],
)


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def genanki_package(tmp_path: Path) -> Path:
    deck = genanki.Deck(2_059_400_120, "Capitals")
    deck.add_note(genanki.Note(MODEL, ["France", "Paris"], guid="g-france", tags=["europe"]))
    deck.add_note(genanki.Note(MODEL, ["Peru", "<u>Lima</u>"], guid="g-peru"))
    apkg = tmp_path / "capitals.apkg"
    genanki.Package(deck).write_to_file(str(apkg))
    return apkg


def test_import_prints_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    genanki_package(tmp_path)
    code, output = run(["import", "capitals.apkg", "-o", "notes"])
    assert code == 0, output
    assert output.splitlines() == [
        "Imported Capitals from capitals.apkg into notes/: 2 notes, 1 note type, 0 media files",
        "  Capitals       2 notes  (Capitals 2)",
        "  note type Capitals (id 1607392320): 2 notes",
        "Fields: 4 of 4 as Markdown (100.0 %), 0 kept as HTML",
        "0 errors, 0 warnings",
        "Next: deckgen check notes, then deckgen build notes: imported over the original deck,"
        " the build updates learners' notes in place.",
    ]
    assert (tmp_path / "notes" / "capitals.md").read_text(encoding="utf-8") == (
        '---\nnotetype: "Capitals"\n---\n# Capitals\n\n'
        "### France\n<!-- id: capitals-france -->\n<!-- tags: europe -->\nParis\n\n"
        "### Peru\n<!-- id: capitals-peru -->\n<u>Lima</u>\n"
    )
    code, output = run(["check", "notes"])
    assert code == 0 and output.endswith("0 errors, 0 warnings\n"), output


def test_import_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    apkg = genanki_package(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.md").write_text("# Mine\n", encoding="utf-8")
    code, output = run(["import", str(apkg), "-o", str(tmp_path / "notes")])
    assert code == 1
    assert (
        f"error DG602 {tmp_path / 'notes'} is not an empty folder: import into a new one" in output
    )
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["mine.md"]


def test_import_says_what_it_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "deck.apkg"
    bad.write_bytes(b"not a zip")
    code, output = run(["import", str(bad), "-o", str(tmp_path / "notes")])
    assert code == 1 and "error DG601 not an Anki package" in output
    assert not (tmp_path / "notes").exists()


def test_a_collection_package_with_several_decks_needs_deck(tmp_path: Path) -> None:
    col = new_collection(tmp_path / "profile")
    basic = col.models.by_name("Basic")
    for deck_name, front in (("Spanish", "gato"), ("German::Nouns", "Katze")):
        note = col.new_note(basic)  # type: ignore[arg-type]
        note["Front"], note["Back"] = front, "cat"
        deck_id = col.decks.id(deck_name)
        assert deck_id is not None
        col.add_note(note, deck_id)
    colpkg = tmp_path / "collection.colpkg"
    col.export_collection_package(str(colpkg), include_media=True, legacy=False)
    code, output = run(["import", str(colpkg), "-o", str(tmp_path / "all")])
    assert code == 1
    assert "error DG603 the package holds several decks ('German', 'Spanish'): choose one" in output
    code, output = run(["import", str(colpkg), "-o", str(tmp_path / "german"), "--deck", "German"])
    assert code == 0, output
    assert "### Katze" in (tmp_path / "german" / "nouns.md").read_text(encoding="utf-8")
    # a bare collection.anki2, as a profile folder holds it
    shutil.copy(tmp_path / "profile" / "collection.anki2", tmp_path / "copy.anki2")
    code, output = run(
        ["import", str(tmp_path / "copy.anki2"), "-o", str(tmp_path / "es"), "--deck", "Spanish"]
    )
    assert code == 0, output
    assert "### gato" in (tmp_path / "es" / "spanish.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("missing", ["anki.collection", "markdownify"])
def test_without_the_import_extra_it_says_how_to_add_it(
    missing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.chdir(tmp_path)
    genanki_package(tmp_path)
    monkeypatch.setitem(sys.modules, missing, None)  # as if it were not installed
    code, output = run(["import", "capitals.apkg", "-o", "notes"])
    assert code == 1
    assert output.startswith("capitals.apkg:1: error DG600 deckgen import reads packages")
    assert f"and {missing} is not installed: in a checkout, .venv/bin/python -m pip" in output
    assert "pipx inject deckgen anki markdownify" in output and "Traceback" not in output
    assert not (tmp_path / "notes").exists()
