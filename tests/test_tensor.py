"""Vectors and matrices (contract, section 5; issue 9): the language, values, errors, views, start-up.

Ground truth is derived by hand (small integer matrices, whose products are
exact), from the hand-written scalar programs of ``examples/`` (the fused
view of a tensor program must be the same computation, bit for bit), or
from the research notes' node counts (seed 000; research/tensors.md 4.1, 4.2).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, sample_points
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli
from gradcli.ops import OPS
from gradcli.parser import parse
from gradcli.tensor import Tensor, build_view, evaluate_tensor, tensor_values

EXAMPLES = Path(__file__).parent.parent / "examples"
W = "[[1, 2], [3, 4]]"


def values_of(program: str, **values: object) -> object:
    """The output of a program without a gradient (an output of several numbers has none)."""
    return evaluate_tensor(parse(program), values, gradient=False).value


def lines(stdout: str) -> dict[str, str]:
    """Piped eval output: one ``NAME VALUE`` pair a line."""
    pairs = [line.split() for line in stdout.splitlines()]
    assert all(len(pair) == 2 for pair in pairs), stdout
    return dict(pairs)  # type: ignore[arg-type]


# ---- literals, @, elementwise ops and functions --------------------------------------------------------


def test_literals_with_commas_are_vectors_and_matrices() -> None:
    assert values_of("[1, 2, 3]") == Tensor((3,), [1.0, 2.0, 3.0])
    assert values_of("[[1, 2], [3, 4], [5, 6]]") == Tensor((3, 2), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert values_of("[\n  [1, 2],\n  [3, 4]\n]") == Tensor((2, 2), [1.0, 2.0, 3.0, 4.0])
    assert values_of("[-1, +2, pi/2, 2e-1]") == Tensor((4,), [-1.0, 2.0, math.pi / 2, 0.2])


def test_elements_may_be_expressions_of_variables() -> None:
    r = gradcli.evaluate("dot([x, 2*y, x*y], [1, 1, 1])", x=3, y=4)
    assert r.value == 3 + 8 + 12
    assert r.gradient == {"x": 1 + 4, "y": 2 + 3}
    r = gradcli.evaluate("sum([[x, 0], [y, x]] @ [1, 2])", x=3, y=4)
    assert r.value == 3 + (4 + 6)
    assert r.gradient == {"x": 1 + 2, "y": 1}


@pytest.mark.parametrize(
    ("program", "want"),
    [
        ("W @ x", Tensor((2,), [1 * 5 + 2 * 6, 3 * 5 + 4 * 6])),  # matrix @ vector
        ("x @ W", Tensor((2,), [5 * 1 + 6 * 3, 5 * 2 + 6 * 4])),  # vector @ matrix
        ("W @ V", Tensor((2, 3), [1 + 8, 2 + 10, 3 + 12, 3 + 16, 6 + 20, 9 + 24])),  # matrix @ matrix
        ("x @ x", 5.0 * 5 + 6 * 6),  # vector @ vector: the dot product, a scalar
    ],
)
def test_matmul_in_all_four_shape_cases(program: str, want: object) -> None:
    given = {"W": [[1, 2], [3, 4]], "V": [[1, 2, 3], [4, 5, 6]], "x": [5, 6]}
    got = values_of(program, **{name: value for name, value in given.items() if name in program})
    assert got == want


def test_matmul_has_the_precedence_and_associativity_of_times() -> None:
    u, v, w = [1, 2], [3, 4], [5, 7]
    # left to right at one level: (u @ v) * w is a vector; u @ (v * w) would be a scalar
    assert values_of("u @ v * w", u=u, v=v, w=w) == Tensor((2,), [11.0 * 5, 11.0 * 7])
    assert values_of("u * v @ w", u=u, v=v, w=w) == 3.0 * 5 + 8 * 7
    # W @ x @ y is (W @ x) @ y; W @ (x @ y) would be a matrix @ a scalar, a shape error
    assert values_of("W @ x @ y", W=[[1, 2], [3, 4]], x=u, y=v) == (1 + 4) * 3 + (3 + 8) * 4.0
    # tighter than + and -, looser than unary minus and ^
    assert values_of("W @ x + y", W=[[1, 2], [3, 4]], x=u, y=v) == Tensor((2,), [5.0 + 3, 11.0 + 4])
    assert values_of("-u @ v", u=u, v=v) == -11.0
    assert values_of("u @ v^2", u=u, v=v) == 9.0 + 32
    assert values_of("2u @ v", u=u, v=v) == 22.0
    assert values_of("u @ v / 2", u=u, v=v) == 5.5


def test_arithmetic_is_element_by_element_and_a_scalar_broadcasts() -> None:
    a, b = [[1, 2], [3, 4]], [[2, 4], [8, 16]]
    assert values_of("A + B", A=a, B=b) == Tensor((2, 2), [3.0, 6.0, 11.0, 20.0])
    assert values_of("B - A", A=a, B=b) == Tensor((2, 2), [1.0, 2.0, 5.0, 12.0])
    assert values_of("A * B", A=a, B=b) == Tensor((2, 2), [2.0, 8.0, 24.0, 64.0])
    assert values_of("B / A", A=a, B=b) == Tensor((2, 2), [2.0, 2.0, 8.0 / 3, 4.0])
    assert values_of("A ^ 2", A=a) == Tensor((2, 2), [1.0, 4.0, 9.0, 16.0])
    assert values_of("2 ^ A", A=a) == Tensor((2, 2), [2.0, 4.0, 8.0, 16.0])
    assert values_of("-A", A=a) == Tensor((2, 2), [-1.0, -2.0, -3.0, -4.0])
    assert values_of("10 - s * x", s=2, x=[1, 2, 3]) == Tensor((3,), [8.0, 6.0, 4.0])
    assert values_of("x / s + 1", s=2, x=[1, 2, 3]) == Tensor((3,), [1.5, 2.0, 2.5])
    assert values_of("max(x, 2)", x=[1, 2, 3]) == Tensor((3,), [2.0, 2.0, 3.0])
    assert values_of("min(x, y)", x=[1, 5, 3], y=[4, 2, 3]) == Tensor((3,), [1.0, 2.0, 3.0])


UNARY = [op for op in OPS if op.arity == 1 and op.spellings]


@pytest.mark.parametrize("op", UNARY, ids=lambda op: op.name)
def test_every_function_of_one_argument_maps_over_vectors_and_matrices(op) -> None:
    """f(x) element by element: each element's value and derivative are the scalar program's, bit for bit."""
    points = [p[0] for p in sample_points(op, 4)]
    spelled = op.spellings[0]
    vector = evaluate_tensor(parse(f"sum(c * {spelled}(x))"), {"x": points, "c": [1, 2, 3, 4]})
    matrix = evaluate_tensor(parse(f"{spelled}(X)"), {"X": [points[:2], points[2:]]}, gradient=False)
    for i, point in enumerate(points):
        scalar = gradcli.evaluate(f"{spelled}(x)", x=point)
        assert matrix.value.data[i] == scalar.value
        assert vector.gradient["x"].data[i] == (i + 1) * scalar.gradient["x"]
    assert matrix.value.shape == (2, 2)


BINARY = [op for op in OPS if op.arity == 2 and op.spellings]


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_every_function_of_two_arguments_maps_with_a_scalar_broadcast(op) -> None:
    points = sample_points(op, 3)
    spelled = op.spellings[0]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    both = evaluate_tensor(parse(f"sum({spelled}(x, y))"), {"x": xs, "y": ys})
    left = evaluate_tensor(parse(f"sum({spelled}(x, s))"), {"x": xs, "s": ys[0]})
    for i, (x, y) in enumerate(points):
        scalar = gradcli.evaluate(f"{spelled}(x, y)", x=x, y=y)
        assert both.gradient["x"].data[i] == scalar.gradient["x"]
        assert both.gradient["y"].data[i] == scalar.gradient["y"]
        at = gradcli.evaluate(f"{spelled}(x, y)", x=x, y=ys[0])
        assert left.gradient["x"].data[i] == at.gradient["x"]
    # the broadcast scalar's gradient: as the scalar twin accumulates it, bit for bit
    twin = gradcli.evaluate(" + ".join(f"{spelled}(x{i}, s)" for i in range(3)), s=ys[0], x0=xs[0], x1=xs[1], x2=xs[2])
    assert left.gradient["s"] == twin.gradient["s"] and left.value == twin.value


def test_reductions_and_structure_functions() -> None:
    assert values_of("sum(X)", X=[[1, 2, 3], [4, 5, 6]]) == 21.0
    assert values_of("mean(x)", x=[1, 2, 6]) == 3.0
    assert values_of("mean(X)", X=[[1, 2], [3, 6]]) == 3.0
    assert values_of("dot(x, y)", x=[1, 2, 3], y=[4, 5, 6]) == 32.0
    assert values_of("transpose(X)", X=[[1, 2, 3], [4, 5, 6]]) == Tensor((3, 2), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0])
    assert values_of("outer(x, y)", x=[1, 2], y=[3, 4, 5]) == Tensor((2, 3), [3.0, 4.0, 5.0, 6.0, 8.0, 10.0])
    # softmax and logsumexp shift by the largest element first (e^(zᵢ − m)): the same numbers by hand
    e = [math.exp(1 - 3), math.exp(2 - 3), math.exp(3 - 3)]
    total = e[0] + e[1] + e[2]
    assert values_of("softmax(z)", z=[1, 2, 3]) == Tensor((3,), [x / total for x in e])
    assert values_of("logsumexp(z)", z=[1, 2, 3]) == 3 + math.log(total)
    # no overflow: e^1000 is not a double, but the shifted form is finite
    assert values_of("logsumexp(z)", z=[1000, 1000]) == 1000 + math.log(2)
    assert values_of("softmax(z)", z=[1000, 1000]) == Tensor((2,), [0.5, 0.5])


def test_gradients_have_their_variables_shapes() -> None:
    r = gradcli.evaluate("sum(W @ x) + s * dot(x, x)", W=[[1, 2], [3, 4]], x=[1, -1], s=2)
    assert r.value == (1 - 2) + (3 - 4) + 2 * 2
    assert r.gradient["W"] == Tensor((2, 2), [1.0, -1.0, 1.0, -1.0])  # ∂/∂W = outer(1, x)
    assert r.gradient["x"] == Tensor((2,), [1 + 3 + 2 * 2 * 1.0, 2 + 4 + 2 * 2 * -1.0])  # Wᵀ1 + 2 s x
    assert r.gradient["s"] == 2.0
    assert r.gradient["W"].nested() == [[1.0, -1.0], [1.0, -1.0]]


# ---- values on the command line and in files --------------------------------------------------------------


def test_values_from_options_dash_v_and_a_values_file(tmp_path: Path) -> None:
    program = "sum(W @ x) * b"
    (tmp_path / "v.json").write_text(json.dumps({"W": [[1, 2], [3, 4]], "x": [1, -1], "b": 2}), encoding="utf-8")
    (tmp_path / "s.json").write_text(json.dumps({"W": W, "x": "[1, -1]", "b": 2}), encoding="utf-8")
    outputs = {
        run_cli("eval", program, "--W", W, "--x", "[1, -1]", "--b", "2", "--json").stdout,
        run_cli("eval", program, "-v", f"W={W}", "-v", "x=[1,-1]", "-v", "b=2", "--json").stdout,
        run_cli("eval", program, "--values", str(tmp_path / "v.json"), "--json").stdout,
        run_cli("eval", program, "--W", "[[1, 2], [6/2, 2^2]]", "--x", "[cos(0), -1]", "--b", "2", "--json").stdout,
    }
    assert len(outputs) == 1
    data = json.loads(outputs.pop())
    assert data["value"] == ((1 - 2) + (3 - 4)) * 2.0
    assert data["gradient"] == {"W": [[2.0, -2.0], [2.0, -2.0]], "x": [8.0, 12.0], "b": -2.0}


def test_values_file_strings_in_the_literal_syntax(tmp_path: Path) -> None:
    """Research 3.3: a values file may hold nested lists, or strings in the literal syntax."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"x": "[1, pi]"}), encoding="utf-8")
    out = run_cli("eval", "sum(x)", "--values", str(path), "--json")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["value"] == 1 + math.pi


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["sum([1 2])"], "unexpected number 2", "separate the elements with commas"),
        (["sum([1, 2; 3, 4])"], "unexpected ';'", "write a matrix as a list of rows: [[1, 2], [3, 4]]"),
        (["sum([[1, 2], [3]])"], "row 2 of this matrix has 1 number, row 1 has 2", "[[1, 2], [3, 4]]"),
        (["sum([[1, 2], 3])"], "mixes numbers and lists", "[[1, 2], [3, 4]]"),
        (["sum([])"], "[] is empty", "[1, 2, 3]"),
        (["sum([[[1]]])"], "three deep; gradcli handles vectors and matrices", "a list of rows"),
        (["sum(x)", "--x", "[1 2]"], "the value of x", "separate the elements with commas"),
        (["sum(x)", "--x", "[1, 2; 3, 4]"], "the value of x", "write a matrix as a list of rows"),
        (["sum(x)", "--x", "[[1, 2], [3]]"], "row 2 of this matrix has 1 number", "[[1, 2], [3, 4]]"),
        (["sum(x)", "--x", "[]"], "the value of x", "[1, 2, 3]"),
        (["sum(x)", "--x", "[[[1]]]"], "three deep", "[[1, 2], [3, 4]]"),
        (["sum(x)", "-v", "x=[1, y]"], "the value of x must be numbers", "[1, -0.5, pi/4]"),
        (["sum(x)", "--x", "1,2,3"], "the value of x", "--x '[1, 2, 3]'"),
    ],
)
def test_malformed_literals_are_usage_errors_with_hints(args: list[str], message: str, hint: str) -> None:
    out = run_cli("eval", *args)
    assert out.code == 2, out
    assert out.stdout == ""
    first, *rest = out.stderr.splitlines()
    assert first.startswith("error: ") and message in first, out.stderr
    assert rest[-1].startswith("hint: ") and hint in rest[-1], out.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"x": [[1, 2], [3]]}, "row 2 of x has 1 number, row 1 has 2"),
        ({"x": []}, "non-empty"),
        ({"x": [[[1]]]}, "three deep"),
        ({"x": [1, "a"]}, "element 2 of x must be a number"),
        ({"x": [1, None]}, "element 2 of x must be a number, got null"),
    ],
)
def test_malformed_lists_in_a_values_file(tmp_path: Path, content: dict, message: str) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    out = run_cli("eval", "sum(x)", "--values", str(path))
    assert out.code == 2
    assert message in out.stderr.splitlines()[0]
    assert out.stderr.splitlines()[-1].startswith("hint: ")


