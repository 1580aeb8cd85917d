"""Card quality: a lint for the minimum-information principle, run by `deckgen check`.

It reads the parsed cards (deckgen.model.Card) of the whole deck at once: one note at a
time for long answers, lists, double questions and clozes (single.py), and across notes,
through inverted indexes, for leaks and near-duplicates (across.py); lint.py gives the
findings their codes (DG5xx), applies deck.toml's `[quality]` settings and the cards'
`<!-- quality: ok CHECK — reason -->` comments. text.py and reading.py read a card's
Markdown as plain text, words and content stems.
"""
