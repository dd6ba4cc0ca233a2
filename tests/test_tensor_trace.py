"""``gradcli trace`` of programs with vectors and matrices: tensor steps, element steps, JSON, walkthroughs.

The program of most tests is one layer and a sum, f = sum(sigmoid(W @ x + b)) at
W = [[1, 2], [3, 4]], x = [1, -1], b = [0, 0.5]. By hand: z = W x + b = [-1, -0.5],
y = σ(z), f = σ(-1) + σ(-0.5); δ = ∂f/∂z = σ(z)(1 − σ(z)) = [0.1966, 0.2350];
∂f/∂W = outer(δ, x) = [[δ₁, −δ₁], [δ₂, −δ₂]], ∂f/∂x = Wᵀδ = [δ₁ + 3δ₂, 2δ₁ + 4δ₂],
∂f/∂b = δ. Full-precision numbers come from SymPy, never from gradcli.
"""

from __future__ import annotations

import re

import pytest
import sympy

from gradcli.tensor import Tensor
from gradcli.tensortext import tensor_text

PROGRAM = "sum(sigmoid(W @ x + b))"
VALUES = ("--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]", "--b", "[0, 0.5]")


def sympy_layer() -> dict[str, object]:
    """The layer's value and gradients by SymPy: symbols for every element, derivatives by diff."""
    w = sympy.Matrix(2, 2, sympy.symbols("w11 w12 w21 w22"))
    x = sympy.Matrix(sympy.symbols("x1 x2"))
    b = sympy.Matrix(sympy.symbols("b1 b2"))
    z = w * x + b
    f = sum(1 / (1 + sympy.exp(-zi)) for zi in z)
    point = dict(zip([*w, *x, *b], [1, 2, 3, 4, 1, -1, 0, sympy.Rational(1, 2)]))

    def at(expr: sympy.Expr) -> float:
        return float(sympy.N(expr.subs(point), 40))

    return {
        "value": at(f),
        "W": [[at(f.diff(w[i, j])) for j in range(2)] for i in range(2)],
        "x": [at(f.diff(xi)) for xi in x],
        "b": [at(f.diff(bi)) for bi in b],
        "z": [at(zi) for zi in z],
        "y": [at(1 / (1 + sympy.exp(-zi))) for zi in z],
    }


@pytest.fixture(scope="module")
def truth() -> dict[str, object]:
    return sympy_layer()


