"""Card HTML: each card's fields rendered from Markdown, the raw-HTML policy, and the
media files (images, diagrams) the fields reference."""
