"""Every program in examples/ runs as a test.

Each ``examples/NAME.grad`` is evaluated at its point: the values in the
sidecar ``NAME.json`` when there is one, or else those of the
``gradcli eval -f examples/NAME.grad --x 3 ...`` line in its comments. The
value and every partial are checked against SymPy, which reads the program
on its own (it does not use gradcli's parser); the seed examples are also
checked against their known numbers. Every ``gradcli ...`` command line in an
example's comments must run as written.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import sympy
from conftest import SYMPY_OPS
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

from gradcli.cli import cli
from gradcli.ops import OPS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.grad"))
TENSOR_EXAMPLES = {"neuron-tensor", "mlp2"}  # written with vectors and matrices: checked against TENSOR_TWINS
SCALAR_EXAMPLES = [path for path in EXAMPLES if path.stem not in TENSOR_EXAMPLES]
COMMAND = re.compile(r"^#\s+(gradcli\s.*)$")

# The seeds of issue #2, by hand: f(x, y) = x² + xy at (3, 4); f(x, w) = σ(w·x) at x = 2, w = 0.5.
KNOWN = {
    "seed": (21.0, {"x": 10.0, "y": 3.0}),
    "sigmoid": (0.7310585786300049, {"w": 0.3932238664829637, "x": 0.09830596662074093}),
}

SYMPY_NAMES = {
    "pi": sympy.pi,
    "e": sympy.E,
    # Every function as the language spells it (ln, pow, ...), in the SymPy forms of conftest.py.
    **{spelling: SYMPY_OPS[op.name] for op in OPS for spelling in op.spellings},
}
TRANSFORMATIONS = (*standard_transformations, convert_xor, implicit_multiplication)


def commands(path: Path) -> list[list[str]]:
    """The ``gradcli ...`` command lines in an example's comments, as argument lists (without "gradcli")."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = COMMAND.match(line)
        if match:
            found.append(shlex.split(match[1])[1:])
    return found


def point(path: Path) -> dict[str, float]:
    """Where the example is evaluated: its sidecar JSON, or the values of its `gradcli eval` comment."""
    sidecar = path.with_suffix(".json")
    if sidecar.exists():
        return {name: float(v) for name, v in json.loads(sidecar.read_text(encoding="utf-8")).items()}  # type: ignore[arg-type]
    for args in commands(path):
        if args[0] == "eval":
            values, rest = {}, args[1:]
            for i, arg in enumerate(rest):
                if arg.startswith("--") and arg[2:] not in ("file", "json") and i + 1 < len(rest):
                    values[arg[2:]] = float(rest[i + 1])
            return values
    raise AssertionError(f"{path.name} has neither a sidecar .json nor a `gradcli eval ... --x VALUE` comment")


def sympy_program(text: str) -> sympy.Expr:
    """The output of a program as one SymPy expression: assignments substituted, the last statement the output."""
    names: dict[str, object] = dict(SYMPY_NAMES)
    output = None
    for line in text.splitlines():
        for statement in line.split("#", 1)[0].split(";"):
            statement = statement.strip()
            if not statement:
                continue
            name, equals, expr = statement.partition("=")
            target = name.strip() if equals else None
            output = parse_expr(expr if equals else statement, local_dict=names, transformations=TRANSFORMATIONS)
            if target:
                names[target] = output
    assert output is not None
    return output


def run_example(path: Path, run, loads) -> tuple[float, dict[str, float]]:
    values = point(path)
    options = [f"--values={path.with_suffix('.json')}"] if path.with_suffix(".json").exists() else []
    options += [] if options else [f"--{name}={value!r}" for name, value in values.items()]
    code, stdout, stderr = run("eval", "-f", str(path), *options, "--json")
    assert code == 0, stderr
    data = loads(stdout)
    assert not [d for d in data["diagnostics"] if d["severity"] != "note"], data["diagnostics"]
    return data["value"], data["gradient"]


def test_there_are_examples() -> None:
    assert {path.stem for path in EXAMPLES} >= set(KNOWN)


@pytest.mark.parametrize("path", SCALAR_EXAMPLES, ids=[p.name for p in SCALAR_EXAMPLES])
def test_example_against_sympy(path: Path, run, loads) -> None:
    value, gradient = run_example(path, run, loads)
    expr = sympy_program(path.read_text(encoding="utf-8"))
    at = point(path)
    subs = {sympy.Symbol(name): sympy.Float(v, 50) for name, v in at.items()}
    assert {str(s) for s in expr.free_symbols} <= set(gradient)
    assert set(gradient) == set(at)
    want = float(sympy.N(expr.xreplace(subs), 30))
    assert value == pytest.approx(want, rel=1e-12)
    for name, partial in gradient.items():
        want = float(sympy.N(sympy.diff(expr, sympy.Symbol(name)).xreplace(subs), 30))
        assert partial == pytest.approx(want, rel=1e-12, abs=1e-15), name


