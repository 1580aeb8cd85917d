"""deck.toml's repository keys: where cards link to their source, validated like every other
key (DG015 for a bad value, DG014 for an unknown key)."""

from __future__ import annotations

import pytest

from deckgen.model import SourceLinks
from deckgen.notes.config import parse_deck_toml
from helpers import DECK_TOML

GITHUB = 'repository = "https://github.com/acme/learn-aws"\n'
GITLAB = 'repository = "https://gitlab.com/acme/learn-aws"\n'


def test_without_repository_cards_have_no_links() -> None:
    config, problems = parse_deck_toml(DECK_TOML, "deck.toml")
    assert problems == [] and config is not None and config.links is None


def test_github_addresses_are_known() -> None:
    config, problems = parse_deck_toml(DECK_TOML + GITHUB, "deck.toml")
    assert problems == [] and config is not None
    assert config.links == SourceLinks(
        "https://github.com/acme/learn-aws",
        "https://github.com/acme/learn-aws/blob/{ref}/{path}",
        "https://github.com/acme/learn-aws/edit/{ref}/{path}",
        "main",
        "notes",
    )


def test_branch_and_notes_path_and_a_trailing_slash() -> None:
    toml = (
        'repository = "https://github.com/acme/learn-aws.git"\nbranch = "release/2"\n'
        'notes_path = "decks/aws/"\n'
    )
    config, problems = parse_deck_toml(DECK_TOML + toml, "deck.toml")
    assert problems == [] and config is not None and config.links is not None
    assert config.links.repository == "https://github.com/acme/learn-aws"
    assert (config.links.branch, config.links.notes_path) == ("release/2", "decks/aws")
    assert config.links.path("ec2.md") == "decks/aws/ec2.md"


def test_notes_at_the_top_of_the_repository() -> None:
    config, _ = parse_deck_toml(DECK_TOML + GITHUB + 'notes_path = ""\n', "deck.toml")
    assert config is not None and config.links is not None
    assert config.links.path("Compute/ec2.md") == "Compute/ec2.md"


def test_another_forge_by_templates() -> None:
    toml = (
        GITLAB + 'source_url = "https://gitlab.com/acme/learn-aws/-/blob/{ref}/{path}"\n'
        'edit_url = "https://gitlab.com/acme/learn-aws/-/edit/{ref}/{path}"\n'
    )
    config, problems = parse_deck_toml(DECK_TOML + toml, "deck.toml")
    assert problems == [] and config is not None and config.links is not None
    assert config.links.file_url == "https://gitlab.com/acme/learn-aws/-/blob/{ref}/{path}"
    assert config.links.edit_url == "https://gitlab.com/acme/learn-aws/-/edit/{ref}/{path}"