@pytest.mark.parametrize("text", ['{"x": [1, 1e999]}', '{"x": [[1, 2], [3, %s]]}' % ("9" * 400)])
def test_numbers_beyond_a_double_in_a_values_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "v.json"
    path.write_text(text, encoding="utf-8")
    out = run_cli("eval", "sum(x)", "--values", str(path))
    assert out.code == 2 and "must hold finite numbers" in out.stderr


def test_numbers_beyond_a_double_through_the_api() -> None:
    with pytest.raises(gradcli.GradcliError, match="finite"):
        gradcli.evaluate("sum(x)", x=[1, 10**400])


# ---- shape errors -----------------------------------------------------------------------------------


def shape_error(program: str, *values: str) -> tuple[str, str, str, str]:
    """(message, source line, caret line, hint) of a shape error, which must exit 2 and print nothing."""
    out = run_cli("eval", program, *values)
    assert out.code == 2, out
    assert out.stdout == ""
    message, line, caret, hint = out.stderr.splitlines()
    assert message.startswith("error: shape mismatch: ")
    return message, line, caret, hint


@pytest.mark.parametrize(
    ("program", "values", "under", "shapes", "hint"),
    [
        ("y = sigmoid(W @ x + b); sum(y)", ["--W", "[[1, 2, 3], [4, 5, 6]]", "--x", "[1, 2]", "--b", "[0, 0]"],
         "W @ x", ["W is (2, 3) (given)", "x is (2,) (given)"], "write x @ W"),
        ("sum(x @ W)", ["--W", "[[1, 2, 3], [4, 5, 6]]", "--x", "[1, 2, 3]"],
         "x @ W", ["x is (3,)", "W is (2, 3)"], "write W @ x"),
        ("sum(A @ B)", ["--A", "[[1, 2, 3], [4, 5, 6]]", "--B", "[[1, 2, 3], [4, 5, 6]]"],
         "A @ B", ["A is (2, 3)", "B is (2, 3)"], "A @ transpose(B)"),
        ("sum(W * x)", ["--W", W, "--x", "[1, 2]"],
         "W * x", ["W is (2, 2)", "x is (2,)"], "for the matrix-vector product write W @ x"),
        ("sum(W + V)", ["--W", "[[1, 2, 3], [4, 5, 6]]", "--V", "[[1, 2], [3, 4], [5, 6]]"],
         "W + V", ["W is (2, 3)", "V is (3, 2)"], "transpose(V)"),
        ("sum(2 * (W @ x) + x + W)", ["--W", W, "--x", "[1, 2]"],
         "2 * (W @ x) + x + W", ["2 * (W @ x) + x is (2,) (at line 1, column 5)", "W is (2, 2)"], "nothing else"),
    ],
)  # fmt: skip
def test_shape_errors_have_a_caret_both_shapes_where_from_and_a_hint(program, values, under, shapes, hint) -> None:
    message, line, caret, hint_line = shape_error(program, *values)
    assert line == "  " + program
    start = program.index(under)
    assert caret == " " * (2 + start) + "^" * len(under)
    for shape in shapes:
        assert shape in message
    assert hint_line.startswith("hint: ") and hint in hint_line


