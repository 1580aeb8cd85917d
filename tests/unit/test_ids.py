from __future__ import annotations

import pytest

from deckgen import ids
from deckgen.apkg.notetypes import genanki_model
from deckgen.model import Card, CardKind, SourceLoc
from deckgen.notes.notetypes import BASIC, CLOZE, REVERSED, TYPE_IN


def card(question: str, *, deck: str = "EC2", explicit_id: str | None = None, **kw: object) -> Card:
    defaults: dict[str, object] = {
        "kind": CardKind.BASIC,
        "answer": "an answer",
        "topic": "Topic",
        "tags": (),
        "source": "ec2.md",
        "loc": SourceLoc("notes/ec2.md", 3),
    }
    defaults.update(kw)
    return Card(question=question, deck=deck, explicit_id=explicit_id, **defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Limits & quotas", "limits-quotas"),
        ("Purchasing options", "purchasing-options"),
        ("Café déjà vu", "cafe-deja-vu"),
        ("AMI (Amazon Machine Image)", "ami-amazon-machine-image"),
        ("  EC2  ", "ec2"),
        ("Größe", "grosse"),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert ids.slug(text) == expected


def test_topic_tag() -> None:
    assert (
        ids.topic_tag("learn-aws", "ec2", "purchasing-options")
        == "learn-aws::ec2::purchasing-options"
    )


@pytest.mark.parametrize(
    "variant",
    [
        "What is a Spot Instance?",
        "what is a spot instance",
        "What  is a\nSpot Instance ?",
        "WHAT IS A SPOT INSTANCE!",
        "What is a Spot Instance:",
    ],
)
def test_guid_survives_case_space_and_end_punctuation(variant: str) -> None:
    assert ids.guid_for_card(card(variant)) == ids.guid_for_card(card("What is a Spot Instance?"))


def test_guid_ignores_answer_path_and_position() -> None:
    base = card("What is EBS?")
    moved = card("What is EBS?", answer="other", source="storage.md", loc=SourceLoc("x.md", 99))
    assert ids.guid_for_card(base) == ids.guid_for_card(moved)


def test_guid_depends_on_question_and_subdeck() -> None:
    base = ids.guid_for_card(card("What is EBS?"))
    assert ids.guid_for_card(card("What is EFS?")) != base
    assert ids.guid_for_card(card("What is EBS?", deck="Storage")) != base


def test_explicit_id_alone_names_the_note() -> None:
    a = card("What is EBS?", explicit_id="ebs", deck="EC2")
    b = card("Define Elastic Block Store", explicit_id="ebs", deck="Storage", answer="x")
    assert ids.guid_for_card(a) == ids.guid_for_card(b)
    assert ids.guid_for_card(a) != ids.guid_for_card(card("What is EBS?"))


def test_guid_is_pinned() -> None:
    # A GUID that changed between releases would duplicate every learner's notes.
    assert ids.guid_for_key("id:ec2-spot") == "I9LwtAH9LIV"


def test_deck_ids_are_stable_and_safe_for_javascript() -> None:
    # Pinned like the GUID: the derivation must not change between releases.
    assert ids.deck_id("Learn AWS::EC2") == 2_688_623_347_237_209
    assert ids.deck_id("Learn AWS::EC2") != ids.deck_id("Learn AWS::ECS")
    assert 0 < ids.deck_id("Learn AWS") < 2**53


def test_note_types_are_frozen() -> None:
    # Changing any of these makes Anki copy the note type and skip every update.
    basic = ("Front", "Back", "Context", "Source")
    frozen = {
        BASIC: (1_732_700_000_001, "deckgen Basic", basic),
        CLOZE: (1_732_700_000_002, "deckgen Cloze", ("Text", "Extra", "Context", "Source")),
        REVERSED: (1_732_700_000_003, "deckgen Reversed", basic),
        TYPE_IN: (1_732_700_000_004, "deckgen Type-in", basic),
    }
    for note_type, (model_id, name, fields) in frozen.items():
        assert (note_type.id, note_type.name, note_type.fields) == (model_id, name, fields)
        model = genanki_model(note_type)
        assert (model.model_id, model.name) == (model_id, name)
        assert [f["name"] for f in model.fields] == list(fields)


@pytest.mark.parametrize(
    ("recorded", "canonical"),
    [
        ("ec2:What is  Spot?", "ec2:what is spot"),
        ("a-b::c:Why: because?", "a-b::c:why: because"),  # a nested sub-deck, a colon asked
        ("id:ec2-spot", "id:ec2-spot"),
        ("no key at all", "no key at all"),
    ],
)
def test_a_recorded_key_is_normalised_in_its_question_only(recorded: str, canonical: str) -> None:
    assert ids.canonical_key(recorded) == canonical


def test_a_nested_sub_deck_key_keeps_its_levels_apart() -> None:
    assert ids.subdeck_key("a b::C") == "a-b::c" != ids.subdeck_key("a::B c")
    assert ids.subdeck_key("EC2 Basics") == ids.slug("EC2 Basics")  # one level: as before
