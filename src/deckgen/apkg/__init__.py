"""What Anki reads: the note types, the genanki package of the shipped notes, and the
reproducible zip. The only subpackage that imports genanki."""
