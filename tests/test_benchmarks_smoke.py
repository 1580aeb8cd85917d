"""The benchmark harness runs end to end on a tiny corpus, so it cannot rot.

Timings are not asserted: this only proves that every measurement still runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nHand-written notes stay.\n", encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--sizes",
            "40",
            "--repeat",
            "1",
            "--help-runs",
            "2",
            "--results",
            str(results),
            "--work",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nHand-written notes stay.\n")
    assert "| 40 (" in text
    assert "`deckgen --help`" in text


def test_quality_benchmark_runs() -> None:
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / "quality.py"), "--cards", "40", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=BENCHMARKS,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("40 cards (")
    assert "\nlint: best " in run.stdout
