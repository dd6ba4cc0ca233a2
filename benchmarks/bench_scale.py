"""End-to-end time per node on large programs, against Lark's own parse of the same text.

    python benchmarks/bench_scale.py            # 10^3, 10^4, 10^5 (a few minutes)
    python benchmarks/bench_scale.py --quick    # 10^3 and 10^4, few runs: a smoke test

Two shapes of program, each at three sizes:

- neuron N:  ``sigmoid(w0*x0 + w1*x1 + ... + b)``, a flat sum of N products (4N + 2 nodes);
- nesting D: ``tanh(x + tanh(x + ... tanh(x)))``, calls nested D deep (2D nodes).

For each text it times, in this process and round-robin so that noise falls
on all alike:

- the floor: Lark's plain LALR parse into its own parse tree,
  ``Lark(grammar, parser="lalr", lexer="basic")`` on ``grammar/gradcli.lark``,
  with and without gradcli's token filter (the post-lexer gradcli's parser
  runs too), with the garbage collector as Lark's users get it (on) and off;
  and, where ``lark_cython`` is installed, its Cython LALR parser (no token
  filter: lark-cython runs no post-lexer);
- gradcli end to end through the API: ``parse``, ``build``, ``evaluate``
  (forward and reverse), with the split between them.

Then, at the largest size, the whole command ``gradcli eval -f FILE --values
FILE --json`` as a process. Times are CPU time of this process (a shared
machine's other work disturbs it less than wall time), medians, per graph node;
the ratios are gradcli's end to end over the floor measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lark import Lark

from gradcli.api import evaluate
from gradcli.builder import build
from gradcli.parser import _TokenFilter, grammar_path, parse

TARGET_RATIO = 1.3  # end to end within 1.3x of Lark's parse alone (issue #2)
TARGET_GROWTH = 12.0  # at most 12x the time for 10x the nodes


class Shape:
    """A family of programs, one per size, with the values and the answer to check."""

    def __init__(self, name: str, formula: str, unit: str) -> None:
        self.name = name
        self.formula = formula
        self.unit = unit  # what the size counts

    def program(self, n: int) -> tuple[str, dict[str, float], float]:
        """The text, the values of its variables, and the value of its output."""
        raise NotImplementedError

    def nodes(self, n: int) -> int:
        """The number of nodes of the program's graph (default view)."""
        raise NotImplementedError


class Neuron(Shape):
    def nodes(self, n: int) -> int:
        return 4 * n + 2  # n weights, n inputs, n products, n sums (with b), b, sigmoid

    def program(self, n: int) -> tuple[str, dict[str, float], float]:
        text = "sigmoid(" + " + ".join(f"w{i}*x{i}" for i in range(n)) + " + b)"
        values = {"b": 0.1}
        z = 0.1
        for i in range(n):
            w, x = (0.01 if i % 2 else -0.01), 0.5 + (i % 7) / 10
            values[f"w{i}"], values[f"x{i}"] = w, x
            z += w * x
        return text, values, 1 / (1 + math.exp(-z))


class Nesting(Shape):
    def nodes(self, n: int) -> int:
        return 2 * n  # n tanh, n - 1 sums, one x

    def program(self, n: int) -> tuple[str, dict[str, float], float]:
        text = "tanh(x + " * (n - 1) + "tanh(x)" + ")" * (n - 1)
        x, y = 0.3, math.tanh(0.3)
        for _ in range(n - 1):
            y = math.tanh(x + y)
        return text, {"x": x}, y


SHAPES = (
    Neuron("neuron", "sigmoid(w0*x0 + w1*x1 + ... + b)", "inputs"),
    Nesting("nesting", "tanh(x + tanh(x + ... tanh(x)))", "levels"),
)


def main() -> int:
    options = _arguments()
    sizes = [10**3, 10**4] if options.quick else [10**3, 10**4, 10**5]
    floors = _floors()
    _end_to_end("sigmoid(w*x)", {"w": 0.5, "x": 2.0})  # load gradcli's parser and compile its lexer, untimed
    print(f"gradcli at scale; Python {sys.version.split()[0]}, {sys.executable}; gradcli parses with {_backend()}")
    print("CPU µs per graph node, median of the runs shown; all variants of a size run round-robin")
    verdicts = []
    for shape in SHAPES:
        print()
        print(f"{shape.name}: {shape.formula}")
        results = []
        for n in sizes:
            runs = ({10**3: 3} if options.quick else {10**3: 9, 10**4: 5}).get(n, 1 if options.quick else 3)
            results.append(_measure(shape, n, runs, floors))
        _table(results, floors)
        verdicts += [f"{shape.name}: {line}" for line in _ratios(results)]
        if not options.no_cli:
            _cli(shape, sizes[-1])
    print()
    for line in verdicts:
        print(line)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 10^3 and 10^4, 3 runs and 1: a smoke test")
    parser.add_argument("--no-cli", action="store_true", help="skip the whole-process runs of the gradcli command")
    return parser.parse_args()


