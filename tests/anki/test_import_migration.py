"""`deckgen import`, proved in real Anki on decks made three ways: exported by Anki itself
(stock note types, Image Occlusion, nested decks, media, formatted HTML), made by genanki
(a note type of its own, the legacy package format), and built by deckgen (Learn AWS).

For each, a learner studies some cards, the package is imported with deckgen, the notes are
built, and the build is imported over the learner's collection with Anki's default options:
no note may be new or conflicting, every review stays, note types and cards stay as they
were. Each test prints its counts (pytest -s).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import genanki
import pytest
from anki.collection import DeckIdLimit, ExportAnkiPackageOptions
from anki_helpers import import_deck
from migration import Migration, migrate, new_collection, png, review_some, snapshot

from deckgen.apkg.contents import read_package
from deckgen.importing.equivalence import equivalent
from deckgen.pipeline import build, check_notes
from helpers import build_time_for

NOTES = Path(__file__).parent.parent.parent / "notes"


def assert_in_place(migration: Migration) -> None:
    """The first build updated the learner's notes in place and changed nothing else."""
    before, after = migration.before, migration.after
    print(migration.report())
    assert migration.counts["new"] == 0 and migration.counts["conflicting"] == 0
    assert migration.counts["updated"] + migration.counts["duplicate"] == len(before.notes)
    assert after.revlog == before.revlog > 0
    assert after.notes.keys() == before.notes.keys()
    assert {g: n[:2] for g, n in after.notes.items()} == {g: n[:2] for g, n in before.notes.items()}
    assert after.cards == before.cards  # the same cards, decks and scheduling
    assert after.note_types == before.note_types


# --- 1. exported by Anki itself -------------------------------------------------------------

FORMATTED = {
    "bold": ("What does the <b>mitochondrion</b> make?", "<ul><li>ATP</li><li>heat</li></ul>"),
    "code": (
        "Which line prints <i>hello</i>?",
        "<pre><code>print('hello')\n</code></pre>Run it with <code>python3</code>.",
    ),
    "table": (
        "Cell parts and jobs",
        "<table><tr><th>Part</th><th>Job</th></tr><tr><td>Nucleus</td><td>holds DNA</td></tr>"
        "<tr><td>Ribosome</td><td>makes proteins</td></tr></table>",
    ),
    "link": (
        "Where to read more about cells?",
        '<a href="https://en.wikipedia.org/wiki/Cell_(biology)">Cell (biology)</a>',
    ),
    "media": ('What is shown? <img src="cell.png">', "A cell.<br>[sound:cell.mp3]"),
    "lines": ("Two lines", "<div>first line</div><div>second line</div>"),
    "underline": ("An <u>underlined</u> word", '<span style="color: rgb(255, 0, 0);">red</span>'),
}


@pytest.fixture(scope="module")
def anki_deck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A deck made in Anki: its author's collection (studied) and the .apkg Anki exports."""
    tmp = tmp_path_factory.mktemp("anki-made")
    col = new_collection(tmp / "author")
    try:
        top = col.decks.id("Biology")
        cells = col.decks.id("Biology::Cells::Organelles")
        genes = col.decks.id("Biology::Genetics")
        assert top and cells and genes
        col.media.write_data("cell.png", png())
        col.media.write_data("cell.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00not really audio")
        basic = col.models.by_name("Basic")
        for front, back in FORMATTED.values():
            note = col.new_note(basic)  # type: ignore[arg-type]
            note["Front"], note["Back"] = front, back
            note.tags = ["bio::cells", "exam::2026"]
            col.add_note(note, cells)
        kept_as_html = col.new_note(basic)  # type: ignore[arg-type]
        kept_as_html["Front"] = "A table without a header row"
        kept_as_html["Back"] = "<table><tr><td>a</td><td>b</td></tr></table>"
        col.add_note(kept_as_html, top)
        reversed_type = col.models.by_name("Basic (and reversed card)")
        gene = col.new_note(reversed_type)  # type: ignore[arg-type]
        gene["Front"], gene["Back"] = "gene", "a unit of <i>heredity</i>"
        gene.tags = ["bio::genetics"]
        col.add_note(gene, genes)
        cloze_type = col.models.by_name("Cloze")
        for text, extra in (
            ("The {{c1::nucleus}} holds the {{c2::DNA}}.", "<i>Eukaryotes</i> only"),
            ("{{c1::Ribosomes}} make proteins.", ""),
        ):
            cloze = col.new_note(cloze_type)  # type: ignore[arg-type]
            cloze["Text"], cloze["Back Extra"] = text, extra
            cloze.tags = ["bio::cells"]
            col.add_note(cloze, cells)
        image = tmp / "cell-diagram.png"
        image.write_bytes(png(8, 6))
        io_type = col.models.by_name("Image Occlusion")
        assert io_type is not None
        col.decks.select(cells)
        col.add_image_occlusion_note(
            io_type["id"],
            str(image),
            "{{c1::image-occlusion:rect:left=.1:top=.1:width=.3:height=.3:oi=1}}"
            "{{c2::image-occlusion:rect:left=.5:top=.5:width=.3:height=.3:oi=1}}",
            "Name the parts",
            "",
            ["bio::cells"],
        )
        review_some(col)
        apkg = tmp / "biology.apkg"
        col.export_anki_package(
            out_path=str(apkg),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
            ),
            limit=DeckIdLimit(top),
        )
    finally:
        col.close()
    yield tmp / "author", apkg


