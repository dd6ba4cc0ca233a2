"""`gradcli network` of a 784→16→10 MLP with a loss, against `gradcli eval` of it and `import click, lark`.

    python benchmarks/bench_network.py            # 9 interleaved runs of each command
    python benchmarks/bench_network.py --quick    # 3 runs: a smoke test

The diagram evaluates the program as `eval` does (values and gradients come
from the same unrolled graph), then reads its layers and writes a picture
whose wide layers are elided (7 circles drawn of 784), so its cost over
`eval` is the recognition and the writing. Whole processes, spawn to exit,
round-robin; each ratio is against a baseline of the same run. The SVG
cases need Graphviz's `dot` and are left out without it.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench_startup import Case, _environment, _ms, _run

PROGRAM = "h = relu(W1 @ x + b1)\nz = W2 @ h + b2\nloss = logsumexp(z) - sum(t * z)\n"
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="3 runs of each command: a smoke test")
    runs = 3 if options.parse_args().quick else 9
    gradcli = [sys.executable, "-m", "gradcli"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        program, values = work / "mlp.grad", work / "mlp.json"
        program.write_text(PROGRAM)
        values.write_text(json.dumps(_values()))
        big = ["-f", str(program), "--values", str(values)]
        small = ["-f", str(ROOT / "examples/mlp2.grad"), "--values", str(ROOT / "examples/mlp2.json")]
        cases = [
            Case("python -c 'import click, lark'", [sys.executable, "-c", "import click, lark"], "interpreter"),
            Case("eval 784-16-10 --json", [*gradcli, "eval", *big, "--json"], "interpreter"),
            Case("network 784-16-10 (DOT)", [*gradcli, "network", *big], "interpreter"),
            Case("network 784-16-10 --format json", [*gradcli, "network", *big, "--format", "json"], "interpreter"),
            Case("eval mlp2 --json", [*gradcli, "eval", *small, "--json"], "interpreter"),
            Case("network mlp2 (DOT)", [*gradcli, "network", *small], "interpreter"),
        ]
        if shutil.which("dot"):
            cases.insert(4, Case("network 784-16-10 -o .svg", [*gradcli, "network", *big, "-o", str(work / "b.svg")],
                                 "interpreter"))  # fmt: skip
            cases.append(Case("network mlp2 -o .svg", [*gradcli, "network", *small, "-o", str(work / "s.svg")],
                              "interpreter"))  # fmt: skip
        env, notes = _environment(work, as_is=False)
        for note in notes:
            print(f"note: {note}")
        for _ in range(runs):
            for case in cases:
                wall, cpu = _run(case, env, work)
                case.wall.append(wall)
                case.cpu.append(cpu)
    median = {case.label: statistics.median(case.wall) for case in cases}
    width = max(len(case.label) for case in cases)
    print(f"{runs} interleaved runs each; wall ms, median [IQR]")
    for case in cases:
        print(f"  {case.label:<{width}}  {_ms(case.wall)}  {median[case.label] / median[cases[0].label]:5.2f}x import")
    print("ratios to eval of the same program:")
    for label in median:
        if label.startswith("network 784"):
            print(f"  {label:<{width}}  {median[label] / median['eval 784-16-10 --json']:5.2f}x")
        elif label.startswith("network mlp2"):
            print(f"  {label:<{width}}  {median[label] / median['eval mlp2 --json']:5.2f}x")
    return 0


def _values() -> dict[str, list]:
    """Random values of MNIST's sizes, fixed by a seed."""
    r = random.Random(0)
    return {
        "x": [r.random() for _ in range(784)],
        "W1": [[r.uniform(-0.1, 0.1) for _ in range(784)] for _ in range(16)],
        "b1": [r.uniform(-0.1, 0.1) for _ in range(16)],
        "W2": [[r.uniform(-0.5, 0.5) for _ in range(16)] for _ in range(10)],
        "b2": [r.uniform(-0.1, 0.1) for _ in range(10)],
        "t": [1] + [0] * 9,
    }


if __name__ == "__main__":
    sys.exit(main())
