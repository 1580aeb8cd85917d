"""Seconds per MiB of raw HTML: deckgen on large and hostile HTML, shape by shape.

Notes come from strangers and a notes file may hold 8 MiB (DG004), so the HTML policy
must take time in proportion to the HTML, whatever its shape. For each shape below it
writes a notes folder with one card whose answer is N bytes of that HTML and runs, in a
fresh process, `deckgen check` at each size and `deckgen build` at one size. It reports
the process's CPU time (user + system, from wait4: steadier than wall time on a shared
machine), less the same command's time on a one-card folder (start-up, imports), per
MiB of HTML. Linear work gives the same figure at every size; quadratic work doubles it
with each doubling of the size. A run over `--timeout` seconds (wall) is stopped and
shown as more than that; larger sizes of that shape are then skipped.

    python benchmarks/html_policy.py [--sizes 128K,1M,4M] [--build-size 1M] [--timeout 300]
                                     [--results PATH] [--work DIR]

`make bench` runs it after run.py, with the defaults. To measure another checkout of
deckgen with the same script, put its `src` first: PYTHONPATH=../old/src python ….
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from run import deckgen_command, machine

HERE = Path(__file__).resolve().parent
START, END = "<!-- html-policy:start -->", "<!-- html-policy:end -->"
MIB = 1024 * 1024
# A 1×1 PNG, so that image shapes find their file (a missing one is an error, not a build).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _run(unit: str, size: int, sep: str = "") -> str:
    return sep.join([unit] * max(1, size // len(unit + sep)))


def _block(unit: str, sep: str = "") -> Callable[[int], str]:
    """An HTML block: a `<div>` line, then the HTML with no blank line, then `</div>`."""
    return lambda size: f"<div>\n{_run(unit, size, sep)}\n</div>"


def _inline(unit: str, sep: str = "") -> Callable[[int], str]:
    """Raw HTML inside a paragraph (markdown-it's html_inline)."""
    return lambda size: f"See {_run(unit, size, sep)} here."


def _nested(size: int) -> str:
    return f"<div>\n{_run('<b><i><span>', size // 2)}x{_run('</span></i></b>', size // 2)}\n</div>"


def _misaligned_comments(size: int) -> str:
    """`<!--` after `<!--`, then `--->`: three dashes, so it ends none of them."""
    return f"<div>\n{_run('<!--x', size)}x--->\n</div>"


@dataclass(frozen=True)
class Shape:
    name: str
    html: Callable[[int], str]


SHAPES = [
    Shape("unclosed comments `<!--` (block)", _block("<!--")),
    Shape("unclosed comments `<!--` (inline)", _inline("<!--")),
    Shape("comments that `--->` closes none (block)", _misaligned_comments),
    Shape("unclosed `<?` (block)", _block("<?")),
    Shape("unclosed `<![CDATA[` (block)", _block("<![CDATA[")),
    Shape("unclosed `<![CDATA[` (inline)", _inline("<![CDATA[")),
    Shape("closed comments and CDATA (block)", _block("<!-- c --><![CDATA[x]]>")),
    Shape("lone `<` in text (block)", _block("a < b", " ")),
    Shape("`<a` fragments (block)", _block("<a")),
    Shape("`</` fragments (block)", _block("</")),
    Shape('`<x y="` fragments (block)', _block('<x y="')),
    Shape("`<a` fragments (inline)", _inline("<a")),
    Shape("unclosed `<script><style><iframe>` (inline)", _inline("<script><style><iframe>x")),
    Shape("deep nesting of allowed tags (block)", _nested),
    Shape(
        "pasted table, a row per line (block)", _block("<tr><td>cell</td><td>more</td></tr>", "\n")
    ),
    Shape("pasted table on one line (block)", _block('<tr><td class="c">cell</td></tr>')),
    Shape("`<img>` a line (block)", _block('<img src="a.png" alt="x">', "\n")),
    Shape("`<img>` on one line (inline)", _inline('<img src="a.png" alt="x">', " ")),
]


def write_notes(folder: Path, answer: str) -> Path:
    notes = folder / "notes"
    shutil.rmtree(folder, ignore_errors=True)
    notes.mkdir(parents=True)
    (notes / "deck.toml").write_text('name = "Bench"\nversion = "1.0.0"\n', encoding="utf-8")
    (notes / "a.png").write_bytes(PNG)
    (notes / "bench.md").write_text(
        f"# Bench\n## Topic\n### What is it?\n{answer}\n", encoding="utf-8"
    )
    return notes


@dataclass(frozen=True)
class Run:
    cpu_s: float
    finished: bool


def cpu_seconds(command: list[str], timeout: float) -> Run:
    """CPU time of `command` in a fresh process with an empty build cache of its own (a
    check would read what an earlier run built), stopped after `timeout` seconds (wall)."""
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-cache-") as cache:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "CI": "true"}
        env["DECKGEN_CACHE_DIR"] = cache
        pipe = subprocess.DEVNULL
        proc = subprocess.Popen(command, stdout=pipe, stderr=pipe, env=env)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, -9):  # every shape is warnings only: an error would skip the work
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return Run(usage.ru_utime + usage.ru_stime, finished=code == 0)


