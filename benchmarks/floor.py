"""The floor: the work no Markdown-to-Anki tool can avoid, timed in a process of its own.

1. markdown-it-py renders the Markdown text of the notes files (CommonMark, GFM tables and
   strikethrough, no highlighting), one render per file;
2. genanki writes the same notes, with fields rendered beforehand, into an .apkg: one
   sub-deck per file, tags, a basic and a cloze note type.

Interpreter start-up and imports are not counted, which makes the floor a strict one. Times
are CPU seconds of this process (`time.process_time`), as deckgen's are (run.py), so that a
busy machine moves both alike; the wall-clock seconds are given too.
Prints one JSON object: {"render_s": ..., "write_s": ..., "render_wall_s": ...,
"write_wall_s": ..., "notes": ..., "bytes": ...}.

    python benchmarks/floor.py NOTES_DIR NOTES_JSON OUT_APKG
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import genanki
from markdown_it import MarkdownIt

BASIC = genanki.Model(
    1_600_000_001,
    "floor Basic",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
)
CLOZE = genanki.Model(
    1_600_000_002,
    "floor Cloze",
    fields=[{"name": "Text"}, {"name": "Extra"}],
    templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}"}],
    model_type=genanki.Model.CLOZE,
)


def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def render_files(notes_dir: Path) -> tuple[float, float]:
    md = markdown()
    texts = [p.read_text(encoding="utf-8") for p in sorted(notes_dir.glob("*.md"))]
    start, wall = time.process_time(), time.perf_counter()
    for text in texts:
        md.render(text)
    return time.process_time() - start, time.perf_counter() - wall


def write_notes(notes: list[dict[str, object]], out: Path) -> tuple[float, float]:
    md = markdown()
    # Rendering the fields is the first half's work: it is done here untimed.
    rendered = [
        (
            note,
            [md.renderInline(str(note["front"])), md.render(str(note["back"]))]
            if note["kind"] == "basic"
            else [md.render(str(note["front"])), ""],
        )
        for note in notes
    ]
    start, wall = time.process_time(), time.perf_counter()
    decks: dict[str, genanki.Deck] = {}
    for number, (note, fields) in enumerate(rendered):
        name = f"Bench::{note['deck']}"
        if name not in decks:
            decks[name] = genanki.Deck(1_700_000_000 + len(decks), name)
        model = BASIC if note["kind"] == "basic" else CLOZE
        tags = [str(tag) for tag in note["tags"]]  # type: ignore[attr-defined]
        decks[name].add_note(genanki.Note(model, fields, tags=tags, guid=f"n{number}"))
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=1_700_000_000)
    return time.process_time() - start, time.perf_counter() - wall


def main() -> None:
    notes_dir, notes_json, out = (Path(arg) for arg in sys.argv[1:4])
    notes = json.loads(notes_json.read_text(encoding="utf-8"))
    render_s, render_wall_s = render_files(notes_dir)
    write_s, write_wall_s = write_notes(notes, out)
    result = {
        "render_s": render_s,
        "write_s": write_s,
        "render_wall_s": render_wall_s,
        "write_wall_s": write_wall_s,
        "notes": len(notes),
    }
    print(json.dumps({**result, "bytes": out.stat().st_size}))


if __name__ == "__main__":
    main()
