"""The vectorised evaluator against the scalar one: every column, bit for bit, on random programs.

Ground truth here is ``gradcli.evaluate`` at each point (itself checked
against SymPy and by hand elsewhere): the batch must give the same doubles,
NaN where it gives NaN, and must mark every point where it reports a
non-finite number or a kink.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli
from gradcli.batch.kernels import kernel
from gradcli.batch.vectorised import evaluate_arrays
from gradcli.ops import OPS

# The random programs' strategy has a long repr, which Hypothesis warns about; it is only shown on failure.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 1e-300, -1e-300, 5e-324, 710.0, -710.0, 1e308, -1e308,
           math.inf, -math.inf, math.nan, math.pi / 2, 1e16, 0.1]  # fmt: skip


def same_bits(a: float, b: float) -> bool:
    """Equal as doubles, the sign of zero included; any NaN equals any NaN (no output shows its payload)."""
    if a != a or b != b:
        return a != a and b != b
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _inputs(arity: int) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    random = np.concatenate([rng.standard_normal(3000) * 3, rng.uniform(-1, 1, 1000), rng.standard_normal(500) * 300])
    if arity == 1:
        return [np.concatenate([np.array(SPECIAL), random])]
    grid = np.array([(a, b) for a in SPECIAL for b in SPECIAL])
    pairs = np.concatenate([grid, rng.standard_normal((3000, 2)) * 3, np.round(rng.standard_normal((500, 2)) * 2)])
    return [pairs[:, 0].copy(), pairs[:, 1].copy()]


@pytest.mark.parametrize("op", [op for op in OPS if op.forward is not None], ids=lambda op: op.name)
def test_every_kernel_gives_the_scalar_rules_bits(op) -> None:
    """Each op's array form equals its scalar forward rule on special and random inputs, bit for bit."""
    args = _inputs(op.arity)
    with np.errstate(all="ignore"):
        got = kernel(op)(*args)
    for i, value in enumerate(got.tolist()):
        expected = op.forward(*(float(a[i]) for a in args))
        assert same_bits(value, expected), (op.name, [float(a[i]) for a in args], value, expected)


@pytest.mark.parametrize("exponent", [0.5, 2.0, -1.0, 1.0, 0.0, 3.0, -0.5])
def test_pow_with_one_exponent_for_every_point_gives_the_scalar_rules_bits(exponent: float) -> None:
    """x^2 or x^0.5 in a program, or --y 2 for x^y: one exponent for all points (NumPy's sqrt/square shortcuts)."""
    pow_op = next(op for op in OPS if op.name == "pow")
    rng = np.random.default_rng(11)
    # 8.237813583927716^2 is 67.861572643544 by C's pow (eval's) and 67.86157264354401 by x*x.
    base = np.concatenate([np.array(SPECIAL), [8.237813583927716], rng.uniform(0, 10, 20_000)])
    with np.errstate(all="ignore"):
        for b in (exponent, np.float64(exponent), np.array(exponent), np.broadcast_to(exponent, base.shape)):
            got = kernel(pow_op)(base, b)
            for x, value in zip(base.tolist(), got.tolist()):
                expected = pow_op.forward(x, exponent)
                assert same_bits(value, expected), (x, exponent, value, expected, type(b))


# ---- whole programs ------------------------------------------------------------------------------

NAMES = ("x", "y", "w")
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


def _programs() -> st.SearchStrategy[str]:
    leaves = st.one_of(st.sampled_from(NAMES), st.sampled_from(["2", "0.5", "3", "1", "0", "pi"]))
    functions = sorted(spelling for op in OPS for spelling in op.spellings)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(st.sampled_from(sorted(INFIX.values())), inner, inner).map(lambda t: f"({t[1]} {t[0]} {t[2]})"),
            inner.map(lambda a: f"(-{a})"),
            st.tuples(st.sampled_from(functions), inner, inner).map(_call),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _call(t: tuple[str, str, str]) -> str:
    name, a, b = t
    op = next(op for op in OPS if name in op.spellings)
    return f"{name}({a}, {b})" if op.arity == 2 else f"{name}({a})"


VALUES = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 3.0, 1e-8, 700.0]),
    st.floats(-20, 20, allow_nan=False, allow_infinity=False),
)