def steps(text: str) -> list[str]:
    """The working lines of a pass (notes cut off, a wrapped step joined to its first line)."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.startswith("  "):
            continue
        line = line.split("  # ")[0].strip()
        if line.startswith("= ") and out:
            out[-1] += " " + line
        else:
            out.append(re.sub(r"^(\S+) +=", r"\1 =", line))
    return out


def close(got: float, want: float) -> bool:
    return abs(got - want) <= 1e-15 * max(abs(want), 1.0)


def nested_close(got: object, want: object) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(nested_close, got, want))
    return isinstance(got, float) and close(got, want)  # type: ignore[arg-type]


# ---- tensor granularity ----------------------------------------------------------------------------


def test_tensor_steps_show_shapes_values_and_vector_jacobian_rules(run) -> None:
    code, out, err = run("trace", PROGRAM, *VALUES)
    assert (code, err) == (0, "")
    forward, rest = out.split("Backward pass")
    backward, gradient = rest.split("Gradient:")
    assert steps(forward) == [
        "W = [[1, 2], [3, 4]]",
        "x = [1, -1]",
        "b = [0, 0.5]",
        "v2 = W @ x = [[1, 2], [3, 4]] @ [1, -1] = [-1, -1]",
        "v4 = v2 + b = [-1, -1] + [0, 0.5] = [-1, -0.5]",
        "v5 = σ(v4) = σ([-1, -0.5]) = [0.2689, 0.3775]",
        "v6 = sum(v5) = sum([0.2689, 0.3775]) = 0.6465",
    ]
    assert steps(backward) == [
        "∂f/∂v6 = ∂f/∂f = 1",
        "∂f/∂v5 = [∂f/∂v6, ∂f/∂v6] = [1, 1]",
        "∂f/∂v4 = ∂f/∂v5 · σ(v4)·(1 − σ(v4)) = [1, 1] · [0.2689, 0.3775]·(1 − [0.2689, 0.3775]) = [0.1966, 0.235]",
        "∂f/∂v2 = ∂f/∂v4 · 1 = [0.1966, 0.235] · 1 = [0.1966, 0.235]",
        "∂f/∂W = outer(∂f/∂v2, x) = outer([0.1966, 0.235], [1, -1]) = [[0.1966, -0.1966], [0.235, -0.235]]",
        "∂f/∂x = transpose(W) @ ∂f/∂v2 = transpose([[1, 2], [3, 4]]) @ [0.1966, 0.235] = [0.9016, 1.333]",
        "∂f/∂b = ∂f/∂v4 · 1 = [0.1966, 0.235] · 1 = [0.1966, 0.235]",
    ]
    # Notes: shapes, element by element, the output, the seed.
    assert "# shape (2, 2)" in forward.splitlines()[1]
    assert "element by element" in next(line for line in forward.splitlines() if "σ(v4)" in line)
    assert "the output, f" in forward.splitlines()[-2]
    # Piped, the gradient is one line per element, 1-based, as eval prints it.
    assert gradient.split() == [
        "f", "0.6465",
        "∂f/∂W[1,1]", "0.1966", "∂f/∂W[1,2]", "-0.1966", "∂f/∂W[2,1]", "0.235", "∂f/∂W[2,2]", "-0.235",
        "∂f/∂x[1]", "0.9016", "∂f/∂x[2]", "1.333", "∂f/∂b[1]", "0.1966", "∂f/∂b[2]", "0.235",
    ]  # fmt: skip


def test_tensor_json_has_nested_values_shapes_and_sympy_numbers(run, loads, truth) -> None:
    code, out, _ = run("trace", PROGRAM, *VALUES, "--json")
    assert code == 0
    data = loads(out)
    assert data["view"] == {"tree": False, "granularity": "tensor"}
    assert data["output"] == {"node": 6, "symbol": "v6", "name": "f", "shape": []}
    assert close(data["value"], truth["value"])
    for name in ("W", "x", "b"):
        assert nested_close(data["gradient"][name], truth[name]), name
    # One forward step per variable and per operation; one backward step per node a gradient reaches.
    assert [s["symbol"] for s in data["forward"]] == ["W", "x", "b", "v2", "v4", "v5", "v6"]
    assert [s["symbol"] for s in data["backward"]] == ["v6", "v5", "v4", "v2", "W", "x", "b"]
    by_symbol = {s["symbol"]: s for s in data["forward"]}
    assert by_symbol["W"]["shape"] == [2, 2] and by_symbol["W"]["value"] == [[1.0, 2.0], [3.0, 4.0]]
    assert by_symbol["v4"]["shape"] == [2] and nested_close(by_symbol["v4"]["value"], truth["z"])
    assert nested_close(by_symbol["v5"]["value"], truth["y"])
    assert by_symbol["v6"]["shape"] == [] and close(by_symbol["v6"]["value"], truth["value"])
    assert by_symbol["v2"]["op"] == "matmul" and by_symbol["v2"]["inputs"] == [0, 1]
    grads = {s["symbol"]: s for s in data["backward"]}
    assert grads["v6"]["kind"] == "seed" and grads["v6"]["value"] == 1.0
    assert nested_close(grads["v4"]["value"], truth["b"])  # ∂f/∂z = δ = ∂f/∂b
    (term,) = grads["W"]["terms"]
    assert (term["from"], term["input"], term["text"]) == (2, 0, "outer(∂f/∂v2, x)")
    assert nested_close(term["value"], truth["W"])
    assert grads["x"]["terms"][0]["text"] == "transpose(W) @ ∂f/∂v2"


def test_every_view_gives_the_same_gradient_bit_for_bit(run, loads) -> None:
    """The tensor trace gathers gradcli's own numbers: the same doubles as eval --json, in every view."""
    want = loads(run("eval", PROGRAM, *VALUES, "--json").stdout)
    for view in ("tensor", "fused"):
        data = loads(run("trace", PROGRAM, *VALUES, "--json", "--granularity", view).stdout)
        assert data["value"] == want["value"], view
        assert data["gradient"] == want["gradient"], view
    # σ split into neg, exp, add, div rounds its derivative differently in the last bit (as eval does).
    scalar = loads(run("trace", PROGRAM, *VALUES, "--json", "--granularity", "scalar").stdout)
    want_scalar = loads(run("eval", PROGRAM, *VALUES, "--json", "--granularity", "scalar").stdout)
    assert scalar["gradient"] == want_scalar["gradient"]
    assert all(nested_close(scalar["gradient"][n], want["gradient"][n]) for n in ("W", "x", "b"))
    tensor = loads(run("trace", PROGRAM, *VALUES, "--json").stdout)
    last = {s["symbol"]: s["value"] for s in tensor["backward"]}
    assert [last[name] for name in ("W", "x", "b")] == [want["gradient"][name] for name in ("W", "x", "b")]


