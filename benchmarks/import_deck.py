"""`deckgen import` of a large Anki deck: wall-clock seconds and peak memory.

Makes a deck with the official `anki` package, as an Anki user's would be (Basic and Cloze
notes over 20 sub-decks, formatted HTML: bold, italics, lists, line breaks, code, a table
every tenth note, tags), exports it as Anki does, then times, each in a fresh process
(interpreter start-up and imports included): `deckgen import` of the package, and the first
`deckgen build` of the folder it wrote. The section between the markers in RESULTS.md is
rewritten; everything else in the file stays.

    python benchmarks/import_deck.py [--notes 10000] [--repeat 3] [--results benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import Run, best, deckgen_command, machine, timed  # noqa: E402

START, END = "<!-- import-bench:start -->", "<!-- import-bench:end -->"
_WORD_TEXT = (
    "cell nucleus membrane protein enzyme gene ribosome energy glucose oxygen carbon "
    "water light plant animal tissue organ blood heart lung kidney nerve signal"
)
WORDS = tuple(_WORD_TEXT.split())


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def back_field(rng: random.Random, index: int) -> str:
    """An answer as Anki's editor writes them: lines as divs, bold, lists, code, tables."""
    kind = index % 10
    if kind == 0:
        rows = "".join(
            f"<tr><td>{_words(rng, 1)}</td><td>{_words(rng, 2)}</td></tr>" for _ in range(3)
        )
        return f"<table><tr><th>Part</th><th>Job</th></tr>{rows}</table>"
    if kind in (1, 2):
        items = "".join(f"<li>{_words(rng, 3)}</li>" for _ in range(3))
        return f"<b>{_words(rng, 2)}</b>:<ul>{items}</ul>"
    if kind == 3:
        return f"<pre><code>x = {index}\nprint(x)\n</code></pre>Run with <code>python3</code>."
    if kind == 4:
        return f"<div>{_words(rng, 6)}</div><div><i>{_words(rng, 4)}</i></div>"
    return f"{_words(rng, 8)}<br>{_words(rng, 5)}"


def make_deck(notes: int, folder: Path) -> Path:
    from anki.collection import (
        AddNoteRequest,
        Collection,
        DeckIdLimit,
        ExportAnkiPackageOptions,
    )

    rng = random.Random(1)
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        top = col.decks.id("Biology")
        assert top is not None
        decks = [col.decks.id(f"Biology::Unit {n // 5 + 1}::Chapter {n + 1}") for n in range(20)]
        basic, cloze = col.models.by_name("Basic"), col.models.by_name("Cloze")
        assert basic is not None and cloze is not None
        requests = []
        for index in range(notes):
            if index % 4 == 3:
                note = col.new_note(cloze)
                note["Text"] = f"The {{{{c1::{_words(rng, 2)}}}}} is {_words(rng, 5)} ({index})."
            else:
                note = col.new_note(basic)
                note["Front"] = f"What does the <b>{_words(rng, 2)}</b> do? ({index})"
                note["Back"] = back_field(rng, index)
            note.tags = [f"bio::unit-{index % 4 + 1}", "exam"]
            deck = decks[index % len(decks)]
            assert deck is not None
            requests.append(AddNoteRequest(note=note, deck_id=deck))
        col.add_notes(requests)
        apkg = folder / "biology.apkg"
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
        )
        col.export_anki_package(out_path=str(apkg), options=options, limit=DeckIdLimit(top))
    finally:
        col.close()
    return apkg


def measure(notes: int, repeat: int, work: Path) -> tuple[Run, Run]:
    apkg = make_deck(notes, work / "author")
    imports, builds = [], []
    for attempt in range(repeat):
        target = work / f"notes-{attempt}"
        shutil.rmtree(target, ignore_errors=True)
        imports.append(timed([*deckgen_command(), "import", str(apkg), "-o", str(target)]))
        out = work / f"decks-{attempt}"
        builds.append(timed([*deckgen_command(), "build", str(target), "-o", str(out), "--force"]))
    return best(imports), best(builds)


def section(notes: int, repeat: int, imported: Run, built: Run) -> str:
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return f"""{START}
Measured {day} with `python benchmarks/import_deck.py --notes {notes} --repeat {repeat}` on:
{machine()}.

| {notes:,} notes (Anki's own export) | seconds | peak RSS |
| --- | --- | --- |
| `deckgen import` (Anki reads it; each field converted, rendered, compared) \
| {imported.wall:.1f} | {imported.peak_rss_mb:.0f} MB |
| first `deckgen build` of the imported folder | {built.wall:.1f} | {built.peak_rss_mb:.0f} MB |

Best of {repeat} runs (wall-clock), each in a fresh process with imports and interpreter start-up.
{END}"""


def write_results(results: Path, text: str) -> None:
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if START in old and END in old:
        before, rest = old.split(START, 1)
        after = rest.split(END, 1)[1]
        new = before + text + after
    else:
        heading = "\n## Importing an existing deck (`deckgen import`)\n\n"
        new = old.rstrip("\n") + "\n" + heading + text + "\n"
    results.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="deckgen-import-bench-"))
    try:
        imported, built = measure(args.notes, args.repeat, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    text = section(args.notes, args.repeat, imported, built)
    write_results(args.results, text)
    print(text)


if __name__ == "__main__":
    main()