def _compare(program: str, columns: dict[str, list[float]], fixed: dict[str, float]) -> None:
    graph = gradcli.build(program)
    wanted = [name for name in graph.variables if name not in columns and name not in fixed]
    fixed = {name: value for name, value in {**fixed, **dict.fromkeys(wanted, 0.75)}.items() if name in graph.variables}
    columns = {name: values for name, values in columns.items() if name in graph.variables}
    size = len(next(iter(columns.values()))) if columns else 3
    wrt = list(graph.variables)
    got = evaluate_arrays(graph, {n: np.array(v) for n, v in columns.items()}, fixed, wrt, size)
    for row in range(size):
        point = {**fixed, **{name: values[row] for name, values in columns.items()}}
        expected = gradcli.evaluate(graph, point)
        assert same_bits(float(got.value[row]), expected.value), (program, point, "value")
        for name in wrt:
            assert same_bits(float(got.gradient[name][row]), expected.gradient[name]), (program, point, name)
        if expected.error is not None or any(d.kind == "kink" for d in expected.diagnostics):
            assert got.suspect[row], (program, point, "not marked for a second look")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=_programs(), xs=st.lists(VALUES, min_size=1, max_size=6), y=VALUES, w=VALUES)
def test_random_programs_match_scalar_eval_bit_for_bit(program: str, xs: list[float], y: float, w: float) -> None:
    """Every column (value and each partial) equals gradcli.evaluate at each point, NaN and -0.0 included."""
    try:
        gradcli.build(program)
    except gradcli.GradcliError:
        return  # e.g. a constant out of range: not a program eval runs either
    _compare(program, {"x": xs, "y": [y + i for i in range(len(xs))]}, {"w": w})


@pytest.mark.parametrize(
    ("program", "x", "expected"),
    [
        # Conventions at kinks, by hand (contract section 1): relu'(0) = 0, abs'(0) = 0, a tie splits ½–½.
        ("relu(x)", [-1.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
        ("abs(x)", [-1.0, 0.0, -0.0, 2.0], [-1.0, 0.0, 0.0, 1.0]),
        ("max(x, 1)", [0.0, 1.0, 2.0], [0.0, 0.5, 1.0]),
        ("min(x, 1)", [0.0, 1.0, 2.0], [1.0, 0.5, 0.0]),
        ("max(x, x)", [3.0], [1.0]),  # ½ + ½ through both inputs
        ("x^2", [0.0, -3.0], [0.0, -6.0]),
        ("x^0", [0.0], [0.0]),  # pow's limit at a = 0: a^0 is the constant 1
    ],
)
def test_conventions_at_kinks_in_batch(program: str, x: list[float], expected: list[float]) -> None:
    graph = gradcli.build(program)
    got = evaluate_arrays(graph, {"x": np.array(x)}, {}, ["x"], len(x))
    assert [same_bits(g, e) for g, e in zip(got.gradient["x"].tolist(), expected)] == [True] * len(x), got.gradient
    _compare(program, {"x": x}, {})


def test_the_tree_view_and_assigned_names() -> None:
    """The tree view sums a variable's leaves left to right, as eval does; --wrt an assigned name works."""
    graph = gradcli.build("x*x + x*y", tree=True)
    got = evaluate_arrays(graph, {"x": np.array([3.0, -1.0])}, {"y": 4.0}, ["x", "y"], 2)
    assert got.gradient["x"].tolist() == [10.0, 2.0] and got.gradient["y"].tolist() == [3.0, -1.0]
    graph = gradcli.build("z = w*x; sigmoid(z)")
    got = evaluate_arrays(graph, {"x": np.array([2.0])}, {"w": 0.5}, ["z"], 1)
    s = 1 / (1 + math.exp(-1.0))
    assert got.gradient["z"][0] == pytest.approx(s * (1 - s), rel=1e-15)


def test_chunks_join_seamlessly() -> None:
    """More points than one chunk: the columns are the same as evaluated in one go, point by point."""
    x = np.linspace(-5, 5, 200_001)
    graph = gradcli.build("sigmoid(w*x + b)*relu(x)")
    got = evaluate_arrays(graph, {"x": x}, {"w": 0.5, "b": -0.25}, ["w", "x", "b"], len(x))
    for row in (0, 65_535, 65_536, 65_537, 131_072, 200_000):
        expected = gradcli.evaluate(graph, {"x": float(x[row]), "w": 0.5, "b": -0.25})
        assert got.value[row] == expected.value
        assert [got.gradient[n][row] for n in ("w", "x", "b")] == list(expected.gradient.values())
