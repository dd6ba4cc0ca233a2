"""``gradcli check`` on programs with vectors and matrices: answers compared element by element,
shapes, random points of the values' shapes, the self-check per element, and every view.

Ground truth is derived by hand (∂/∂W of sum(W @ x) is outer(ones, x); softmax cross-entropy's
∂/∂z is p·Σt − t) or computed with NumPy, never taken from gradcli.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
W = ("--W", "[[1, 2], [3, 4]]")
X = ("--x", "[1, -1]")


def verdicts(out: str) -> dict[str, str]:
    """``∂f/∂W  ok  ...`` lines: label -> verdict word."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and (parts[0] == "f" or parts[0].startswith("∂")):
            found[parts[0]] = parts[1]
    return found


def literal(array: np.ndarray) -> str:
    """A NumPy array as a literal of the language, every digit kept."""
    if array.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in array) + "]"
    return "[" + ", ".join(literal(row) for row in array) + "]"


# ---- answers at a given point -------------------------------------------------------------------


def test_the_issues_example_holds(run) -> None:
    # f = Σᵢ Σⱼ Wᵢⱼ xⱼ, so ∂f/∂Wᵢⱼ = xⱼ: every row is x = [1, -1].
    code, out, err = run("check", "sum(W @ x)", "--expect", "W=outer([1, 1], x)", *W, *X)
    assert code == 0, err
    assert verdicts(out) == {"∂f/∂W": "ok"}
    assert "outer([1, 1], x): expected [[1, -1], [1, -1]], got [[1, -1], [1, -1]]" in out
    assert "the answer holds at W = [[1, 2], [3, 4]], x = [1, -1]" in out


def test_a_wrong_matrix_names_the_element_and_the_point(run) -> None:
    # outer(x, [1, 1]) has rows x₁, x₂: its [1,2] is x₁ = 1 where ∂f/∂W₁₂ = x₂ = -1.
    code, out, _ = run(
        "check", "sum(W @ x)", "--expect", "W=outer(x, [1, 1])", "--expect", "x=transpose(W) @ [1, 1]", *W, *X
    )
    assert code == 1
    assert verdicts(out) == {"∂f/∂W": "WRONG", "∂f/∂x": "ok"}
    assert "W[1,2] expected 1, got -1 (wrong at 2 of 4 elements)" in out
    # ∂f/∂x = column sums of W = [1 + 3, 2 + 4].
    assert "transpose(W) @ [1, 1]: expected [4, 6], got [4, 6]" in out
    assert "1 of 2 answers is wrong at W = [[1, 2], [3, 4]], x = [1, -1]" in out


def test_json_counterexample_names_the_element(run, loads) -> None:
    code, out, _ = run("check", "sum(W @ x)", "--expect", "W=outer(x, [1, 1])", *W, *X, "--json")
    assert code == 1
    data = loads(out)
    assert data["points"] == {"given": {"W": [[1.0, 2.0], [3.0, 4.0]], "x": [1.0, -1.0]}}
    (check,) = data["checks"]
    assert check["of"] == "W" and check["ok"] is False
    assert check["counterexample"] == {
        "point": {"W": [[1.0, 2.0], [3.0, 4.0]], "x": [1.0, -1.0]},
        "expected": 1.0,
        "got": -1.0,
        "element": "W[1,2]",
    }
    assert check["shapes"] == {"answer": [2, 2], "derivative": [2, 2]}


def test_a_number_stands_for_every_element(run) -> None:
    code, out, err = run("check", "sum(3*x)", "--x", "[1, 2, 3]", "--expect", "x=3")
    assert code == 0, err
    assert "expected [3, 3, 3], got [3, 3, 3]" in out
    code, out, _ = run("check", "sum(W @ x)", *W, *X, "--expect", "W=0")
    assert code == 1
    assert "W[1,1] expected 0, got 1 (wrong at 4 of 4 elements)" in out


