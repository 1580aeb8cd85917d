"""Diagrams say in words what they show: the alt text of their images."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.diagrams.alt import alt_text
from deckgen.diagrams.cache import DiagramCache

ROOT = Path(__file__).parent.parent.parent
SVG = 'xmlns="http://www.w3.org/2000/svg"'

SHIPPED = {
    "flowchart TD\n"
    '  AMI["AMI"] -->|"Launch instance"| I["EC2 instance"]\n'
    '  I -->|"Install custom application"| C["Customized instance"]\n': (
        "Flowchart: AMI —Launch instance→ EC2 instance"
        " —Install custom application→ Customized instance"
    ),
    "flowchart TD\n"
    '  A["Create application"] --> B["Upload version"]\n'
    '  B --> C["Launch environment"]\n'
    '  C --> D["Manage environment"]\n'
    '  D -->|"Deploy new version"| B\n': (
        "Flowchart: Create application → Upload version → Launch environment"
        " → Manage environment —Deploy new version→ Upload version"
    ),
    "flowchart TD\n"
    '  U["User"] -->|"SSH, TCP 22"| L["Linux instance"]\n'
    '  U -->|"RDP, TCP 3389"| W["Windows instance"]\n': (
        "Flowchart: User —SSH, TCP 22→ Linux instance; User —RDP, TCP 3389→ Windows instance"
    ),
}


@pytest.mark.parametrize("source", list(SHIPPED))
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_shipped_flowcharts_read_as_their_edges_in_order(source: str, theme: str) -> None:
    svg = DiagramCache(ROOT / "notes" / ".diagrams").get(source, theme)
    assert svg is not None, "the source above no longer matches a diagram in notes/"
    assert alt_text(svg) == SHIPPED[source]


def test_the_authors_own_title_and_description_come_first() -> None:
    svg = (
        f'<svg {SVG} aria-roledescription="flowchart-v2"><title>Big picture</title>'
        "<desc>How a request travels</desc><text>One</text></svg>"
    )
    assert alt_text(svg) == "Flowchart: Big picture. How a request travels"


def test_other_diagrams_list_their_labels_once_each_in_order() -> None:
    svg = (
        f'<svg {SVG} aria-roledescription="sequence"><text>Alice</text><text>Bob</text>'
        "<text> hi\n there </text><text>Alice</text></svg>"
    )
    assert alt_text(svg) == "Sequence diagram: Alice, Bob, hi there"
    assert alt_text(f"<svg {SVG}></svg>") == "Diagram"


def test_node_ids_with_underscores_still_pair_up() -> None:
    node = '<g class="node default" id="m-flowchart-{0}-{1}"><text>{2}</text></g>'
    svg = (
        f'<svg {SVG} id="m" aria-roledescription="flowchart-v2">'
        + node.format("a_b", 0, "One")
        + node.format("c", 1, "Two")
        + '<path id="m-L_a_b_c_0" class="flowchart-link"/></svg>'
    )
    assert alt_text(svg) == "Flowchart: One → Two"