def test_a_node_used_several_times_gets_one_term_per_use(run, loads) -> None:
    # f = sum(W @ x) + dot(x, x) at W = [[1, 2], [3, 4]], x = [1, -1]:
    # ∂f/∂x = Wᵀ[1, 1] + x + x = [4, 6] + [1, -1] + [1, -1] = [6, 4].
    code, out, _ = run("trace", "sum(W @ x) + dot(x, x)", "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]", "--json")
    assert code == 0
    step = next(s for s in loads(out)["backward"] if s["symbol"] == "x")
    assert [t["text"] for t in step["terms"]] == ["transpose(W) @ ∂f/∂v2", "∂f/∂v4·x", "∂f/∂v4·x"]
    assert [t["value"] for t in step["terms"]] == [[4.0, 6.0], [1.0, -1.0], [1.0, -1.0]]
    assert step["value"] == [6.0, 4.0]
    assert "x is used 3 times: one term per use" in step["notes"]
    assert step["text"].endswith("= [4, 6] + [1, -1] + [1, -1] = [6, 4]")


def test_a_transpose_passes_back_only_its_own_users_gradient(run, loads) -> None:
    # f = sum(transpose(W) @ x) + sum(W @ y): through the transpose ∂f/∂Wᵀ = outer([1, 1], x) = [[1, 2], [1, 2]],
    # so W gets [[1, 1], [2, 2]] from it and outer([1, 1], y) = [[3, 5], [3, 5]] from W @ y: [[4, 6], [5, 7]].
    args = ("sum(transpose(W) @ x) + sum(W @ y)", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 2]", "--y", "[3, 5]")
    data = loads(run("trace", *args, "--json").stdout)
    by_op = {s["op"]: s for s in data["backward"] if s["op"] in ("transpose", "var")}
    assert by_op["transpose"]["value"] == [[1.0, 2.0], [1.0, 2.0]]
    w = next(s for s in data["backward"] if s["symbol"] == "W")
    assert [t["value"] for t in w["terms"]] == [[[1.0, 1.0], [2.0, 2.0]], [[3.0, 5.0], [3.0, 5.0]]]
    assert w["value"] == [[4.0, 6.0], [5.0, 7.0]] == data["gradient"]["W"]


def test_a_literal_passes_each_element_its_part(run) -> None:
    # f = dot([x, 2*y], v) at x = 1, y = 3, v = [4, 5]: ∂f/∂x = 4, ∂f/∂(2y) = 5, ∂f/∂y = 10; ∂f/∂v = [1, 6].
    code, out, _ = run("trace", "dot([x, 2*y], v)", "--x", "1", "--y", "3", "--v", "[4, 5]")
    assert code == 0
    backward = steps(out.split("Backward pass")[1].split("Gradient:")[0])
    assert "∂f/∂v4 = ∂f/∂v6·v = 1·[4, 5] = [4, 5]" in backward
    assert "∂f/∂v3 = ∂f/∂v4[2] = 5" in backward
    assert "∂f/∂x = ∂f/∂v4[1] = 4" in backward
    assert "∂f/∂y = ∂f/∂v3 · 2 = 5 · 2 = 10" in backward
    assert "∂f/∂v = ∂f/∂v6·v4 = 1·[1, 6] = [1, 6]" in backward


