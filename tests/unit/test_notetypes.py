"""Note types as data: declared ones checked at their line, folders as nested decks, audio."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cards.fields import RenderSetup
from deckgen.cards.media import MediaFolder
from deckgen.cards.render import render_card
from deckgen.cli import cli
from deckgen.notes.folder import load_notes
from deckgen.notes.notetype_files import load_note_types, parse_note_type, skeleton
from deckgen.notes.notetypes import NoteTypes, count_cards, note_type_of
from helpers import DECK_TOML, NotesFactory

GOOD = """\
name = "Vocabulary"
id = 1790000000001
fields = ["Word", "Meaning", "Context"]

[[templates]]
name = "Card 1"
front = "{{Word}}"
back = "{{FrontSide}}<hr id=answer>{{Meaning}}"
"""


def problems(text: str, tmp_path: Path) -> list[str]:
    _, found = parse_note_type(text, "notes/notetypes/x.toml", tmp_path)
    return [str(d) for d in found]


def test_a_good_note_type(tmp_path: Path) -> None:
    note_type, found = parse_note_type(GOOD, "notes/notetypes/x.toml", tmp_path)
    assert found == [] and note_type is not None
    assert (note_type.name, note_type.id, note_type.fields) == (
        "Vocabulary",
        1790000000001,
        ("Word", "Meaning", "Context"),
    )
    assert [t.name for t in note_type.templates] == ["Card 1"] and not note_type.cloze


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("[[templates]]", "[[templates]"), "error DG130 invalid note type TOML"),
        (('name = "Vocabulary"\n', ""), ":1: error DG130 'name' must be a non-empty string"),
        (("id = 1790000000001", 'id = "x"'), ":2: error DG130 'id' must be a whole number"),
        (("id = 1790000000001", "id = 9007199254740993"), ":2: error DG130 'id' must be"),
        (("fields = [", 'kind = "basic"\nfields = ['), ":3: error DG130 'kind' must be"),
        (('"Word", "Meaning"', '"Word", "word"'), ":3: error DG130 'fields' must be a list"),
        (("fields = [", "colour = 1\nfields = ["), ":3: error DG130 unknown key 'colour'"),
        (("{{Meaning}}", "{{Meening}}"), ":5: error DG133 template 'Card 1' back names"),
        (('front = "{{Word}}"', 'front = "{{FrontSide}}"'), ":5: error DG133 template 'Card 1'"),
        (('front = "{{Word}}"\n', ""), ":5: error DG130 each template needs 'name', 'front'"),
        (("fields", 'css_file = "nope.css"\nfields'), ":3: error DG130 cannot read 'nope.css'"),
    ],
)
def test_mistakes_in_a_note_type_are_reported_at_their_line(
    change: tuple[str, str], expected: str, tmp_path: Path
) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    found = problems(text, tmp_path)
    assert len(found) == 1 and expected in found[0], found


def test_a_template_naming_an_unknown_field_says_which_are_known(tmp_path: Path) -> None:
    found = problems(GOOD.replace("{{Meaning}}", "{{Meening}}"), tmp_path)
    assert found == [
        "notes/notetypes/x.toml:5: error DG133 template 'Card 1' back names '{{Meening}}',"
        " which is not a field of this note type; did you mean 'Meaning'?"
    ]


def test_css_may_come_from_a_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "vocabulary.css").write_text(".card { color: red; }")
    note_type, found = parse_note_type(
        GOOD.replace("fields", 'css_file = "vocabulary.css"\nfields'), "x.toml", tmp_path
    )
    assert found == [] and note_type is not None and note_type.css == ".card { color: red; }"


def test_ids_and_names_are_unique_across_note_types_and_built_ins(tmp_path: Path) -> None:
    folder = tmp_path / "notetypes"
    folder.mkdir()
    (folder / "a.toml").write_text(GOOD)
    (folder / "b.toml").write_text(GOOD.replace('name = "Vocabulary"', 'name = "Other"'))
    (folder / "c.toml").write_text(GOOD.replace("1790000000001", "1790000000009"))
    (folder / "d.toml").write_text(
        GOOD.replace('"Vocabulary"', '"deckgen Basic"').replace("1790000000001", "17")
    )
    found, problems_found = load_note_types(tmp_path)
    assert [t.name for t in found.declared] == ["Vocabulary"]
    assert [str(d).replace(tmp_path.as_posix(), "notes") for d in problems_found] == [
        "notes/notetypes/b.toml:1: error DG131 note type id 1790000000001 is taken (first at"
        " notes/notetypes/a.toml:1): each needs its own",
        "notes/notetypes/c.toml:1: error DG131 note type name 'Vocabulary' is taken (first at"
        " notes/notetypes/a.toml:1): each needs its own",
        "notes/notetypes/d.toml:1: error DG131 note type name 'deckgen Basic' is taken"
        " (a deckgen built-in): each needs its own",
    ]


def test_notetype_new_prints_a_valid_note_type_with_a_fresh_id(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["notetype", "new", "Vocabulary"])
    second = runner.invoke(cli, ["notetype", "new", "Vocabulary"])
    assert first.exit_code == 0 and first.output.startswith(
        "# A note type of this deck. Save as notes/notetypes/vocabulary.toml.\n"
    )
    ids = [re.search(r"^id = (\d+)$", r.output, re.MULTILINE) for r in (first, second)]
    assert ids[0] and ids[1] and ids[0].group(1) != ids[1].group(1)
    note_type, found = parse_note_type(first.output, "x.toml", tmp_path)
    assert found == [] and note_type is not None and note_type.name == "Vocabulary"
    assert skeleton("A", 1).count("{{Front}}") == 1


VOCABULARY = GOOD.replace('"Meaning", "Context"', '"Meaning", "Audio", "Context", "Source"')


def test_folders_are_nested_decks(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            "ec2.md": "# EC2\n## T\n### What is Spot?\nSpare.\n",
            "Languages/French/words.md": (
                "---\nnotetype: vocabulary\n---\n# Words\n## Animals\n"
                "### chat\n<!-- id: chat -->\ncat\n\n#### Audio\n\n![chat](../../media/chat.mp3)\n"
            ),
            "Languages/French/more.md": "# Words 2\n## T\n### What is Spot?\nAgain, elsewhere.\n",
            "media/chat.mp3": "ID3 not really an mp3",
            "notetypes/vocabulary.toml": VOCABULARY,
        }
    )
    loaded = load_notes(notes)
    assert [str(d) for d in loaded.diagnostics if d.severity.value != "info"] == []
    deck = loaded.deck
    assert deck is not None
    by_deck = {deck.subdeck_name(card): card for card in deck.cards}
    assert sorted(by_deck) == [
        "Learn AWS::EC2",
        "Learn AWS::Languages::French::Words",
        "Learn AWS::Languages::French::Words 2",
    ]
    chat = by_deck["Learn AWS::Languages::French::Words"]
    assert chat.tags == ("learn-aws::languages::french::words::animals",)
    assert chat.source == "Languages/French/words.md"
    setup = RenderSetup(MediaFolder(notes))
    note_type = note_type_of(chat, NoteTypes(deck.note_types))
    rendered = render_card(chat, setup, note_type)
    fields = dict(zip(note_type.fields, rendered.fields, strict=True))
    assert fields["Word"] == "chat" and fields["Meaning"] == "<p>cat</p>"
    sound = re.fullmatch(r"<p>\[sound:(chat-[0-9a-f]{16}\.mp3)\]</p>", fields["Audio"])
    assert sound is not None
    assert fields["Context"] == "Languages › French › Words › Animals"
    assert fields["Source"] == "Languages/French/words.md"
    assert [m.name for m in rendered.media] == [sound.group(1)]
    assert count_cards(deck)["Learn AWS::Languages::French::Words"] == 1


def test_a_folder_that_cannot_name_a_deck_is_an_error(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ec2.md": "# EC2\n## T\n### Q?\nA.\n", "!!!/x.md": "# X\n## T\n### Q?\nA.\n"}
    )
    assert [str(d).replace(notes.as_posix(), "notes") for d in load_notes(notes).diagnostics] == [
        "notes/!!!/x.md:1: error DG033 folder '!!!' cannot name a deck: it needs letters or"
        " digits, and no '::'"
    ]


def test_reversed_notes_make_two_cards_and_type_in_one(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            "fr.md": textwrap.dedent(
                """\
                ---
                notetype: reversed
                ---
                # French
                ## T
                ### bonjour
                hello

                ### merci
                <!-- notetype: type-in -->
                thank you
                """
            )
        },
        deck_toml=DECK_TOML,
    )
    deck = load_notes(notes).deck
    assert deck is not None
    assert count_cards(deck) == {"Learn AWS::French": 3}
