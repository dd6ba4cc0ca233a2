"""``gradcli eval --hessian``: second derivatives from the backward transform applied twice.

Ground truth: the seed example by hand, SymPy's hessian, and central finite
differences of the gradient (reverse mode, a different code path).
"""

from __future__ import annotations

import random

import pytest
import sympy
from conftest import close, sympy_float
from diff_support import random_program, symbols_of, to_sympy

import gradcli

MLP = (
    "h1 = tanh(w11*x1 + w12*x2 + b1); h2 = tanh(w21*x1 + w22*x2 + b2)\n"
    "y = sigmoid(v1*h1 + v2*h2 + c); loss = (y - t)^2"
)  # 12 variables


def test_the_seed_example_by_hand() -> None:
    # f = x² + xy: ∂²f/∂x² = 2, ∂²f/∂x∂y = 1, ∂²f/∂y² = 0.
    result = gradcli.evaluate("x*x + x*y", x=3, y=4, hessian=True)
    assert result.hessian == {"x": {"x": 2.0, "y": 1.0}, "y": {"x": 1.0, "y": 0.0}}


@pytest.mark.parametrize(
    ("program", "point"),
    [
        ("x^3*y + sin(x*y)", {"x": 1.0, "y": 2.0}),
        ("sigmoid(w*x)", {"w": 0.5, "x": 2.0}),
        ("exp(x)*log(y) + x/y", {"x": 0.3, "y": 1.7}),
        ("tanh(w*x + b)^2", {"w": 0.7, "x": -1.2, "b": 0.1}),
        ("sqrt(x^2 + y^2)", {"x": 3.0, "y": 4.0}),
        ("x^y", {"x": 1.5, "y": 2.5}),
        ("softplus(a*b) - atan(a/b)", {"a": -0.4, "b": 1.3}),
        (MLP, {name: 0.1 * k - 0.5 for k, name in enumerate(gradcli.build(MLP).variables)}),
    ],
)
def test_matches_sympy(program: str, point: dict[str, float]) -> None:
    graph = gradcli.build(program)
    result = gradcli.evaluate(graph, point, hessian=True)
    symbols = symbols_of(graph)
    f = to_sympy(graph)
    at = {symbols[name]: sympy.Rational(str(value)) for name, value in point.items()}
    names = list(graph.variables)
    assert list(result.hessian) == names
    for x in names:
        assert list(result.hessian[x]) == names
        for y in names:
            want = sympy_float(sympy.diff(f, symbols[x], symbols[y]).subs(at))
            assert close(result.hessian[x][y], want, 1e-11, scale=1e-6), (x, y)


def _finite_difference_hessian(graph: gradcli.Graph, point: dict[str, float], h: float = 1e-5) -> dict:
    rows: dict[str, dict[str, float]] = {}
    for y in graph.variables:
        up = gradcli.evaluate(graph, {**point, y: point[y] + h}).gradient
        down = gradcli.evaluate(graph, {**point, y: point[y] - h}).gradient
        for x in graph.variables:
            rows.setdefault(x, {})[y] = (up[x] - down[x]) / (2 * h)
    return rows


def test_matches_finite_differences_of_the_gradient_on_random_programs() -> None:
    rng = random.Random("hessian vs finite differences")
    checked = 0
    while checked < 60:
        program = random_program(rng, depth=3)
        graph = gradcli.build(program)
        point = {name: round(rng.uniform(-2, 2), 2) for name in graph.variables}
        result = gradcli.evaluate(graph, point, hessian=True)
        if result.error is not None or any(d.kind == "kink" for d in result.diagnostics):
            continue
        # Finite differences need smoothness near the point: no kink within the step, no huge values.
        if any(op.name in ("relu", "abs", "max", "min", "step", "sign") for op in graph.ops):
            continue
        if not all(abs(v) < 1e3 for row in result.hessian.values() for v in row.values()):
            continue
        numeric = _finite_difference_hessian(graph, point)
        for x, row in result.hessian.items():
            for y, value in row.items():
                assert close(value, numeric[x][y], 1e-4, scale=1.0), (program, point, x, y)
        checked += 1


def test_symmetric_exactly() -> None:
    rng = random.Random("hessian symmetry")
    for _ in range(100):
        graph = gradcli.build(random_program(rng))
        point = {name: round(rng.uniform(-2, 2), 2) for name in graph.variables}
        matrix = gradcli.evaluate(graph, point, hessian=True).hessian
        for x in matrix:
            for y in matrix:
                a, b = matrix[x][y], matrix[y][x]
                assert a == b or (a != a and b != b), (x, y)


