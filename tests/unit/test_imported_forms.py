"""Forms of the notes format that imported decks need (and authors may use too): the root
deck's own cards, Anki's stock note types declared under their own names, cards that have
nowhere for an answer, questions asked twice by notes with ids, note types never edited."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from deckgen.notes.folder import load_notes
from deckgen.notes.notetypes import count_cards
from deckgen.pipeline import build, load_and_render
from deckgen.releases.lock import LOCK_FILE, parse_lock, write_lock
from deckgen.releases.plan import make_plan
from helpers import DECK_TOML, NotesFactory

T = 1_790_000_000

STOCK_BASIC = """\
name = "Basic"
id = 1700000000001
fields = ["Front", "Back"]

[[templates]]
name = "Card 1"
front = "{{Front}}"
back = "{{FrontSide}}<hr id=answer>{{Back}}"
"""

STOCK_CLOZE = """\
name = "Cloze"
id = 1700000000002
kind = "cloze"
fields = ["Text", "Back Extra"]

[[templates]]
name = "Cloze"
front = "{{cloze:Text}}"
back = "{{cloze:Text}}<br>{{Back Extra}}"
"""

ONE_FIELD = """\
name = "Word"
id = 1700000000003
fields = ["Word"]

[[templates]]
name = "Card 1"
front = "{{Word}}"
back = "{{FrontSide}}"
"""


def test_a_top_level_file_named_for_the_root_deck_holds_its_own_cards(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes(
        {
            "learn-aws.md": "# Learn AWS\n## Basics\n### What is AWS?\nA cloud.\n",
            "ec2.md": "# EC2\n### What is EC2?\nServers.\n",
            "Compute/learn-aws.md": "# Learn AWS\n### Nested?\nA sub-deck of that name.\n",
        }
    )
    loaded = load_notes(notes)
    assert loaded.deck is not None, loaded.diagnostics
    decks = {card.question: loaded.deck.subdeck_name(card) for card in loaded.deck.cards}
    assert decks == {
        "What is AWS?": "Learn AWS",
        "What is EC2?": "Learn AWS::EC2",
        "Nested?": "Learn AWS::Compute::Learn AWS",
    }
    root_card = next(c for c in loaded.deck.cards if c.question == "What is AWS?")
    assert root_card.tags == ("learn-aws::basics",)
    assert count_cards(loaded.deck)["Learn AWS"] == 1
    built = build(notes, tmp_path / "decks", T)
    assert built.cards_per_subdeck["Learn AWS"] == 1


def test_anki_stock_note_types_are_declared_under_their_own_names(
    make_notes: NotesFactory,
) -> None:
    notes = make_notes(
        {
            "notetypes/basic.toml": STOCK_BASIC,
            "notetypes/cloze.toml": STOCK_CLOZE,
            "words.md": """\
                # Words
                ### chat
                <!-- notetype: Basic -->
                cat

                ### mine
                <!-- notetype: basic -->
                deckgen's own

                <!-- notetype: Cloze -->
                A {{c1::cat}} sleeps.
                """,
        }
    )
    loaded = load_notes(notes)
    assert loaded.deck is not None, [str(d) for d in loaded.diagnostics]
    kinds = [card.note_type for card in loaded.deck.cards]
    assert kinds == ["Basic", "", "Cloze"]  # "" is deckgen Basic


def test_cards_with_nowhere_for_an_answer(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            "notetypes/word.toml": ONE_FIELD,
            "notetypes/cloze.toml": STOCK_CLOZE,
            "words.md": """\
                # Words
                ### chat
                <!-- notetype: Word -->

                ### A {{c1::cat}} sleeps, {{c3::gaps}} and all.
                <!-- notetype: Cloze -->

                ### hund
                <!-- notetype: Cloze -->
                """,
        }
    )
    loaded = load_notes(notes)
    messages = [str(d).replace(notes.as_posix(), "notes") for d in loaded.diagnostics]
    # a one-field note and a heading cloze need no answer; a basic card does
    assert messages == [
        "notes/words.md:8: error DG135 note type 'Cloze' is a cloze note type: the question"
        " needs {{c1::…}}"
    ]


def test_a_question_asked_twice_by_notes_with_ids_is_a_warning(make_notes: NotesFactory) -> None:
    twice = (
        "# EC2\n### What is EC2?\n<!-- id: a -->\nOne.\n\n### What is EC2?\n<!-- id: b -->\nTwo.\n"
    )
    notes = make_notes({"ec2.md": twice})
    loaded = load_notes(notes)
    assert loaded.deck is not None
    assert [str(d).replace(notes.as_posix(), "notes") for d in loaded.diagnostics] == [
        "notes/ec2.md:6: warning DG102 duplicate question 'What is EC2?' in sub-deck EC2"
        " (first at notes/ec2.md:2)"
    ]


def test_a_lock_may_hold_a_note_type_never_edited(tmp_path: Path, make_notes: NotesFactory) -> None:
    """Anki's stock note types carry the time 0 until someone edits them; an imported deck
    keeps it, so learners' copies (also 0) are not replaced by the first build."""
    notes = make_notes({"ec2.md": "# EC2\n### What?\n<!-- id: a -->\nThat.\n"}, deck_toml=DECK_TOML)
    loaded = load_and_render(notes)
    lock = make_plan(loaded.deck, loaded.rendered, None, T).to_lock("1.0.0", T)
    never_edited = {name: replace(state, mod=0) for name, state in lock.note_types.items()}
    write_lock(replace(lock, note_types=never_edited), notes)
    text = (notes / LOCK_FILE).read_text(encoding="utf-8")
    assert parse_lock(text, LOCK_FILE, T + 100).note_types["deckgen Basic"].mod == 0
    built = build(notes, tmp_path / "decks", T + 60)
    assert built.path.name == "learn-aws-1.0.0.apkg"  # nothing changed: not a -dev build
