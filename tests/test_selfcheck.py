"""``gradcli check`` with no answers: reverse mode, forward mode and central finite differences agree,
for the seed, over the whole op table and on random programs, against SymPy; and they disagree when a
rule of the table is wrong.
"""

from __future__ import annotations

import dataclasses
import math
import random
import sys

import pytest
import sympy

import gradcli
from gradcli.check import Sampling
from gradcli.ops import BY_NAME, OPS, Op
from gradcli.selfcheck import central_difference, relative_error, self_check


def test_a_program_with_no_variables_has_nothing_to_self_check(run) -> None:
    code, _, err = run("check", "2*3")
    assert code == 2
    assert "--expect-value" in err


def test_self_check_at_the_seeds_point(run) -> None:
    code, out, err = run("check", "sigmoid(w*x)", "--x", "2", "--w", "0.5")
    assert code == 0, err
    assert "∂f/∂w  ok  reverse 0.3932, forward 0.3932, finite differences 0.3932; largest relative error" in out
    assert "∂f/∂x  ok  reverse 0.09831, forward 0.09831, finite differences 0.09831" in out
    assert "agree for all 2 derivatives at w = 0.5, x = 2" in out


def test_self_check_at_random_points(run, loads) -> None:
    code, out, _ = run("check", "sigmoid(w*x)")
    assert code == 0
    assert "∂f/∂w  ok  agree at 20 points; largest relative error" in out
    data = loads(run("check", "sigmoid(w*x)", "--json").stdout)
    assert data["mode"] == "self-check"
    for check in data["checks"]:
        assert check["ok"] and check["finite_differences_used"] == 20
        assert check["largest_relative_error"]["finite_differences"] < 1e-8


def test_self_check_on_a_kink_leaves_out_finite_differences(run) -> None:
    code, out, err = run("check", "relu(x) + y", "--x", "0", "--y", "1")
    assert code == 0
    assert "∂f/∂x  ok  reverse 0, forward 0; finite differences not used: the point is on a kink" in out
    assert "∂f/∂y  ok  reverse 1, forward 1, finite differences 1" in out
    assert "relu'(0) = 0" in err


def test_self_check_near_a_pole_does_not_cry_wolf(run) -> None:
    # tan near π/2: finite differences are meaningless there, not wrong.
    code, out, _ = run("check", "tan(x)", "--x", "1.5707")
    assert code == 0
    assert "the function changes too fast within the step" in out


def test_self_check_catches_a_wrong_rule() -> None:
    # A table whose local partial of sin is wrong (sin' = sin): reverse and forward mode share the
    # mistake, finite differences do not.
    graph = gradcli.build("sin(x) * y")
    broken = dataclasses.replace(BY_NAME["sin"], partials=("out",))
    graph.ops = [broken if op is BY_NAME["sin"] else op for op in graph.ops]
    report = self_check(graph, Sampling({"x": 0.5, "y": 2.0}), rtol=1e-5, atol=1e-8)
    assert not report.ok
    (x, y) = report.verdicts
    assert not x.ok and y.ok
    assert x.example.reverse == pytest.approx(math.sin(0.5) * 2)
    assert x.example.difference == pytest.approx(math.cos(0.5) * 2, rel=1e-9)


def test_self_check_exit_status_on_disagreement(run, monkeypatch) -> None:
    # The same broken rule, through the command line: exit 1 and a DISAGREE line.
    broken = dataclasses.replace(BY_NAME["sin"], partials=("out",))
    real = gradcli.builder.build

    def build(program, **kwargs):
        graph = real(program, **kwargs)
        graph.ops = [broken if op is BY_NAME["sin"] else op for op in graph.ops]
        return graph

    monkeypatch.setattr(sys.modules["gradcli.cli.check_command"], "build", build)
    code, out, _ = run("check", "sin(x)")
    assert code == 1
    assert "∂f/∂x  DISAGREE  at x = " in out
    assert "disagree for 1 of 1 derivatives" in out


def test_relative_error() -> None:
    assert relative_error(1.0, 1.0, 1e-8) == 0
    assert relative_error(2.0, 1.0, 1e-8) == 0.5
    assert relative_error(0.0, 1e-12, 1e-8) == 0  # both within atol of zero


# ---- forward vs reverse vs finite differences vs SymPy: the whole op table, and random programs ----------

POINTS = {"x": 0.3, "y": 0.7}
SYMBOLS = {n: sympy.Symbol(n, real=True) for n in POINTS}


INFIX = {"add": "({a}) + ({b})", "sub": "({a}) - ({b})", "mul": "({a}) * ({b})", "div": "({a}) / ({b})"}
INFIX |= {"pow": "({a}) ^ ({b})", "neg": "-({a})"}


def _call(op: Op, args: list[str]) -> str:
    """The op applied to argument texts, written in the language."""
    if op.name in INFIX:
        return INFIX[op.name].format(**dict(zip(op.params, args)))
    return f"{op.spellings[0]}({', '.join(args)})"


def _program(op: Op) -> str:
    return _call(op, ["x", "y"][: op.arity])


