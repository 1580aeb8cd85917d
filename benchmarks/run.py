"""Benchmark deckgen against the floor, and write benchmarks/RESULTS.md.

For each corpus shape (benchmarks/generate.py: `standard`, `mixed`) and size N (Anki
cards) it generates a synthetic notes folder and measures, best of `--repeat` runs (at
most two above 10,000 cards):

- the floor (benchmarks/floor.py): markdown-it-py rendering the notes' Markdown plus
  genanki writing the same notes pre-rendered, in-process, imports not counted;
- `deckgen build` end to end in a fresh process, with an empty cache (its own
  DECKGEN_CACHE_DIR, emptied before every run);
- a rebuild with nothing changed, and a rebuild after editing one card (same cache);
- `deckgen check` (up to 10,000 cards), in a fresh process with an empty cache, and after
  the builds above (reading the files they parsed from their cache);
- the build's peak RSS, and the .apkg's size per 1,000 cards;
- at 10,000 cards and up, where a cold build's time goes, stage by stage (stages.py);
- and once: `deckgen --help` start-up time.

Times are CPU seconds (user + system, of the process and the processes it waited for, as
`wait4` reports them; the floor's from `time.process_time`): on a shared machine they move
with the neighbours' load far less than wall-clock seconds, and a build's worker
processes count in full. The load average is recorded with the results.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--shapes standard,mixed]
                             [--repeat 3] [--results PATH]

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
import time
import zipfile
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

from generate import SHAPES, generate

HERE = Path(__file__).resolve().parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TARGET_BUILD_RATIO = 1.3
TARGET_RSS_MB = 250
TARGET_NOOP_SHARE = 0.10
TARGET_EDIT_SHARE = {10_000: 0.25, 100_000: 0.15}
TARGET_CHECK_SHARE = 0.5
TARGET_HELP_S = 0.150
CHECK_MAX_CARDS = 10_000
STAGES_MIN_CARDS = 10_000


@dataclass
class Run:
    cpu: float  # user + system seconds, children included
    wall: float
    peak_rss_mb: float


@dataclass
class SizeResult:
    shape: str
    cards: int
    notes: int
    files: int
    floor_render_s: float
    floor_write_s: float
    build: Run
    noop: Run
    edit: Run
    check: Run | None
    check_after_build: Run | None
    apkg_bytes: int
    apkg_deflated: bool
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def floor_s(self) -> float:
        return self.floor_render_s + self.floor_write_s


def deckgen_command() -> list[str]:
    script = Path(sys.executable).parent / "deckgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "deckgen"]


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command in a fresh process: its CPU time (with its children's), wall time and
    peak RSS (the largest of it and its children), measured by measure.py."""
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: measure.py exited {done.returncode}\n{done.stderr}")
    report = json.loads(done.stdout)
    return Run(report["cpu"], report["wall"], report["peak_rss_mb"])


