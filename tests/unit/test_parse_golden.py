"""Golden tests: each Markdown fixture parses to exactly the cards (and notes) in its JSON twin.

Regenerate after an intended change with DECKGEN_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deckgen.model import Card
from deckgen.notes.notetype_files import load_note_types
from deckgen.notes.parse import parse_notes_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "parse"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


def parsed_as_json(name: str) -> dict[str, object]:
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
    note_types, problems = load_note_types(FIXTURES)  # notetypes/*.toml beside the fixtures
    assert problems == []
    parsed = parse_notes_file(text, f"notes/{name}.md", f"{name}.md", "learn-aws", note_types)
    return {
        "deck": parsed.deck,
        "cards": [card_as_json(card) for card in parsed.cards],
        "diagnostics": [str(d) for d in parsed.diagnostics],
    }


def card_as_json(card: Card) -> dict[str, object]:
    found: dict[str, object] = {
        "line": card.loc.line,
        "kind": card.kind.value,
        "id": card.explicit_id,
        "question": card.question,
        "answer": card.answer,
        "topic": card.topic,
        "tags": list(card.tags),
    }
    # what v1 cards never have is written only when there, so v1's goldens stand unchanged
    if card.note_type:
        found["note_type"] = card.note_type
    if card.sections:
        found["sections"] = [[s.name, s.markdown, s.line] for s in card.sections]
    if card.silences:  # quality comments (deckgen.quality)
        found["silences"] = [[s.check, s.reason, s.loc.line] for s in card.silences]
    return found


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