def test_shape_errors_of_functions() -> None:
    out = run_cli("eval", "sum(transpose(v))", "--v", "[1, 2]")
    assert out.code == 2 and out.stdout == ""
    message, _, caret = out.stderr.splitlines()[:3]
    assert "vector has no orientation" in message and caret == "      " + "^" * len("transpose(v)")
    out = run_cli("eval", "softmax(W)", "--W", W)
    assert out.code == 2 and "softmax takes a vector" in out.stderr and "(2, 2)" in out.stderr
    out = run_cli("eval", "dot(u, v)", "--u", "[1, 2]", "--v", "[1, 2, 3]")
    assert out.code == 2 and "(2,)" in out.stderr and "(3,)" in out.stderr
    out = run_cli("eval", "w @ 2", "--w", "[1, 2]")
    assert out.code == 2 and "hint: to multiply by a number, write w * 2" in out.stderr


# ---- the output: one number for a gradient; non-finite elements; printing -----------------------------


def test_an_output_with_several_numbers_has_no_gradient() -> None:
    out = run_cli("eval", "W @ x", "--W", W, "--x", "[1, -1]")
    assert out.code == 2 and out.stdout == ""
    error, hint = out.stderr.splitlines()
    assert "(2,)" in error and "2 numbers" in error and "a gradient needs one number" in error
    assert "sum(W @ x)" in hint
    out = run_cli("eval", "outer(x, x)", "--x", "[1, 2]")
    assert out.code == 2 and "(2, 2), 4 numbers" in out.stderr


