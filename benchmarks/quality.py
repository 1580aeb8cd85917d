"""Time the card-quality lint (deckgen.quality) on the synthetic benchmark notes.

It generates N cards with benchmarks/generate.py, parses them once, then runs the lint
`--repeat` times and reports the best and the median, and the same for `deckgen check`
as a whole (in-process, parsing and rendering included) with and without the lint, so
the lint's share of a check can be read off. Times are CPU seconds of this process
(`time.process_time`): on a shared machine wall-clock times move with the neighbours' load,
CPU times much less; the best of several runs is the honest figure.

    python benchmarks/quality.py [--cards 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from generate import generate

from deckgen.notes.folder import load_notes
from deckgen.pipeline import check_notes
from deckgen.quality.lint import lint


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deckgen-quality-") as tmp:
        notes = Path(tmp) / "notes"
        corpus = generate(notes, args.cards)
        loaded = load_notes(notes)
        assert loaded.partial is not None
        cards, settings = loaded.partial.cards, loaded.partial.config.quality
        report = lint(cards, settings)
        names = Counter(d.message.rsplit("[", 1)[-1].rstrip("]") for d in report.diagnostics)
        best, median = timed(lambda: lint(cards, settings), args.repeat)
        print(f"{corpus.cards} cards ({len(cards)} notes, {len(corpus.files)} files)")
        print(f"findings: {dict(sorted(names.items()))}")
        print(f"lint: best {best:.3f} s, median {median:.3f} s")
        check_best, check_median = timed(lambda: check_notes(notes), max(1, args.repeat // 2))
        print(f"deckgen check, lint included: best {check_best:.3f} s, median {check_median:.3f} s")
        (notes / "deck.toml").write_text(
            (notes / "deck.toml").read_text(encoding="utf-8")
            + '\n[quality]\noff = ["long-answer", "list", "two-questions", "cloze-count",'
            ' "cloze-guessable", "leak", "duplicate", "ambiguous"]\n',
            encoding="utf-8",
        )
        off_best, off_median = timed(lambda: check_notes(notes), max(1, args.repeat // 2))
        print(f"deckgen check, every check off: best {off_best:.3f} s, median {off_median:.3f} s")


if __name__ == "__main__":
    main()
