"""The import benchmark runs end to end on a tiny deck, so it cannot rot (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from helpers import run_script

BENCHMARK = Path(__file__).resolve().parent.parent.parent / "benchmarks" / "import_deck.py"


def test_import_benchmark_runs_and_writes_its_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nHand-written notes stay.\n", encoding="utf-8")
    options = ["--notes", "30", "--repeat", "1", "--results", str(results)]
    run_script(BENCHMARK, *options, "--work", str(tmp_path / "work"))
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nHand-written notes stay.\n")
    assert "| 30 notes (Anki's own export) | seconds | peak RSS |" in text
    run_script(BENCHMARK, *options, "--work", str(tmp_path / "again"))
    assert results.read_text(encoding="utf-8").count("import-bench:start") == 1
