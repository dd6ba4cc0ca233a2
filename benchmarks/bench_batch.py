"""Batch evaluation (``eval --points``) as ratios to hand-written NumPy, and where a big run's time goes.

    python benchmarks/bench_batch.py            # 10^6 points; about a minute
    python benchmarks/bench_batch.py --quick    # 10^5 points: a smoke test

1. In-process: the value and the three partials of ``sigmoid(w*x + b)`` at
   10^6 values of x (w, b fixed), by ``gradcli.batch`` against the same
   arithmetic written by hand in NumPy: the numerically safe sigmoid that
   gradcli computes (the same bits), and the textbook ``1/(1 + exp(-z))``.
   Interleaved rounds, CPU time, medians; the target is 1.5x the first.
2. The parts of ``gradcli eval SIGMOID --points data.csv`` on a 10^6-row
   file, timed in-process: reading (``np.loadtxt`` against the ``csv``
   module and a plain ``split``), evaluating, and writing (``repr`` joins
   against ``np.savetxt``), then the whole command as a process.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import gradcli
from gradcli.batch import evaluate_points
from gradcli.batch.points import read_csv
from gradcli.batch.vectorised import evaluate_arrays
from gradcli.batch.writers import write_csv

PROGRAM = "sigmoid(w*x + b)"
W, B = 0.5, -0.25
TARGET = 1.5


def hand_safe(x: np.ndarray, w: float, b: float) -> tuple[np.ndarray, ...]:
    """What gradcli computes, written by hand: σ without overflow, σ' = σ(1 − σ), then the chain rule."""
    z = w * x + b
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0, e) / (1.0 + e)
    ds = s * (1.0 - s)
    return s, ds * x, ds * w, ds


def hand_textbook(x: np.ndarray, w: float, b: float) -> tuple[np.ndarray, ...]:
    """The textbook σ = 1/(1 + e^−z) (overflows for z < −709, and rounds differently)."""
    s = 1.0 / (1.0 + np.exp(-(w * x + b)))
    ds = s * (1.0 - s)
    return s, ds * x, ds * w, ds


def main() -> int:
    options = _arguments()
    size = 10**5 if options.quick else 10**6
    rounds = 5 if options.quick else options.rounds
    x = np.random.default_rng(0).standard_normal(size) * 3
    graph = gradcli.build(PROGRAM)

    def batch(x: np.ndarray, w: float, b: float):
        return evaluate_arrays(graph, {"x": x}, {"w": w, "b": b}, ["w", "x", "b"], len(x))

    got, want = batch(x, W, B), hand_safe(x, W, B)
    same = all(np.array_equal(a, b) for a, b in zip([got.value, *got.gradient.values()], want))
    times = _interleaved({"hand, safe σ": hand_safe, "hand, textbook σ": hand_textbook, "gradcli.batch": batch},
                         (x, W, B), rounds)  # fmt: skip
    base = statistics.median(times["hand, safe σ"])
    print(f"1. in-process, {size:,} points of {PROGRAM}, value and 3 partials (CPU ms, median of {rounds})")
    for label, values in times.items():
        print(f"   {label:18} {statistics.median(values) * 1e3:8.1f} ms   {statistics.median(values) / base:5.2f}x")
    ratio = statistics.median(times["gradcli.batch"]) / base
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"   gradcli.batch / hand-written: {ratio:.2f}x ({verdict} the {TARGET}x target); same bits: {same}")
    loop = 2000
    start = time.process_time()
    for value in x[:loop].tolist():
        gradcli.evaluate(graph, {"x": value, "w": W, "b": B})
    per_point = (time.process_time() - start) / loop
    print(f"   one point at a time (gradcli.evaluate): {per_point * 1e6:.1f} µs a point, "
          f"{per_point * size / base:.0f}x the hand-written NumPy")  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        path.write_text("x\n" + "\n".join(map(repr, x.tolist())) + "\n")
        print(f"\n2. eval {PROGRAM} --points data.csv ({size:,} rows, {path.stat().st_size / 1e6:.0f} MB in)")
        _parts(graph, str(path), rounds=max(1, rounds // 5))
        _process(str(path))
    return 0 if ratio <= TARGET or options.quick else 1


def _interleaved(functions: dict[str, Callable], args: tuple, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {label: [] for label in functions}
    for _ in range(rounds):
        for label, function in functions.items():
            start = time.process_time()
            function(*args)
            times[label].append(time.process_time() - start)
    return times


def _timed(function: Callable[[], object], rounds: int) -> tuple[float, object]:
    values, result = [], None
    for _ in range(rounds):
        start = time.process_time()
        result = function()
        values.append(time.process_time() - start)
    return statistics.median(values), result


def _parts(graph, path: str, rounds: int) -> None:
    text = Path(path).read_text()
    readers = {
        "read: np.loadtxt (used)": lambda: read_csv(path, use_numpy=True),
        "read: csv module": lambda: [float(r[0]) for r in csv.reader(io.StringIO(text.partition("\n")[2]))],
        "read: str.split + float (fallback)": lambda: read_csv(path, use_numpy=False),
    }
    results = {}
    for label, reader in readers.items():
        seconds, results[label] = _timed(reader, rounds)
        print(f"   {label:36} {seconds:6.2f} s")
    points = results["read: np.loadtxt (used)"]
    seconds, result = _timed(lambda: evaluate_points(graph, points, {"w": W, "b": B}, ["w", "x", "b"]), rounds)
    print(f"   {'evaluate (vectorised)':36} {seconds:6.2f} s")
    seconds, _ = _timed(lambda: write_csv(result, io.StringIO()), rounds)
    print(f"   {'write: repr joins (used)':36} {seconds:6.2f} s")
    table = np.column_stack([points.columns[0], result.value, *result.gradient.values()])
    seconds, _ = _timed(lambda: np.savetxt(io.StringIO(), table, fmt="%.17g", delimiter=","), rounds)
    print(f"   {'write: np.savetxt %.17g (not exact-shortest)':36} {seconds:6.2f} s")


def _process(path: str) -> None:
    script = Path(sys.executable).with_name("gradcli")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "gradcli"]
    start = time.perf_counter()
    before = os.times()
    with open(os.devnull, "w") as sink:
        done = subprocess.run([*command, "eval", PROGRAM, "--points", path, "--w", str(W), "--b", str(B)],
                              stdout=sink, stderr=subprocess.PIPE, text=True)  # fmt: skip
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    print(f"   {'the whole command, as a process':36} {time.perf_counter() - start:6.2f} s wall, {cpu:.2f} s CPU "
          f"(exit {done.returncode})")  # fmt: skip


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^5 points and few rounds: a smoke test")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds of the in-process timing")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
