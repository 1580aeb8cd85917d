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


def test_html_policy_benchmark_runs_every_shape_and_writes_its_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Results\n\n<!-- html-policy:start -->\nold\n<!-- html-policy:end -->\n\nNotes stay.\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "html_policy.py"),
            "--sizes",
            "2K",
            "--build-size",
            "2K",
            "--results",
            str(results),
            "--work",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr  # a shape that makes an error fails the run
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\n<!-- html-policy:start -->\nMeasured ")
    assert text.endswith("<!-- html-policy:end -->\n\nNotes stay.\n")
    assert "\nold\n" not in text
    assert "| unclosed comments `<!--` (block) | " in text
    assert text.count("\n| ") == 2 + 18  # the header, its rule, a row per shape
