"""Symbolic derivatives and second derivatives, against ``eval`` of the same program.

    python benchmarks/bench_diff.py            # ~1 min
    python benchmarks/bench_diff.py --quick    # a smoke run: a few seconds

Three things, each measured in this process, round-robin with its baseline so
that a busy machine slows both alike (median CPU time; ratios in the same run):

1. ``gradcli.diff`` of programs of 250 to 2,000 nodes, parse to printed text,
   against ``gradcli.evaluate`` (value and gradient by reverse mode), parse to
   numbers. Three shapes:
   - layers N: ``h_k = tanh(w_k*h_{k-1} + b_k)``, a loss at the end: a deep
     network with its names (5N + 5 nodes);
   - neuron N: ``z = w0*x0 + ... + b; y = sigmoid(z); (y - t)^2`` (4N + 8 nodes);
   - shared N: ``h_k = tanh(w*h_{k-1} + b)``, one weight in every layer, whose
     ∂f/∂w written out would grow with the square of the depth.
   The output's size (printed nodes, and characters) per program node shows
   whether it stays linear: the target is that it does not grow with N.
2. ``evaluate(..., hessian=True)`` of a 12-variable network against
   ``evaluate`` of it (target: tens of milliseconds).
3. The commands as processes: ``gradcli diff -f FILE`` and ``gradcli eval -f
   FILE --hessian --json`` against ``gradcli eval -f FILE --json``, start-up included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import gradcli
from gradcli.symbolic import naming

TARGET_DIFF_SECONDS = 1.0  # diff of a 1,000-node program: well under a second (issue 8)
TARGET_HESSIAN_SECONDS = 0.1  # the Hessian of 12 variables: tens of milliseconds

MLP = (
    "h1 = tanh(w11*x1 + w12*x2 + b1); h2 = tanh(w21*x1 + w22*x2 + b2)\ny = sigmoid(v1*h1 + v2*h2 + c); loss = (y - t)^2"
)


def layers(n: int) -> str:
    return "\n".join(["h0 = x", *(f"h{k} = tanh(w{k}*h{k - 1} + b{k})" for k in range(1, n + 1)), f"(h{n} - t)^2"])


def neuron(n: int) -> str:
    return "z = " + " + ".join(f"w{k}*x{k}" for k in range(n)) + " + b; y = sigmoid(z); (y - t)^2"


def shared(n: int) -> str:
    return "\n".join(["h0 = x", *(f"h{k} = tanh(w*h{k - 1} + b)" for k in range(1, n + 1)), f"h{n}"])


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (program of size n, the n that gives about 1,000 nodes)
    "layers": (layers, 200),
    "neuron": (neuron, 250),
    "shared": (shared, 333),
}


def point(graph: gradcli.Graph) -> dict[str, float]:
    return {name: 0.1 + 0.01 * (k % 7) for k, name in enumerate(graph.variables)}


def cpu(f: Callable[[], object]) -> float:
    start = time.process_time()
    f()
    return time.process_time() - start


def interleaved(tasks: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """The median CPU time of each task, the tasks run round-robin."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(runs):
        for name, task in tasks.items():
            times[name].append(cpu(task))
    return {name: statistics.median(t) for name, t in times.items()}


def diff_text(text: str) -> str:
    derivatives = gradcli.diff(text)
    return "\n".join(derivatives.lines())


def eval_numbers(text: str) -> object:
    graph = gradcli.build(text)
    return gradcli.evaluate(graph, point(graph))


def output_size(text: str) -> tuple[int, int, int]:
    """Printed nodes and characters of diff's output, and the program's nodes."""
    graph = gradcli.build(text)
    derivatives = gradcli.diff(graph)
    roots = [f.expression for f in derivatives.formulas]
    named = [d.expression for d in derivatives.where]
    nodes = naming.printed_size(derivatives.table, roots, named)
    return nodes, len("\n".join(derivatives.lines())), len(graph)