def test_an_output_with_one_element_counts_as_a_number() -> None:
    out = run_cli("eval", "[[1, 2]] @ x", "--x", "[3, -1]")
    assert out.code == 0, out.stderr
    assert lines(out.stdout) == {"f[1]": "1", "∂f/∂x[1]": "1", "∂f/∂x[2]": "2"}
    data = json.loads(run_cli("eval", "[[1, 2]] @ x", "--x", "[3, -1]", "--json").stdout)
    assert data["value"] == [1.0]
    assert data["gradient"] == {"x": [1.0, 2.0]}


def test_a_non_finite_element_is_exit_3_and_named() -> None:
    out = run_cli("eval", "sum(log(W))", "--W", "[[1, 1], [-1, 1]]", "--json")
    assert out.code == 3
    data = json.loads(out.stdout)
    assert data["value"] is None
    (diagnostic,) = data["diagnostics"]
    assert diagnostic["element"] == [2, 1]
    assert "element [2,1]" in diagnostic["message"] and "log of -1" in diagnostic["message"]
    assert (diagnostic["line"], diagnostic["column"]) == (1, 5)
    out = run_cli("eval", "sum(log(x))", "--x", "[1, 2, -3]")
    assert out.code == 3
    assert "element [3]" in out.stderr and out.stderr.splitlines()[2] == "      ^^^^^^"


def test_a_non_finite_gradient_element_is_null_in_json() -> None:
    out = run_cli("eval", "sum(sqrt(x))", "--x", "[4, 0]", "--json")
    assert out.code == 3
    data = json.loads(out.stdout)
    assert data["value"] == 2.0
    assert data["gradient"]["x"] == [0.25, None]
    assert any(d.get("element") == [2] for d in data["diagnostics"])


def test_piped_output_is_one_line_per_element_and_json_nested_lists() -> None:
    program = "sum(W @ x) / 3"
    out = run_cli("eval", program, "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]")
    assert out.code == 0
    third = gradcli.numbers.fmt(1 / 3)
    assert list(lines(out.stdout).items()) == [
        ("f", gradcli.numbers.fmt(-2 / 3)),
        ("∂f/∂W[1,1]", third), ("∂f/∂W[1,2]", gradcli.numbers.fmt(-1 / 3)),
        ("∂f/∂W[2,1]", third), ("∂f/∂W[2,2]", gradcli.numbers.fmt(-1 / 3)),
        ("∂f/∂x[1]", gradcli.numbers.fmt(4 / 3)), ("∂f/∂x[2]", gradcli.numbers.fmt(6 / 3)),
    ]  # fmt: skip
    data = json.loads(run_cli("eval", program, "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]", "--json").stdout)
    assert data == {
        "expression": program,
        "value": -2 / 3,
        "gradient": {"W": [[1 / 3, -1 / 3], [1 / 3, -1 / 3]], "x": [4 / 3, 6 / 3]},
        "diagnostics": [],
    }


