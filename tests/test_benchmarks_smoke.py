"""The benchmark harness runs end to end on a tiny corpus, so it cannot rot.

Timings are not asserted: this only proves that every measurement still runs.
"""

from __future__ import annotations

from pathlib import Path

from helpers import run_script

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nHand-written notes stay.\n", encoding="utf-8")
    run_script(
        BENCHMARKS / "run.py",
        *["--sizes", "40", "--repeat", "1", "--help-runs", "2", "--results", str(results)],
        *["--work", str(tmp_path / "work")],
    )
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nHand-written notes stay.\n")
    rows = [line for line in text.splitlines() if line.startswith("| 40 (")]
    assert len(rows) == 2  # both corpus shapes
    # every column measured, the check after a build too (up to 10,000 cards)
    assert all(row.count(" | ") == 9 and "–" not in row for row in rows), rows
    assert "`deckgen --help`" in text


def test_quality_benchmark_runs() -> None:
    out = run_script(BENCHMARKS / "quality.py", "--cards", "40", "--repeat", "1", cwd=BENCHMARKS)
    assert out.startswith("40 cards (")
    assert "\nlint: best " in out


def test_html_policy_benchmark_runs_every_shape_and_writes_its_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Results\n\n<!-- html-policy:start -->\nold\n<!-- html-policy:end -->\n\nNotes stay.\n",
        encoding="utf-8",
    )
    # a shape that makes an error fails the run
    run_script(
        BENCHMARKS / "html_policy.py",
        *["--sizes", "2K", "--build-size", "2K", "--results", str(results)],
        *["--work", str(tmp_path / "work")],
    )
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\n<!-- html-policy:start -->\nMeasured ")
    assert text.endswith("<!-- html-policy:end -->\n\nNotes stay.\n")
    assert "\nold\n" not in text
    assert "| unclosed comments `<!--` (block) | " in text
    assert text.count("\n| ") == 2 + 18  # the header, its rule, a row per shape
