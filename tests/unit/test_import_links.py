"""deck.toml's repository keys read back from the Source links a deckgen build wrote."""

from __future__ import annotations

import tomllib

import pytest

from deckgen.cards.render import SourceOf, source_field, source_of
from deckgen.importing.links import RepositoryKeys, repository_keys
from deckgen.model import Card, CardKind, SourceLinks, SourceLoc
from deckgen.notes.links import parse_links


def links(**keys: str) -> SourceLinks:
    parsed, problems = parse_links(keys, lambda key: SourceLoc("deck.toml", 1))
    assert problems == [] and parsed is not None
    return parsed


def card(source: str, anchor: str = "what-is-ec2") -> Card:
    return Card(
        kind=CardKind.BASIC,
        deck="EC2",
        tags=(),
        topic="Basics",
        question="What is EC2?",
        answer="Virtual servers.",
        loc=SourceLoc(f"notes/{source}", 3),
        source=source,
        anchor=anchor,
    )


@pytest.mark.parametrize(
    "keys",
    [
        {"repository": "https://github.com/deckgen/deckgen"},
        {"repository": "https://github.com/o/r", "branch": "trunk", "notes_path": "deck/notes"},
        {"repository": "https://github.com/o/r", "notes_path": ""},
        {"repository": "https://www.github.com/o/r", "branch": 'odd"name'},
        {"repository": "http://github.com/o/r"},
    ],
)
@pytest.mark.parametrize("file", ["ec2.md", "Compute/Élastic & co.md"])
def test_the_keys_come_back_from_the_links_a_build_wrote(keys: dict[str, str], file: str) -> None:
    field = source_field(card(file), links(**keys))
    read = source_of(field)
    assert read.file == file
    expected = RepositoryKeys(
        keys["repository"], keys.get("branch", "main"), keys.get("notes_path", "notes")
    )
    assert repository_keys([read, read]) == (expected, False)
    # deck.toml's lines give the same links again
    again = tomllib.loads("\n".join(expected.toml_lines()))
    assert source_field(card(file), links(**again)) == field


def test_a_plain_source_field_is_the_file() -> None:
    assert source_of("Compute/a &amp; b.md") == SourceOf("Compute/a & b.md")
    assert repository_keys([SourceOf("ec2.md")]) == (None, False)


def test_another_forge_or_links_that_disagree_are_said_not_guessed() -> None:
    gitlab = links(
        repository="https://gitlab.com/o/r",
        source_url="https://gitlab.com/o/r/-/blob/{ref}/{path}",
        edit_url="https://gitlab.com/o/r/-/edit/{ref}/{path}",
    )
    other = source_of(source_field(card("ec2.md"), gitlab))
    assert other.url is not None
    assert repository_keys([other]) == (None, True)
    one = source_of(source_field(card("ec2.md"), links(repository="https://github.com/o/one")))
    two = source_of(source_field(card("ec2.md"), links(repository="https://github.com/o/two")))
    assert repository_keys([one, two]) == (None, True)