# ---- node counts: seed 000's neuron and research 4.2's MLP ------------------------------------------------


def op_count(graph) -> int:
    return sum(1 for node in range(len(graph.ops)) if not graph.is_leaf(node))


def leaf_count(graph) -> int:
    return sum(1 for node in range(len(graph.ops)) if graph.is_leaf(node))


def views(program: str, values: dict) -> tuple:
    given = tensor_values(values)
    fused = build_view(parse(program), given, "fused")
    scalar = build_view(parse(program), given, "scalar")
    return fused, fused.unrolled, scalar.unrolled


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_the_seed_neuron_is_3_ops_2k_plus_1_and_2k_plus_4(k: int) -> None:
    tensor, fused, scalar = views("sigmoid(w @ x + b)", {"w": [0.5] * k, "x": [1.0] * k, "b": 0.1})
    assert (op_count(tensor), op_count(fused), op_count(scalar)) == (3, 2 * k + 1, 2 * k + 4)
    assert leaf_count(tensor) == 3  # w, x, b
    assert leaf_count(fused) == 2 * k + 1  # w₁ … w_K, x₁ … x_K, b
    assert leaf_count(scalar) == 2 * k + 1 + 2  # and the two 1s of 1 / (1 + exp(−a))
    names = {fused.labels[n] for n in range(len(fused.ops)) if fused.is_variable(n)}
    subscripts = "₁₂₃₄₅"
    assert names == {f"w{subscripts[i]}" for i in range(k)} | {f"x{subscripts[i]}" for i in range(k)} | {"b"}
    kinds = [fused.ops[n].name for n in range(len(fused.ops)) if not fused.is_leaf(n)]
    assert sorted(kinds) == sorted(["mul"] * k + ["add"] * k + ["sigmoid"])


MLP_B = "h = tanh(W1 @ x + b1)\ny = sigmoid(W2 @ h + b2)\nloss = sum((y - t)^2)"
"""Research 4.2's program B: the tensor twin of examples/mlp.grad."""


def mlp_b_values() -> dict:
    v = json.loads((EXAMPLES / "mlp.json").read_text(encoding="utf-8"))
    return {
        "W1": [[v["w11"], v["w12"]], [v["w21"], v["w22"]]], "x": [v["x1"], v["x2"]], "b1": [v["b1"], v["b2"]],
        "W2": [[v["v1"], v["v2"]]], "b2": [v["c"]], "t": [v["t"]],
    }  # fmt: skip


def test_the_mlp_of_research_4_2_in_each_view() -> None:
    tensor, fused, scalar = views(MLP_B, mlp_b_values())
    assert op_count(tensor) == 9  # @ + tanh @ + σ − ^ sum
    assert leaf_count(tensor) == 7  # W1 x b1 W2 b2 t and the constant 2
    assert op_count(fused) == 17  # 2·(2·2+1) + 1·(2·2+1) + 2: a sum over one element adds no node
    assert leaf_count(fused) == 13
    # Research 4.2 counts 30 with tanh decomposed into 6 ops; the op table now decomposes tanh as
    # m = abs(a); p = exp(a − m); q = exp(−a − m); (p − q)/(p + q): 9 ops, so 17 + 2·8 + 3 (σ) = 36.
    assert op_count(scalar) == 17 + 2 * 8 + 3
    hand_written = parse((EXAMPLES / "mlp.grad").read_text(encoding="utf-8"))
    assert op_count(scalar) == op_count(gradcli.build(hand_written, granularity="scalar"))
    assert op_count(fused) == op_count(gradcli.build(hand_written))


# ---- every view the same numbers, bit for bit ---------------------------------------------------------------


def test_the_unrolled_mlp_is_the_hand_written_scalar_program_bit_for_bit() -> None:
    scalar = gradcli.evaluate((EXAMPLES / "mlp.grad").read_text(encoding="utf-8"),
                              json.loads((EXAMPLES / "mlp.json").read_text(encoding="utf-8")))  # fmt: skip
    assert scalar.value == 0.006183137944237435  # research 4.2
    for granularity in ("tensor", "fused"):
        r = gradcli.evaluate(MLP_B, mlp_b_values(), granularity=granularity)
        assert r.value == scalar.value
        g, s = r.gradient, scalar.gradient
        assert g["W1"].data == [s["w11"], s["w12"], s["w21"], s["w22"]]
        assert g["x"].data == [s["x1"], s["x2"]]
        assert g["b1"].data == [s["b1"], s["b2"]]
        assert g["W2"].data == [s["v1"], s["v2"]]
        assert g["b2"].data == [s["c"]] and g["t"].data == [s["t"]]