def test_an_answer_of_another_shape_is_wrong_with_both_shapes(run, loads) -> None:
    code, out, _ = run("check", "sum(W @ x)", *W, *X, "--expect", "W=outer(x, [1, 1, 1])")
    assert code == 1
    assert "∂f/∂W  WRONG  outer(x, [1, 1, 1]): the answer is (2, 3), and ∂f/∂W is (2, 2)" in out
    code, out, _ = run("check", "sum(W @ x)", *W, *X, "--expect", "x=W", "--json")
    assert code == 1
    (check,) = loads(out)["checks"]
    assert check["shapes"] == {"answer": [2, 2], "derivative": [2]}
    assert check["note"] == "the answer is (2, 2), and ∂f/∂x is (2,)"


def test_a_shape_error_in_the_answer_is_shown_under_the_answer(run) -> None:
    code, out, err = run("check", "sum(W @ x)", *W, *X, "--expect", "W=W @ [1, 2, 3]")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == (
        "error: in --expect W=W @ [1, 2, 3]: shape mismatch: W is (2, 2) (given) but [1, 2, 3] is (3,) "
        "(at column 5); @ needs the columns of W (2) to equal the length of [1, 2, 3] (3)"
    )
    assert lines[1:3] == ["  W @ [1, 2, 3]", "  ^^^^^^^^^^^^^"]


def test_assigned_vector_gets_its_adjoint(run) -> None:
    # z = W @ x = [1 - 2, 3 - 4] = [-1, -1]; f = Σ z², so ∂f/∂z = 2z = [-2, -2].
    code, out, err = run("check", "z = W @ x; sum(z^2)", *W, *X, "--expect", "z=2*z", "--expect", "W=outer(2*z, x)")
    assert code == 0, err
    assert "2*z: expected [-2, -2], got [-2, -2]" in out
    assert "outer(2*z, x): expected [[-2, 2], [-2, 2]], got [[-2, 2], [-2, 2]]" in out


def test_value_of_a_vector_output(run) -> None:
    code, out, _ = run("check", "2*x", "--x", "[1, 2]", "--expect-value", "[2, 4.5]")
    assert code == 1
    assert "f  WRONG  [2, 4.5]: f[2] expected 4.5, got 4 (wrong at 1 of 2 elements)" in out
    code, _, err = run("check", "2*x", "--x", "[1, 2]", "--expect-value", "[2, 4]")
    assert code == 0, err


def test_a_scalar_of_a_tensor_program_reads_as_before(run) -> None:
    # f = σ(Σ W x + b) with Σ W x = -2, b = 0: ∂f/∂b = σ(-2)(1 - σ(-2)) = 0.104993585...
    s = 1 / (1 + np.exp(2.0))
    code, out, _ = run("check", "sigmoid(sum(W @ x) + b)", *W, *X, "--b", "0", "--expect", "b=0.2")
    assert code == 1
    assert f"∂f/∂b  WRONG  expected 0.2, got {s * (1 - s):.3g}" in out


# ---- against NumPy -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_numpy_gradients_written_as_numbers_hold(run, seed: int) -> None:
    # f = Σ tanh(W x + b): ∂f/∂W = outer(1 - tanh²(Wx + b), x), ∂f/∂x = Wᵀ(1 - tanh²(Wx + b)).
    rng = np.random.default_rng(seed)
    w, x, b = rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, 2), rng.uniform(-1, 1, 3)
    d = 1 - np.tanh(w @ x + b) ** 2
    values = ("--W", literal(w), "--x", literal(x), "--b", literal(b))
    program = "sum(tanh(W @ x + b))"
    code, out, err = run("check", program, *values, "--expect", f"W={literal(np.outer(d, x))}",
                         "--expect", f"x={literal(w.T @ d)}", "--expect", f"b={literal(d)}")  # fmt: skip
    assert code == 0, out + err
    assert verdicts(out) == {"∂f/∂W": "ok", "∂f/∂x": "ok", "∂f/∂b": "ok"}
    wrong = np.outer(d, x)
    wrong[2, 1] += 1e-3
    code, out, _ = run("check", program, *values, "--expect", f"W={literal(wrong)}")
    assert code == 1
    assert "W[3,2] expected" in out and "(wrong at 1 of 6 elements)" in out