def best(runs: list[Run]) -> Run:
    fastest = min(runs, key=lambda run: run.cpu)
    return Run(fastest.cpu, min(run.wall for run in runs), max(run.peak_rss_mb for run in runs))


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


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def stage_profile(notes: Path, work: Path) -> dict[str, float]:
    command = [
        sys.executable,
        str(HERE / "stages.py"),
        str(notes),
        str(fresh(work / "stages-out")),
        str(fresh(work / "stages-cache")),
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    stages: dict[str, float] = json.loads(out.stdout)["stages"]
    return stages


def measure_size(shape: str, cards: int, work_root: Path, repeat: int) -> SizeResult:
    work = work_root / shape / f"n{cards}"
    corpus = generate(work / "notes", cards, shape=shape)
    notes_json = work / "notes.json"
    notes_json.write_text(json.dumps([asdict(note) for note in corpus.notes]), encoding="utf-8")
    render_s, write_s = floor(work, notes_json, repeat)

    out, cache = work / "decks", work / "cache"
    build = [*deckgen_command(), "build", str(corpus.notes_dir), "-o", str(out)]
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": "1700000000",
        "CI": "true",
        "DECKGEN_CACHE_DIR": str(cache),
    }
    full_runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        fresh(cache)  # a cold build: nothing cached from the run before
        full_runs.append(timed(build, env))
    apkg = next(out.glob("*.apkg"))
    noop = best([timed(build, env) for _ in range(repeat)])
    edit_runs = []
    for _ in range(repeat):
        edit_one_card(corpus.notes_dir)
        edit_runs.append(timed(build, env))
    check = check_after_build = None
    if cards <= CHECK_MAX_CARDS:
        check_env = {**env, "DECKGEN_CACHE_DIR": str(work / "check-cache")}
        check_runs = []
        for _ in range(repeat):
            fresh(work / "check-cache")
            check_runs.append(
                timed([*deckgen_command(), "check", str(corpus.notes_dir)], check_env)
            )
        check = best(check_runs)
        check_after_build = best(
            [
                timed([*deckgen_command(), "check", str(corpus.notes_dir)], env)
                for _ in range(repeat)
            ]
        )
    stages = stage_profile(corpus.notes_dir, work) if cards >= STAGES_MIN_CARDS else {}
    with zipfile.ZipFile(apkg) as package:
        # tiny entries (an empty media map) are stored: deflate would make them larger
        collection = package.getinfo("collection.anki2")
        deflated = collection.compress_type == zipfile.ZIP_DEFLATED
    return SizeResult(
        shape,
        cards,
        len(corpus.notes),
        len(corpus.files),
        render_s,
        write_s,
        best(full_runs),
        noop,
        best(edit_runs),
        check,
        check_after_build,
        apkg.stat().st_size,
        deflated,
        stages,
    )


def help_times(runs: int) -> list[Run]:
    return [timed([*deckgen_command(), "--help"]) for _ in range(runs)]


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


def load() -> str:
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def share(part: Run, whole: Run) -> str:
    return f"{part.cpu:.2f} s ({part.cpu / whole.cpu:.0%})"