def test_the_tensor_view_gathers_the_unrolled_numbers() -> None:
    """Program B has no transpose or literal (whose gradients are summed from their users instead)."""
    r = evaluate_tensor(parse(MLP_B), mlp_b_values())
    u = evaluate_tensor(parse(MLP_B), mlp_b_values(), granularity="fused")
    tensor = r.tensor
    assert r.graph is tensor and u.graph.granularity == "fused"
    for node, elements in enumerate(tensor.elements):
        if node == tensor.output:
            continue  # test_the_output_node_has_the_gradient_1
        value, adjoint = r.values[node], r.adjoints[node]
        if tensor.shapes[node]:
            assert value.data == [u.values[e] for e in elements]
            assert adjoint.data == [u.adjoints[e] for e in elements]
        else:
            assert value == u.values[elements[0]] and adjoint == u.adjoints[elements[0]]


def test_the_output_node_has_the_gradient_1() -> None:
    r = evaluate_tensor(parse(MLP_B), mlp_b_values())  # loss = sum((y - t)^2), y of one element
    assert r.adjoints[r.tensor.output] == 1.0


class Twin:
    """A random tensor program, written twice: with vectors and matrices, and as its scalar twin.

    The twin names every element of every operation's result (``t3_2 = w_2_1*x_1 + w_2_2*x_2``),
    in the order the contract says the unrolled graph computes them: elements row-major, sums left to
    right with each product before its addition, softmax and logsumexp shifted by a left fold of
    ``max``. Its scalar graph is then the unrolled graph of the tensor program, so values and
    gradients must agree bit for bit.
    """

    UNARY = ("tanh", "sigmoid", "sin", "exp", "relu", "abs", "softplus", "-", "^2")
    BINARY = ("+", "-", "*", "/", "max", "min")

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.lines: list[str] = []
        self.count = 0

    def _assign(self, texts: list[str]) -> list[str]:
        self.count += 1
        names = [f"t{self.count}_{i}" for i in range(len(texts))]
        self.lines += [f"{name} = {text}" for name, text in zip(names, texts)]
        return names

    def _dim(self) -> int:
        return self.draw(st.integers(1, 3))

    def _leaf(self, shape: tuple[int, ...]) -> tuple[str, list[str]]:
        if not shape and self.draw(st.booleans()):
            number = self.draw(st.sampled_from(["2", "0.5", "3"]))
            return number, [number]
        same = [name for name, s in self.shapes.items() if s == shape]
        if same and self.draw(st.booleans()):
            name = self.draw(st.sampled_from(same))
        else:
            name = f"v{len(self.shapes)}"
            self.shapes[name] = shape
        return name, [name + "".join(f"_{i}" for i in index) for index in _indices(shape)]

    def expr(self, shape: tuple[int, ...], depth: int) -> tuple[str, list[str]]:
        """(tensor text, twin element names) of a random expression of this shape."""
        if depth == 0:
            return self._leaf(shape)
        kinds = ["unary", "binary", "broadcast"]
        if not shape:
            kinds += ["sum", "mean", "dot", "vecvec", "logsumexp"] * 2
        elif len(shape) == 1:
            kinds += ["matvec", "vecmat", "softmax", "array"]
        else:
            kinds += ["matmat", "transpose", "outer", "array"]
        kind = self.draw(st.sampled_from(kinds))
        d = depth - 1
        if kind == "unary":
            f = self.draw(st.sampled_from(self.UNARY))
            text, xs = self.expr(shape, d)
            call = {"-": lambda a: f"(-{a})", "^2": lambda a: f"({a} ^ 2)"}.get(f, lambda a: f"{f}({a})")
            return call(text), self._assign([call(x) for x in xs])
        if kind in ("binary", "broadcast"):
            op = self.draw(st.sampled_from(self.BINARY))
            left, right = shape, shape
            if kind == "broadcast":
                left, right = self.draw(st.sampled_from([((), shape), (shape, ())]))
            (ta, xa), (tb, xb) = self.expr(left, d), self.expr(right, d)
            size = max(len(xa), len(xb))  # a scalar's one element, repeated
            xa, xb = (xa * size)[:size], (xb * size)[:size]
            call = (lambda a, b: f"{op}({a}, {b})") if op in ("max", "min") else (lambda a, b: f"({a} {op} {b})")
            return call(ta, tb), self._assign([call(a, b) for a, b in zip(xa, xb)])
        if kind in ("sum", "mean"):
            text, xs = self.expr(self.draw(st.sampled_from([(self._dim(),), (self._dim(), self._dim())])), d)
            total = " + ".join(xs)
            if kind == "sum":
                return f"sum({text})", (self._assign([total]) if len(xs) > 1 else xs)
            return f"mean({text})", self._assign([f"({total}) / {len(xs)}"])
        if kind in ("dot", "vecvec"):
            n = self._dim()
            (ta, xa), (tb, xb) = self.expr((n,), d), self.expr((n,), d)
            text = f"dot({ta}, {tb})" if kind == "dot" else f"({ta} @ {tb})"
            return text, self._assign([_products(xa, xb)])
        if kind in ("logsumexp", "softmax"):
            n = shape[0] if shape else self._dim()
            text, xs = self.expr((n,), d)
            top = xs[0]
            for x in xs[1:]:
                top = f"max({top}, {x})"
            (m,) = self._assign([top])
            es = self._assign([f"exp({x} - {m})" for x in xs])
            (total,) = self._assign([" + ".join(es)])
            if kind == "logsumexp":
                return f"logsumexp({text})", self._assign([f"{m} + log({total})"])
            return f"softmax({text})", self._assign([f"{e} / {total}" for e in es])
        if kind == "matvec":
            (m,), k = shape, self._dim()
            (ta, xa), (tb, xb) = self.expr((m, k), d), self.expr((k,), d)
            rows = [_products(xa[i * k : (i + 1) * k], xb) for i in range(m)]
            return f"({ta} @ {tb})", self._assign(rows)
        if kind == "vecmat":
            (n,), k = shape, self._dim()
            (ta, xa), (tb, xb) = self.expr((k,), d), self.expr((k, n), d)
            return f"({ta} @ {tb})", self._assign([_products(xa, xb[j::n]) for j in range(n)])
        if kind == "matmat":
            (m, n), k = shape, self._dim()
            (ta, xa), (tb, xb) = self.expr((m, k), d), self.expr((k, n), d)
            cells = [_products(xa[i * k : (i + 1) * k], xb[j::n]) for i in range(m) for j in range(n)]
            return f"({ta} @ {tb})", self._assign(cells)
        if kind == "transpose":
            m, n = shape
            text, xs = self.expr((n, m), d)
            return f"transpose({text})", [xs[j * m + i] for i in range(m) for j in range(n)]
        if kind == "outer":
            m, n = shape
            (ta, xa), (tb, xb) = self.expr((m,), d), self.expr((n,), d)
            return f"outer({ta}, {tb})", self._assign([f"{a} * {b}" for a in xa for b in xb])
        # a literal: a vector of scalar expressions, or a matrix of vector expressions (its rows)
        parts = [self.expr(shape[1:], d) for _ in range(shape[0])]
        return "[" + ", ".join(t for t, _ in parts) + "]", [x for _, xs in parts for x in xs]


