"""Golden tests: each Markdown fixture parses to exactly the cards (and notes) in its JSON twin.

Regenerate after an intended change with DECKGEN_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deckgen.notes.parse import parse_notes_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "parse"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


def parsed_as_json(name: str) -> dict[str, object]:
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
    parsed = parse_notes_file(text, f"notes/{name}.md", f"{name}.md", "learn-aws")
    return {
        "deck": parsed.deck,
        "cards": [
            {
                "line": card.loc.line,
                "kind": card.kind.value,
                "id": card.explicit_id,
                "question": card.question,
                "answer": card.answer,
                "topic": card.topic,
                "tags": list(card.tags),
                # quality comments, shown only where a card has them (deckgen.quality)
                **(
                    {"silences": [[s.check, s.reason, s.loc.line] for s in card.silences]}
                    if card.silences
                    else {}
                ),
            }
            for card in parsed.cards
        ],
        "diagnostics": [str(d) for d in parsed.diagnostics],
    }


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    actual = parsed_as_json(name)
    expected_path = FIXTURES / f"{name}.json"
    if os.environ.get("DECKGEN_UPDATE_GOLDEN"):
        expected_path.write_text(
            json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_every_fixture_has_a_golden_file() -> None:
    assert CASES, "no fixtures found"
    missing = [name for name in CASES if not (FIXTURES / f"{name}.json").exists()]
    assert missing == []
