"""Shared test fixtures: the command line through click's CliRunner, strict JSON, and SymPy's form of each op.

Ground truth in these tests never comes from gradcli itself: numbers are
derived by hand, or computed by SymPy from the SymPy form each op record gives (``Op.sympy``).
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
import sympy
from click.testing import CliRunner

from gradcli.cli import cli
from gradcli.ops import OPS, Op


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


def sympy_form(op: Op) -> Callable[..., sympy.Expr]:
    """The op written in SymPy, from its record (``sympy``, or ``name(a, b)`` when SymPy spells it the same)."""
    params = sympy.symbols("a b")[: op.arity]
    text = op.sympy or f"{op.name}({', '.join(op.params)})"
    return sympy.Lambda(params, sympy.sympify(text, locals=dict(zip(op.params, params))))


SYMPY_OPS: dict[str, Callable[..., sympy.Expr]] = {op.name: sympy_form(op) for op in OPS}
"""Each op of gradcli's table written in SymPy, keyed by the op's name."""

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


# ---- where to test each op, from its record ----------------------------------------------------------


def well_conditioned(op: Op, point: tuple[float, ...], *, kappa: float = 20.0, margin: float = 0.05) -> bool:
    """Whether ``op`` is defined and smooth near ``point`` (``Op.domain`` on a box around it) and well
    conditioned at it: finite, moderate, and each input's relative condition number at most ``kappa``.

    Only chooses where to test; the answers the tests compare with come from SymPy or by hand.
    """
    for offsets in itertools.product((-1.0, -0.5, 0.0, 0.5, 1.0), repeat=op.arity):
        near = tuple(x + k * margin * max(1.0, abs(x)) for x, k in zip(point, offsets))
        if op.domain is not None and not op.domain(*near):
            return False
    out = op.forward(*point)
    if not math.isfinite(out) or abs(out) > 1e4:
        return False
    scale = max(abs(out), 1.0)
    partials = op.partial_values(*point, out)
    return all(math.isfinite(d) and abs(d) <= 1e4 and abs(x * d) <= kappa * scale for x, d in zip(point, partials))


def sample_points(op: Op, count: int = 6) -> list[tuple[float, ...]]:
    """``count`` points in [-3, 3] (two decimals) where ``op`` is well conditioned; the same on every run."""
    rng = random.Random(f"points of {op.name}")  # a str seed is hashed with SHA-512: no PYTHONHASHSEED
    points: list[tuple[float, ...]] = []
    for _ in range(10_000):
        point = tuple(round(rng.uniform(-3.0, 3.0), 2) for _ in range(op.arity))
        if point not in points and well_conditioned(op, point):
            points.append(point)
            if len(points) == count:
                break
    return points


@pytest.fixture(scope="session")
def points_of() -> Callable[[Op], list[tuple[float, ...]]]:
    """``sample_points`` as a fixture."""
    return sample_points
