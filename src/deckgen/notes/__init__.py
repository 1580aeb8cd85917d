"""The notes format: the folder and deck.toml, front matter, the block walk that finds
cards in each Markdown file, and cloze markers. Markdown in, plain `Card` data out."""
