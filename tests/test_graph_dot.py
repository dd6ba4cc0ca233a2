"""``gradcli graph`` DOT: read back with pydot, node by node.

Ground truth is the seeds, worked by hand: f = x*x + x*y at x = 3, y = 4 is
21, with ∂f/∂x = 3 + 3 + 4 = 10 and ∂f/∂y = 3; σ(w·x) at x = 2, w = 0.5 is
0.7311, with ∂f/∂(w·x) = 0.1966, ∂f/∂w = 0.3932 and ∂f/∂x = 0.09831.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from graph_support import needs_dot, parse_dot, parse_svg, svg_nodes, svg_tooltips, unquote

import gradcli
from gradcli.export.look import describe

SEED = "x*x + x*y"

# pydot's parser calls pyparsing names that pyparsing has deprecated: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def dot_of(run, *args: str, status: int = 0) -> str:
    code, stdout, stderr = run("graph", *args)
    assert code == status, stderr
    return stdout


# ---- what each view draws -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "leaves", "operations", "edges"),
    [
        ([], ["x", "y"], ["×", "×", "+"], 6),
        (["--tree"], ["x", "x", "x", "y"], ["×", "×", "+"], 6),
        (["--granularity", "scalar"], ["x", "y"], ["×", "×", "+"], 6),
    ],
    ids=["autograd", "tree", "scalar"],
)
def test_seed_views_have_the_seeds_nodes(options, leaves, operations, edges, run) -> None:
    dot = parse_dot(dot_of(run, SEED, *options))
    assert sorted(n.title for n in dot.leaves()) == leaves
    assert sorted(n.title for n in dot.operations()) == sorted(operations)
    assert len(dot.edges) == edges


def test_scalar_sigmoid_is_neg_exp_add_div(run) -> None:
    fused = parse_dot(dot_of(run, "sigmoid(w*x)"))
    assert sorted(n.title for n in fused.operations()) == ["×", "σ"]
    scalar = parse_dot(dot_of(run, "sigmoid(w*x)", "--granularity", "scalar"))
    assert sorted(n.title for n in scalar.operations()) == sorted(["×", "−", "exp", "+", "/"])
    assert sorted(n.title for n in scalar.leaves()) == ["1", "1", "w", "x"]


def test_node_ids_are_the_graphs_own(run) -> None:
    """DOT n3 is node 3 of the graph: the v3 of a trace."""
    graph = gradcli.build(SEED)
    dot = parse_dot(dot_of(run, SEED))
    assert list(dot.nodes) == [f"n{i}" for i in range(len(graph))]
    for node in range(len(graph)):
        assert dot.nodes[f"n{node}"].title == graph.label(node)
        assert dot.inputs(f"n{node}") == [f"n{i}" for i in graph.inputs[node]]


def test_edges_run_from_inputs_to_the_operation(run) -> None:
    dot = parse_dot(dot_of(run, "u = sin(x) * y\nu - exp(u)"))
    for source, target, _ in dot.edges:
        assert int(source[1:]) < int(target[1:])  # inputs come first: leaves toward the root
    leaves = {n.id for n in dot.leaves()}
    assert all(source in leaves for source, _, _ in dot.edges if dot.nodes[source].is_leaf)
    assert not [target for _, target, _ in dot.edges if target in leaves]


def test_the_default_draws_the_output_on_top(run) -> None:
    assert parse_dot(dot_of(run, SEED)).attributes["rankdir"] == "BT"
    for direction in ("TB", "LR", "RL", "bt"):
        assert parse_dot(dot_of(run, SEED, "--rankdir", direction)).attributes["rankdir"] == direction.upper()
    code, _, stderr = run("graph", SEED, "--rankdir", "UP")
    assert code == 2 and "UP" in stderr


# ---- what a node shows --------------------------------------------------------------------------


def numbers(dot, what: str) -> dict[str, list[str]]:
    """Title -> the number on each such node's ``what`` line, in node order."""
    found: dict[str, list[str]] = {}
    for node in dot.nodes.values():
        found.setdefault(node.title, []).append(node.line(what))
    return found


