"""Heading anchors as GitHub makes them, and the anchor each parsed card gets."""

from __future__ import annotations

import textwrap

import pytest

from deckgen.notes.anchors import Slugger, github_slug, heading_text
from deckgen.notes.parse import parse_notes_file


# What GitHub gave these headings (github-slugger's fixtures were rendered by GitHub itself;
# deckgen's rule was checked against all 78 of them).
@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("What is a Spot Instance?", "what-is-a-spot-instance"),
        ("bravoCharlieDelta", "bravocharliedelta"),
        ("heading with a - dash", "heading-with-a---dash"),
        ("heading with an _ underscore", "heading-with-an-_-underscore"),
        ("heading with a period.txt", "heading-with-a-periodtxt"),
        (
            "exchange.bind_headers(exchange, routing [, bindCallback])",
            "exchangebind_headersexchange-routing--bindcallback",
        ),
        ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
        ("I ♥ unicode", "i--unicode"),
        ("en–dash", "endash"),
        ("😄 unicode emoji", "-unicode-emoji"),
        ("Привет non-latin 你好", "привет-non-latin-你好"),
        (":ok_hand: Single", "ok_hand-single"),
        ("a² ½ b", "a--b"),
        ("Ⓐ circled", "ⓐ-circled"),
    ],
)
def test_github_slug(text: str, anchor: str) -> None:
    assert github_slug(text) == anchor


def test_repeats_are_numbered_as_github_numbers_them() -> None:
    slugger = Slugger()
    names = ["echo", "echo", "echo 1", "echo-1", "echo", "foxtrot-1", "foxtrot", "foxtrot"]
    assert [slugger.anchor(n) for n in names] == [
        "echo", "echo-1", "echo-1-1", "echo-1-2", "echo-2", "foxtrot-1", "foxtrot", "foxtrot-2",
    ]  # fmt: skip


def test_heading_text_is_what_the_heading_shows() -> None:
    assert heading_text("What does `docker push` do?") == "What does docker push do?"
    assert heading_text("Is *this* [a link](https://x.org)?") == "Is this a link?"
    assert heading_text("An image ![alt text](x.png) here") == "An image  here"
    assert heading_text("Tom &amp; Jerry \\*") == "Tom & Jerry *"


NOTES = textwrap.dedent("""\
    # EC2

    Some prose.

    ## Purchasing options

    ### What is a Spot Instance?
    <!-- id: ec2-spot -->
    Spare capacity.

    #### More

    Q: Which option has no commitment?
    A: On-Demand.

    - A Dedicated Host gives {{c1::a physical server}}.

    ## Purchasing options

    ### What is a Spot Instance?
    Asked again, in another topic of the same name.
    """)


def anchors(text: str) -> list[tuple[int, str | None]]:
    parsed = parse_notes_file(text, "notes/ec2.md", "ec2.md", "learn-aws")
    return [(card.loc.line, card.anchor) for card in parsed.cards]


def test_each_card_links_to_its_heading_or_its_topic() -> None:
    assert anchors(NOTES) == [
        (7, "what-is-a-spot-instance"),
        (13, "purchasing-options"),  # a Q: card: its topic's
        (16, "purchasing-options"),  # a cloze: its topic's
        (20, "what-is-a-spot-instance-1"),  # GitHub numbers the repeat
    ]


def test_a_card_added_at_the_top_moves_no_other_anchor() -> None:
    before = [anchor for _, anchor in anchors(NOTES)]
    added = NOTES.replace(
        "# EC2\n", "# EC2\n\n## Basics\n\n### What is EC2?\nVirtual servers.\n\nQ: A?\nA: B.\n"
    )
    after = [anchor for _, anchor in anchors(added)]
    assert after == ["what-is-ec2", "basics", *before]


def test_a_card_without_a_topic_has_no_anchor() -> None:
    assert anchors("# EC2\n\nQ: What is EC2?\nA: Servers.\n") == [(3, None)]
