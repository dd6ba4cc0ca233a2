"""``gradcli trace``: the seed's worked examples step by step, views, kinks, long programs, JSON.

The numbers asserted here are the seed's (computational graphs seed:
f = x² + xy written x*x + x*y at x = 3, y = 4; f = sigmoid(w·x) at x = 2,
w = 0.5), derived by hand, or computed by SymPy.
"""

from __future__ import annotations

import re
import sys

import pytest
import sympy

import gradcli
from gradcli.ops import BY_NAME, OPS, Op
from gradcli.ruletext import forward_numbers
from gradcli.trace import node_symbols, trace


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def equation(line: str) -> str:
    """A trace line without its note and with the padding after the node squeezed: ``v2 = w · x = ...``."""
    line = line.split("  # ")[0].strip()
    return re.sub(r"^(\S+) +=", r"\1 =", line)


def steps(stdout: str) -> list[str]:
    return [equation(line) for line in lines(stdout) if line.startswith("  ")]


# ---- the seed's first worked example: f = x² + xy, written x*x + x*y, at x = 3, y = 4 ----------


def test_seed_sum_of_products_step_by_step(run) -> None:
    code, out, err = run("trace", "x*x + x*y", "--x", "3", "--y", "4")
    assert code == 0, err
    # Forward: the seed's steps 1-4 (leaves, 3 × 3 = 9, 3 × 4 = 12, 9 + 12 = 21), with the graph's node ids.
    forward = out.split("Backward pass")[0]
    assert steps(forward) == [
        "x = 3",
        "y = 4",
        "v1 = x · x = 3 · 3 = 9",
        "v3 = x · y = 3 · 4 = 12",
        "v4 = v1 + v3 = 9 + 12 = 21",
    ]
    # Backward: seed 1, addition passes 1 to both products, then x collects one term per use.
    backward = out.split("Backward pass")[1].split("Gradient")[0]
    assert steps(backward) == [
        "∂f/∂v4 = ∂f/∂f = 1",
        "∂f/∂v3 = ∂f/∂v4 · 1 = 1 · 1 = 1",
        "∂f/∂v1 = ∂f/∂v4 · 1 = 1 · 1 = 1",
        "∂f/∂x = ∂f/∂v1 · x + ∂f/∂v1 · x + ∂f/∂v3 · y",
        "= 1 · 3 + 1 · 3 + 1 · 4",
        "= 3 + 3 + 4 = 10",
        "∂f/∂y = ∂f/∂v3 · x = 1 · 3 = 3",
    ]
    assert "# the seed" in out
    assert "# x is used 3 times: one term per use" in out
    # The final table: f = 21, ∂f/∂x = 2x + y = 10, ∂f/∂y = x = 3.
    table = out.split("Gradient:")[1].split()
    assert table == ["f", "21", "∂f/∂x", "10", "∂f/∂y", "3"]
    assert "\x1b[" not in out  # plain text when piped


def test_seed_tree_view_sums_per_occurrence(run) -> None:
    code, out, err = run("trace", "x*x + x*y", "--x", "3", "--y", "4", "--tree")
    assert code == 0, err
    assert "tree view" in out
    got = steps(out)
    for line in [
        "x₁ = 3",
        "x₂ = 3",
        "x₃ = 3",
        "v2 = x₁ · x₂ = 3 · 3 = 9",
        "v5 = x₃ · y = 3 · 4 = 12",
        "v6 = v2 + v5 = 9 + 12 = 21",
        "∂f/∂x₁ = ∂f/∂v2 · x₂ = 1 · 3 = 3",
        "∂f/∂x₂ = ∂f/∂v2 · x₁ = 1 · 3 = 3",
        "∂f/∂x₃ = ∂f/∂v5 · y = 1 · 4 = 4",
        "∂f/∂x = ∂f/∂x₁ + ∂f/∂x₂ + ∂f/∂x₃ = 3 + 3 + 4 = 10",  # the seed's step 5
        "∂f/∂y = ∂f/∂v5 · x₃ = 1 · 3 = 3",
    ]:
        assert line in got, line
    assert "x occurs 3 times: one term per occurrence" in out


def test_the_tree_view_ids_are_the_graphs() -> None:
    graph = gradcli.build("x*x + x*y", tree=True)
    symbols = node_symbols(graph)
    assert symbols == ["x₁", "x₂", "v2", "x₃", "y", "v5", "v6"]
    assert graph.variables == {"x": [0, 1, 3], "y": [4]}


# ---- the seed's second worked example: f = sigmoid(w·x) at x = 2, w = 0.5 -----------------------