def _indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    if not shape:
        return [()]
    if len(shape) == 1:
        return [(i,) for i in range(1, shape[0] + 1)]
    return [(i, j) for i in range(1, shape[0] + 1) for j in range(1, shape[1] + 1)]


def _products(xs: list[str], ys: list[str]) -> str:
    return " + ".join(f"{x}*{y}" for x, y in zip(xs, ys))


def same(a: float, b: float) -> bool:
    """Equal as doubles, bit for bit (NaN equals NaN)."""
    return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (math.isnan(a) and math.isnan(b))


def check_origins(tensor) -> None:
    """Every unrolled node names its tensor node and an index of that node's shape (``()``: the whole of it)."""
    unrolled = tensor.unrolled
    assert len(unrolled.element_of) == len(unrolled.ops)
    for node, (owner, index) in enumerate(unrolled.element_of):
        shape = tensor.shapes[owner]
        assert index == () or (len(index) == len(shape) and all(1 <= i <= n for i, n in zip(index, shape))), (
            unrolled.ops[node].name,
            tensor.ops[owner].name,
            index,
            shape,
        )


PROPERTY = settings(
    max_examples=int(os.environ.get("GRADCLI_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=os.environ.get("GRADCLI_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Derandomized, as tests/test_fuzz.py: GRADCLI_FUZZ_EXAMPLES=1000 GRADCLI_FUZZ_RANDOM=1 searches harder."""


@PROPERTY
@given(data=st.data())
def test_random_tensor_programs_give_the_same_bits_in_every_view_and_as_their_scalar_twin(data) -> None:
    twin = Twin(data.draw)
    text, (out,) = twin.expr((), data.draw(st.integers(1, 4)))
    values = {}
    for name, shape in twin.shapes.items():
        numbers = [data.draw(st.floats(-2, 2, allow_subnormal=False)) for _ in _indices(shape)]
        values[name] = numbers[0] if not shape else numbers if len(shape) == 1 else [
            numbers[r * shape[1] : (r + 1) * shape[1]] for r in range(shape[0])
        ]  # fmt: skip
    flat = {}
    for name, shape in twin.shapes.items():
        given = tensor_values({name: values[name]})[name]
        for index, x in zip(_indices(shape), given.data if shape else [given]):
            flat[name + "".join(f"_{i}" for i in index)] = x
    scalar = gradcli.evaluate("\n".join([*twin.lines, out]), flat)
    if os.environ.get("GRADCLI_SHOW"):
        print(text, scalar.value)
    for granularity in ("tensor", "fused"):
        r = evaluate_tensor(parse(text), values, granularity=granularity)
        check_origins(r.tensor)
        assert same(r.value, scalar.value), (text, r.value, scalar.value)
        for name, shape in twin.shapes.items():
            got = r.gradient[name].data if shape else [r.gradient[name]]
            want = [scalar.gradient[name + "".join(f"_{i}" for i in index)] for index in _indices(shape)]
            assert all(map(same, got, want)), (text, name, got, want)


# ---- scalar programs are unchanged, and do not load the tensor package -------------------------------------


def test_a_scalar_program_prints_what_it_always_printed() -> None:
    out = run_cli("eval", "x*y", "--x", "1", "--y", "2", "--json")
    assert out.stdout == '{"expression": "x*y", "value": 2.0, "gradient": {"x": 2.0, "y": 1.0}, "diagnostics": []}\n'
    assert run_cli("eval", "x*y", "--x", "1", "--y", "2").stdout == "f      2\n∂f/∂x  2\n∂f/∂y  1\n"
    r = gradcli.evaluate("sigmoid(w*x)", w=0.5, x=2)
    assert type(r.value) is float and all(type(v) is float for v in r.gradient.values())
    assert r.value == 1 / (1 + math.exp(-1.0))


def imported_modules(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gradcli", *args], capture_output=True, text=True, check=True
    )
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_a_scalar_eval_does_not_import_the_tensor_package() -> None:
    assert not {m for m in imported_modules("eval", "x*y", "--x", "1", "--y", "2") if "tensor" in m}
    # and the test can fail: a tensor program does import it
    assert "gradcli.tensor" in imported_modules("eval", "sum(x)", "--x", "[1, 2]")


# ---- no tensor-ish input gives a traceback or an internal error --------------------------------------------

TENSOR_SEEDS = [
    "sigmoid(w @ x + b)",
    "h = tanh(W1 @ x + b1)\ny = sigmoid(W2 @ h + b2)\nloss = sum((y - t)^2)",
    "sum(outer(x, x) * transpose([[1, 2], [3, 4]]))",
    "logsumexp(W @ x) - dot(t, W @ x)",
    "mean(softmax([x, 2*x, 3]) ^ 2)",
]
TENSOR_FRAGMENTS = ["[", "]", "[[", "]]", ",", ";", "@", " ", "[]", "[1, 2]", "[[1], [2, 3]]", "transpose(", "sum(",
                    "softmax(", "outer(", "x", "W", "@@", "1e308", "-", "(", ")", "\n"]  # fmt: skip
VALUE_TEXTS = ["[1, 2]", "[[1, 2], [3, 4]]", "[]", "[[]]", "[1 2]", "[1, 2; 3, 4]", "[[[1]]]", "1,2,3", "[1, nan]",
               "[1e400]", "[x]", "[[1, 2], [3]]", "[", "]", "[1, 2,]", "[,]", "0.5", "[pi/4, -1]",
               "[[1, 2]]"]  # fmt: skip
NESTED = st.recursive(
    st.one_of(st.integers(-3, 3), st.floats(allow_nan=False), st.none(), st.text(max_size=3), st.booleans()),
    lambda children: st.lists(children, max_size=3),
    max_leaves=8,
)


@st.composite
def tensorish(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(TENSOR_SEEDS))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(TENSOR_FRAGMENTS))
        text = text[:at] + piece + text[at + draw(st.integers(0, 2)) :]
    return text


FUZZ = settings(
    max_examples=int(os.environ.get("GRADCLI_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=os.environ.get("GRADCLI_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=st.data())
def test_no_tensorish_input_gives_a_traceback_or_an_internal_error(data, tmp_path: Path) -> None:
    text = data.draw(tensorish())
    names = ["w", "x", "b", "W", "W1", "W2", "b1", "b2", "t"]
    args = []
    for name in data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
        choices = [[f"--{name}", v] for v in VALUE_TEXTS] + [["-v", f"{name}={v}"] for v in VALUE_TEXTS]
        args += data.draw(st.sampled_from(choices))
    if data.draw(st.booleans()):
        path = tmp_path / "values.json"
        path.write_text(json.dumps(data.draw(st.dictionaries(st.sampled_from(names), NESTED, max_size=3))))
        args += ["--values", str(path)]
    options = data.draw(st.sampled_from([[], ["--json"], ["--granularity", "scalar", "--json"]]))
    command = data.draw(st.sampled_from(["eval", "eval", "graph"]))
    if command == "graph":
        options = ["--format", "json"]
    out = run_cli(command, *options, *args, "--", text)  # run_cli asserts: no traceback, no exit 70
    assert out.code in {0, 2, 3}, out


def test_element_names_and_subscripts_in_one_pass_match_one_at_a_time() -> None:
    from gradcli.tensor.value import element_name, element_names, indices, subscript, subscripts

    assert subscript((2, 1)) == "₂₁" and subscript((12, 3)) == "₁₂,₃" and element_name("W", (2, 1)) == "W[2,1]"
    for shape in [(), (1,), (3,), (12,), (2, 3), (9, 10), (12, 11)]:
        assert subscripts(shape) == [subscript(index) for index in indices(shape)]
        assert element_names("W", shape) == [element_name("W", index) for index in indices(shape)]


@pytest.mark.parametrize(
    ("program", "under"), [("sum(outer(x, x))", "outer(x, x)"), ("sum(A @ transpose(A))", "A @ transpose(A)")]
)
def test_a_product_too_big_to_unroll_is_refused_before_it_is_made(tmp_path: Path, program: str, under: str) -> None:
    """outer(x, x) of 3,000 numbers would be 9,000,000 nodes: refused at once, with a caret, not after."""
    from gradcli.tensor.build import UNROLL_LIMIT

    assert UNROLL_LIMIT < 3000 * 3000
    path = tmp_path / "v.json"
    values = {"x": [1.0] * 3000} if "x" in program else {"A": [[1.0] * 1000] * 300}  # A Aᵀ: 300·300·1999 nodes
    path.write_text(json.dumps(values), encoding="utf-8")
    out = run_cli("eval", program, "--values", str(path))
    assert out.code == 2
    message, line, caret, hint = out.stderr.splitlines()
    assert line == "  " + program
    assert f"more than {UNROLL_LIMIT:,} nodes" in message and hint.startswith("hint: ")
    assert caret == " " * (2 + program.index(under)) + "^" * len(under)


def test_a_graph_built_for_other_shapes_is_refused_by_name() -> None:
    tensor = build_view(parse("sum(x)"), tensor_values({"x": [1, 2]}))
    assert evaluate_tensor(tensor, {"x": [5, 6]}).value == 11.0
    for other, shape in (([1, 2, 3], "(3,)"), (3, "()"), ([[1, 2]], "(1, 2)")):
        with pytest.raises(gradcli.GradcliError, match=re.escape(f"x is {shape}, but the graph was built for (2,)")):
            evaluate_tensor(tensor, {"x": other})