def command(kind: str, notes: Path) -> list[str]:
    if kind == "check":
        return [*deckgen_command(), "check", str(notes)]
    out = notes.parent / "decks"
    shutil.rmtree(out, ignore_errors=True)
    return [*deckgen_command(), "build", str(notes), "-o", str(out), "--force", "-j", "1"]


def per_mib(run: Run | None, base: float, size: int) -> str:
    if run is None:
        return "–"
    rate = max(run.cpu_s - base, 0.0) / (size / MIB)
    return f"{rate:,.2f}" if run.finished else f"> {rate:,.0f}"


def measure_shape(
    number: int, shape: Shape, args: argparse.Namespace, base: dict[str, float]
) -> str:
    """One row: check at each size, then build; sizes at or past a stopped run are skipped."""
    cells: list[str] = []
    stopped_at: int | None = None
    for kind, size in [("check", size) for size in args.sizes] + [("build", args.build_size)]:
        answer = shape.html(size)
        raw = len(answer.encode())
        run = None
        if stopped_at is None or size < stopped_at:
            notes = write_notes(args.work / f"shape{number}", answer)
            print(f"{shape.name}: {kind} at {raw:,} bytes …", file=sys.stderr, flush=True)
            run = cpu_seconds(command(kind, notes), args.timeout)
            stopped_at = size if not run.finished and stopped_at is None else stopped_at
        cells.append(per_mib(run, base[kind], raw))
    return f"| {shape.name} | {' | '.join(cells)} |"


def measure(args: argparse.Namespace) -> str:
    baseline = write_notes(args.work / "baseline", "Plain text.")
    base = {
        kind: min(cpu_seconds(command(kind, baseline), args.timeout).cpu_s for _ in range(3))
        for kind in ("check", "build")
    }
    header = [f"check at {label}" for label in args.size_labels] + [f"build at {args.build_label}"]
    rows = [f"| shape | {' | '.join(header)} |", f"| --- |{' ---: |' * len(header)}"]
    rows += [measure_shape(n, shape, args, base) for n, shape in enumerate(SHAPES)]
    when = time.strftime("%Y-%m-%d", time.gmtime())
    return (
        f"Measured {when} on: {machine()}.\n\n"
        f"CPU seconds per MiB of raw HTML, start-up subtracted (check {base['check']:.2f} s,"
        f" build {base['build']:.2f} s). `> N`: stopped after {args.timeout:.0f} s of wall"
        " time, having used N s of CPU per MiB; `–`: not run, a smaller size was stopped."
        "\n\n" + "\n".join(rows)
    )


def write_results(path: Path, body: str) -> None:
    """Replace this benchmark's section of RESULTS.md, keeping everything around it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if START not in text:
        text = f"{text.rstrip()}\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    path.write_text(f"{head}{START}\n{body}\n{END}{tail}", encoding="utf-8")


def parse_size(text: str) -> int:
    scale = {"K": 1024, "M": MIB}.get(text[-1].upper(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="128K,1M,4M")
    parser.add_argument("--build-size", default="1M")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "html-policy")
    args = parser.parse_args()
    args.size_labels = [label.strip() for label in args.sizes.split(",")]
    args.sizes = [parse_size(label) for label in args.size_labels]
    args.build_label, args.build_size = args.build_size, parse_size(args.build_size)
    body = measure(args)
    print(body)
    write_results(args.results, body)


if __name__ == "__main__":
    main()
