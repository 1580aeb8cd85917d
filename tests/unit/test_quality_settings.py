"""deck.toml's `[quality]` table: the card-quality limits and the checks turned off,
validated like every other key (DG015 for a bad value, DG014 for an unknown key)."""

from __future__ import annotations

import pytest

from deckgen.model import QualitySettings
from deckgen.notes.config import parse_deck_toml
from helpers import DECK_TOML


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "[quality]\nmax_answer_words = 0\n",
            "deck.toml:6: error DG015 'quality.max_answer_words' must be a whole number, 1 or"
            " more, not 0",
        ),
        (
            '[quality]\nmax_list_items = "4"\n',
            "deck.toml:6: error DG015 'quality.max_list_items' must be a whole number, 1 or"
            " more, not '4'",
        ),
        (
            "[quality]\nmax_cloze_deletions = true\n",
            "deck.toml:6: error DG015 'quality.max_cloze_deletions' must be a whole number, 1 or"
            " more, not True",
        ),
        (
            '[quality]\noff = ["ambigous"]\n',
            "deck.toml:6: error DG015 'quality.off' must be a list of check names, e.g."
            " [\"ambiguous\"]; 'ambigous' is not one; did you mean 'ambiguous'?",
        ),
        (
            '[quality]\noff = "leak"\n',
            "deck.toml:6: error DG015 'quality.off' must be a list of check names, e.g."
            " [\"ambiguous\"]; 'leak' is not one; did you mean 'leak'?",
        ),
        (
            "quality = 3\n",
            "deck.toml:5: error DG015 'quality' must be a table, e.g. [quality] with"
            " max_answer_words = 40",
        ),
        (
            "[quality]\nmax_answer_word = 40\n",
            "deck.toml:6: warning DG014 unknown key 'quality.max_answer_word'; did you mean"
            " 'max_answer_words'?",
        ),
    ],
)
def test_bad_quality_settings(table: str, expected: str) -> None:
    config, problems = parse_deck_toml(DECK_TOML + table, "deck.toml")
    assert [str(p) for p in problems] == [expected]
    assert (config is None) == (" error " in expected)


def test_quality_settings_default_and_set() -> None:
    config, problems = parse_deck_toml(DECK_TOML, "deck.toml")
    assert problems == [] and config is not None and config.quality == QualitySettings()
    text = DECK_TOML + '[quality]\nmax_list_items = 6\noff = ["leak", "leak", "ambiguous"]\n'
    config, problems = parse_deck_toml(text, "deck.toml")
    assert problems == [] and config is not None
    assert config.quality == QualitySettings(max_list_items=6, off=("leak", "ambiguous"))