def test_a_forge_without_an_edit_page() -> None:
    toml = GITLAB + 'source_url = "https://git.example.org/learn/{path}"\n'
    config, problems = parse_deck_toml(DECK_TOML + toml, "deck.toml")
    assert problems == [] and config is not None and config.links is not None
    assert config.links.edit_url is None


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            GITLAB,
            "deck.toml:5: error DG015 deckgen knows GitHub's addresses, not gitlab.com's: set"
            " 'source_url' (and 'edit_url'), e.g."
            ' "https://gitlab.com/OWNER/REPO/-/blob/{ref}/{path}"',
        ),
        (
            GITLAB
            + 'source_url = "https://gitlab.com/acme/learn-aws/-/blob/{ref}/{path}#L{line}"\n',
            "deck.toml:6: error DG015 'source_url' must not hold {line}: a card's line moves"
            " whenever a card is added above it, and so would its link (deckgen adds the card's"
            " heading anchor) (it is 'https://gitlab.com/acme/learn-aws/-/blob/{ref}/{path}#L{line}')",
        ),
        (
            GITHUB + 'edit_url = "https://github.com/acme/learn-aws/edit/{branch}/{path}"\n',
            "deck.toml:6: error DG015 'edit_url' knows only {ref} and {path}, not {branch}"
            " (it is 'https://github.com/acme/learn-aws/edit/{branch}/{path}')",
        ),
        (
            GITHUB + 'source_url = "https://github.com/acme/learn-aws/blob/main/notes"\n',
            "deck.toml:6: error DG015 'source_url' must hold {path}, where the file's path goes"
            " (it is 'https://github.com/acme/learn-aws/blob/main/notes')",
        ),
        (
            GITHUB + 'source_url = "https://example.org/{path}#top"\n',
            "deck.toml:6: error DG015 'source_url' must not end in a #fragment: deckgen adds the"
            " card's heading anchor (it is 'https://example.org/{path}#top')",
        ),
        (
            GITHUB + 'source_url = "javascript:alert(1)//{path}"\n',
            "deck.toml:6: error DG015 'source_url' must be an https:// address"
            " (it is 'javascript:alert(1)//{path}')",
        ),
        (
            'repository = "github.com/acme/learn-aws"\n',
            "deck.toml:5: error DG015 'repository' must be the repository's web address, e.g."
            " \"https://github.com/OWNER/REPO\", not 'github.com/acme/learn-aws'",
        ),
        (
            'repository = "https://github.com/acme"\n',
            "deck.toml:5: error DG015 'repository' must be https://github.com/OWNER/REPO, not"
            " 'https://github.com/acme'",
        ),
        (
            'repository = "https://github.com/acme/x\\" onclick=\\"y"\n',
            "deck.toml:5: error DG015 'repository' must be the repository's web address, e.g."
            ' "https://github.com/OWNER/REPO", not \'https://github.com/acme/x" onclick="y\'',
        ),
        (
            "repository = 3\n",
            "deck.toml:5: error DG015 'repository' must be the repository's web address, e.g."
            ' "https://github.com/OWNER/REPO", not 3',
        ),
        (
            GITHUB + 'branch = "my branch"\n',
            "deck.toml:6: error DG015 'branch' must be a branch name, e.g. \"main\", not 'my branch'",
        ),
        (
            GITHUB + 'branch = "x.lock"\n',
            "deck.toml:6: error DG015 'branch' must be a branch name, e.g. \"main\", not 'x.lock'",
        ),
        (
            GITHUB + 'branch = "rel@{1}"\n',
            "deck.toml:6: error DG015 'branch' must be a branch name, e.g. \"main\", not 'rel@{1}'",
        ),
        (
            GITHUB + 'branch = "a//b"\n',
            "deck.toml:6: error DG015 'branch' must be a branch name, e.g. \"main\", not 'a//b'",
        ),
        (
            GITHUB + 'branch = "a/.hidden"\n',
            "deck.toml:6: error DG015 'branch' must be a branch name, e.g. \"main\", not 'a/.hidden'",
        ),
        (
            GITHUB + 'notes_path = "../notes"\n',
            "deck.toml:6: error DG015 'notes_path' must be the notes folder's path in the"
            ' repository, e.g. "notes" ("" for its top), not \'../notes\'',
        ),
        (
            'branch = "main"\n',
            "deck.toml:5: error DG015 'branch' says how cards link to the repository: set"
            " 'repository' too",
        ),
        (
            'repositroy = "https://github.com/acme/learn-aws"\n',
            "deck.toml:5: error DG014 unknown key 'repositroy'; did you mean 'repository'? (its value"
            " is not used)",
        ),
    ],
    ids=[
        "forge-unknown",
        "line-number",
        "placeholder",
        "no-path",
        "fragment",
        "scheme",
        "not-a-url",
        "github-owner-only",
        "quotes",
        "not-a-string",
        "branch",
        "branch-lock",
        "branch-reflog",
        "branch-double-slash",
        "branch-dot-part",
        "notes-path",
        "without-repository",
        "typo",
    ],
)
def test_bad_repository_settings(toml: str, expected: str) -> None:
    config, problems = parse_deck_toml(DECK_TOML + toml, "deck.toml")
    assert [str(p) for p in problems] == [expected]
    assert config is None
