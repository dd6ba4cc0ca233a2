"""Values and gradients are the same in every view of the graph (contract, section 3).

The views (autograd, ``--tree``, ``--granularity scalar``, and tree with
scalar) are checked against each other over the whole op table and over
random programs. The scalar view rounds differently (``sigmoid`` becomes
``1 / (1 + exp(-a))``), so numbers agree to 1e-12, relative to the number or
to 1, whichever is larger; the tree view adds a shared leaf's contributions
in another order, which may differ in the last digit too.
"""

from __future__ import annotations

import math
import random

import pytest

import gradcli
from gradcli.ops import OPS

VIEWS = [
    {"tree": False, "granularity": "fused"},
    {"tree": True, "granularity": "fused"},
    {"tree": False, "granularity": "scalar"},
    {"tree": True, "granularity": "scalar"},
]
VIEW_IDS = ["autograd", "tree", "scalar", "tree+scalar"]
REL = 1e-12


def written(op, *args: str) -> str:
    """How a program writes ``op`` applied to ``args``."""
    infix = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}
    if op.name == "neg":
        return f"(-{args[0]})"
    if op.name in infix and len(args) == 2:
        return f"({args[0]} {infix[op.name]} {args[1]})"
    return f"{op.spellings[0]}({', '.join(args)})"


def finite(result: gradcli.Result) -> bool:
    return math.isfinite(result.value) and all(map(math.isfinite, result.gradient.values()))


def assert_same_in_every_view(program: str, point: dict[str, float], isclose) -> int:
    """Evaluate in every view and compare with the autograd view; returns 0 if not finite there, else 1."""
    used = gradcli.build(program).variables
    point = {name: value for name, value in point.items() if name in used}
    results = [gradcli.evaluate(program, point, **view) for view in VIEWS]
    base = results[0]
    if not finite(base):
        return 0
    for result, name in zip(results[1:], VIEW_IDS[1:]):
        assert isclose(result.value, base.value, REL), (program, point, name, result.value, base.value)
        assert result.gradient.keys() == base.gradient.keys()
        for variable, partial in base.gradient.items():
            got = result.gradient[variable]
            assert isclose(got, partial, REL), (program, point, name, variable, got, partial)
    return 1


# ---- the op table -------------------------------------------------------------------------------

POINTS = [{"x": 0.3, "y": 0.7}, {"x": 0.8, "y": 0.25}, {"x": -0.6, "y": 1.7}, {"x": 2.5, "y": -0.4}]


def contexts(op) -> list[str]:
    """Programs that use ``op`` alone, inside other ops, and through a shared assigned name."""
    if op.arity == 1:
        alone, inner = written(op, "x"), written(op, "x*y")
    else:
        alone, inner = written(op, "x", "y"), written(op, "x*y", "y - x")
    return [alone, f"{inner} * x + y", f"u = {inner}\nu * u + x * u"]


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_has_the_same_value_and_gradient_in_every_view(op, isclose) -> None:
    checked = sum(assert_same_in_every_view(program, point, isclose) for program in contexts(op) for point in POINTS)
    assert checked >= 3, f"{op.name}: too few points where the op is defined"


@pytest.mark.parametrize("op", [op for op in OPS if op.decomposition], ids=lambda op: op.name)
def test_scalar_view_has_no_composite_op_left(op) -> None:
    graph = gradcli.build(written(op, "x"), granularity="scalar")
    assert all(o.decomposition is None for o in graph.ops), [o.name for o in graph.ops]
    assert len(graph) > 2  # the decomposition's steps, not one node


def test_tree_view_gives_each_use_its_own_leaf() -> None:
    graph = gradcli.build("u = x*y\nu + u*x", tree=True)
    assert [len(leaves) for leaves in graph.variables.values()] == [3, 2]
    assert all(len(users) <= 1 for users in graph.consumers())  # a true tree


# ---- random programs ----------------------------------------------------------------------------

UNARY = [op for op in OPS if op.arity == 1]
BINARY = [op for op in OPS if op.arity == 2]
LEAVES = ["x", "y", "z", "x", "y", "2", "0.5", "3", "pi"]


def random_expression(rng: random.Random, names: list[str], depth: int) -> str:
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(names + LEAVES)
    if rng.random() < 0.4:
        return written(rng.choice(UNARY), random_expression(rng, names, depth - 1))
    op = rng.choice(BINARY)
    return written(op, random_expression(rng, names, depth - 1), random_expression(rng, names, depth - 1))


def random_program(rng: random.Random) -> str:
    """A few assignments, each free to use the names before it, then the output."""
    names: list[str] = []
    lines = []
    for index in range(rng.randrange(3)):
        lines.append(f"a{index} = {random_expression(rng, names, 3)}")
        names.append(f"a{index}")
    lines.append(random_expression(rng, names, 4))
    return "\n".join(lines)


def test_random_programs_have_the_same_value_and_gradient_in_every_view(isclose) -> None:
    rng = random.Random(20240503)
    checked = 0
    for _ in range(1500):
        program = random_program(rng)
        graph = gradcli.build(program)
        point = {name: round(rng.uniform(-2, 2), 3) for name in graph.variables}
        checked += assert_same_in_every_view(program, point, isclose)
        if checked == 300:
            break
    assert checked == 300, f"only {checked} random programs were finite at their point"


# ---- the command line and the API take the same view options ------------------------------------


@pytest.mark.parametrize("options", [[], ["--tree"], ["--granularity", "scalar"], ["--tree", "--granularity=scalar"]])
def test_eval_takes_the_view_options(options: list[str], run, loads) -> None:
    code, stdout, stderr = run("eval", "sigmoid(w*x) + x*x", "--x", "2", "--w", "0.5", "--json", *options)
    assert code == 0, stderr
    data = loads(stdout)
    api = gradcli.evaluate("sigmoid(w*x) + x*x", x=2, w=0.5)
    assert data["value"] == pytest.approx(api.value, rel=REL)
    assert data["gradient"] == pytest.approx(api.gradient, rel=REL)