@pytest.mark.parametrize("name", KNOWN)
def test_seed_example_gives_the_known_numbers(name: str, run, loads) -> None:
    value, gradient = run_example(ROOT / "examples" / f"{name}.grad", run, loads)
    assert (value, gradient) == KNOWN[name]


COMMAND_LINES = [(path, args) for path in EXAMPLES for args in commands(path)]


@pytest.mark.parametrize(
    ("path", "args"), COMMAND_LINES, ids=[f"{p.name}: gradcli {' '.join(a[:1])}" for p, a in COMMAND_LINES]
)
def test_command_lines_in_the_comments_run(path: Path, args: list[str], run, tmp_path, monkeypatch) -> None:
    assert args[0] in cli.list_commands(None), f"`gradcli {args[0]}` in {path.name} is not a command"
    # The paths in the comments are relative to the repository; outputs (-o) go to a scratch folder.
    args = [str(ROOT / arg) if arg.startswith("examples/") else arg for arg in args]
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run(*args)
    images = any(arg.endswith((".png", ".svg")) for arg in args)
    assert code == 0 or (images and code == 4), stderr  # 4: no Graphviz renderer for an image
    assert stdout or list(tmp_path.iterdir())


# ---- the examples written with vectors and matrices ---------------------------------------------
#
# Each is written again here by hand in SymPy matrices (not read by any parser), over one symbol per
# element, so the value and every element of every gradient are checked independently of gradcli.


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


def _neuron(v: dict) -> sympy.Expr:
    return _sigmoid((v["w"].T * v["x"])[0] + v["b"])


def _mlp2(v: dict) -> sympy.Expr:
    h = (v["W1"] * v["x"] + v["b1"]).applyfunc(sympy.tanh)
    z = v["W2"] * h + v["b2"]
    e = z.applyfunc(sympy.exp)
    p = e / sum(e)
    return -sum(t * sympy.log(q) for t, q in zip(v["t"], p))


TENSOR_TWINS = {"neuron-tensor": _neuron, "mlp2": _mlp2}


def _symbols(name: str, value: object) -> tuple[object, dict]:
    """A SymPy symbol (or column / matrix of symbols, one per element) for a value, and their numbers."""
    if not isinstance(value, list):
        symbol = sympy.Symbol(name)
        return symbol, {symbol: value}
    rows = value if isinstance(value[0], list) else [[x] for x in value]
    symbols = [[sympy.Symbol(f"{name}[{i},{j}]") for j in range(1, len(row) + 1)] for i, row in enumerate(rows, 1)]
    numbers = {s: x for row_s, row in zip(symbols, rows) for s, x in zip(row_s, row)}
    return sympy.Matrix(symbols), numbers


@pytest.mark.parametrize("name", sorted(TENSOR_TWINS))
def test_tensor_example_against_sympy(name: str, run, loads) -> None:
    path = ROOT / "examples" / f"{name}.grad"
    assert path.stem in TENSOR_EXAMPLES and path.exists()
    values = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    code, stdout, stderr = run("eval", "-f", str(path), f"--values={path.with_suffix('.json')}", "--json")
    assert code == 0, stderr
    data = loads(stdout)
    symbols, numbers = {}, {}
    for variable, value in values.items():
        symbols[variable], more = _symbols(variable, value)
        numbers.update({s: sympy.Float(x, 50) for s, x in more.items()})
    expr = TENSOR_TWINS[name](symbols)
    assert data["value"] == pytest.approx(float(sympy.N(expr.xreplace(numbers), 30)), rel=1e-12)
    assert set(data["gradient"]) == set(values)
    for variable in values:
        got = data["gradient"][variable]
        symbol = symbols[variable]
        if isinstance(symbol, sympy.Matrix):
            flat = [x for row in got for x in row] if isinstance(got[0], list) else got
            wanted = [float(sympy.N(sympy.diff(expr, s).xreplace(numbers), 30)) for s in symbol]
            assert flat == pytest.approx(wanted, rel=1e-12, abs=1e-15), variable
        else:
            assert got == pytest.approx(float(sympy.N(sympy.diff(expr, symbol).xreplace(numbers), 30)), rel=1e-12)
