"""Deep and wide programs (issue #2): nothing recurses on the depth or the length of the input.

A 100,000-deep nesting and a 1,000,000-term sum must evaluate, with the right
value and gradient, in every view, through the API and the command line; and
the error paths must hold at that size too. The expected numbers come from
plain loops over ``math``, not from gradcli. There are no timed assertions:
speed belongs to benchmarks/.
"""

from __future__ import annotations

import math

import pytest

import gradcli

DEPTH = 100_000
TERMS = 1_000_000


def nested(function: str, depth: int = DEPTH, inner: str = "x") -> str:
    return f"{function}(" * depth + inner + ")" * depth


@pytest.fixture(scope="module")
def deep_sin():
    """``sin(sin(...sin(x)...))``, 100,000 deep, parsed once for every view."""
    return gradcli.parse(nested("sin"))


def sin_chain(x: float, depth: int = DEPTH) -> tuple[float, float]:
    """The value and derivative of sin applied ``depth`` times, by the chain rule in a loop."""
    derivative = 1.0
    for _ in range(depth):
        derivative *= math.cos(x)
        x = math.sin(x)
    return x, derivative


@pytest.mark.parametrize(
    "options",
    [{}, {"mode": "forward"}, {"tree": True}, {"granularity": "scalar"}],
    ids=["default", "forward-mode", "tree", "scalar"],
)
def test_deep_sin(deep_sin, options: dict) -> None:
    value, derivative = sin_chain(0.5)
    result = gradcli.evaluate(gradcli.build(deep_sin, **{k: v for k, v in options.items() if k != "mode"}), x=0.5,
                              mode=options.get("mode", "reverse"))  # fmt: skip
    assert result.value == value  # the same operations in the same order
    assert result.gradient["x"] == pytest.approx(derivative, rel=1e-9)  # products in another order
    assert result.error is None


def test_deep_parentheses() -> None:
    result = gradcli.evaluate("(" * DEPTH + "x" + ")" * DEPTH, x=0.5)
    assert (result.value, result.gradient) == (0.5, {"x": 1.0})
    assert len(result.graph) == 1


def test_deep_unary_minus() -> None:
    odd = DEPTH + 1
    result = gradcli.evaluate("-" * odd + "x", x=0.5)
    assert (result.value, result.gradient) == (-0.5, {"x": -1.0})
    assert len(result.graph) == odd + 1


def test_deep_right_associative_power() -> None:
    # x^1^1^...^1 = x^(1^(1^...)) = x: the right-recursive rule, 100,000 deep.
    result = gradcli.evaluate("x" + "^1" * DEPTH, x=3)
    assert (result.value, result.gradient) == (3.0, {"x": 1.0})


def test_deep_left_associative_chain_of_products() -> None:
    result = gradcli.evaluate("*".join(["x"] * DEPTH), x=1.0)
    assert (result.value, result.gradient) == (1.0, {"x": float(DEPTH)})


def test_a_million_term_sum() -> None:
    result = gradcli.evaluate("+".join(["x"] * TERMS), x=0.5)
    assert result.value == 0.5 * TERMS
    assert result.gradient == {"x": float(TERMS)}
    assert result.error is None


def test_deep_sigmoid_in_the_scalar_view() -> None:
    # Every sigmoid becomes 1 / (1 + exp(-a)): several hundred thousand nodes, each decomposition 100,000 deep.
    program = gradcli.parse(nested("sigmoid"))
    fused = gradcli.evaluate(program, x=0.5)
    scalar = gradcli.evaluate(program, x=0.5, granularity="scalar")
    value, derivative = 0.5, 1.0
    for _ in range(DEPTH):
        value = 1 / (1 + math.exp(-value))
        derivative *= value * (1 - value)
    assert fused.value == pytest.approx(value, rel=1e-12)
    assert scalar.value == pytest.approx(value, rel=1e-12)
    # The derivative underflows to 0 after a few hundred sigmoids (each multiplies it by about 0.2).
    assert derivative == 0.0
    assert fused.gradient == scalar.gradient == {"x": 0.0}


def test_deep_program_through_a_file(tmp_path, run, loads) -> None:
    path = tmp_path / "deep.grad"
    path.write_text("# deep\n" + nested("sin") + "\n", encoding="utf-8")
    code, stdout, stderr = run("eval", "-f", str(path), "--x", "0.5", "--json")
    assert code == 0, stderr[:500]
    data = loads(stdout)
    value, derivative = sin_chain(0.5)
    assert data["value"] == value
    assert data["gradient"]["x"] == pytest.approx(derivative, rel=1e-9)


def test_deep_program_from_standard_input_in_the_tree_view(run, loads) -> None:
    code, stdout, stderr = run("eval", "-", "--x", "2", "--tree", "--json", input="(" * DEPTH + "x*x" + ")" * DEPTH)
    assert code == 0, stderr[:500]
    assert loads(stdout)["gradient"] == {"x": 4.0}


def test_a_syntax_error_at_the_end_of_a_huge_input(tmp_path, run) -> None:
    path = tmp_path / "wide.grad"
    text = "+".join(["x"] * (TERMS // 10)) + "+)"
    path.write_text(text, encoding="utf-8")
    code, stdout, stderr = run("eval", "-f", str(path), "--x", "1")
    assert (code, stdout) == (2, "")
    assert stderr.startswith("error: unexpected ')'")
    lines = stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "^")
    shown = lines[at - 1]
    assert len(shown) <= 110  # a window around the error, not the whole 200,000-character line
    assert shown.endswith("+x+)")
    assert lines[at].index("^") == len(shown) - 1  # the caret sits under the ')'
    assert len(stderr) < 1000


def test_an_unclosed_parenthesis_at_depth(run) -> None:
    code, _, stderr = run("eval", "--x", "1", "--", "(" * DEPTH + "x")
    assert code == 2
    assert stderr.startswith("error: unexpected end of input")
    assert f"the '(' at line 1, column {DEPTH} is never closed" in stderr


def test_a_nonfinite_value_deep_inside(run) -> None:
    # log(0.5) < 0, so the second log from the inside is the first NaN; everything above it only carries it.
    code, stdout, stderr = run("eval", "--x", "0.5", "--json", "--", nested("log"))
    assert code == 3
    assert '"value": null' in stdout
    assert f"at line 1, column {4 * (DEPTH - 2) + 1}: log of -0.6931 is undefined (NaN)" in stderr