def test_a_deck_anki_exported_moves_in_place_for_a_learner(
    anki_deck: tuple[Path, Path], tmp_path: Path
) -> None:
    _, apkg = anki_deck
    learner = new_collection(tmp_path / "learner")
    try:
        import_deck(learner, apkg)
        review_some(learner)
        migration = migrate("Anki-exported deck (learner)", learner, apkg, tmp_path)
        assert_in_place(migration)
    finally:
        learner.close()
    notes = tmp_path / "notes"
    names = {p.name for p in (notes / "notetypes").iterdir()}
    assert names == {
        "basic.toml",
        "basic-and-reversed-card.toml",
        "cloze.toml",
        "image-occlusion.toml",
    }
    organelles = (notes / "Cells" / "organelles.md").read_text(encoding="utf-8")
    for markdown in (
        "### What does the **mitochondrion** make?",
        "- ATP\n- heat",
        "```\nprint('hello')\n```\n\nRun it with `python3`.",
        "| Part | Job |\n| --- | --- |\n| Nucleus | holds DNA |",
        "[Cell (biology)](https://en.wikipedia.org/wiki/Cell_(biology))",
        "### What is shown? ![](../media/cell.png)",
        "A cell.\\\n![cell](../media/cell.mp3)",
        "<!-- tags: bio::cells exam::2026 -->",
        "### The {{c1::nucleus}} holds the {{c2::DNA}}.\n<!-- id: organelles-the-nucleus-holds",
        "<!-- notetype: Cloze -->\n<!-- tags: bio::cells -->\n{{c1::Ribosomes}} make proteins.",
        "### An <u>underlined</u> word",
    ):
        assert markdown in organelles
    assert re.search(
        r"### \{\{c1::image-occlusion:rect:.*\n<!-- id: [^>]+ -->\n<!-- notetype: Image Occlusion -->",
        organelles,
    )
    # deckgen check says nothing the import did not already say
    checked = {str(d) for d in check_notes(notes).diagnostics}
    assert checked <= {str(d) for d in migration.imported.diagnostics}
    root = (notes / "biology.md").read_text(encoding="utf-8")
    assert "<table><tr><td>a</td><td>b</td></tr></table>" in root  # kept as HTML
    assert migration.imported.html_fields == 1


def test_a_deck_anki_exported_moves_in_place_for_its_author(
    anki_deck: tuple[Path, Path], tmp_path: Path
) -> None:
    author, apkg = anki_deck
    col = new_collection(author)
    try:
        assert_in_place(migrate("Anki-exported deck (author)", col, apkg, tmp_path))
    finally:
        col.close()


def test_new_learners_get_the_imported_deck_whole(
    anki_deck: tuple[Path, Path], tmp_path: Path
) -> None:
    """A learner who never had the deck gets every note, of the original note types, showing
    what the original shows (Image Occlusion too)."""
    _, apkg = anki_deck
    col = new_collection(tmp_path / "new")
    original = new_collection(tmp_path / "original")
    try:
        import_deck(original, apkg)
        migration = migrate("Anki-exported deck (new learner)", col, apkg, tmp_path / "work")
        theirs, ours = snapshot(original), snapshot(col)
        assert migration.counts["new"] == len(theirs.notes)
        assert theirs.notes.keys() == ours.notes.keys()
        names = _media_names(migration)
        for guid, (_, mid, _, tags, fields) in theirs.notes.items():
            _, new_mid, _, new_tags, new_fields = ours.notes[guid]
            assert new_mid == mid and new_tags.split() == tags.split()
            for old, new in zip(fields.split("\x1f"), new_fields.split("\x1f"), strict=True):
                assert equivalent(old, new, names), (old, new)
        # (a note type whose name the collection has already gets a suffix, as for any deck)
        occlusions = col.find_cards('"Occlusion:*image-occlusion*"')
        assert len(occlusions) == 2
        assert "image-occlusion" in col.get_card(occlusions[0]).question()
    finally:
        col.close()
        original.close()


