"""Run a command and print its CPU seconds, wall seconds and peak RSS as one JSON object.

    python benchmarks/measure.py COMMAND [ARG ...]

run.py measures every command through this small process because a process started by a
large one begins with that one's high-water mark: `wait4`'s `ru_maxrss` of a command that
the benchmark (holding a 100,000-card corpus) forked itself was the benchmark's size, not
the command's (a 45 MB build read as 167 MB); it reads the command's own now, but never
less than this launcher's ~12 MB. CPU seconds are the command's and those of
the processes it waited for. The command's output is discarded; on failure its error
output is passed on and the exit status is 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    command = sys.argv[1:]
    if not command:
        raise SystemExit("usage: python benchmarks/measure.py COMMAND [ARG ...]")
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace"))
            raise SystemExit(f"{' '.join(command)} exited {code}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"cpu": cpu, "wall": seconds, "peak_rss_mb": usage.ru_maxrss * scale / 2**20}))


if __name__ == "__main__":
    main()