def test_seed_nodes_show_value_and_gradient(run) -> None:
    dot = parse_dot(dot_of(run, SEED, "--x", "3", "--y", "4"))
    assert numbers(dot, "value") == {"x": ["3"], "y": ["4"], "×": ["9", "12"], "+": ["21"]}
    assert numbers(dot, "grad") == {"x": ["10"], "y": ["3"], "×": ["1", "1"], "+": ["1"]}


def test_tree_view_shows_each_use_of_x_with_its_own_contribution(run) -> None:
    dot = parse_dot(dot_of(run, SEED, "--x", "3", "--y", "4", "--tree"))
    assert numbers(dot, "value") == {"x": ["3", "3", "3"], "y": ["4"], "×": ["9", "12"], "+": ["21"]}
    assert numbers(dot, "grad") == {"x": ["3", "3", "4"], "y": ["3"], "×": ["1", "1"], "+": ["1"]}


def test_sigmoid_seed_numbers_in_the_one_number_format(run) -> None:
    dot = parse_dot(dot_of(run, "sigmoid(w*x)", "--x", "2", "--w", "0.5"))
    assert numbers(dot, "value") == {"w": ["0.5"], "x": ["2"], "×": ["1"], "σ": ["0.7311"]}
    assert numbers(dot, "grad") == {"w": ["0.3932"], "x": ["0.09831"], "×": ["0.1966"], "σ": ["1"]}
    precise = parse_dot(dot_of(run, "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--digits", "8"))
    assert numbers(precise, "value")["σ"] == ["0.73105858"]


def test_scalar_sigmoid_numbers(run) -> None:
    dot = parse_dot(dot_of(run, "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--granularity", "scalar"))
    # 1 / (1 + exp(-w·x)) at w·x = 1: exp(-1) = 0.3679, 1 + exp(-1) = 1.368, σ = 0.7311.
    assert numbers(dot, "value") == {
        "w": ["0.5"], "x": ["2"], "×": ["1"], "−": ["-1"], "exp": ["0.3679"], "1": [None, None],
        "+": ["1.368"], "/": ["0.7311"],
    }  # fmt: skip
    assert numbers(dot, "grad")["w"] == ["0.3932"] and numbers(dot, "grad")["x"] == ["0.09831"]
    assert numbers(dot, "grad")["1"] == [None, None]  # no gradient flows into a constant


def test_structure_only_without_values(run) -> None:
    dot = parse_dot(dot_of(run, SEED))
    assert all(node.lines == [node.title] for node in dot.nodes.values())


def test_no_values_and_no_grads_hide_the_lines(run) -> None:
    args = (SEED, "--x", "3", "--y", "4")
    no_values = parse_dot(dot_of(run, *args, "--no-values"))
    assert all(n.line("value") is None and n.line("grad") is not None for n in no_values.nodes.values())
    no_grads = parse_dot(dot_of(run, *args, "--no-grads"))
    assert all(n.line("grad") is None and n.line("value") is not None for n in no_grads.nodes.values())
    neither = parse_dot(dot_of(run, *args, "--no-values", "--no-grads"))
    assert all(n.lines == [n.title] for n in neither.nodes.values())


def test_a_constant_shows_its_value_only_when_written_otherwise(run) -> None:
    dot = parse_dot(dot_of(run, "2*x + pi", "--x", "1"))
    assert numbers(dot, "value")["2"] == [None]
    assert numbers(dot, "value")["pi"] == ["3.142"]


def test_leaves_and_operations_look_different(run) -> None:
    dot = parse_dot(dot_of(run, "2*x"))
    shapes = {n.title: (n.attributes["shape"], n.attributes["fillcolor"]) for n in dot.nodes.values()}
    assert shapes["x"][0] == shapes["2"][0] == "ellipse"
    assert shapes["×"][0] == "box"
    assert len({fill for _, fill in shapes.values()}) == 3  # variable, constant, operation


