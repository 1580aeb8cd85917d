"""Every user mistake of the v1 format: the exact line a user reads, with path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.notes.folder import load_notes
from helpers import DECK_TOML, NotesFactory


def messages(notes: Path, *, include_info: bool = False) -> list[str]:
    result = load_notes(notes)
    shown = [d for d in result.diagnostics if include_info or d.severity.value != "info"]
    return [str(d).replace(notes.as_posix(), "notes") for d in shown]


CASES: dict[str, tuple[str, list[str]]] = {
    "q-without-a": (
        "# EC2\n## T\nQ: Which one?\n\nJust prose.\n",
        ["notes/ec2.md:3: error DG110 'Q: Which one?' has no 'A:' line after it"],
    ),
    "q-without-a-at-end": (
        "# EC2\n## T\nQ: Which one?\n",
        ["notes/ec2.md:3: error DG110 'Q: Which one?' has no 'A:' line after it"],
    ),
    "stray-a": (
        "# EC2\n## T\nA: an answer to nothing\n",
        ["notes/ec2.md:3: error DG111 'A:' without a 'Q:' before it"],
    ),
    "empty-answer-heading": (
        "# EC2\n## T\n### What is EBS?\n### What is EFS?\nA file system.\n",
        ["notes/ec2.md:3: error DG112 question 'What is EBS?' has an empty answer"],
    ),
    "empty-answer-qa": (
        "# EC2\n## T\nQ: What is EBS?\nA:\n",
        ["notes/ec2.md:3: error DG112 question 'What is EBS?' has an empty answer"],
    ),
    "unclosed-cloze": (
        "# EC2\n## T\nSpot capacity\nis {{c1::spare capacity.\n",
        ["notes/ec2.md:4: error DG120 cloze '{{c1::spare capacity' is never closed with '}}'"],
    ),
    "cloze-zero": (
        "# EC2\n## T\nSpot is {{c0::spare}}.\n",
        ["notes/ec2.md:3: error DG121 cloze numbers start at c1, not c0"],
    ),
    "cloze-gap": (
        "# EC2\n## T\n{{c1::Spot}} is {{c3::spare}}.\n",
        ["notes/ec2.md:3: error DG122 cloze numbers skip: found c1, c3"],
    ),
    "no-h1": (
        "## T\n### Q?\nA.\n",
        ["notes/ec2.md:1: error DG030 no H1 and no 'deck' in the front matter: name the sub-deck"],
    ),
    "two-h1": (
        "# EC2\n## T\n### Q?\nA.\n# ECS\n",
        ["notes/ec2.md:5: error DG031 second H1 'ECS': a file is one sub-deck with one H1"],
    ),
    "dangling-id": (
        "# EC2\n## T\n<!-- id: lost -->\nJust prose.\n",
        [
            "notes/ec2.md:3: error DG104 id 'lost' attaches to nothing:"
            " put it right after an H3 or Q: line, or right before a cloze"
        ],
    ),
    "invalid-id": (
        "# EC2\n## T\n### Q?\n<!-- id: has space -->\nA.\n",
        [
            "notes/ec2.md:4: error DG103 invalid id 'has space': use letters, digits, '.', '_' and '-'"
        ],
    ),
    "front-matter-not-mapping": (
        "---\n- a\n- b\n---\n# EC2\n## T\n### Q?\nA.\n",
        ["notes/ec2.md:1: error DG021 front matter must be a mapping of keys, not a list"],
    ),
    "front-matter-bad-yaml": (
        "---\ndeck: [unclosed\n---\n# EC2\n## T\n### Q?\nA.\n",
        [
            "notes/ec2.md:2: error DG020 invalid front matter: expected ',' or ']', but got '<stream end>'"
        ],
    ),
    "front-matter-key-typo": (
        "---\ntag: [x]\n---\n# EC2\n## T\n### Q?\nA.\n",
        [
            "notes/ec2.md:2: error DG022 unknown front-matter key 'tag'; did you mean 'tags'?"
            " (its value is not used)"
        ],
    ),
    "front-matter-unknown-key": (
        "---\nauthor: me\n---\n# EC2\n## T\n### Q?\nA.\n",
        [
            "notes/ec2.md:2: warning DG022 unknown front-matter key 'author'; known keys: deck, tags, notetype"
        ],
    ),
    "tag-with-space": (
        "---\ntags: [ok, not ok]\n---\n# EC2\n## T\n### Q?\nA.\n",
        ["notes/ec2.md:2: error DG024 tag 'not ok' must not be empty or contain spaces or quotes"],
    ),
    "topic-without-slug": (
        "# EC2\n## ???\n### Q?\nA.\n",
        ["notes/ec2.md:2: error DG032 topic '???' has no letters or digits for a tag"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, make_notes: NotesFactory) -> None:
    text, expected = CASES[case]
    notes = make_notes({"ec2.md": text})
    assert messages(notes) == expected


def test_errors_make_no_deck(make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": CASES["stray-a"][0]})
    assert load_notes(notes).deck is None


def test_duplicate_id_across_files_names_both(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            "ec2.md": "# EC2\n## T\n### What is Spot?\n<!-- id: spot -->\nSpare capacity.\n",
            "ecs.md": "# ECS\n## T\n### What is Fargate?\n<!-- id: spot -->\nServerless.\n",
        }
    )
    assert messages(notes) == [
        "notes/ecs.md:3: error DG101 duplicate id 'spot' (first at notes/ec2.md:3)"
    ]


def test_duplicate_question_in_one_subdeck(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ec2.md": "# EC2\n## A\n### What is Spot?\nX.\n## B\nQ: what is spot\nA: Y.\n"}
    )
    assert messages(notes) == [
        "notes/ec2.md:6: error DG102 duplicate question 'what is spot' in sub-deck EC2"
        " (first at notes/ec2.md:3)"
    ]


def test_same_question_in_two_subdecks_is_fine(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            "ec2.md": "# EC2\n## T\n### What is it?\nA VM.\n",
            "ecs.md": "# ECS\n## T\n### What is it?\nContainers.\n",
        }
    )
    assert messages(notes) == []


def test_not_utf8_reports_the_line(make_notes: NotesFactory) -> None:
    notes = make_notes({})
    (notes / "ec2.md").write_bytes(b"# EC2\n## T\n### Caf\xe9?\nA.\n")
    assert messages(notes) == [
        "notes/ec2.md:3: error DG001 file is not UTF-8 (byte 0xe9 at offset 18); save it as UTF-8"
    ]


@pytest.mark.parametrize(
    ("deck_toml", "expected"),
    [
        (
            'name = "X"\nversion = "1.0"\n',
            "notes/deck.toml:2: error DG013 'version' must be semver like 1.2.3, not '1.0'",
        ),
        ('name = "X"\n', "notes/deck.toml:1: error DG013 'version' is missing (e.g. \"1.0.0\")"),
        ('version = "1.0.0"\n', "notes/deck.toml:1: error DG012 'name' must be a non-empty string"),
        (
            'name = "X"\nversion = "1.0.0\n',
            "notes/deck.toml:2: error DG011 invalid TOML: Illegal character '\\n' (at line 2, column 17)",
        ),
        (
            'name = "X"\nversion = "1.0.0"\nvresion = 2\n',
            "notes/deck.toml:3: error DG014 unknown key 'vresion'; did you mean 'version'?"
            " (its value is not used)",
        ),
        (
            'name = "X"\nversion = "1.0.0"\nowner = "me"\n',
            "notes/deck.toml:3: warning DG014 unknown key 'owner'; known keys: name, slug,"
            " version, description, keep_removed, id, docs, quality, repository, branch,"
            " notes_path, source_url, edit_url",
        ),
    ],
)
def test_bad_deck_toml(deck_toml: str, expected: str, make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\n### Q?\nA.\n"}, deck_toml=deck_toml)
    assert messages(notes) == [expected]


def test_missing_deck_toml(make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\n### Q?\nA.\n"}, deck_toml=None)
    assert messages(notes) == [
        "notes/deck.toml:1: error DG010 deck.toml is missing: every notes folder needs one"
    ]


def test_folder_without_cards(make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n\nOnly prose here.\n"})
    assert messages(notes) == [
        "notes:1: error DG041 the notes hold no cards: add an H3 question, a Q:/A: pair or a cloze"
    ]


def test_folder_without_files(make_notes: NotesFactory) -> None:
    notes = make_notes({})
    assert messages(notes) == ["notes:1: error DG040 no Markdown notes files (*.md) in notes"]


def test_all_errors_of_a_run_are_reported_sorted(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {
            "b.md": "# B\n## T\nA: stray\n\nQ: no answer\n",
            "a.md": "# A\n## T\n{{c0::x}}\n\n### Q?\n",
        }
    )
    assert [m.split(" error ")[0] for m in messages(notes)] == [
        "notes/a.md:3:",
        "notes/a.md:5:",
        "notes/b.md:3:",
        "notes/b.md:5:",
    ]


def test_prose_is_reported_as_info(make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\nSome prose.\n\n### Q?\nA.\n"})
    assert messages(notes, include_info=True) == [
        "notes/ec2.md:3: info DG900 paragraph makes no card (skipped)"
    ]


def test_documents_are_named_in_deck_toml_not_guessed(make_notes: NotesFactory) -> None:
    files = {
        "ec2.md": "# EC2\n## T\n### Q?\nA.\n",
        "S3.md": "# S3\n## T\n### What is S3?\nObject storage.\n",
        "README.md": "prose, no H1",
        "COVERAGE.md": "prose, no H1",
    }
    notes = make_notes(files, deck_toml=DECK_TOML + 'docs = ["README.md", "COVERAGE.md"]\n')
    result = load_notes(notes)
    assert result.deck is not None
    assert sorted(card.deck for card in result.deck.cards) == ["EC2", "S3"]


def test_readme_is_the_only_default_document(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ec2.md": "# EC2\n## T\n### Q?\nA.\n", "README.md": "about", "COVERAGE.md": "x"}
    )
    assert messages(notes) == [
        "notes/COVERAGE.md:1: error DG030 no H1 and no 'deck' in the front matter: name the sub-deck"
    ]


def test_invalid_id_on_a_cloze_list_item(make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ec2.md": "# EC2\n## T\n- <!-- id: bad item id! -->\n  Spot is {{c1::spare}}.\n"}
    )
    assert messages(notes) == [
        "notes/ec2.md:3: error DG103 invalid id 'bad item id!': use letters, digits, '.', '_' and '-'"
    ]


def test_render_problems_count_lines_from_below_a_lone_a_line(make_notes: NotesFactory) -> None:
    from deckgen.pipeline import check_notes

    notes = make_notes({"ec2.md": "# EC2\n## T\nQ: Which diagram?\nA:\n![x](missing.png)\n"})
    shown = [str(d).replace(notes.as_posix(), "notes") for d in check_notes(notes).diagnostics]
    assert shown == [
        "notes/ec2.md:5: error DG204 image 'missing.png' not found: no file missing.png in the notes folder"
    ]