def _backend() -> str:
    """Which LALR parser gradcli's own parser runs: Lark's, or lark-cython's."""
    from gradcli.parser import _parser

    module = type(_parser().parser.parser).__module__
    return "lark-cython" if module.startswith("lark_cython") else "Lark (pure Python)"


def _floors() -> dict[str, tuple[Lark, bool]]:
    """Lark parsers to compare with: label -> (parser, collector off while it parses)."""
    with open(grammar_path(), encoding="utf-8") as file:
        grammar = file.read()
    plain = Lark(grammar, parser="lalr", lexer="basic")
    filtered = Lark(grammar, parser="lalr", lexer="basic", postlex=_TokenFilter())
    floors = {
        "lark": (plain, False),
        "lark gc-off": (plain, True),
        "lark+filter": (filtered, False),
        "lark+filter gc-off": (filtered, True),
    }
    try:
        import lark_cython
    except ImportError:
        pass
    else:
        floors["lark-cython gc-off"] = (Lark(grammar, parser="lalr", lexer="basic", _plugins=lark_cython.plugins), True)
    for parser, _ in floors.values():
        parser.parse("sigmoid(w*x)")  # the lexer compiles its expressions on first use
    return floors


class Result:
    """The medians of one size of one shape, in seconds."""

    def __init__(self, n: int, nodes: int, runs: int) -> None:
        self.n = n
        self.nodes = nodes
        self.runs = runs
        self.times: dict[str, list[float]] = {}

    def add(self, label: str, seconds: float) -> None:
        self.times.setdefault(label, []).append(seconds)

    def median(self, label: str) -> float:
        return statistics.median(self.times[label])

    def per_node(self, label: str) -> float:
        return 1e6 * self.median(label) / self.nodes


def _measure(shape: Shape, n: int, runs: int, floors: dict[str, tuple[Lark, bool]]) -> Result:
    text, values, expected = shape.program(n)
    result = Result(n, shape.nodes(n), runs)
    for _ in range(runs):
        for label, (parser, gc_off) in floors.items():
            _settle()
            result.add(label, _timed(lambda p=parser: p.parse(text), gc_off))
        _settle()
        stages, nodes, value = _end_to_end(text, values)
        if nodes != result.nodes or not math.isclose(value, expected, rel_tol=1e-9):
            sys.exit(f"bench_scale: {shape.name} {n}: gradcli gives {value!r} in {nodes} nodes, expected {expected!r}")
        for label, seconds in stages.items():
            result.add(label, seconds)
        result.add("gradcli", sum(stages.values()))
    return result


def _end_to_end(text: str, values: dict[str, float]) -> tuple[dict[str, float], int, float]:
    """gradcli's parse, build and evaluate (forward + reverse), each timed; returns the node count and value."""
    start = time.process_time()
    program = parse(text)
    parsed = time.process_time()
    graph = build(program)
    built = time.process_time()
    result = evaluate(graph, values)
    done = time.process_time()
    stages = {"parse": parsed - start, "build": built - parsed, "evaluate": done - built}
    return stages, len(graph), result.value


def _timed(run: Callable[[], object], gc_off: bool) -> float:
    collecting = gc.isenabled()
    if gc_off:
        gc.disable()
    try:
        start = time.process_time()
        tree = run()
        seconds = time.process_time() - start
    finally:
        if collecting:
            gc.enable()
    del tree
    return seconds


def _settle() -> None:
    """Start each timing from the same state: the garbage of the last one collected."""
    gc.collect()