def test_assigned_names_are_shown(run) -> None:
    dot = parse_dot(dot_of(run, "z = w*x\ny = sigmoid(z)"))
    assert {n.title: n.lines for n in dot.operations()} == {"×": ["×", "z"], "σ": ["σ", "y"]}


def test_function_spelling_is_shown_as_written(run) -> None:
    dot = parse_dot(dot_of(run, "ln(x) + log(x) + sqrt(x)"))
    assert sorted(n.title for n in dot.operations()) == sorted(["ln", "log", "√", "+", "+"])


@pytest.mark.parametrize("program", [SEED, "z = w*x\nsigmoid(z)", "a = x^2\nb = a + 1\na*b"])
def test_the_output_alone_is_marked(program: str, run) -> None:
    graph = gradcli.build(program)
    dot = parse_dot(dot_of(run, program))
    marked = [n.id for n in dot.nodes.values() if n.attributes.get("peripheries") == "2"]
    assert marked == [f"n{graph.output}"]


def test_an_unused_statement_is_drawn_dashed_and_warned_about(run) -> None:
    code, stdout, stderr = run("graph", "a = x*2\nx + 1")
    assert code == 0 and "'a' is assigned but never used" in stderr
    dot = parse_dot(stdout)
    times = next(n for n in dot.nodes.values() if n.title == "×")
    assert "dashed" in unquote(times.attributes["style"])


# ---- operand order --------------------------------------------------------------------------------


@pytest.mark.parametrize("program", ["x - y", "x / y", "x ^ y", "x ** y", "pow(x, y)"])
def test_operand_order_is_labelled(program: str, run) -> None:
    swapped = re.sub(r"\b[xy]\b", lambda m: "y" if m[0] == "x" else "x", program)
    for text, first in ((program, "x"), (swapped, "y")):
        dot = parse_dot(dot_of(run, text))
        by_title = {n.id: n.title for n in dot.nodes.values()}
        labels = {by_title[source]: unquote(attrs["headlabel"]) for source, _, attrs in dot.edges}
        second = "y" if first == "x" else "x"
        assert labels == {first: "a", second: "b"}, text


def test_same_operand_twice_is_two_labelled_edges(run) -> None:
    dot = parse_dot(dot_of(run, "x - x"))
    assert [unquote(attrs["headlabel"]) for _, _, attrs in dot.edges] == ["a", "b"]


@pytest.mark.parametrize("program", ["x + y", "x * y", "2x", "sin(x)", "max(x, y)", "min(x, y)"])
def test_symmetric_and_one_input_ops_need_no_labels(program: str, run) -> None:
    assert all("headlabel" not in attrs for _, _, attrs in parse_dot(dot_of(run, program)).edges)


# ---- numbers that are not finite ------------------------------------------------------------------


def test_nonfinite_nodes_are_highlighted_and_the_graph_still_written(run) -> None:
    code, stdout, stderr = run("graph", "log(x) + x", "--x", "0")
    assert code == 3
    assert "error: log(x) at line 1, column 1: log of 0 is -infinity" in stderr
    dot = parse_dot(stdout)
    log = next(n for n in dot.nodes.values() if n.title == "log")
    plus = next(n for n in dot.nodes.values() if n.title == "+")
    x = next(n for n in dot.nodes.values() if n.title == "x")
    assert log.line("value") == "-inf" and plus.line("value") == "-inf" and x.line("grad") == "inf"
    red = unquote(log.attributes["color"])
    assert unquote(plus.attributes["color"]) == unquote(x.attributes["color"]) == red
    assert unquote(log.attributes["fillcolor"]) != unquote(plus.attributes["fillcolor"])  # where it arose
    finite = parse_dot(dot_of(run, "log(x) + x", "--x", "1"))
    assert all(unquote(n.attributes["color"]) != red for n in finite.nodes.values())


def test_nan_gradient_is_highlighted(run) -> None:
    code, stdout, _ = run("graph", "sqrt(x)", "--x", "0")
    assert code == 3
    x = next(n for n in parse_dot(stdout).nodes.values() if n.title == "x")
    assert x.line("grad") == "inf"


