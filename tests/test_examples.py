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
        return {name: float(v) for name, v in json.loads(sidecar.read_text(encoding="utf-8")).items()}
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


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
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