def table(results: list[SizeResult]) -> str:
    rows = [
        "| cards (notes, files) | floor: render + genanki | deckgen build (wall) | build / floor"
        " | no-change rebuild | one-card edit | check | check after a build | peak RSS"
        " | .apkg per 1,000 cards |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        compressed = "deflated" if r.apkg_deflated else "stored"
        check = share(r.check, r.build) if r.check is not None else "–"
        warm = share(r.check_after_build, r.build) if r.check_after_build is not None else "–"
        rows.append(
            f"| {r.cards:,} ({r.notes:,}, {r.files:,}) "
            f"| {r.floor_s:.2f} s ({r.floor_render_s:.2f} + {r.floor_write_s:.2f}) "
            f"| {r.build.cpu:.2f} s ({r.build.wall:.2f} s) | {r.build.cpu / r.floor_s:.2f}× "
            f"| {share(r.noop, r.build)} | {share(r.edit, r.build)} | {check} | {warm} "
            f"| {r.build.peak_rss_mb:.0f} MB "
            f"| {r.apkg_bytes / (r.cards / 1000) / 1024:.0f} KiB ({compressed}) |"
        )
    return "\n".join(rows)


STAGE_ORDER = (
    "imports", "load", "parse", "render", "cache", "checks", "plan", "package", "zip", "other",
)  # fmt: skip


def stage_table(results: list[SizeResult]) -> str:
    profiled = [r for r in results if r.stages]
    if not profiled:
        return ""
    names = [n for n in STAGE_ORDER if any(n in r.stages for r in profiled)]
    names += sorted({n for r in profiled for n in r.stages} - set(names))
    head = "| shape, cards | " + " | ".join(names) + " | total |"
    rows = [head, "| --- |" + " ---: |" * (len(names) + 1)]
    for r in profiled:
        total = sum(r.stages.values())
        cells = [f"{r.stages.get(n, 0.0):.2f} ({r.stages.get(n, 0.0) / total:.0%})" for n in names]
        rows.append(f"| {r.shape}, {r.cards:,} | " + " | ".join(cells) + f" | {total:.2f} |")
    return "\n".join(rows)


def targets(results: list[SizeResult], help_s: list[Run]) -> str:
    lines = ["| target | measured | |", "| --- | --- | --- |"]
    for r in results:
        if r.cards >= 10_000:
            ratio = r.build.cpu / r.floor_s
            lines.append(
                f"| {r.shape}: build ≤ {TARGET_BUILD_RATIO}× floor at {r.cards:,} | {ratio:.2f}×"
                f" | {verdict(ratio <= TARGET_BUILD_RATIO)} |"
            )
    for r in results:
        target = TARGET_EDIT_SHARE.get(r.cards)
        if target is not None:
            part = r.edit.cpu / r.build.cpu
            lines.append(
                f"| {r.shape}: one-card edit ≤ {target:.0%} of build at {r.cards:,}"
                f" | {part:.0%} | {verdict(part <= target)} |"
            )
    for r in results:
        part = r.noop.cpu / r.build.cpu
        lines.append(
            f"| {r.shape}: no-change rebuild ≤ {TARGET_NOOP_SHARE:.0%} of build at {r.cards:,}"
            f" | {part:.0%} | {verdict(part <= TARGET_NOOP_SHARE)} |"
        )
    for r in results:
        if r.cards >= 100_000:
            rss = r.build.peak_rss_mb
            lines.append(
                f"| {r.shape}: peak RSS ≤ {TARGET_RSS_MB} MB at {r.cards:,}"
                f" | {rss:.0f} MB | {verdict(rss <= TARGET_RSS_MB)} |"
            )
    for r in results:
        if r.cards == 10_000 and r.check is not None:
            part = r.check.cpu / r.build.cpu
            lines.append(
                f"| {r.shape}: check ≤ {TARGET_CHECK_SHARE}× build at {r.cards:,}"
                f" | {part:.2f}× | {verdict(part <= TARGET_CHECK_SHARE)} |"
            )
            if r.check_after_build is not None:  # not the target's measure: shown beside it
                warm = r.check_after_build.cpu / r.build.cpu
                lines.append(
                    f"| {r.shape}: (check after a build, at {r.cards:,}) | {warm:.2f}× | |"
                )
    median = statistics.median(run.wall for run in help_s)
    lines.append(
        f"| `deckgen --help` ≤ {TARGET_HELP_S * 1000:.0f} ms (wall) | {median * 1000:.0f} ms"
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
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--help-runs", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    shapes = args.shapes.split(",")

    began, load_before = time.time(), load()
    results: dict[str, list[SizeResult]] = {}
    for shape in shapes:
        for cards in sizes:
            repeat = args.repeat if cards <= 10_000 else min(args.repeat, 2)
            print(f"measuring {shape}, {cards:,} cards (best of {repeat}) …", file=sys.stderr)
            results.setdefault(shape, []).append(measure_size(shape, cards, args.work, repeat))
    help_s = help_times(args.help_runs)
    minutes = (time.time() - began) / 60
    when = time.strftime("%Y-%m-%d", time.gmtime())
    help_walls = [run.wall for run in help_s]
    sections = [
        f"Measured {when} with `make bench` ({minutes:.0f} min) on: {machine()}."
        f" Load average (1/5/15 min) {load_before} at the start, {load()} at the end.",
        "Times are CPU seconds (user + system, worker processes included), best of the runs;"
        " the build's wall time is in brackets.",
    ]
    for shape, rows in results.items():
        sections.append(f"**{shape}** corpus:\n\n{table(rows)}")
    every = [r for rows in results.values() for r in rows]
    stages = stage_table(every)
    if stages:
        sections.append(
            "Where a cold build's CPU time goes (`-j 1`, one process, benchmarks/stages.py):"
            f"\n\n{stages}"
        )
    sections.append(
        f"`deckgen --help`: median {statistics.median(help_walls) * 1000:.0f} ms wall,"
        f" best {min(help_walls) * 1000:.0f} ms, {min(r.cpu for r in help_s) * 1000:.0f} ms CPU,"
        f" over {len(help_s)} runs."
    )
    sections.append(targets(every, help_s))
    body = "\n\n".join(sections)
    print(body)
    write_results(args.results, body)


if __name__ == "__main__":
    main()
