"""Derivatives of programs with vectors and matrices beyond the gradient: ``eval --hessian`` with
respect to scalar variables, and ``gradcli diff``.

Ground truth is SymPy (each program written out element by element by hand) or derived by hand,
never gradcli's own numbers.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sympy

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
a, b, c = sympy.symbols("a b c")
POINT = {a: sympy.Rational(1, 2), b: sympy.Integer(-1), c: sympy.Integer(2)}


def _softmax_weighted(zs: list, weights: list) -> sympy.Expr:
    total = sum(sympy.exp(z) for z in zs)
    return sum(w * sympy.exp(z) / total for z, w in zip(zs, weights))


# Each tensor program with the same function written out by hand in SymPy.
HESSIAN_CASES = [
    ("logsumexp([a, 2*b, a*b])", sympy.log(sympy.exp(a) + sympy.exp(2 * b) + sympy.exp(a * b)), (a, b)),
    ("sum(softmax([a, b, a*b]) * [1, 2, 3])", _softmax_weighted([a, b, a * b], [1, 2, 3]), (a, b)),
    ("dot([a, b], [b, a^2]) + mean([a*a, b])", a * b + b * a**2 + (a * a + b) / 2, (a, b)),
    ("sum(outer([a, b], [1, b]))", (a + b) * (1 + b), (a, b)),
    # transpose(M) @ v sums M's rows weighted by v: a·(a + b) + b·(1 + 2).
    ("sum(transpose([[a, b], [1, 2]]) @ [a, b])", a * (a + b) + b * 3, (a, b)),
    ("sum(sigmoid([a, b] @ [[1, 2], [3, c]]))",
     1 / (1 + sympy.exp(-(a + 3 * b))) + 1 / (1 + sympy.exp(-(2 * a + c * b))), (a, b, c)),
]  # fmt: skip


@pytest.mark.parametrize(("program", "expected", "names"), HESSIAN_CASES, ids=[p for p, *_ in HESSIAN_CASES])
def test_hessian_of_scalar_variables_matches_sympy(run, loads, program: str, expected, names) -> None:
    values = [arg for name in names for arg in (f"--{name}", str(POINT[name]))]
    code, out, err = run("eval", program, *values, "--hessian", "--json")
    assert code == 0, err
    hessian = loads(out)["hessian"]
    assert list(hessian) == [str(n) for n in names]
    for x in names:
        for y in names:
            truth = float(sympy.diff(expected, x, y).subs(POINT).evalf(30))
            got = hessian[str(x)][str(y)]
            assert math.isclose(got, truth, rel_tol=1e-12, abs_tol=1e-14), (x, y, got, truth)
            assert got == hessian[str(y)][str(x)]  # mirror entries are one number


def test_hessian_with_respect_to_the_scalars_of_a_program_with_a_matrix(run, loads) -> None:
    # f = c·(tanh(a + 2b) + tanh(3a + 4b)) for W = [[1, 2], [3, 4]].
    f = c * (sympy.tanh(a + 2 * b) + sympy.tanh(3 * a + 4 * b))
    code, out, err = run("eval", "sum(tanh(W @ [a, b]))*c", "--W", "[[1, 2], [3, 4]]", "--a", "1/2", "--b", "-1",
                         "--c", "2", "--hessian", "--wrt", "a,b,c", "--json")  # fmt: skip
    assert code == 0, err
    hessian = loads(out)["hessian"]
    for x in (a, b, c):
        for y in (a, b, c):
            truth = float(sympy.diff(f, x, y).subs(POINT).evalf(30))
            assert math.isclose(hessian[str(x)][str(y)], truth, rel_tol=1e-12, abs_tol=1e-14)
    assert hessian["c"]["c"] == 0.0  # f is linear in c, exactly


def test_hessian_of_a_matrix_variable_is_refused(run) -> None:
    code, out, err = run("eval", "sum(tanh(W @ [a, b]))", "--W", "[[1, 2], [3, 4]]", "--a", "1", "--b", "2",
                         "--hessian")  # fmt: skip
    assert code == 2 and out == ""
    assert "error: --hessian takes scalar variables, and W is a matrix" in err
    assert "hint: name the scalar variables with --wrt" in err


def test_hessian_table_on_a_terminal(run) -> None:
    # f = softmax([a, b]) · [1, 2] = 1 + σ(b − a): ∂²f/∂a² = σ''(b − a) = σ(1 − σ)(1 − 2σ) at b − a = -1.5.
    s = 1 / (1 + math.exp(1.5))
    second = s * (1 - s) * (1 - 2 * s)
    code, out, err = run("eval", "sum(softmax([a, b]) * [1, 2])", "--a", "0.5", "--b", "-1", "--hessian")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines() if line.startswith("∂a ") or line.startswith("∂b ")]
    assert rows == [["∂a", f"{second:.4g}", f"{-second:.4g}"], ["∂b", f"{-second:.4g}", f"{second:.4g}"]]


# ---- diff: golden cases derived by hand --------------------------------------------------------------

W = ("--W", "[[1, 2], [3, 4]]")
X = ("--x", "[1, -1]")


def test_diff_of_the_issues_example(run) -> None:
    # f = Σᵢⱼ Wᵢⱼ xⱼ: ∂f/∂W = outer(ones, x), ∂f/∂x = Wᵀ ones (the column sums [4, 6]).
    code, out, err = run("diff", "sum(W @ x)", *W, *X)
    assert code == 0, err
    assert out.splitlines() == [
        "∂f/∂W = outer([1, 1], x)       # = [[1, -1], [1, -1]]",
        "∂f/∂x = transpose(W) @ [1, 1]  # = [4, 6]",
    ]


def test_diff_of_the_seeds_neuron(run, loads) -> None:
    # σ' = σ(1 - σ), times the other factor of the dot product.
    code, out, err = run("diff", "sigmoid(w @ x + b)", "--w", "[0.5, -1, 2]", "--x", "[1, 2, 3]", "--b", "0.1",
                         "--json")  # fmt: skip
    assert code == 0, err
    data = loads(out)
    assert data["derivatives"] == {
        "w": "x*sigmoid(w @ x + b)*(1 - sigmoid(w @ x + b))",
        "x": "w*sigmoid(w @ x + b)*(1 - sigmoid(w @ x + b))",
        "b": "sigmoid(w @ x + b)*(1 - sigmoid(w @ x + b))",
    }
    s = 1 / (1 + math.exp(-(0.5 - 2 + 6 + 0.1)))
    assert data["values"]["w"] == pytest.approx([s * (1 - s) * v for v in (1, 2, 3)], rel=1e-15)
    assert data["values"]["b"] == pytest.approx(s * (1 - s), rel=1e-15)


def test_diff_of_a_layer_names_the_program_s_names(run) -> None:
    code, out, err = run("diff", "h = tanh(W @ x + b); sum(h*y)", *W, *X, "--b", "[0, 1]", "--y", "[2, 3]",
                         "--wrt", "W,b")  # fmt: skip
    assert code == 0, err
    lines = [line.split("  #")[0].rstrip() for line in out.splitlines()]
    assert lines == [
        "∂f/∂W = outer(y*(1 - h^2), x)",
        "∂f/∂b = y*(1 - h^2)",
        "where h = tanh(W @ x + b)",
    ]
    # An assigned name: ∂f/∂h is what the backward pass carries into h, y = [2, 3].
    code, out, err = run("diff", "h = tanh(W @ x + b); sum(h*y)", *W, *X, "--b", "[0, 1]", "--y", "[2, 3]",
                         "--wrt", "h")  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == ["∂f/∂h = y  # = [2, 3]"]


def test_diff_formulas_pass_check(run) -> None:
    # The contract's promise: check --expect NAME="<diff's formula>" holds, at the point and at random points.
    program, values = "sum(softmax(W @ x) * [1, 2]) + mean(x^2)*c", (*W, *X, "--c", "0.5")
    code, out, err = run("diff", program, *values, "--json")
    assert code == 0, err
    import json

    formulas = json.loads(out)["derivatives"]
    expects = [arg for name, formula in formulas.items() for arg in ("--expect", f"{name}={formula}")]
    for extra in ((), ("--points", "10")):
        code, out, err = run("check", program, *values, *expects, *extra)
        assert code == 0, out + err


def test_diff_refuses_what_needs_scalars(run) -> None:
    for option, hint in (("--order=2", "eval --hessian"), ("--steps", "trace"), ("--latex", "--latex"),
                         ("--granularity=fused", "W[2,1]")):  # fmt: skip
        code, out, err = run("diff", "sum(W @ x)", *W, *X, option)
        assert code == 2 and out == ""
        assert "takes scalar programs, and this one has vectors or matrices" in err and hint in err
    code, _, err = run("diff", "sum(W @ x)", *W)
    assert code == 2
    assert "x without a value is a scalar; diff takes the shapes of vectors and matrices from their values" in err


# ---- diff: random programs, each formula evaluated against eval's gradient ---------------------------------

SHAPES = {"W": (2, 3), "V": (3, 2), "x": (3,), "y": (2,), "s": ()}
UNARY = ("tanh", "sigmoid", "sin", "cos", "softplus", "relu")


def _expr(rng, shape: tuple, depth: int) -> str:
    """A random expression of the given shape, over W (2, 3), V (3, 2), x (3,), y (2,) and s."""
    leaves = [n for n, s in SHAPES.items() if s == shape]
    if depth == 0 or rng.random() < 0.2:
        if shape == ():
            return rng.choice(["s", "0.5", "s"])
        if len(shape) == 1 and rng.random() < 0.2:  # a literal, of numbers or with expressions in it
            numbers = rng.random() < 0.5
            elements = [str(round(rng.uniform(-2, 2), 2)) if numbers else f"{_expr(rng, (), 0)}*{k + 1}"
                        for k in range(shape[0])]  # fmt: skip
            return "[" + ", ".join(elements) + "]"
        return rng.choice(leaves) if leaves else f"transpose({_expr(rng, shape[::-1], 0)})"
    d = depth - 1
    choices = ["unary", "binary", "scalar"]
    if shape == ():
        choices += ["sum", "mean", "dot", "logsumexp", "vv"]
    elif len(shape) == 1:
        choices += ["mv", "vm", "softmax"]
    else:
        choices += ["outer", "transpose"]
    kind = rng.choice(choices)
    n = shape[0] if shape else 0
    if kind == "unary":
        return f"{rng.choice(UNARY)}({_expr(rng, shape, d)})"
    if kind == "binary":
        op = rng.choice(["+", "-", "*", "/"])
        right = _expr(rng, shape, d)
        return f"({_expr(rng, shape, d)} {op} {'(2 + sigmoid(' + right + '))' if op == '/' else right})"
    if kind == "scalar":
        return f"({_expr(rng, (), d)} * {_expr(rng, shape, d)})"
    if kind in ("sum", "mean"):
        return f"{kind}({_expr(rng, rng.choice([(2,), (3,), (2, 3)]), d)})"
    if kind in ("dot", "vv"):
        k = rng.choice([2, 3])
        a, b = _expr(rng, (k,), d), _expr(rng, (k,), d)
        return f"dot({a}, {b})" if kind == "dot" else f"({a} @ {b})"
    if kind == "logsumexp":
        return f"logsumexp({_expr(rng, (rng.choice([2, 3]),), d)})"
    if kind == "softmax":
        return f"softmax({_expr(rng, shape, d)})"
    if kind == "mv":
        k = 5 - n
        return f"({_expr(rng, (n, k), d)} @ {_expr(rng, (k,), d)})"
    if kind == "vm":
        k = 5 - n
        return f"({_expr(rng, (k,), d)} @ {_expr(rng, (k, n), d)})"
    if kind == "outer":
        return f"outer({_expr(rng, (shape[0],), d)}, {_expr(rng, (shape[1],), d)})"
    return f"transpose({_expr(rng, shape[::-1], d)})"


def _values(rng) -> dict:
    def draw() -> float:
        return round(rng.uniform(-1.5, 1.5), 3)

    return {
        name: draw() if not shape else [draw() for _ in range(shape[0])] if len(shape) == 1
        else [[draw() for _ in range(shape[1])] for _ in range(shape[0])]
        for name, shape in SHAPES.items()
    }  # fmt: skip


def _close(a, b) -> bool:
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(p, q) for p, q in zip(a, b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("seed", range(60))
def test_random_programs_formulas_evaluate_to_eval_s_gradient(seed: int) -> None:
    import random

    from gradcli.api import evaluate
    from gradcli.parser import parse
    from gradcli.symbolic.tensor_diff import tensor_diff
    from gradcli.syntax import names_in
    from gradcli.tensor import build_view, evaluate_tensor, tensor_values

    rng = random.Random(seed)
    body = _expr(rng, (2,), 3)
    text = f"h = {body}\nsum({_expr(rng, (2,), 1)} * h) + {_expr(rng, (), 2)}"
    values = _values(rng)
    program = parse(text)
    used = {n.id for n in names_in(program.statements)}
    values = {k: v for k, v in values.items() if k in used}
    result = evaluate(text, values)
    if result.error is not None:
        pytest.skip("not finite at this point")
    tensor = build_view(program, tensor_values(values))
    derivatives = tensor_diff(tensor)
    # The where lines of shared subexpressions are assignments after the program (its own names it has).
    definitions = [f"{d.name} = {derivatives.formula_text(d)}" for d in derivatives.where
                   if d.name not in tensor.assigned]  # fmt: skip
    for formula in derivatives.formulas:
        (name,) = formula.names
        answer = "\n".join([text, *definitions, derivatives.formula_text(formula)])
        got = evaluate_tensor(parse(answer), values, gradient=False).value
        want = result.gradient[name]
        got_list = got.nested() if hasattr(got, "nested") else got
        want_list = want.nested() if hasattr(want, "nested") else want
        assert _close(got_list, want_list), (text, name, derivatives.formula_text(formula), got_list, want_list)


@pytest.mark.parametrize(
    ("program", "values", "expected"),
    [
        # f = x² + 4y²: 2x and 8y.
        ("sum([x, 2*y]^2)", {"x": "0.5", "y": "-1"}, {"x": 1.0, "y": -8.0}),
        # M = [[a, 2], [b*a, b]]: M @ [2, 3] = [2a + 6, 2ab + 3b]; ∂a = 2 + 2b, ∂b = 2a + 3.
        ("sum([[a, 2], [b*a, b]] @ [2, 3])", {"a": "0.5", "b": "-1"}, {"a": 0.0, "b": 4.0}),
    ],
)
def test_diff_of_literals_with_expressions(run, loads, program: str, values: dict, expected: dict) -> None:
    args = [arg for name, value in values.items() for arg in (f"--{name}", value)]
    code, out, err = run("diff", program, *args, "--json")
    assert code == 0, err
    data = loads(out)
    assert data["values"] == expected
    expects = [arg for name, formula in data["derivatives"].items() for arg in ("--expect", f"{name}={formula}")]
    code, out, err = run("check", program, *args, *expects, "--points", "10")
    assert code == 0, out + err


def test_a_literal_naming_an_earlier_variable(run, loads) -> None:
    # f = Σ [s, 1]·(s·y) = s²y₁ + s·y₂: ∂f/∂s = 2s·y₁ + y₂ = 2·2·1 + 2 = 6 at s = 2, y = [1, 2].
    code, out, err = run("diff", "h = s*y; sum([s, 1]*h)", "--s", "2", "--y", "[1, 2]", "--json")
    assert code == 0, err
    data = loads(out)
    assert data["values"]["s"] == 6.0
    formula = data["derivatives"]["s"]
    code, out, err = run("check", "h = s*y; sum([s, 1]*h)", "--s", "2", "--y", "[1, 2]", "--expect", f"s={formula}")
    assert code == 0, out + err


def test_inline_formulas_of_the_mlp_pass_check_at_random_points(run, loads) -> None:
    files = ("-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json"))
    code, out, err = run("diff", *files, "--inline", "--json")
    assert code == 0, err
    data = loads(out)
    assert data["where"] == {} and data["size"]["inlined"] > data["size"]["named"]
    assert "note: --inline:" in run("diff", *files, "--inline").stderr
    expects = [arg for name, formula in data["derivatives"].items() for arg in ("--expect", f"{name}={formula}")]
    code, out, err = run("check", *files, *expects, "--points", "5")
    assert code == 0, out + err
    assert "all 6 answers hold at 5 random points" in out


def test_a_gradient_that_folds_to_a_number_keeps_its_shape(run) -> None:
    # y - y is 0 and ·0 is 0: every gradient is zero, written in its variable's shape.
    code, out, err = run("diff", "sum((y - y)*h) + sum(W @ x)*0", "--y", "[1, 2]", "--h", "[3, 4]", *W, *X)
    assert code == 0, err
    assert [line.split("  #")[0].rstrip() for line in out.splitlines()] == [
        "∂f/∂y = [0, 0]",
        "∂f/∂h = [0, 0]",
        "∂f/∂W = [[0, 0], [0, 0]]",
        "∂f/∂x = [0, 0]",
    ]