def _media_names(migration: Migration) -> dict[str, str]:
    package = read_package(migration.apkg)
    names: dict[str, str] = {}
    for name in package.media:
        match = re.fullmatch(r"(.+)-[0-9a-f]{16}(\.\w+)", name)
        if match:
            names[name] = match.group(1) + match.group(2)
    return names


# --- 2. made by genanki --------------------------------------------------------------------

VOCABULARY = genanki.Model(
    1_607_392_319,
    "Vocabulary (genanki)",
    fields=[{"name": "Word"}, {"name": "Meaning"}, {"name": "Example"}],
    templates=[
        {
            "name": "Recognition",
            "qfmt": "<div class=word>{{Word}}</div>",
            "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}<br><i>{{Example}}</i>",
        }
    ],
    css=".card { font-family: Georgia, serif; } .word { font-size: 2em; }",
)


def test_a_deck_genanki_made_moves_in_place(tmp_path: Path) -> None:
    deck = genanki.Deck(2_059_400_110, "Spanish")
    verbs = genanki.Deck(2_059_400_111, "Spanish::Verbs")
    for word, meaning, example in (
        ("el gato", "the cat", "El gato duerme."),
        ("la casa", "the <b>house</b>", ""),
    ):
        deck.add_note(genanki.Note(VOCABULARY, [word, meaning, example], tags=["nouns"]))
    verbs.add_note(genanki.Note(VOCABULARY, ["comer", "to eat", "Como pan."], tags=["verbs"]))
    apkg = tmp_path / "spanish.apkg"
    genanki.Package([deck, verbs]).write_to_file(str(apkg))
    learner = new_collection(tmp_path / "learner")
    try:
        import_deck(learner, apkg)
        review_some(learner, every=1)
        assert_in_place(migrate("genanki deck", learner, apkg, tmp_path))
    finally:
        learner.close()
    notes = tmp_path / "notes"
    assert (notes / "notetypes" / "vocabulary-genanki.toml").is_file()
    root = (notes / "spanish.md").read_text(encoding="utf-8")
    assert root.startswith('---\nnotetype: "Vocabulary (genanki)"\n---\n# Spanish\n')
    assert "### el gato\n" in root and "#### Example\n\nEl gato duerme." in root
    assert "### la casa\n<!-- id: spanish-la-casa -->\n<!-- tags: nouns -->\nthe **house**" in root
    assert (
        (notes / "verbs.md")
        .read_text(encoding="utf-8")
        .startswith('---\nnotetype: "Vocabulary (genanki)"\n---\n# Verbs\n')
    )


# --- 3. built by deckgen: Learn AWS --------------------------------------------------------


def test_learn_aws_moves_in_place_and_builds_back_to_the_same_notes(tmp_path: Path) -> None:
    apkg = build(NOTES, tmp_path / "original", build_time_for(NOTES)).path
    learner = new_collection(tmp_path / "learner")
    try:
        import_deck(learner, apkg)
        review_some(learner, every=3)
        migration = migrate("Learn AWS (deckgen)", learner, apkg, tmp_path)
        assert_in_place(migration)
    finally:
        learner.close()
    # deckgen's own note types: nothing declared, the built-ins used
    assert not (tmp_path / "notes" / "notetypes").exists()
    original, rebuilt = read_package(apkg), read_package(migration.apkg)
    assert original.notes.keys() == rebuilt.notes.keys()
    respelled = 0
    for guid, note in original.notes.items():
        again = rebuilt.notes[guid]
        assert (again.note_type, again.cards, again.mod) == (note.note_type, note.cards, note.mod)
        assert set(again.tags) == set(note.tags)  # Anki keeps tags sorted
        for (name, old), (_, new) in zip(note.fields, again.fields, strict=True):
            if old != new:  # the HTML policy spells a diagram's style its own way
                assert old.replace("min-width: ", "min-width:") == new, (guid, name)
                respelled += 1
    assert respelled == 5