def test_twelve_variables_symmetric_and_matching_finite_differences() -> None:
    graph = gradcli.build(MLP)
    point = dict(zip(graph.variables, [0.3 * ((k * 7) % 5) - 0.6 for k in range(12)]))
    matrix = gradcli.evaluate(graph, point, hessian=True).hessian
    numeric = _finite_difference_hessian(graph, point)
    assert len(matrix) == 12
    for x in matrix:
        for y in matrix:
            assert matrix[x][y] == matrix[y][x]
            assert close(matrix[x][y], numeric[x][y], 1e-5, scale=1.0)


@pytest.mark.parametrize(
    ("program", "point"),
    [
        ("relu(x)", {"x": 0.0}),
        ("relu(x)", {"x": 2.0}),
        ("abs(x)", {"x": -1.0}),
        ("max(x, y)", {"x": 1.0, "y": 1.0}),
        ("min(x, y)", {"x": 1.0, "y": 3.0}),
        ("step(x) + sign(x)", {"x": 0.5}),
    ],
)
def test_the_second_derivative_of_a_kink_is_zero(program: str, point: dict[str, float]) -> None:
    matrix = gradcli.evaluate(program, point, hessian=True).hessian
    assert all(v == 0.0 for row in matrix.values() for v in row.values())


def test_at_a_kink_the_first_derivative_keeps_its_convention() -> None:
    # ∂/∂x (relu(x)·y) = step(x)·y, so ∂²/∂x∂y = step(x): 0 at x = 0 (relu'(0) = 0).
    assert gradcli.evaluate("relu(x)*y", x=0, y=3, hessian=True).hessian["x"]["y"] == 0.0
    assert gradcli.evaluate("relu(x)*y", x=1, y=3, hessian=True).hessian["x"]["y"] == 1.0
    # A tie of max splits the gradient: ∂/∂x max(x, y)·z = z/2, so ∂²/∂x∂z = 1/2.
    assert gradcli.evaluate("max(x, y)*z", x=1, y=1, z=5, hessian=True).hessian["x"]["z"] == 0.5


# ---- the command line ------------------------------------------------------------------------------


def test_table_when_piped(run) -> None:
    out = run("eval", "x*x + x*y", "--x", "3", "--y", "4", "--hessian")
    assert out.code == 0
    assert out.stdout.splitlines() == [
        "f      21",
        "∂f/∂x  10",
        "∂f/∂y   3",
        "",
        "∂²f  ∂x  ∂y",
        "∂x    2   1",
        "∂y    1   0",
    ]


def test_json_key_in_the_order_of_the_gradient(run, loads) -> None:
    data = loads(run("eval", "x^3*y + sin(x*y)", "--x", "1", "--y", "2", "--hessian", "--json").stdout)
    assert list(data) == ["expression", "value", "gradient", "hessian", "diagnostics"]
    assert list(data["hessian"]) == list(data["gradient"]) == ["x", "y"]
    assert data["hessian"]["x"]["y"] == data["hessian"]["y"]["x"]
    assert "hessian" not in loads(run("eval", "x^2", "--x", "1", "--json").stdout)


def test_wrt_chooses_rows_and_columns(run, loads) -> None:
    data = loads(run("eval", "x*y*z", "--x", "1", "--y", "2", "--z", "3", "--wrt", "z,x", "--hessian", "--json").stdout)
    assert data["hessian"] == {"z": {"z": 0.0, "x": 2.0}, "x": {"z": 2.0, "x": 0.0}}


def test_forward_mode_gives_the_same_hessian(run, loads) -> None:
    args = ("eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--hessian", "--json")
    assert loads(run(*args).stdout)["hessian"] == loads(run(*args, "--mode", "forward").stdout)["hessian"]


def test_not_finite_exits_3_with_null(run, loads) -> None:
    out = run("eval", "sqrt(x)*y", "--x", "0", "--y", "1", "--hessian", "--json")
    data = loads(out.stdout)
    assert out.code == 3
    assert data["hessian"]["x"]["x"] is None
    assert data["diagnostics"][0]["severity"] == "error"


def test_second_derivative_not_finite_where_the_first_is(run) -> None:
    # x^1.5: f' = 1.5·x^0.5 is 0 at 0, f'' = 0.75·x^-0.5 is infinite there.
    out = run("eval", "x^1.5", "--x", "0", "--hessian")
    assert out.code == 3
    assert "the second derivative ∂²f/∂x² is inf" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("z = x*y; z^2", "--x", "1", "--y", "2", "--wrt", "z"), "second derivatives are taken with respect to"),
        (("x^2", "--grid", "x=0:1:3"), "--hessian is computed at one point"),
    ],
)
def test_usage_errors(run, args: tuple[str, ...], message: str) -> None:
    out = run("eval", *args, "--hessian")
    assert out.code == 2
    assert message in out.stderr
