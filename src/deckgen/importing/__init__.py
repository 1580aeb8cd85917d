"""`deckgen import`: an existing Anki deck → a notes folder whose first build updates every
learner's notes in place.

reader (the package, read by Anki's own code) → layout (decks → files, ids, topics) →
writer with convert (each field's HTML → Markdown that renders back to it, else HTML) →
run (the folder written, read back with deckgen's pipeline) → lockfile (every note under
its original GUID and time).
"""