# ---- escaping: user text never breaks the DOT nor changes the graph -----------------------------

NASTY = (
    '(node # "q" \\ <b>&amp; {a|b} x:1 \\N \\G \\l ] [ ; -> -- //\n'
    "  + graph * edge) - strict / digraph ^ subgraph + θ * 变量 # ends in a backslash \\\n"
)


def test_dot_keywords_as_names_and_nasty_comments_keep_the_graph(run) -> None:
    graph = gradcli.build(NASTY)
    looks = describe(graph)
    dot = parse_dot(dot_of(run, NASTY))
    assert len(dot.nodes) == len(graph)
    assert len(dot.edges) == sum(len(inputs) for inputs in graph.inputs)
    assert sorted(n.title for n in dot.leaves()) == sorted(
        ["node", "graph", "edge", "strict", "digraph", "subgraph", "θ", "变量"]
    )
    assert any('"q" \\ <b>&amp; {a|b} x:1 \\N' in look.tooltip for look in looks)  # what Graphviz must show


@needs_dot
def test_file_names_with_odd_characters_are_escaped(run, tmp_path) -> None:
    path = tmp_path / 'we"ird\\ &amp; {a|b} <c> x:1 \\N.grad'
    path.write_text("x*y\n", encoding="utf-8")
    text = dot_of(run, "-f", str(path))
    assert len(parse_dot(text).nodes) == 3
    svg = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=True)
    tips = svg_tooltips(parse_svg(svg.stdout))
    assert sorted(tips) == sorted(f"{s} ({path}, line 1, column {c})" for s, c in (("x", 1), ("y", 3), ("x*y", 1)))


@needs_dot
def test_graphviz_draws_nasty_text_literally(run) -> None:
    """Graphviz itself reads the escaped DOT: one node per graph node, tooltips shown as written."""
    graph = gradcli.build(NASTY)
    svg = subprocess.run(["dot", "-Tsvg"], input=dot_of(run, NASTY).encode(), capture_output=True, check=True)
    root = parse_svg(svg.stdout)
    nodes = svg_nodes(root)
    assert sorted(nodes) == sorted(f"n{i}" for i in range(len(graph)))
    assert sorted(svg_tooltips(root)) == sorted(look.tooltip for look in describe(graph))
    assert nodes[f"n{graph.variables['变量'][0]}"] == ["变量"]


# ---- determinism ----------------------------------------------------------------------------------

PROGRAM = "h1 = tanh(w11*x1 + w12*x2)\nh2 = relu(w21*x1 - w22*x2)\ny = sigmoid(h1*v1 + h2/v2)\n(y - t)^2"
VALUES = ["--w11", "0.5", "--w12", "-1", "--w21", "2", "--w22", "0.25", "--x1", "1", "--x2", "3"]
VALUES += ["--v1", "1.5", "--v2", "-2", "--t", "1"]


def test_the_same_input_gives_the_same_dot(run) -> None:
    first = dot_of(run, PROGRAM, *VALUES)
    assert all(dot_of(run, PROGRAM, *VALUES) == first for _ in range(3))
    assert "\r" not in first and first.endswith("}\n")


def test_the_dot_does_not_depend_on_hash_seeds(run) -> None:
    here = dot_of(run, PROGRAM, *VALUES, "--tree")
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "gradcli", "graph", PROGRAM, *VALUES, "--tree"],
            capture_output=True,
            env=env,
            check=True,
        )
        assert done.stdout.decode("utf-8") == here


# ---- big graphs -----------------------------------------------------------------------------------


def test_five_thousand_nodes(run) -> None:
    program = " + ".join(f"w{i}*x{i}" for i in range(1250))
    stdout = dot_of(run, program)
    declared = [line for line in stdout.splitlines() if re.match(r"  n\d+ \[", line)]
    assert len(declared) == 4999
    assert stdout.count(" -> ") == 2 * 1250 + 2 * 1249
    assert "nslimit" in stdout.splitlines()[1]  # bounded layout effort for big graphs
    assert "nslimit" not in dot_of(run, SEED)
