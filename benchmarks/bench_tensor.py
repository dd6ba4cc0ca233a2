"""A 784→16→10 MLP with a loss: `gradcli eval` and `gradcli graph` against `import click, lark` and NumPy.

    python benchmarks/bench_tensor.py            # 11 interleaved runs of each command
    python benchmarks/bench_tensor.py --quick    # 3 runs: a smoke test

The program (MNIST's sizes, seed 000's layer twice, and a softmax
cross-entropy written as logsumexp(z) − z_target):

    h = sigmoid(W1 @ x + b1)
    z = W2 @ h + b2
    loss = logsumexp(z) - dot(t, z)

with random values in a --values JSON file (W1 is 16×784: 12,544 numbers).
Unrolled, it is about 39,000 scalar nodes. Three measurements, each against a
baseline of the same run:

- whole processes, spawn to exit, round-robin (as bench_startup.py):
  `gradcli eval -f mlp.grad --values v.json --json` and `gradcli graph ...
  --format json` (tensor granularity, the default) against
  `python -c "import click, lark"`; and the scalar start-up check,
  `gradcli eval "sigmoid(w*x)" --x 2 --w 0.5 --json`, which must stay within
  1.3x of it (a tensor program's code is imported only for tensor programs);
  a NumPy script doing the same arithmetic as a process is shown for scale;
- in this process: gradcli's work, stage by stage (reading the values file,
  parsing, building both graphs, the forward and reverse passes, gathering,
  JSON), against NumPy doing the same forward and backward arithmetic by hand
  on arrays already loaded;
- a check first: gradcli's loss and gradient agree with NumPy's to 1e-12.

Exit status 1 if the scalar start-up target is missed (not with --quick).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_startup import Case, _environment, _ms, _run

PROGRAM = "h = sigmoid(W1 @ x + b1)\nz = W2 @ h + b2\nloss = logsumexp(z) - dot(t, z)\n"
SIZES = (784, 16, 10)
SCALAR = ["eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--json"]
TARGET = 1.3  # scalar eval --json within 1.3x of `python -c "import click, lark"` (issue #2)

NUMPY_SCRIPT = """import json, sys
import numpy as np
v = {k: np.array(a, dtype=float) for k, a in json.load(open(sys.argv[1])).items()}
z1 = v["W1"] @ v["x"] + v["b1"]; h = 1 / (1 + np.exp(-z1)); z = v["W2"] @ h + v["b2"]
m = z.max(); e = np.exp(z - m); loss = m + np.log(e.sum()) - v["t"] @ z
dz = e / e.sum() - v["t"]; dh = v["W2"].T @ dz; dz1 = dh * h * (1 - h)
print(loss, np.outer(dz1, v["x"]).sum(), (v["W1"].T @ dz1).sum())
"""


def main() -> int:
    options = _arguments()
    runs = 3 if options.quick else options.runs
    python = sys.executable
    gradcli = [python, "-m", "gradcli"]
    with tempfile.TemporaryDirectory(prefix="gradcli-bench-tensor-") as scratch:
        work = Path(scratch)
        env, notes = _environment(work, as_is=False)
        program, values = work / "mlp.grad", work / "mlp.json"
        program.write_text(PROGRAM, encoding="utf-8")
        values.write_text(json.dumps(random_values()), encoding="utf-8")
        (work / "by_hand.py").write_text(NUMPY_SCRIPT, encoding="utf-8")
        files = ["-f", str(program), "--values", str(values)]
        cases = [
            Case('python -c "import click, lark"', [python, "-c", "import click, lark"], "process"),
            Case("gradcli eval sigmoid(w*x) --json  (scalar)", [*gradcli, *SCALAR], "process"),
            Case("gradcli eval -f mlp.grad --values ... --json", [*gradcli, "eval", *files, "--json"], "process"),
            Case(
                "gradcli graph -f mlp.grad ... --format json",
                [*gradcli, "graph", *files, "--format", "json"],
                "process",
            ),
        ]
        numpy = _has_numpy()
        if numpy:
            cases.append(Case("python by_hand.py  (NumPy)", [python, str(work / "by_hand.py"), str(values)], "process"))
        else:
            notes.append("NumPy is not installed: no NumPy rows (pip install numpy to compare)")
        print(f"gradcli tensor benchmark: the {'→'.join(map(str, SIZES))} MLP; Python {sys.version.split()[0]}")
        for note in notes:
            print(f"note: {note}")
        if numpy:
            _check([*gradcli, "eval", *files, "--json"], env, values)
        for case in cases:  # compile bytecode, prime the parser-table cache
            _run(case, env, work)
        print(f"\nwhole processes: {runs} interleaved runs of each")
        for _ in range(runs):
            for case in cases:
                wall, cpu = _run(case, env, work)
                case.wall.append(wall)
                case.cpu.append(cpu)
        met = _process_table(cases)
        print(f"\nin this process: medians of {options.repeats} runs (CPU time)")
        _in_process(program, values, options.repeats, numpy)
    return 0 if met or options.quick else 1


def random_values(seed: int = 784) -> dict[str, object]:
    """Weights as a small trained network might have them, an input in [0, 1], a one-hot target."""
    rng = random.Random(seed)
    n0, n1, n2 = SIZES
    return {
        "W1": [[round(rng.gauss(0, 0.05), 6) for _ in range(n0)] for _ in range(n1)],
        "b1": [round(rng.gauss(0, 0.1), 6) for _ in range(n1)],
        "W2": [[round(rng.gauss(0, 0.3), 6) for _ in range(n1)] for _ in range(n2)],
        "b2": [round(rng.gauss(0, 0.1), 6) for _ in range(n2)],
        "x": [round(rng.random(), 4) for _ in range(n0)],
        "t": [1 if i == 3 else 0 for i in range(n2)],
    }


def by_hand(v: dict) -> tuple[float, dict]:
    """The forward and backward pass in NumPy, written out: what gradcli computes from the program."""
    import numpy as np

    w1, b1, w2, b2, x, t = (v[k] for k in ("W1", "b1", "W2", "b2", "x", "t"))
    z1 = w1 @ x + b1
    h = 1 / (1 + np.exp(-z1))
    z = w2 @ h + b2
    m = z.max()
    e = np.exp(z - m)
    s = e.sum()
    loss = m + np.log(s) - t @ z
    dz = e / s - t
    dh = w2.T @ dz
    dz1 = dh * h * (1 - h)
    grads = {"W1": np.outer(dz1, x), "b1": dz1, "W2": np.outer(dz, h), "b2": dz, "x": w1.T @ dz1, "t": -z}
    return float(loss), grads


def _has_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _arrays(path: Path) -> dict:
    import numpy as np

    return {k: np.array(a, dtype=float) for k, a in json.loads(path.read_text(encoding="utf-8")).items()}


def _check(argv: list[str], env: dict[str, str], values: Path) -> None:
    """gradcli's answer against NumPy's, so the timings are of a right answer."""
    import subprocess

    import numpy as np

    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"bench_tensor: {' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    data = json.loads(done.stdout)
    loss, grads = by_hand(_arrays(values))
    worst = max(
        float(np.max(np.abs(np.array(data["gradient"][k]) - g) / np.maximum(np.abs(g), 1e-300 + np.abs(g).max())))
        for k, g in grads.items()
    )
    if abs(data["value"] - loss) > 1e-12 * abs(loss) or worst > 1e-12:
        sys.exit(f"bench_tensor: gradcli and NumPy disagree: loss {data['value']} vs {loss}, gradient {worst:.1e}")
    print(f"check: loss {data['value']!r} (NumPy {loss!r}); largest gradient difference {worst:.1e} of the largest")


def _process_table(cases: list[Case]) -> bool:
    base, base_cpu = statistics.median(cases[0].wall), statistics.median(cases[0].cpu)
    width = max(len(c.label) for c in cases)
    print(f"  {'command':<{width}}  {'wall ms [IQR]':>21}  {'cpu ms':>7}  {'× click,lark':>12}  {'(cpu)':>6}")
    for c in cases:
        wall, cpu = statistics.median(c.wall), statistics.median(c.cpu)
        print(f"  {c.label:<{width}}  {_ms(c.wall):>21}  {1e3 * cpu:7.1f}  {wall / base:12.2f}  {cpu / base_cpu:6.2f}")
    ratio = statistics.median(cases[1].wall) / base
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target: scalar `eval --json` within {TARGET}x of the floor: {ratio:.2f}x, {verdict}")
    return ratio <= TARGET


def _in_process(program: Path, values: Path, repeats: int, numpy: bool) -> None:
    """gradcli's stages, then the whole API call, against NumPy's forward and backward arithmetic."""
    import gradcli.jsontext as jsontext
    from gradcli.autodiff import forward, gradient, reverse
    from gradcli.parser import parse
    from gradcli.tensor import build_view, evaluate_tensor
    from gradcli.tensor.evaluate import flatten, gather
    from gradcli.values import bind, read_values_file

    text = program.read_text(encoding="utf-8")
    given = read_values_file(str(values))
    parsed = parse(text)
    tensor = build_view(parsed, given)
    unrolled = tensor.unrolled
    point = bind(unrolled, flatten(tensor, given))
    vals = forward(unrolled, point)
    adjoints = reverse(unrolled, vals)
    result = evaluate_tensor(tensor, given)
    print(f"  unrolled graph: {len(unrolled.ops):,} nodes; tensor view: {len(tensor.ops)} nodes")
    stages: list[tuple[str, Callable[[], object]]] = [
        ("read the values file (JSON → tensors)", lambda: read_values_file(str(values))),
        ("parse", lambda: parse(text)),
        ("build the tensor view and unrolled graph", lambda: build_view(parsed, given)),
        ("bind the values to element leaves", lambda: bind(unrolled, flatten(tensor, given))),
        ("forward pass", lambda: forward(unrolled, point)),
        ("reverse pass", lambda: reverse(unrolled, vals)),
        ("gradient of the element leaves", lambda: gradient(unrolled, adjoints, list(unrolled.variables))),
        ("gather per tensor node (values, adjoints)", lambda: (gather(tensor, vals), gather(tensor, adjoints))),
        ("evaluate_tensor on the built graph", lambda: evaluate_tensor(tensor, given)),
        ("--json text of the result", lambda: jsontext.dumps(result.to_json())),
        ("all of it: read, parse, build, evaluate, JSON", lambda: _whole(text, values)),
    ]
    timed = [(label, _cpu(call, repeats)) for label, call in stages]
    whole = timed[-1][1]
    hand = None
    if numpy:
        arrays = _arrays(values)
        hand = _cpu(lambda: by_hand(arrays), max(repeats, 200))
    width = max(len(label) for label, _ in timed)
    print(f"  {'stage':<{width}}  {'cpu ms':>9}  {'share':>6}" + (f"  {'× NumPy':>9}" if hand else ""))
    for label, seconds in timed:
        share = f"{seconds / whole:6.0%}" if label != timed[-1][0] else ""
        ratio = f"  {seconds / hand:9.0f}" if hand else ""
        print(f"  {label:<{width}}  {1e3 * seconds:9.2f}  {share:>6}{ratio}")
    if hand:
        print(f"  {'NumPy by hand: forward and backward':<{width}}  {1e3 * hand:9.3f}")


def _whole(text: str, values: Path) -> str:
    import gradcli.jsontext as jsontext
    from gradcli.parser import parse
    from gradcli.tensor import evaluate_tensor
    from gradcli.values import read_values_file

    return jsontext.dumps(evaluate_tensor(parse(text), read_values_file(str(values))).to_json())


def _cpu(call: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of ``call`` over ``repeats`` runs, after one unmeasured run."""
    call()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each command, 2 of each stage: a smoke test")
    parser.add_argument("--runs", type=int, default=11, help="runs of each command (default 11)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each in-process stage (default 5)")
    options = parser.parse_args()
    if options.quick:
        options.repeats = 2
    return options


if __name__ == "__main__":
    sys.exit(main())