def _table(results: list[Result], floors: dict[str, tuple[Lark, bool]]) -> None:
    labels = [*floors, "gradcli", "parse", "build", "evaluate"]
    widths = [max(len(label), 7) for label in labels]
    print(f"  {'size':>6} {'nodes':>8} {'runs':>4}  " + "  ".join(f"{h:>{w}}" for h, w in zip(labels, widths)))
    for r in results:
        cells = "  ".join(f"{r.per_node(label):>{w}.2f}" for label, w in zip(labels, widths))
        print(f"  {_power(r.n):>6} {r.nodes:>8,} {r.runs:>4}  {cells}")


def _ratios(results: list[Result]) -> list[str]:
    verdicts = []
    print("  gradcli end to end ÷ the floor of the same run:")
    for r in results:
        strict = r.median("gradcli") / r.median("lark+filter gc-off")
        usual = r.median("gradcli") / r.median("lark+filter")
        plain = r.median("gradcli") / r.median("lark")
        cython = ""
        if "lark-cython gc-off" in r.times:
            cython = f", {r.median('gradcli') / r.median('lark-cython gc-off'):.2f}x lark-cython"
        print(
            f"    {_power(r.n):>6}: {strict:.2f}x Lark+filter with the GC off (the target's measure), "
            f"{usual:.2f}x with the GC on, {plain:.2f}x plain Lark{cython}"
        )
    largest = results[-1]
    strict = largest.median("gradcli") / largest.median("lark+filter gc-off")
    verdicts.append(
        f"target: end to end within {TARGET_RATIO}x of Lark+filter (GC off) at {_power(largest.n)}: "
        f"{strict:.2f}x, {'met' if strict <= TARGET_RATIO else 'NOT met'}"
    )
    print("  growth: time for 10x the size (≤ 12x is linear enough):")
    for small, large in itertools.pairwise(results):
        growth = {label: large.median(label) / small.median(label) for label in ("gradcli", "lark+filter gc-off")}
        print(
            f"    {_power(small.n)} -> {_power(large.n)}: gradcli {growth['gradcli']:.1f}x, "
            f"Lark+filter (GC off) {growth['lark+filter gc-off']:.1f}x"
        )
        worst = max(growth.values())
        verdicts.append(
            f"target: growth {_power(small.n)} -> {_power(large.n)} ≤ {TARGET_GROWTH:.0f}x: "
            f"gradcli {growth['gradcli']:.1f}x, {'met' if growth['gradcli'] <= TARGET_GROWTH else 'NOT met'}"
            + ("" if worst <= TARGET_GROWTH else f" (Lark's own: {growth['lark+filter gc-off']:.1f}x)")
        )
    return verdicts


def _cli(shape: Shape, n: int) -> None:
    """The whole command on the largest program, as a process: gradcli eval -f FILE --values FILE --json.

    One run: at this size it takes seconds, and start-up noise is negligible beside it.
    """
    text, values, expected = shape.program(n)
    script = shutil.which("gradcli", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "gradcli"]
    with tempfile.TemporaryDirectory(prefix="gradcli-bench-") as scratch:
        program_file, values_file = Path(scratch, "program.grad"), Path(scratch, "values.json")
        program_file.write_text(text, encoding="utf-8")
        values_file.write_text(json.dumps(values), encoding="utf-8")
        argv = [*command, "eval", "-f", str(program_file), "--values", str(values_file), "--json"]
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(scratch, "cache"))}
        subprocess.run([*command, "eval", "x", "--x", "1"], env=env, capture_output=True, check=True)  # cache tables
        with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            child = subprocess.Popen(argv, env=env, stdout=output, stderr=errors)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            errors.seek(0)
            answer, message = output.read(), errors.read().decode(errors="replace")
    if child.returncode != 0 or not math.isclose(json.loads(answer)["value"], expected, rel_tol=1e-9):
        sys.exit(f"bench_scale: {' '.join(argv)} failed (exit {child.returncode}): {message}")
    nodes = shape.nodes(n)
    cpu = usage.ru_utime + usage.ru_stime
    print(
        f"  the command `gradcli eval -f FILE --values FILE --json` at {_power(n)} ({nodes:,} nodes), one run: "
        f"{wall:.2f} s wall, {cpu:.2f} s CPU, {1e6 * cpu / nodes:.2f} CPU µs per node, "
        f"peak memory {usage.ru_maxrss / 1024:.0f} MiB"  # ru_maxrss is in KiB on Linux
    )


def _power(n: int) -> str:
    exponent = round(math.log10(n))
    return f"10^{exponent}" if 10**exponent == n else f"{n:,}"


if __name__ == "__main__":
    sys.exit(main())
