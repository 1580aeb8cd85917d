"""The shipped deck: every service the source covers, clean, imported into real Anki."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from anki_helpers import import_deck

from deckgen.notes.folder import load_notes
from deckgen.pipeline import build
from helpers import build_time_for

NOTES = Path(__file__).parent.parent.parent / "notes"
SERVICES = [
    "EC2",
    "ECS",
    "ECR",
    "EKS",
    "Elastic Beanstalk",
    "AWS Batch",
    "Security Groups and Networking",
    "Storage",
]


def test_check_is_clean() -> None:
    result = load_notes(NOTES)
    problems = [str(d) for d in result.diagnostics if d.severity.value != "info"]
    assert problems == []
    assert result.deck is not None


def test_every_card_has_an_explicit_id_listed_in_coverage() -> None:
    deck = load_notes(NOTES).deck
    assert deck is not None
    card_ids = {card.explicit_id for card in deck.cards}
    assert None not in card_ids, "every shipped card needs <!-- id: ... -->"
    coverage = (NOTES / "COVERAGE.md").read_text(encoding="utf-8")
    mentioned = set(re.findall(r"`([a-z0-9][a-z0-9.-]*)`", coverage))
    prefixes = ("ec2-", "ecs-", "ecr-", "eks-", "eb-", "batch-", "sg-", "storage-")
    mentioned_ids = {m for m in mentioned if m.startswith(prefixes)}
    assert sorted(card_ids - mentioned_ids) == [], "cards missing from COVERAGE.md"
    assert sorted(mentioned_ids - card_ids) == [], "COVERAGE.md names cards that do not exist"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    tmp = tmp_path_factory.mktemp("learn-aws")
    apkg = build(NOTES, tmp / "decks", build_time_for(NOTES)).path
    col = Collection(str(tmp / "collection.anki2"))
    try:
        import_deck(col, apkg)
        yield col
    finally:
        col.close()


def test_one_subdeck_per_service_with_at_least_8_cards(imported: Collection) -> None:
    for service in SERVICES:
        cards = imported.find_cards(f'"deck:Learn AWS::{service}"')
        assert len(cards) >= 8, f"{service} has {len(cards)} cards"


def test_deck_size_is_that_of_a_focused_shared_deck(imported: Collection) -> None:
    assert 150 <= imported.note_count() <= 600


def test_every_card_carries_a_topic_tag(imported: Collection) -> None:
    untagged = imported.find_notes("-tag:learn-aws::*")
    assert untagged == []
    assert imported.find_notes("tag:learn-aws::ec2::purchasing-options")


def test_source_corrections_hold(imported: Collection) -> None:
    """The source's outdated facts must not come back in a later edit."""
    notes = [imported.get_note(nid) for nid in imported.find_notes("")]
    code_blocks = [
        block
        for note in notes
        for field in note.fields
        for block in re.findall(r"<pre.*?</pre>", field, re.S)
    ]
    taught_commands = re.sub(r"<[^>]+>", "", " ".join(code_blocks))
    assert "get-login-password" in taught_commands
    assert "--password-stdin" in taught_commands
    assert "--no-include-email" not in taught_commands
    assert not re.search(r"get-login(?!-password)", taught_commands)
    names = [n for n in notes if "ECS" in n.fields[0] and "stand for" in n.fields[0]]
    assert names and all("Elastic Container Service" in n.fields[1] for n in names)