def bench_diff(scale: list[float], runs: int) -> bool:
    print("1. gradcli.diff against gradcli.evaluate of the same program (CPU, median of", runs, "runs)\n")
    print(f"{'program':<12} {'nodes':>6} {'diff':>9} {'eval':>9} {'× eval':>7}", end="")
    print(f" {'out nodes/node':>15} {'chars/node':>11}")
    ok = True
    gradcli.diff("x")  # the symbolic modules load once per process: not part of any one program's time
    for name, (make, base) in SHAPES.items():
        for factor in scale:
            text = make(max(2, int(base * factor)))
            times = interleaved({"diff": lambda t=text: diff_text(t), "eval": lambda t=text: eval_numbers(t)}, runs)
            nodes, chars, size = output_size(text)
            ratio = times["diff"] / times["eval"]
            print(
                f"{name:<12} {size:>6} {times['diff'] * 1000:>7.0f}ms {times['eval'] * 1000:>7.1f}ms {ratio:>7.0f}"
                f" {nodes / size:>15.1f} {chars / size:>11.1f}"
            )
            if 900 <= size <= 1100 and times["diff"] >= TARGET_DIFF_SECONDS / 2:
                ok = False
    print()
    return ok


def bench_hessian(runs: int) -> bool:
    graph = gradcli.build(MLP)
    values = point(graph)
    times = interleaved(
        {
            "hessian": lambda: gradcli.evaluate(graph, values, hessian=True),
            "eval": lambda: gradcli.evaluate(graph, values),
        },
        runs,
    )
    print(f"2. evaluate(hessian=True) of a {len(graph.variables)}-variable network ({len(graph)} nodes)\n")
    print(f"   with the Hessian {times['hessian'] * 1000:.1f} ms, without {times['eval'] * 1000:.2f} ms:"
          f" {times['hessian'] / times['eval']:.0f}× eval\n")  # fmt: skip
    return times["hessian"] < TARGET_HESSIAN_SECONDS


def command() -> list[str]:
    script = Path(sys.executable).parent / "gradcli"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gradcli"]


def bench_processes(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        mlp = Path(folder) / "mlp.grad"
        mlp.write_text(MLP, encoding="utf-8")
        big = Path(folder) / "layers.grad"
        big.write_text(layers(200), encoding="utf-8")
        values = " ".join(f"--{name} 0.1" for name in gradcli.build(MLP).variables).split()
        env = {**os.environ, "XDG_CACHE_HOME": folder}
        base = command()
        tasks = {
            "eval --json (12 variables)": [*base, "eval", "-f", str(mlp), *values, "--json"],
            "eval --hessian --json": [*base, "eval", "-f", str(mlp), *values, "--hessian", "--json"],
            "diff (12 variables)": [*base, "diff", "-f", str(mlp)],
            "diff (1,005 nodes)": [*base, "diff", "-f", str(big)],
        }
        subprocess.run(tasks["eval --json (12 variables)"], env=env, capture_output=True, check=True)  # warm the cache
        wall: dict[str, list[float]] = {name: [] for name in tasks}
        for _ in range(runs):
            for name, argv in tasks.items():
                start = time.perf_counter()
                subprocess.run(argv, env=env, capture_output=True, check=True)
                wall[name].append(time.perf_counter() - start)
        print("3. the commands as processes, start to exit (wall time, median of", runs, "runs)\n")
        floor = statistics.median(wall["eval --json (12 variables)"])
        for name, times in wall.items():
            median = statistics.median(times)
            print(f"   {name:<28} {median * 1000:>7.0f} ms  {median / floor:>5.2f}× eval")
        print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer sizes and runs")
    args = parser.parse_args()
    scale = [1.0] if args.quick else [0.25, 0.5, 1.0, 2.0]
    runs = 3 if args.quick else 7
    ok = bench_diff(scale, runs)
    ok = bench_hessian(5 if args.quick else 21) and ok
    bench_processes(3 if args.quick else 11)
    print("targets met" if ok else "a target was missed: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