def test_mean_and_a_scalar_used_with_every_element(run) -> None:
    # f = mean(s * v) at s = 2, v = [1, 3]: ∂f/∂(s·v) = [1/2, 1/2]; ∂f/∂s = sum([1/2, 1/2] · v) = 2; ∂f/∂v = [1, 1].
    code, out, _ = run("trace", "mean(s * v)", "--s", "2", "--v", "[1, 3]")
    assert code == 0
    backward = steps(out.split("Backward pass")[1].split("Gradient:")[0])
    assert backward[1] == "∂f/∂v2 = [∂f/∂v3/2, ∂f/∂v3/2] = [1/2, 1/2] = [0.5, 0.5]"
    assert "∂f/∂s = sum(∂f/∂v2 · v) = sum([0.5, 0.5] · [1, 3]) = 2" in backward
    assert "∂f/∂v = ∂f/∂v2 · s = [0.5, 0.5] · 2 = [1, 1]" in backward


def test_long_vectors_are_elided_with_a_count(run) -> None:
    x = "[" + ", ".join(str(i) for i in range(1, 785)) + "]"
    code, out, _ = run("trace", "sum(x * x)", "--x", x, "--max-steps", "6")
    assert code == 0
    forward = steps(out.split("Backward pass")[0])
    assert forward[0] == "x = [1, 2, …, 784] (784 numbers)"
    assert forward[1] == "v1 = x · x = [1, 2, …, 784] · [1, 2, …, 784] = [1, 4, …, 614656] (784 numbers)"
    backward = steps(out.split("Backward pass")[1].split("Gradient:")[0])
    assert backward[-1].split(" = ") == [
        "∂f/∂x",
        "∂f/∂v1 · x + ∂f/∂v1 · x",
        "[1, 1, …, 1] · [1, 2, …, 784] + [1, 1, …, 1] · [1, 2, …, 784]",
        "[1, 2, …, 784] + [1, 2, …, 784]",
        "[2, 4, …, 1568] (784 numbers)",
    ]
    # Piped, --max-steps also bounds the gradient's lines: the first and the last, with a count.
    gradient = out.split("Gradient:")[1].splitlines()[1:]
    # f = Σ i² = 784·785·1569/6 = 160937560; ∂f/∂x[784] = 2·784.
    assert gradient[0].split() == ["f", "160937560"] and gradient[-1].split() == ["∂f/∂x[784]", "1568"]
    assert "… 779 more" in gradient and len(gradient) == 7


def test_tensor_text_elides_large_tensors_only() -> None:
    assert tensor_text(Tensor((2, 2), [1.0, 2.0, 3.0, 4.0])) == "[[1, 2], [3, 4]]"
    assert tensor_text(Tensor((10,), [float(i) for i in range(10)])) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
    assert tensor_text(Tensor((11,), [float(i) for i in range(11)])) == "[0, 1, …, 10] (11 numbers)"
    assert tensor_text(Tensor((3, 4), [float(i) for i in range(12)])) == "[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]"
    big = Tensor((16, 784), [0.5] * (16 * 784))
    assert tensor_text(big) == "[[0.5, 0.5, …, 0.5], [0.5, 0.5, …, 0.5], …, [0.5, 0.5, …, 0.5]] (12,544 numbers)"
    assert tensor_text(big, count=False).endswith("]")
    assert tensor_text(-2.0, operand=True) == "(-2)" and tensor_text(-2.0) == "-2"


# ---- fused and scalar granularity: today's scalar trace of the unrolled graph ---------------------------


@pytest.mark.parametrize(
    ("view", "operations"),
    [
        # W @ x: 2 rows of (2 ×, 1 +); + b: 2; σ: 2 fused, or 2 × (neg, exp, add, div) decomposed; sum: 1 +.
        ("fused", 6 + 2 + 2 + 1),
        ("scalar", 6 + 2 + 8 + 1),
    ],
)
def test_unrolled_views_count_their_steps(view: str, operations: int, run, loads) -> None:
    data = loads(run("trace", PROGRAM, *VALUES, "--json", "--granularity", view).stdout)
    leaves = 4 + 2 + 2
    assert data["view"]["granularity"] == view
    assert len(data["forward"]) == leaves + operations
    # The seed, every operation below the output, every leaf: each receives a gradient.
    assert len(data["backward"]) == 1 + (operations - 1) + leaves
    want = loads(run("eval", PROGRAM, *VALUES, "--json", "--granularity", view).stdout)
    assert data["gradient"] == want["gradient"]


