"""Shared test fixtures: the command line through click's CliRunner, strict JSON, and SymPy's form of each op.

Ground truth in these tests never comes from gradcli itself: numbers are
derived by hand, or computed by SymPy from the mapping below.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
import sympy
from click.testing import CliRunner

from gradcli.cli import cli


class Outcome(NamedTuple):
    """What one run of the command line left behind."""

    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | bytes | None = None) -> Outcome:
    """Run ``gradcli ARGS`` in-process; the error barrier in ``cli.main`` sets the real exit status.

    Whatever the input, the output must never hold a Python traceback and the
    run must never end in an internal error: both are bugs by the contract.
    """
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
    assert not result.stderr.startswith("internal error:") and "\ninternal error:" not in result.stderr, result.stderr
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="session")
def run() -> Callable[..., Outcome]:
    """``run("eval", "x^2", "--x", "3") -> (exit status, stdout, stderr)``."""
    return run_cli


def _no_nonfinite(token: str) -> float:
    raise AssertionError(f"the JSON holds the token {token}, which RFC 8259 does not allow")


def strict_json(text: str) -> Any:
    """Parse exactly one JSON value, refusing NaN, Infinity and -Infinity (RFC 8259)."""
    return json.loads(text, parse_constant=_no_nonfinite)


@pytest.fixture(scope="session")
def loads() -> Callable[[str], Any]:
    """``strict_json`` as a fixture."""
    return strict_json


# ---- SymPy, the independent ground truth for every op --------------------------------------------

SYMPY_OPS: dict[str, Callable[..., sympy.Expr]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "pow": lambda a, b: a**b,
    "sqrt": sympy.sqrt,
    "exp": sympy.exp,
    "log": sympy.log,
    "log2": lambda a: sympy.log(a) / sympy.log(2),
    "log10": lambda a: sympy.log(a) / sympy.log(10),
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)),
    "relu": lambda a: sympy.Max(0, a),
    "abs": sympy.Abs,
    "max": sympy.Max,
    "min": sympy.Min,
}
"""Each op of gradcli's table written in SymPy; tests assert that it covers every op."""

SYMPY_DIGITS = 40


def sympy_float(expr: sympy.Expr) -> float:
    """A SymPy number evaluated to high precision, as the nearest double; it must be real and finite."""
    value = sympy.N(expr, SYMPY_DIGITS)
    assert value.is_real, f"SymPy gives a value that is not real: {value}"
    result = float(value)
    assert math.isfinite(result), f"SymPy gives a value that is not finite: {value}"
    return result


def close(got: float, want: float, rel: float = 1e-12, scale: float = 1.0) -> bool:
    """``got`` equals ``want`` to ``rel``, relative to ``want`` or to ``scale``, whichever is larger."""
    return abs(got - want) <= rel * max(abs(want), scale)


@pytest.fixture(scope="session")
def sympy_ops() -> dict[str, Callable[..., sympy.Expr]]:
    """Op name -> the op written in SymPy."""
    return SYMPY_OPS


@pytest.fixture(scope="session")
def to_float() -> Callable[[sympy.Expr], float]:
    """``sympy_float`` as a fixture."""
    return sympy_float


@pytest.fixture(scope="session")
def isclose() -> Callable[..., bool]:
    """``close`` as a fixture."""
    return close