# ---- random points of the values' shapes ----------------------------------------------------------


def test_random_points_take_the_shapes_of_the_values(run, loads) -> None:
    code, out, err = run("check", "sum(W @ x)", *W, *X, "--expect", "W=outer([1, 1], x)", "--points", "5")
    assert code == 0, err
    assert "outer([1, 1], x) matches at 5 of 5 points, 4 elements each" in out
    assert "the answer holds at 5 random points" in out
    code, out, _ = run("check", "sum(W @ x)", *W, *X, "--expect", "W=outer(x, [1, 1])", "--seed", "3", "--json")
    assert code == 1
    data = loads(out)
    shapes = {"W": [2, 2], "x": [2]}
    assert data["points"]["random"] == {"points": 20, "seed": 3, "domain": [-3.0, 3.0], "shapes": shapes}
    example = data["checks"][0]["counterexample"]
    point = example["point"]
    assert np.shape(point["W"]) == (2, 2) and np.shape(point["x"]) == (2,)
    assert point["W"] != [[1.0, 2.0], [3.0, 4.0]]  # drawn, not the values given
    # The element named is wrong by the hand formula: the answer's [1,2] is x₁, the derivative x₂.
    assert example["element"] == "W[1,2]"
    assert (example["expected"], example["got"]) == (point["x"][0], point["x"][1])


def test_softmax_cross_entropy_by_hand_at_random_points(run) -> None:
    # loss = -Σ t·log(softmax(z)): ∂loss/∂z = p·Σt - t (p - t for a one-hot t), and the layers below
    # follow by the chain rule: ∂/∂W2 = outer(δ, h), δ₁ = (1 - h²)·W2ᵀδ, ∂/∂W1 = outer(δ₁, x).
    d = "(p*sum(t) - t)"
    d1 = f"((1 - h^2)*(transpose(W2) @ {d}))"
    code, out, err = run(
        "check", "-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json"), "--points", "10",
        "--expect", f"z={d}", "--expect", f"b2={d}", "--expect", f"W2=outer({d}, h)",
        "--expect", f"b1={d1}", "--expect", f"W1=outer({d1}, x)", "--expect", f"x=transpose(W1) @ {d1}",
        "--expect", "t=-log(p)",
    )  # fmt: skip
    assert code == 0, out + err
    assert set(verdicts(out).values()) == {"ok"} and len(verdicts(out)) == 7
    assert "all 7 answers hold at 10 random points" in out


def test_no_values_means_scalars_and_the_hint_says_how_to_give_shapes(run) -> None:
    code, out, err = run("check", "sum(W @ x)", "--expect", "W=outer([1, 1], x)")
    assert code == 2 and out == ""
    assert (
        "error: shape mismatch: W is () (no value given, so a number) but x is () (no value given, so a number); "
        "@ multiplies vectors and matrices"
    ) in err
    assert "hint: W, x without a value are scalars;" in err and "--points N" in err
    # A literal in the program needs no values: its variables are scalars, drawn at random.
    code, out, err = run("check", "sum([x, 2*y]^2)", "--expect", "x=2*x", "--expect", "y=8*y")
    assert code == 0, err


def test_a_missing_value_at_a_point(run) -> None:
    code, _, err = run("check", "sum(W * x)", *W, "--expect", "W=x")
    assert code == 2
    assert "error: no value for x" in err and "--points N" in err


def test_scalar_program_with_a_vector_answer_is_refused(run) -> None:
    code, _, err = run("check", "x^2", "--expect", "x=[1, 2]")
    assert code == 2
    assert "the answer writes vectors or matrices, and the program has none" in err


# ---- exit statuses, notes ----------------------------------------------------------------------


def test_not_finite_at_a_given_point_names_the_element(run) -> None:
    code, out, err = run("check", "sum(log(x))", "--x", "[1, -1]", "--expect", "x=1/x")
    assert code == 3 and out == ""
    assert "error: log(x) at line 1, column 5, element [2]: log of -1 is undefined (NaN)" in err
    assert "--points N" in err


