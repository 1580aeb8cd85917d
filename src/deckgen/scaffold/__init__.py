"""`deckgen init`: a new deck project (notes/ with deck.toml and an example of each card,
a README, a .gitignore and the GitHub workflows that check and publish it), or deck.toml
alone for a notes folder that has none. project.py writes them from templates/ (package
data); source.py says which deckgen the workflows install."""
