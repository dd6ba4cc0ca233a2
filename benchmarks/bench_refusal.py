"""How fast gradcli refuses hostile input, as ratios to a plain ``gradcli eval`` in the same run.

    python benchmarks/bench_refusal.py            # 7 interleaved runs of each command
    python benchmarks/bench_refusal.py --quick    # 3 runs: a smoke test

Issue 7, item 6: a 50 MB run of characters that no token matches must be
refused in well under a second (it took 13 s when the lexer searched past the
bad character for the next token), and so must input past the size limit
(``-f /dev/zero``). Each case is a whole process, run round-robin with the
baseline ``gradcli eval "x" --x 1``; the table shows the median wall and CPU
time and the ratio of the CPU medians to the baseline's. Every refused case
must exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each case")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    runs = 3 if options.quick else options.runs
    gradcli = [sys.executable, "-m", "gradcli"]
    with tempfile.TemporaryDirectory(prefix="gradcli-refusal-") as scratch:
        work = Path(scratch)
        dollars = work / "dollars.grad"
        dollars.write_text("$" * 50_000_000, encoding="ascii")
        name = work / "name.grad"
        name.write_text("x" * 10_000_000, encoding="ascii")
        cases = {
            'baseline: gradcli eval "x" --x 1': ([*gradcli, "eval", "x", "--x", "1"], 0),
            "50 MB of '$' (no token matches)": ([*gradcli, "eval", "-f", str(dollars)], 2),
            "-f /dev/zero (past the 64 MiB limit)": ([*gradcli, "eval", "-f", "/dev/zero"], 2),
            "a 10^7-character name without a value": ([*gradcli, "eval", "-f", str(name)], 2),
        }
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in cases}
        for _ in range(runs):
            for label, (argv, status) in cases.items():
                times[label].append(_run(argv, status, work))
    base_cpu = statistics.median(cpu for _, cpu in times[next(iter(cases))])
    print(f"gradcli refusing hostile input: {runs} interleaved runs; Python {sys.version.split()[0]}")
    print(f"  {'case':44} {'wall ms':>9} {'cpu ms':>9} {'× baseline (cpu)':>17}")
    for label, measured in times.items():
        wall = statistics.median(w for w, _ in measured)
        cpu = statistics.median(c for _, c in measured)
        print(f"  {label:44} {wall * 1000:9.0f} {cpu * 1000:9.0f} {cpu / base_cpu:17.2f}")
    return 0


def _run(argv: list[str], status: int, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one process; its exit status must be ``status``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=folder, capture_output=True, env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != status:
        raise SystemExit(f"{argv[3:]} exited {done.returncode}, not {status}: {done.stderr[:300]!r}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


if __name__ == "__main__":
    sys.exit(main())