def test_unrolled_steps_name_their_element(run, loads) -> None:
    code, out, _ = run("trace", PROGRAM, *VALUES, "--granularity", "fused")
    assert code == 0
    lines = out.splitlines()
    # The second row of W @ x: W[2,1]·x[1] + W[2,2]·x[2] = 3 − 4 = −1.
    row = [line for line in lines if line.strip().startswith(("v9 ", "v10 ", "v11 "))]
    assert [line.split("  # ")[1] for line in row] == ["element [2] of W @ x"] * 3
    assert steps("\n".join(row)) == ["v9 = W[2,1] · x[1] = 3 · 1 = 3", "v10 = W[2,2] · x[2] = 4 · (-1) = -4",
                                     "v11 = v9 + v10 = 3 + (-4) = -1"]  # fmt: skip
    output = next(line for line in lines if line.strip().startswith("v18 "))
    assert output.endswith("# the output, f; part of sum(sigmoid(W @ x + b))")
    data = loads(run("trace", PROGRAM, *VALUES, "--granularity", "fused", "--json").stdout)
    step = next(s for s in data["forward"] if s["symbol"] == "v9")
    assert step["origin"] == {"node": 2, "op": "matmul", "element": [2]}
    assert step["value"] == 3.0


# ---- what a tensor trace refuses, and walkthroughs ------------------------------------------------------


def test_an_output_of_several_numbers_is_refused_as_eval_refuses_it(run) -> None:
    code, out, err = run("trace", "sigmoid(W @ x + b)", *VALUES)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: the output is (2,), 2 numbers; a gradient needs one number",
        "hint: reduce it to one number, such as sum(sigmoid(W @ x + b)), or a loss such as sum((y - t)^2)",
    ]


def test_tree_view_is_refused_for_tensor_programs(run) -> None:
    code, out, err = run("trace", PROGRAM, *VALUES, "--tree")
    assert (code, out) == (2, "") and err.startswith("error: --tree draws scalar programs")


def test_a_walkthrough_needs_an_unrolled_view(run, tmp_path) -> None:
    page = tmp_path / "walk.html"
    code, out, err = run("trace", PROGRAM, *VALUES, "-o", str(page))
    assert (code, out) == (2, "") and not page.exists()
    assert err.startswith("error: a walkthrough draws every element's operations")
    assert "hint: add --granularity fused" in err
    code, _, err = run("trace", PROGRAM, *VALUES, "-o", str(page), "--granularity", "fused")
    assert (code, err) == (0, "")
    text = page.read_text(encoding="utf-8")
    assert "element [2] of W @ x" in text and "∂f/∂W[2,1]" in text


def test_scalar_programs_keep_their_trace(run) -> None:
    """A scalar program never takes the tensor path: the seed's steps, byte for byte."""
    code, out, _ = run("trace", "x*x + x*y", "--x", "3", "--y", "4", "--granularity", "tensor")
    assert code == 0
    assert steps(out.split("Backward pass")[0]) == [
        "x = 3", "y = 4", "v1 = x · x = 3 · 3 = 9", "v3 = x · y = 3 · 4 = 12", "v4 = v1 + v3 = 9 + 12 = 21",
    ]  # fmt: skip
    assert "shape" not in out


MIXED = "L = logsumexp(softmax(x @ A)) + sum(outer(x, y) @ B) + mean(transpose(B))"
MIXED_VALUES = (
    *("--x", "[0.5, -1]", "--A", "[[1, 0, 2], [-1, 3, 0.5]]"),
    *("--y", "[2, 0.25]", "--B", "[[1, -2], [0.5, 3]]"),
)