def test_seed_sigmoid_step_by_step(run) -> None:
    code, out, err = run("trace", "sigmoid(w*x)", "--x", "2", "--w", "0.5")
    assert code == 0, err
    assert steps(out) == [
        "w = 0.5",
        "x = 2",
        "v2 = w · x = 0.5 · 2 = 1",  # multiply: 0.5 × 2 = 1.0
        "v3 = σ(v2) = σ(1) = 0.7311",  # sigmoid: 1/(1 + e^(-1)) = 0.7311
        "∂f/∂v3 = ∂f/∂f = 1",
        # 1 × σ(1) × (1 − σ(1)) = 1 × 0.7311 × 0.2689 = 0.1966
        "∂f/∂v2 = ∂f/∂v3 · σ(v2)·(1 − σ(v2)) = 1 · 0.7311·(1 − 0.7311) = 0.1966",
        "∂f/∂w = ∂f/∂v2 · x = 0.1966 · 2 = 0.3932",  # 0.1966 × x = 0.1966 × 2 = 0.3932
        "∂f/∂x = ∂f/∂v2 · w = 0.1966 · 0.5 = 0.09831",  # 0.1966 × w = 0.1966 × 0.5 = 0.0983
    ]


def test_seed_sigmoid_in_scalar_granularity(run) -> None:
    code, out, err = run("trace", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--granularity", "scalar")
    assert code == 0, err
    got = steps(out)
    # 1 / (1 + exp(-z)): neg, exp, add, div; e^-1 = 0.3679, 1 + 0.3679 = 1.368, 1 / 1.368 = 0.7311.
    for line in [
        "v5 = −v2 = −1 = -1",
        "v6 = exp(v5) = exp(-1) = 0.3679",
        "v7 = 1 + v6 = 1 + 0.3679 = 1.368",
        "v8 = 1 / v7 = 1 / 1.368 = 0.7311",
        # d(a/u)/du = −(a/u)/u = −0.7311/1.368 = −0.5344; then through +, exp (e^-1 = 0.3679) and neg.
        "∂f/∂v7 = ∂f/∂v8 · (−(1/v7)/v7) = 1 · (−0.7311/1.368) = -0.5344",
        "∂f/∂v5 = ∂f/∂v6 · exp(v5) = (-0.5344) · 0.3679 = -0.1966",
        "∂f/∂v2 = ∂f/∂v5 · (−1) = (-0.1966) · (−1) = 0.1966",
        "∂f/∂w = ∂f/∂v2 · x = 0.1966 · 2 = 0.3932",
        "∂f/∂x = ∂f/∂v2 · w = 0.1966 · 0.5 = 0.09831",
    ]:
        assert line in got, line
    assert out.count("a step of sigmoid") == 4


def test_json_holds_the_steps_as_data(run, loads) -> None:
    code, out, err = run("trace", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--json")
    assert code == 0, err
    data = loads(out)
    assert data["expression"] == "sigmoid(w*x)"
    assert [(s["node"], s["symbol"], s["op"]) for s in data["forward"]] == [
        (0, "w", "var"),
        (1, "x", "var"),
        (2, "v2", "mul"),
        (3, "v3", "sigmoid"),
    ]
    w, x = sympy.Rational(1, 2), sympy.Integer(2)
    s = 1 / (1 + sympy.exp(-w * x))
    assert data["value"] == pytest.approx(float(s), rel=1e-15)
    assert data["forward"][3]["text"] == "v3 = σ(v2) = σ(1) = 0.7311"
    kinds = [s["kind"] for s in data["backward"]]
    assert kinds == ["seed", "chain", "chain", "chain"]
    inner = data["backward"][1]
    assert inner["node"] == 2
    (term,) = inner["terms"]
    assert term["from"] == 3 and term["input"] == 0
    assert term["value"] == pytest.approx(float(s * (1 - s)), rel=1e-15)  # full precision, not 0.1966
    assert data["gradient"] == {
        "w": pytest.approx(float(s * (1 - s) * x), rel=1e-15),
        "x": pytest.approx(float(s * (1 - s) * w), rel=1e-15),
    }
    assert data["diagnostics"] == []


def test_json_terms_of_a_leaf_used_three_times(run, loads) -> None:
    data = loads(run("trace", "x*x + x*y", "--x", "3", "--y", "4", "--json").stdout)
    (x,) = [s for s in data["backward"] if s["symbol"] == "x"]
    assert [(t["from"], t["input"], t["value"]) for t in x["terms"]] == [(1, 0, 3), (1, 1, 3), (3, 0, 4)]
    assert x["value"] == 10
    assert x["text"].endswith("= 3 + 3 + 4 = 10")


# ---- shared nodes, names, signs ----------------------------------------------------------------


def test_an_assigned_node_used_twice_sums_its_uses(run) -> None:
    # f = z·z + z with z = x·y at x = 2, y = 3: z = 6, ∂f/∂z = 2z + 1 = 6 + 6 + 1 = 13, ∂f/∂x = 13·y = 39.
    code, out, _ = run("trace", "z = x*y; z*z + z", "--x", "2", "--y", "3")
    assert code == 0
    got = steps(out)
    assert "z = x · y = 2 · 3 = 6" in got
    assert "∂f/∂z = ∂f/∂v3 · z + ∂f/∂v3 · z + ∂f/∂v4 · 1" in got  # a long step: one side of = per line
    assert "= 1 · 6 + 1 · 6 + 1 · 1" in got
    assert "= 6 + 6 + 1 = 13" in got
    assert "∂f/∂x = ∂f/∂z · y = 13 · 3 = 39" in got
    assert "# z is used 3 times: one term per use" in out
    assert "# node v2" in out  # the assigned node's id in the graph
    # In the tree view z is copied at each use: x occurs three times, 6·3 + 6·3 + 1·3 = 39.
    tree = steps(run("trace", "z = x*y; z*z + z", "--x", "2", "--y", "3", "--tree").stdout)
    assert "∂f/∂x = ∂f/∂x₁ + ∂f/∂x₂ + ∂f/∂x₃ = 18 + 18 + 3 = 39" in tree


def test_the_output_named_by_an_assignment(run) -> None:
    code, out, _ = run("trace", "z = w*x + b; y = sigmoid(z)", "--w", "0.5", "--x", "2", "--b", "-1")
    assert code == 0
    got = steps(out)
    assert "y = σ(z) = σ(0) = 0.5" in got
    assert "∂y/∂y = 1" in got
    assert "∂y/∂z = ∂y/∂y · σ(z)·(1 − σ(z)) = 1 · 0.5·(1 − 0.5) = 0.25" in got
    assert "∂y/∂b = ∂y/∂z · 1 = 0.25 · 1 = 0.25" in got


def test_negative_numbers_are_parenthesised_and_signs_follow_the_rules(run) -> None:
    # f = x − y·x at x = -2, y = 3: ∂f/∂x = 1 − y = -2 (terms 1 and -3), ∂f/∂y = −x = 2.
    got = steps(run("trace", "x - y*x", "--x", "-2", "--y", "3").stdout)
    assert "v2 = y · x = 3 · (-2) = -6" in got
    assert "v3 = x − v2 = (-2) − (-6) = 4" in got
    assert "∂f/∂v2 = ∂f/∂v3 · (−1) = 1 · (−1) = -1" in got
    assert "∂f/∂x = ∂f/∂v2 · y + ∂f/∂v3 · 1 = (-1) · 3 + 1 · 1 = -3 + 1 = -2" in got
    assert "∂f/∂y = ∂f/∂v2 · x = (-1) · (-2) = 2" in got


def test_names_that_look_like_node_ids_change_the_prefix(run) -> None:
    got = steps(run("trace", "v1*x + x", "--v1", "2", "--x", "3").stdout)
    assert "n2 = v1 · x = 2 · 3 = 6" in got


def test_numbers_in_a_step_are_parenthesised_only_where_needed() -> None:
    assert forward_numbers(BY_NAME["mul"], {"a": -2.0, "b": 3.0}, 4) == "(-2) · 3"
    assert forward_numbers(BY_NAME["sigmoid"], {"a": -2.0}, 4) == "σ(-2)"
    assert forward_numbers(BY_NAME["max"], {"a": -1.0, "b": -2.5}, 4) == "max(-1, -2.5)"
    assert forward_numbers(BY_NAME["abs"], {"a": -3.0}, 4) == "|-3|"


def test_rich_on_a_terminal(run, monkeypatch) -> None:
    # The package exports the commands under their modules' names, so reach the modules through sys.modules.
    monkeypatch.setattr(sys.modules["gradcli.cli.trace_command"], "is_terminal", lambda: True)
    monkeypatch.setattr(sys.modules["gradcli.cli.output"], "is_terminal", lambda: True)
    code, out, _ = run("trace", "x*x + x*y", "--x", "3", "--y", "4")
    assert code == 0
    assert "┃ value ┃" in out  # rich drew the table (rich itself leaves out colours when the stream is not a tty)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "= 3 + 3 + 4 = 10" in plain
    assert "v4 = v1 + v3 = 9 + 12 = 21" in plain


def test_digits(run) -> None:
    got = steps(run("trace", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--digits", "6").stdout)
    assert "v3 = σ(v2) = σ(1) = 0.731059" in got


# ---- kinks and numbers that are not finite ---------------------------------------------------------


def test_a_kink_names_the_convention(run) -> None:
    code, out, err = run("trace", "relu(x) + max(x, y)", "--x", "0", "--y", "0")
    assert code == 0
    got = steps(out)
    assert "∂f/∂y = ∂f/∂v3 · (1 − sign(x − y))/2 = 1 · (1 − sign(0 − 0))/2 = 0.5" in got
    assert "= 0 + 0.5 = 0.5" in got  # ∂f/∂x: relu'(0) = 0 plus half of the tie
    assert "on a kink: relu'(0) = 0" in out
    assert "convention: a tie splits the gradient equally" in out
    assert "note: relu(x)" in err and "relu'(0) = 0" in err


def test_a_value_that_is_not_finite_is_traced_then_reported(run) -> None:
    code, out, err = run("trace", "log(x)*y", "--x", "0", "--y", "2")
    assert code == 3
    got = steps(out)
    assert "v1 = log(x) = log(0) = -inf" in got
    assert "∂f/∂x = ∂f/∂v1 · 1/x = 2 · 1/0 = inf" in got
    assert "error: log(x) at line 1, column 1: log of 0 is -infinity" in err


def test_a_constant_output_has_no_backward_pass(run) -> None:
    code, out, _ = run("trace", "2*pi")
    assert code == 0
    assert "v2 = 2 · pi = 2 · 3.142 = 6.283" in steps(out)
    assert "depends on no variable" in out


@pytest.mark.parametrize(
    "args",
    [
        ["x*y", "--x", "1"],  # y has no value
        ["x*y", "--x", "1", "--y", "2", "--z", "3"],  # z is not a variable
        ["x*", "--x", "1"],  # syntax
        [],  # no program
    ],
)
def test_bad_input_is_a_usage_error(run, args) -> None:
    code, out, err = run("trace", *args)
    assert code == 2
    assert err.startswith("error:")
    assert out == ""


# ---- long programs -----------------------------------------------------------------------------------


def test_a_long_program_elides_the_middle_of_each_pass(run) -> None:
    # 2,500 terms x*y: 4,999 operation nodes; x and y are each used 2,500 times.
    program = " + ".join(["x*y"] * 2500)
    code, out, _ = run("trace", program, "--x", "3", "--y", "4")
    assert code == 0
    assert out.count("steps not shown (--max-steps 0 shows every step)") == 2
    assert "# x is used 2,500 times: one term per use" in out
    assert "= 4 + 4 + 4 + 4 + 4 + … + 4 = 10000" in out  # ∂f/∂x = 2500·y
    assert len(lines(out)) < 500
    everything = run("trace", program, "--x", "3", "--y", "4", "--max-steps", "0").stdout
    assert "not shown" not in everything
    assert len(steps(everything.split("Backward")[0])) == 2 + 2_500 + 2_499


def test_a_deep_program_traces_without_recursion(run) -> None:
    depth = 3000
    code, out, _ = run("trace", "sin(" * depth + "x" + ")" * depth, "--x", "0.5", "--max-steps", "10")
    assert code == 0
    assert f"v{depth} = sin(v{depth - 1})" in out


# ---- every op of the table, against SymPy --------------------------------------------------------------

POINT = {"x": 0.3, "y": 0.7}


INFIX = {"add": "x + y", "sub": "x - y", "mul": "x * y", "div": "x / y", "pow": "x ^ y", "neg": "-x"}


def program_of(op: Op) -> str:
    return INFIX.get(op.name) or f"{op.spellings[0]}({', '.join(('x', 'y')[: op.arity])})"


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_traces_its_rule_with_the_numbers_in(op: Op, sympy_ops, to_float) -> None:
    graph = gradcli.build(program_of(op))
    steps_ = trace(graph, {n: POINT[n] for n in graph.variables}, digits=17)
    symbols = {n: sympy.Symbol(n, real=True) for n in POINT}
    expr = sympy_ops[op.name](*(symbols[n] for n in ("x", "y")[: op.arity]))
    subs = {symbols[n]: sympy.Rational(str(v)) for n, v in POINT.items()}
    for step in steps_.forward + steps_.backward:
        assert "{" not in step.text and "}" not in step.text, step.text
    (out,) = [s for s in steps_.forward if s.node == graph.output]
    assert out.value == pytest.approx(to_float(expr.subs(subs)), rel=1e-13)
    leaves = {s.symbol: s for s in steps_.backward if s.kind == "chain" and graph.is_variable(s.node)}
    for name, step in leaves.items():
        want = to_float(sympy.diff(expr, symbols[name]).subs(subs))
        assert step.value == pytest.approx(want, rel=1e-12, abs=1e-15)
        assert float(step.stages[-1]) == pytest.approx(want, rel=1e-12, abs=1e-15)  # the text, at 17 digits