def _three_ways(text: str, point: dict[str, float]) -> dict[str, tuple[float, float, float | None]]:
    graph = gradcli.build(text)
    point = {n: point[n] for n in graph.variables}
    reverse = gradcli.evaluate(graph, point)
    forward = gradcli.evaluate(graph, point, mode="forward")
    kinked = [node for node, op in enumerate(graph.ops) if op.kinked]
    branches = tuple(gradcli.autodiff.local_partials(graph, reverse.values, node) for node in kinked)
    return {
        name: (
            reverse.gradient[name],
            forward.gradient[name],
            central_difference(graph, point, name, branches, kinked, 1e-5, 1e-8)[0],
        )
        for name in graph.variables
    }


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_three_ways_against_sympy(op: Op, sympy_ops, to_float, run) -> None:
    text = _program(op)
    expr = sympy_ops[op.name](*(SYMBOLS[n] for n in ("x", "y")[: op.arity]))
    subs = {SYMBOLS[n]: sympy.Rational(repr(v)) for n, v in POINTS.items()}
    for name, (reverse, forward, difference) in _three_ways(text, POINTS).items():
        want = to_float(sympy.diff(expr, SYMBOLS[name]).subs(subs))
        assert reverse == pytest.approx(want, rel=1e-13, abs=1e-15)
        assert forward == pytest.approx(want, rel=1e-13, abs=1e-15)
        assert difference == pytest.approx(want, rel=1e-8, abs=1e-10)
    # And through the command line, at this point and at random points.
    values = [arg for n in gradcli.build(text).variables for arg in (f"--{n}", str(POINTS[n]))]
    assert run("check", *values, "--", text).code == 0
    assert run("check", "--", text).code == 0


def _random_program(rng: random.Random, sympy_ops: dict) -> tuple[str, sympy.Expr]:
    """A program of 2 to 6 assignments over x, y and the names before it, and its SymPy form."""
    names = ["x", "y"]
    exprs: dict[str, sympy.Expr] = dict(SYMBOLS)
    statements = []
    for k in range(rng.randint(2, 6)):
        op = rng.choice(OPS)
        args = [rng.choice([*names, "0.5", "2"]) for _ in range(op.arity)]
        name = f"t{k}"
        try:
            exprs[name] = sympy_ops[op.name](*(exprs[a] if a in exprs else sympy.Rational(a) for a in args))
        except ValueError:  # SymPy refuses max(asin(2), 0): a constant that is not real
            continue
        statements.append(f"{name} = {_call(op, args)}")
        names.append(name)
    if not statements:
        return "x + y", exprs["x"] + exprs["y"]
    return "; ".join(statements), exprs[names[-1]]


@pytest.mark.parametrize("seed", range(25))
def test_random_programs_three_ways_against_sympy(seed: int, sympy_ops, run) -> None:
    # Random programs over the whole table, written as assignments (so that nodes are shared), at random
    # points; points where SymPy's value is not real and finite, or near a kink, are skipped. Programs are
    # drawn until one has been compared somewhere.
    rng = random.Random(seed)
    compared = 0
    while compared == 0:
        text, expr = _random_program(rng, sympy_ops)
        for _ in range(4):
            point = {n: round(rng.uniform(-2, 2), 3) for n in ("x", "y")}
            subs = {SYMBOLS[n]: sympy.Rational(repr(v)) for n, v in point.items()}
            value = _real(expr, subs)
            if value is None or abs(value) > 1e6 or _near_kink(expr, subs):
                continue
            result = gradcli.evaluate(text, {n: point[n] for n in gradcli.build(text).variables})
            if result.error is not None:  # SymPy can be real where a step is not: |sqrt(-1)| = 1
                continue
            for name, (reverse, forward, difference) in _three_ways(text, point).items():
                want = _real(sympy.diff(expr, SYMBOLS[name]), subs)
                if want is None:  # 0^0 and the like: SymPy has no derivative where gradcli uses a convention
                    continue
                assert reverse == pytest.approx(want, rel=1e-9, abs=1e-12), (text, point, name)
                assert forward == pytest.approx(want, rel=1e-9, abs=1e-12), (text, point, name)
                if difference is not None:
                    assert difference == pytest.approx(want, rel=1e-5, abs=1e-7), (text, point, name)
                compared += 1
        # The self-check never reports a disagreement for a correct table (2: no usable random point).
        if gradcli.build(text).variables:
            assert run("check", text).code in (0, 2), text


def _real(expr: sympy.Expr, subs: dict) -> float | None:
    """The expression's value at a point, if SymPy finds it real and finite (Max of complex numbers raises)."""
    try:
        value = expr.subs(subs).evalf(30)
    except (TypeError, ValueError):
        return None
    return float(value) if value.is_real and value.is_finite else None


def _near_kink(expr: sympy.Expr, subs: dict) -> bool:
    """Whether any relu, abs, max or min in the expression is within 1e-6 of its kink or tie."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Max, sympy.Min)):
            args = [complex(arg.subs(subs).evalf(30)) for arg in node.args]
            if any(abs(a - b) < 1e-6 for i, a in enumerate(args) for b in args[i + 1 :]):
                return True
        if isinstance(node, sympy.Abs) and abs(complex(node.args[0].subs(subs).evalf(30))) < 1e-6:
            return True
    return False
