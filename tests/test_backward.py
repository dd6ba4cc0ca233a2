"""Reverse mode as a transform (gradcli.backward) and ``gradcli graph --backward``.

The backward graph must be a graph like any other (topological ids, the
program's nodes unchanged), every adjoint a node of its own, equal nodes made
once, and its values the numbers of reverse mode. The seed's table of local
rules is checked from the expressions the transform instantiates.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import close
from diff_support import random_program
from graph_support import needs_dot, parse_svg, svg_nodes

import gradcli
from gradcli.autodiff import forward
from gradcli.backward import backward, second_order
from gradcli.ops import CONST

# Seed 004, "Local Gradient Rules": each operation's backward rule, as a person writes it.
SEED_RULES = [
    ("a + b", {"a": "1", "b": "1"}),  # addition passes the gradient unchanged
    ("a - b", {"a": "1", "b": "-1"}),  # subtraction negates the second
    ("a*b", {"a": "b", "b": "a"}),  # multiplication swaps inputs
    ("a/b", {"a": "1/b", "b": "-a/b^2"}),
    ("a^3", {"a": "3*a^2"}),  # the power rule
    ("sin(a)", {"a": "cos(a)"}),
    ("cos(a)", {"a": "-sin(a)"}),
    ("exp(a)", {"a": "exp(a)"}),
    ("log(a)", {"a": "1/a"}),
    ("relu(a)", {"a": "step(a)"}),  # 1 if a > 0 else 0
]


@pytest.mark.parametrize(("program", "rules"), SEED_RULES, ids=[p for p, _ in SEED_RULES])
def test_the_seeds_rules_table(program: str, rules: dict[str, str]) -> None:
    derivatives = gradcli.diff(program)
    assert {f.names[0]: derivatives.formula_text(f) for f in derivatives.formulas} == rules


def test_the_seed_example_as_nodes() -> None:
    graph = gradcli.build("x*x + x*y")
    first = backward(graph)
    values = forward(first.graph, {"x": 3, "y": 4})
    assert values[first.gradient["x"]] == 10.0  # 3 + 3 + 4
    assert values[first.gradient["y"]] == 3.0
    assert values[first.seed] == 1.0
    # + passes the seed to both of its inputs: their adjoints are the seed itself.
    assert first.adjoint[1] == first.adjoint[3] == first.adjoint[4] == first.seed


def _programs(count: int, seed: str) -> list[str]:
    rng = random.Random(seed)
    return [random_program(rng) for _ in range(count)]


@pytest.mark.parametrize("program", _programs(40, "backward structure"))
def test_a_graph_like_any_other(program: str) -> None:
    graph = gradcli.build(program)
    first = backward(graph)
    back = first.graph
    n = len(graph)
    assert back.ops[:n] == graph.ops and back.inputs[:n] == graph.inputs and back.names[:n] == graph.names
    assert all(i < node for node, inputs in enumerate(back.inputs) for i in inputs)  # topological
    made = [(back.ops[m].name, back.inputs[m]) for m in range(n, len(back)) if back.inputs[m]]
    assert len(made) == len(set(made))  # each node made once
    constants = [back.constants[m] for m in range(n, len(back)) if back.ops[m] is CONST and m != first.seed]
    assert len(constants) == len({repr(c) for c in constants})
    for adjoint in first.adjoint:
        if adjoint is not None:
            assert back.in_backward_pass(adjoint), "an adjoint is a node of the backward pass, not the program's"
    assert all(back.live[m] for m in range(n, len(back))), "the transform leaves no unused nodes"


@pytest.mark.parametrize("program", _programs(60, "backward values"))
def test_its_values_are_reverse_mode(program: str) -> None:
    graph = gradcli.build(program)
    first = backward(graph)
    rng = random.Random(program)
    point = {name: round(rng.uniform(-2, 2), 2) for name in graph.variables}
    result = gradcli.evaluate(graph, point)
    if result.error is not None or any(d.kind in ("kink", "limit") for d in result.diagnostics):
        return
    values = forward(first.graph, point)
    for name, node in first.gradient.items():
        want = result.gradient[name]
        assert close(values[node], want, 1e-9, scale=1e-9 + sum(abs(v) for v in result.values)), name


def test_tree_view_sums_the_occurrences() -> None:
    graph = gradcli.build("x*x + x*y", tree=True)
    first = backward(graph)
    assert forward(first.graph, {"x": 3, "y": 4})[first.gradient["x"]] == 10.0


def test_no_recursion_on_a_deep_program() -> None:
    program = "x" + "*sin(x)" * 20_000  # 40,000 nodes deep on the left
    graph = gradcli.build(program)
    first = backward(graph)
    second_order(first, ["x"])
    assert forward(first.graph, {"x": 0.5})[first.gradient["x"]] == gradcli.evaluate(graph, {"x": 0.5}).gradient["x"]


# ---- gradcli graph --backward ----------------------------------------------------------------------


def test_dot_draws_every_adjoint_as_a_green_node(run) -> None:
    out = run("graph", "x*x + x*y", "--x", "3", "--y", "4", "--backward")
    assert out.code == 0
    lines = out.stdout.splitlines()
    adjoint_x = next(line for line in lines if "<I>∂f/∂x</I>" in line)
    assert "value 10" in adjoint_x and 'color="#15803d"' in adjoint_x
    assert any("<I>∂f/∂y</I>" in line and "value 3" in line for line in lines)
    seed = next(line for line in lines if "∂f/∂f" in line)
    assert "<B>1</B>" in seed
    assert not any("grad " in line for line in lines), "with --backward the adjoints are nodes, not grad lines"
    assert sum("style=dashed" in line and "->" in line for line in lines) == 8


def test_json_marks_the_backward_pass(run, loads) -> None:
    data = loads(run("graph", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--backward", "--format", "json").stdout)
    nodes = data["nodes"]
    assert [n["backward"] for n in nodes[:4]] == [False] * 4
    named = {n["name"]: n["value"] for n in nodes if n["backward"] and n["name"]}
    assert named["∂f/∂w"] == gradcli.evaluate("sigmoid(w*x)", w=0.5, x=2).gradient["w"]
    assert all(n["used"] for n in nodes)


def test_scalar_view_names_each_adjoint_by_what_it_is(run, loads) -> None:
    # Found in review: every step of sigmoid's decomposition has the span of sigmoid(w*x), so two
    # different adjoints (-0.5344 and -0.1966) were both named ∂f/∂(sigmoid(w*x)).
    args = ("graph", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--backward", "--granularity", "scalar")
    data = loads(run(*args, "--format", "json").stdout)
    named = {n["name"]: n["value"] for n in data["nodes"] if n["backward"] and n["name"]}
    s = 1 / (1 + 2.718281828459045**-1)  # sigmoid(1), by hand
    assert set(named) == {
        "∂f/∂f", "∂f/∂(1 + exp(-w*x)), ∂f/∂(exp(-w*x))", "∂f/∂(-w*x)", "∂f/∂(w*x)", "∂f/∂w", "∂f/∂x"
    }  # fmt: skip
    assert close(named["∂f/∂(1 + exp(-w*x)), ∂f/∂(exp(-w*x))"], -(s**2), 1e-12)  # d(1/u)/du = -1/u^2
    assert close(named["∂f/∂(w*x)"], s * (1 - s), 1e-12)


def test_mermaid_dots_the_backward_edges(run) -> None:
    out = run("graph", "x*y", "--backward", "--format", "mermaid")
    assert "classDef backward" in out.stdout and "-.->" in out.stdout


def test_without_backward_nothing_changes(run) -> None:
    out = run("graph", "x*y", "--x", "1", "--y", "2")
    assert "#15803d" not in out.stdout and "grad 2" in out.stdout


def test_not_finite_in_the_backward_pass_exits_3(run) -> None:
    out = run("graph", "sqrt(x)", "--x", "0", "--backward")
    assert out.code == 3
    assert "#b91c1c" in out.stdout  # drawn in red, and still written


@needs_dot
def test_renders_with_graphviz(run, tmp_path) -> None:
    target = tmp_path / "back.svg"
    out = run("graph", "x*x + x*y", "--x", "3", "--y", "4", "--backward", "-o", str(target))
    assert out.code == 0
    svg = target.read_text(encoding="utf-8")
    assert "∂f/∂x" in svg and "value 10" in svg


# ---- the README's picture (examples/seed-backward.svg) ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PICTURE = ROOT / "examples" / "seed-backward.svg"
PICTURE_ARGS = ("graph", "-f", "examples/seed.grad", "--x", "3", "--y", "4", "--backward")


def _texts(path: Path) -> dict[str, list[str]]:
    return svg_nodes(parse_svg(path.read_bytes()))


def test_the_readme_picture_shows_the_seeds_numbers() -> None:
    nodes = sorted(_texts(PICTURE).values())
    assert nodes == sorted(
        [["x", "value 3"], ["y", "value 4"], ["×", "value 9"], ["×", "value 12"], ["+", "value 21"],
         ["1", "∂f/∂f, ∂f/∂(x*y), ∂f/∂(x*x)"], ["×", "∂f/∂y", "value 3"], ["×", "value 4"],
         ["+", "value 6"], ["+", "∂f/∂x", "value 10"]]
    )  # fmt: skip


@needs_dot
def test_the_readme_picture_is_up_to_date(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / PICTURE.name
    assert run(*PICTURE_ARGS, "-o", str(fresh)).code == 0
    assert _texts(fresh) == _texts(PICTURE), f"redraw: gradcli {' '.join(PICTURE_ARGS)} -o {PICTURE}"
