"""Benchmark deckgen against the floor, and write benchmarks/RESULTS.md.

For each size N (Anki cards) it generates a synthetic notes folder and measures, best of
`--repeat` runs (at most two above 10,000 cards):

- the floor (benchmarks/floor.py): markdown-it-py rendering the notes' Markdown plus
  genanki writing the same notes pre-rendered, in-process, imports not counted;
- `deckgen build` end to end in a fresh process, with an empty cache;
- a rebuild with nothing changed, and a rebuild after editing one card;
- the build's peak RSS, and the .apkg's size per 1,000 cards;
- and once: `deckgen --help` start-up time.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--repeat 3] [--results PATH]

`make bench` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from generate import generate

HERE = Path(__file__).resolve().parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TARGET_BUILD_RATIO = 1.5
TARGET_RSS_MB = 300
TARGET_NOOP_SHARE = 0.10
TARGET_EDIT_SHARE = 0.50
TARGET_HELP_S = 0.150


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


@dataclass
class SizeResult:
    cards: int
    notes: int
    files: int
    floor_render_s: float
    floor_write_s: float
    build: Run
    noop: Run
    edit: Run
    apkg_bytes: int
    apkg_deflated: bool

    @property
    def floor_s(self) -> float:
        return self.floor_render_s + self.floor_write_s


def deckgen_command() -> list[str]:
    script = Path(sys.executable).parent / "deckgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "deckgen"]


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command in a fresh process: wall time and that process's own peak RSS."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            detail = err.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{detail}")
    # ru_maxrss is in KiB on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return Run(seconds, usage.ru_maxrss * scale / 1024 / 1024)


def best(runs: list[Run]) -> Run:
    fastest = min(runs, key=lambda run: run.seconds)
    return Run(fastest.seconds, max(run.peak_rss_mb for run in runs))


def floor(work: Path, notes_json: Path, repeat: int) -> tuple[float, float]:
    results = []
    for _ in range(repeat):
        command = [sys.executable, str(HERE / "floor.py"), str(work / "notes"), str(notes_json)]
        out = subprocess.run(
            [*command, str(work / "floor.apkg")], check=True, capture_output=True, text=True
        )
        results.append(json.loads(out.stdout))
    return min(r["render_s"] for r in results), min(r["write_s"] for r in results)


def edit_one_card(notes_dir: Path) -> None:
    """Reword the first answer line of a card in the middle file."""
    files = sorted(notes_dir.glob("*.md"))
    path = files[len(files) // 2]
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("### ")) + 1
    while lines[index].startswith("<!--"):
        index += 1
    lines[index] += f" Edited {time.monotonic_ns()}."
    path.write_text("\n".join(lines), encoding="utf-8")


def measure_size(cards: int, work_root: Path, repeat: int) -> SizeResult:
    work = work_root / f"n{cards}"
    corpus = generate(work / "notes", cards)
    notes_json = work / "notes.json"
    notes_json.write_text(json.dumps([asdict(note) for note in corpus.notes]), encoding="utf-8")
    render_s, write_s = floor(work, notes_json, repeat)

    out = work / "decks"
    build = [*deckgen_command(), "build", str(corpus.notes_dir), "-o", str(out)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "CI": "true"}
    full_runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / ".deckgen-cache", ignore_errors=True)  # beside decks/
        full_runs.append(timed(build, env))
    apkg = next(out.glob("*.apkg"))
    noop = best([timed(build, env) for _ in range(repeat)])
    edit_runs = []
    for _ in range(repeat):
        edit_one_card(corpus.notes_dir)
        edit_runs.append(timed(build, env))
    with zipfile.ZipFile(apkg) as package:
        # tiny entries (an empty media map) are stored: deflate would make them larger
        collection = package.getinfo("collection.anki2")
        deflated = collection.compress_type == zipfile.ZIP_DEFLATED
    return SizeResult(
        cards,
        len(corpus.notes),
        len(corpus.files),
        render_s,
        write_s,
        best(full_runs),
        noop,
        best(edit_runs),
        apkg.stat().st_size,
        deflated,
    )


def help_times(runs: int) -> list[float]:
    return [timed([*deckgen_command(), "--help"]).seconds for _ in range(runs)]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("deckgen", "markdown-it-py", "genanki", "Pygments")
    )
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}; {cpu},"
        f" {os.cpu_count()} CPUs{memory}; Python {platform.python_version()}; {packages}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(results: list[SizeResult], help_s: list[float]) -> str:
    rows = [
        "| cards (notes, files) | floor: render + genanki | deckgen build | build / floor"
        " | no-change rebuild | one-card edit | peak RSS | .apkg per 1,000 cards |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        compressed = "deflated" if r.apkg_deflated else "stored"
        rows.append(
            f"| {r.cards:,} ({r.notes:,}, {r.files}) "
            f"| {r.floor_s:.2f} s ({r.floor_render_s:.2f} + {r.floor_write_s:.2f}) "
            f"| {r.build.seconds:.2f} s | {r.build.seconds / r.floor_s:.2f}× "
            f"| {r.noop.seconds:.2f} s ({r.noop.seconds / r.build.seconds:.0%}) "
            f"| {r.edit.seconds:.2f} s ({r.edit.seconds / r.build.seconds:.0%}) "
            f"| {r.build.peak_rss_mb:.0f} MB "
            f"| {r.apkg_bytes / (r.cards / 1000) / 1024:.0f} KiB ({compressed}) |"
        )
    rows.append("")
    rows.append(
        f"`deckgen --help`: median {statistics.median(help_s) * 1000:.0f} ms,"
        f" best {min(help_s) * 1000:.0f} ms over {len(help_s)} runs."
    )
    return "\n".join(rows)


def targets(results: list[SizeResult], help_s: list[float]) -> str:
    lines = ["| target | measured | |", "| --- | --- | --- |"]
    for r in results:
        if r.cards >= 10_000:
            ratio = r.build.seconds / r.floor_s
            lines.append(
                f"| build ≤ {TARGET_BUILD_RATIO}× floor at {r.cards:,} | {ratio:.2f}×"
                f" | {verdict(ratio <= TARGET_BUILD_RATIO)} |"
            )
    for r in results:
        if r.cards >= 100_000:
            lines.append(
                f"| peak RSS ≤ {TARGET_RSS_MB} MB at {r.cards:,} | {r.build.peak_rss_mb:.0f} MB"
                f" | {verdict(r.build.peak_rss_mb <= TARGET_RSS_MB)} |"
            )
    for r in results:
        share = r.noop.seconds / r.build.seconds
        lines.append(
            f"| no-change rebuild ≤ {TARGET_NOOP_SHARE:.0%} of build at {r.cards:,}"
            f" | {share:.0%} | {verdict(share <= TARGET_NOOP_SHARE)} |"
        )
    for r in results:
        if r.cards == 10_000:
            share = r.edit.seconds / r.build.seconds
            lines.append(
                f"| one-card edit ≤ {TARGET_EDIT_SHARE:.0%} of build at {r.cards:,}"
                f" | {share:.0%} | {verdict(share <= TARGET_EDIT_SHARE)} |"
            )
    median = statistics.median(help_s)
    lines.append(
        f"| `deckgen --help` ≤ {TARGET_HELP_S * 1000:.0f} ms | {median * 1000:.0f} ms"
        f" | {verdict(median <= TARGET_HELP_S)} |"
    )
    return "\n".join(lines)


def write_results(path: Path, body: str) -> None:
    """Replace the generated section of RESULTS.md, keeping the hand-written notes around it."""
    block = f"{START}\n{body}\n{END}"
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else f"# Benchmark results\n\n{START}\n{END}\n"
    )
    if START not in text:
        text = f"{text.rstrip()}\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    path.write_text(f"{head}{block}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--help-runs", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    results = []
    for cards in sizes:
        repeat = args.repeat if cards <= 10_000 else min(args.repeat, 2)
        print(f"measuring {cards:,} cards (best of {repeat}) …", file=sys.stderr, flush=True)
        results.append(measure_size(cards, args.work, repeat))
    help_s = help_times(args.help_runs)
    when = time.strftime("%Y-%m-%d", time.gmtime())
    body = (
        f"Measured {when} with `make bench` on: {machine()}.\n\n"
        f"{table(results, help_s)}\n\n{targets(results, help_s)}"
    )
    print(body)
    write_results(args.results, body)


if __name__ == "__main__":
    main()
