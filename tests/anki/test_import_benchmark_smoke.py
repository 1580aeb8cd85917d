"""The import benchmark runs end to end on a tiny deck, so it cannot rot (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent.parent / "benchmarks" / "import_deck.py"


def test_import_benchmark_runs_and_writes_its_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nHand-written notes stay.\n", encoding="utf-8")
    command = [sys.executable, str(BENCHMARK), "--notes", "30", "--repeat", "1"]
    run = subprocess.run(
        [*command, "--results", str(results), "--work", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nHand-written notes stay.\n")
    assert "| 30 notes (Anki's own export) | seconds | peak RSS |" in text
    again = subprocess.run(
        [*command, "--results", str(results), "--work", str(tmp_path / "again")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert results.read_text(encoding="utf-8").count("import-bench:start") == 1
