"""Static HTML pages of cards, for review without Anki: every card of the deck (page.py,
`deckgen preview`), or only the cards a change adds, edits and removes, before and after
(changes.py, `deckgen preview --changed`, a pull request's preview)."""

from deckgen.preview.page import (
    NIGHT_CLASSES,
    PAGE_NAME,
    CardSides,
    PreviewResult,
    card_sides,
    fill_template,
    preview_page,
    render_cloze,
    write_preview,
)

__all__ = [
    "NIGHT_CLASSES",
    "PAGE_NAME",
    "CardSides",
    "PreviewResult",
    "card_sides",
    "fill_template",
    "preview_page",
    "render_cloze",
    "write_preview",
]