def test_a_kink_note_names_the_element(run) -> None:
    code, out, err = run("check", "sum(relu(x))", "--x", "[1, 0]", "--expect", "x=step(x)")
    assert code == 0
    assert "expected [1, 0], got [1, 0]" in out
    assert "element [2]: its input is exactly 0, where relu has a kink" in err


def test_a_gradient_needs_a_scalar_output(run) -> None:
    code, _, err = run("check", "W @ x", *W, *X, "--expect", "x=1")
    assert code == 2
    assert "the output is (2,), 2 numbers; a gradient needs one number" in err


# ---- the self-check --------------------------------------------------------------------------------


def test_self_check_per_element(run, loads) -> None:
    code, out, err = run("check", "sum(W @ x)", *W, *X)
    assert code == 0, err
    assert list(verdicts(out)) == ["∂f/∂W[1,1]", "∂f/∂W[1,2]", "∂f/∂W[2,1]", "∂f/∂W[2,2]", "∂f/∂x[1]", "∂f/∂x[2]"]
    assert "∂f/∂W[1,2]  ok  reverse -1, forward -1, finite differences -1" in out
    assert "agree for all 6 derivatives at W = [[1, 2], [3, 4]], x = [1, -1]" in out
    data = loads(run("check", "sum(W @ x)", *W, *X, "--json").stdout)
    by_name = {c["of"]: c["at"] for c in data["checks"]}
    # Hand: ∂f/∂Wᵢⱼ = xⱼ, ∂f/∂xⱼ = Σᵢ Wᵢⱼ.
    assert [by_name[n]["reverse"] for n in ("W[1,1]", "W[1,2]", "W[2,1]", "W[2,2]", "x[1]", "x[2]")] == [
        1.0, -1.0, 1.0, -1.0, 4.0, 6.0,
    ]  # fmt: skip
    assert by_name["x[2]"]["point"] == {"W": [[1.0, 2.0], [3.0, 4.0]], "x": [1.0, -1.0]}


def test_self_check_at_random_points_and_its_limit(run) -> None:
    code, out, err = run("check", "-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json"),
                         "--points", "3")  # fmt: skip
    assert code == 0, err
    assert "agree for all 31 derivatives at 3 random points" in out
    big = json.dumps(np.ones((30, 30)).tolist())
    code, out, err = run("check", "sum(tanh(W @ x))", "--W", big, "--x", json.dumps([1.0] * 30), "--points", "20")
    assert code == 2 and out == ""
    assert "the self-check of this program would evaluate about" in err and "the limit is 5,000,000" in err
    assert "hint: check answers with --expect" in err


# ---- every view gives the same numbers ---------------------------------------------------------------


@pytest.mark.parametrize("extra", [(), ("--points", "4")])
def test_every_granularity_gives_the_same_verdicts(run, extra: tuple[str, ...]) -> None:
    right = "x=transpose(W) @ (sigmoid(W @ x)*(1 - sigmoid(W @ x)))"
    args = ("check", "sum(sigmoid(W @ x))", *W, *X, "--expect", right, "--expect", "W=outer(sigmoid(W @ x), x)",
            "--json", *extra)  # fmt: skip
    outputs = {g: run(*args, "--granularity", g) for g in ("tensor", "fused", "scalar")}
    assert {o.code for o in outputs.values()} == {1}
    assert len({o.stdout for o in outputs.values()}) == 1
    assert outputs["tensor"].stdout == run(*args).stdout


def test_scalar_program_takes_granularity(run) -> None:
    # The scalar view splits σ into neg, exp, add, div: its numbers may differ in the last bits (README),
    # so the self-check's errors are compared by verdict, not byte for byte.
    args = ("check", "sigmoid(w*x)", "--points", "3", "--expect", "w=x*sigmoid(w*x)*(1 - sigmoid(w*x))")
    for granularity in ("tensor", "fused", "scalar"):
        code, out, err = run(*args, "--granularity", granularity)
        assert code == 0, err
        assert "matches at 3 of 3 points" in out
    assert run(*args, "--granularity", "tensor").stdout == run(*args).stdout