def test_every_tensor_rule_with_gradients_from_sympy(run, loads) -> None:
    """Each op's rule as the trace reads it for these shapes, and every gradient against SymPy."""
    data = loads(run("trace", MIXED, *MIXED_VALUES, "--json").stdout)
    rules = {t["text"] for s in data["backward"] for t in s.get("terms", [])}
    for rule in [
        "∂L/∂v2 @ transpose(A)",  # x @ A, vector @ matrix: ∂/∂x
        "outer(x, ∂L/∂v2)",  # ... and ∂/∂A
        "v3·(∂L/∂v3 − dot(∂L/∂v3, v3))",  # softmax
        "∂L/∂v4·softmax(v3)",  # logsumexp
        "∂L/∂v6 @ y",  # outer: ∂/∂x
        "transpose(∂L/∂v6) @ x",  # outer: ∂/∂y
        "∂L/∂v8 @ transpose(B)",  # matrix @ matrix: ∂/∂a
        "transpose(v6) @ ∂L/∂v8",  # ... and ∂/∂b
        "transpose(∂L/∂v11)",  # transpose
        "[[∂L/∂v12/4, ∂L/∂v12/4], [∂L/∂v12/4, ∂L/∂v12/4]]",  # mean
        "[[∂L/∂v9, ∂L/∂v9], [∂L/∂v9, ∂L/∂v9]]",  # sum
    ]:
        assert rule in rules, (rule, sorted(rules))
    # SymPy: every element a symbol, the same program, derivatives by diff.
    x = sympy.Matrix(sympy.symbols("x1 x2"))
    a = sympy.Matrix(2, 3, sympy.symbols("a11 a12 a13 a21 a22 a23"))
    y = sympy.Matrix(sympy.symbols("y1 y2"))
    b = sympy.Matrix(2, 2, sympy.symbols("b11 b12 b21 b22"))
    z = (x.T * a).T
    soft = [sympy.exp(zi) / sum(sympy.exp(zj) for zj in z) for zi in z]
    loss = sympy.log(sum(sympy.exp(s) for s in soft)) + sum(x * y.T * b) + sum(b) / 4
    point = dict(zip([*x, *a, *y, *b], [0.5, -1, 1, 0, 2, -1, 3, 0.5, 2, 0.25, 1, -2, 0.5, 3]))

    def at(expr: sympy.Expr) -> float:
        return float(sympy.N(expr.subs(point), 40))

    want = {
        "x": [at(loss.diff(s)) for s in x],
        "A": [[at(loss.diff(a[i, j])) for j in range(3)] for i in range(2)],
        "y": [at(loss.diff(s)) for s in y],
        "B": [[at(loss.diff(b[i, j])) for j in range(2)] for i in range(2)],
    }
    assert abs(data["value"] - at(loss)) <= 1e-14 * abs(at(loss))
    for name, value in want.items():
        got = data["gradient"][name]
        flat_got = [v for row in got for v in row] if isinstance(got[0], list) else got
        flat_want = [v for row in value for v in row] if isinstance(value[0], list) else value
        assert all(abs(g - w) <= 1e-13 * max(abs(w), 1.0) for g, w in zip(flat_got, flat_want)), name


def test_terms_add_up_to_gradclis_gradient_of_each_node(run, loads) -> None:
    """A term is the unrolled graph's own products, gathered: one term is the node's gradient bit for bit."""
    data = loads(run("trace", MIXED, *MIXED_VALUES, "--json").stdout)

    def flat(value: object) -> list[float]:
        if not isinstance(value, list):
            return [value]  # type: ignore[list-item]
        return [v for item in value for v in flat(item)]

    for step in data["backward"]:
        terms = step.get("terms", [])
        if len(terms) == 1:
            assert terms[0]["value"] == step["value"], step["text"]
        elif terms:
            total = [sum(parts) for parts in zip(*(flat(t["value"]) for t in terms))]
            assert all(abs(t - v) <= 1e-15 * max(abs(v), 1.0) for t, v in zip(total, flat(step["value"])))


def test_a_gif_of_the_unrolled_view_has_a_frame_per_step(run, loads, tmp_path) -> None:
    image = pytest.importorskip("PIL.Image")
    gif = tmp_path / "walk.gif"
    code, _, err = run("trace", PROGRAM, *VALUES, "-o", str(gif), "--granularity", "fused")
    assert (code, err) == (0, "")
    data = loads(run("trace", PROGRAM, *VALUES, "--json", "--granularity", "fused").stdout)
    with image.open(gif) as frames:
        assert frames.n_frames == len(data["forward"]) + len(data["backward"]) == 19 + 19
