"""``gradcli graph`` of programs with vectors and matrices, in the three views (contract, section 5).

Ground truth is seed 000 and hand arithmetic: the neuron ``sigmoid(w @ x + b)``
with K inputs is 3 operations over 3 leaves (tensor), 2K + 1 operations over
2K + 1 leaves (fused), 2K + 4 operations (scalar: σ as neg, exp, add, div).
``sum(W @ x)`` with W = [[1, 2], [3, 4]], x = [1, -1] is worked by hand:
W @ x = [-1, -1], the sum -2, ∂f/∂W = outer([1, 1], x) = [[1, -1], [1, -1]],
∂f/∂x = transpose(W) @ [1, 1] = [4, 6]. DOT is read back with pydot, SVG
as XML from real Graphviz.
"""

from __future__ import annotations

import html
import json
import math
import re

import pytest
from graph_support import needs_dot, parse_dot, parse_svg, svg_nodes, svg_tooltips

NEURON = "sigmoid(w @ x + b)"
PRODUCT = ("sum(W @ x)", "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]")
VIEWS = ("tensor", "fused", "scalar")


def neuron(k: int) -> tuple[str, ...]:
    """The seed's neuron with K inputs: w = [1, 2, …], x = [0.5, 0.5, …], b = 0.25."""
    w = json.dumps([float(i) for i in range(1, k + 1)])
    x = json.dumps([0.5] * k)
    return (NEURON, "--w", w, "--x", x, "--b", "0.25")


def graph_json(run, loads, *args: str) -> dict:
    code, stdout, stderr = run("graph", *args, "--format", "json")
    assert code == 0, stderr
    return loads(stdout)


def operations(data: dict) -> list[dict]:
    return [n for n in data["nodes"] if n["inputs"]]


def leaves(data: dict, op: str) -> list[dict]:
    return [n for n in data["nodes"] if not n["inputs"] and n["op"] == op]


# ---- seed 000: how many nodes each view has ------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_the_neuron_has_the_seeds_node_counts_in_json(k: int, run, loads) -> None:
    tensor = graph_json(run, loads, *neuron(k))
    fused = graph_json(run, loads, *neuron(k), "--granularity", "fused")
    scalar = graph_json(run, loads, *neuron(k), "--granularity", "scalar")
    assert [len(operations(d)) for d in (tensor, fused, scalar)] == [3, 2 * k + 1, 2 * k + 4]
    assert len(leaves(tensor, "var")) == 3 and not leaves(tensor, "const")
    assert len(leaves(fused, "var")) == 2 * k + 1 and not leaves(fused, "const")
    assert len(leaves(scalar, "var")) == 2 * k + 1  # and the 1s of 1 / (1 + exp(-z))
    assert [n["op"] for n in operations(tensor)] == ["matmul", "add", "sigmoid"]
    ops = [n["op"] for n in operations(fused)]
    assert ops.count("mul") == k and ops.count("add") == k and ops.count("sigmoid") == 1
    assert [d["view"] for d in (tensor, fused, scalar)] == [
        {"tree": False, "granularity": g} for g in VIEWS
    ]  # fmt: skip


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_the_neuron_has_the_seeds_node_counts_in_dot(k: int, run) -> None:
    counts = []
    for view in VIEWS:
        code, stdout, stderr = run("graph", *neuron(k), "--granularity", view)
        assert code == 0, stderr
        dot = parse_dot(stdout)
        counts.append((len(dot.operations()), len(dot.leaves())))
    # Leaves of the scalar view: 2K + 1 variables and the two 1s of 1 / (1 + exp(-z)).
    assert counts == [(3, 3), (2 * k + 1, 2 * k + 1), (2 * k + 4, 2 * k + 3)]


def test_mermaid_has_one_node_per_graph_node(run, loads) -> None:
    for view in VIEWS:
        data = graph_json(run, loads, *neuron(3), "--granularity", view)
        code, stdout, _ = run("graph", *neuron(3), "--granularity", view, "--format", "mermaid")
        assert code == 0
        declared = re.findall(r"^  (n\d+)[(\[]", stdout, flags=re.M)
        assert declared == [f"n{n['id']}" for n in data["nodes"]]


# ---- JSON: shapes, nested numbers, origins ----------------------------------------------------------


def test_tensor_view_json_of_a_matrix_product_worked_by_hand(run, loads) -> None:
    data = graph_json(run, loads, *PRODUCT)
    assert [(n["op"], n["label"], n["shape"], n["inputs"]) for n in data["nodes"]] == [
        ("var", "W", [2, 2], []), ("var", "x", [2], []), ("matmul", "@", [2], [0, 1]), ("sum", "Σ", [], [2]),
    ]  # fmt: skip
    assert [n["value"] for n in data["nodes"]] == [[[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0], [-1.0, -1.0], -2.0]
    assert [n["grad"] for n in data["nodes"]] == [[[1.0, -1.0], [1.0, -1.0]], [4.0, 6.0], [1.0, 1.0], 1.0]
    assert data["variables"] == [
        {"name": "W", "shape": [2, 2], "leaves": [0], "value": [[1.0, 2.0], [3.0, 4.0]],
         "grad": [[1.0, -1.0], [1.0, -1.0]]},
        {"name": "x", "shape": [2], "leaves": [1], "value": [1.0, -1.0], "grad": [4.0, 6.0]},
    ]  # fmt: skip
    assert data["output"] == 3 and data["diagnostics"] == []


def test_tensor_view_json_equals_eval_json_bit_for_bit(run, loads) -> None:
    args = ("-f", "examples/mlp2.grad", "--values", "examples/mlp2.json")
    code, stdout, stderr = run("eval", *args, "--json")
    assert code == 0, stderr
    evaluated = loads(stdout)
    data = graph_json(run, loads, *args)
    assert data["nodes"][data["output"]]["value"] == evaluated["value"]
    assert {v["name"]: v["grad"] for v in data["variables"]} == evaluated["gradient"]
    for variable in data["variables"]:
        (leaf,) = variable["leaves"]
        assert data["nodes"][leaf]["grad"] == evaluated["gradient"][variable["name"]]


def test_neuron_json_against_hand_derivation(run, loads) -> None:
    w, x, b = [0.5, -1.0, 2.0], [1.0, 2.0, 3.0], 0.1
    z = 0.5 * 1 - 1 * 2 + 2 * 3 + b  # 4.6
    y = 1 / (1 + math.exp(-z))
    slope = y * (1 - y)  # σ'(z)
    data = graph_json(run, loads, "-f", "examples/neuron-tensor.grad", "--values", "examples/neuron-tensor.json")
    nodes = data["nodes"]
    assert nodes[2]["value"] == 4.5 and nodes[4]["value"] == pytest.approx(z, rel=1e-15)
    assert nodes[5]["name"] == "y" and nodes[5]["value"] == pytest.approx(y, rel=1e-15)
    grads = {v["name"]: v["grad"] for v in data["variables"]}
    assert grads["w"] == pytest.approx([slope * xi for xi in x], rel=1e-14)
    assert grads["x"] == pytest.approx([slope * wi for wi in w], rel=1e-14)
    assert grads["b"] == pytest.approx(slope, rel=1e-14)


def test_every_view_has_the_same_gradient(run, loads) -> None:
    for args in (neuron(4), PRODUCT, ("-f", "examples/mlp2.grad", "--values", "examples/mlp2.json")):
        grads = [
            {v["name"]: v["grad"] for v in graph_json(run, loads, *args, "--granularity", view)["variables"]}
            for view in VIEWS
        ]
        assert grads[0] == grads[1]  # the tensor view's numbers are the fused graph's, bit for bit
        for name, value in grads[0].items():
            # The scalar view decomposes σ, tanh and softmax, which rounds differently in the last bits.
            assert json.dumps(grads[2][name]) == json.dumps(value) or _close(grads[2][name], value)
    product = [
        [(v["value"], v["grad"]) for v in graph_json(run, loads, *PRODUCT, "--granularity", view)["variables"]]
        for view in VIEWS
    ]
    assert product[0] == product[1] == product[2]  # nothing to decompose: identical


def _close(a, b) -> bool:
    if isinstance(a, list):
        return all(_close(p, q) for p, q in zip(a, b, strict=True))
    return a == pytest.approx(b, rel=1e-13, abs=1e-16)


def test_unrolled_nodes_name_their_tensor_node_and_element(run, loads) -> None:
    tensor = graph_json(run, loads, *PRODUCT)
    fused = graph_json(run, loads, *PRODUCT, "--granularity", "fused")
    nodes = fused["nodes"]
    for node in nodes:
        origin = node["origin"]
        assert tensor["nodes"][origin["node"]]["op"] == origin["op"]
        assert node["shape"] == []
    # W's four leaves, then x's two, each its element, row by row, as W₁₁ W₁₂ W₂₁ W₂₂ x₁ x₂.
    assert [(n["label"], n["origin"]) for n in nodes[:6]] == [
        ("W₁₁", {"node": 0, "op": "var", "element": [1, 1]}), ("W₁₂", {"node": 0, "op": "var", "element": [1, 2]}),
        ("W₂₁", {"node": 0, "op": "var", "element": [2, 1]}), ("W₂₂", {"node": 0, "op": "var", "element": [2, 2]}),
        ("x₁", {"node": 1, "op": "var", "element": [1]}), ("x₂", {"node": 1, "op": "var", "element": [2]}),
    ]  # fmt: skip
    # Element i of W @ x is W[i,1]·x[1] + W[i,2]·x[2]: two products and their sum.
    for i, (first, second) in enumerate([(1.0, -2.0), (3.0, -4.0)], start=1):
        steps = [n for n in nodes if n["origin"] == {"node": 2, "op": "matmul", "element": [i]}]
        assert [(n["op"], n["value"]) for n in steps] == [("mul", first), ("mul", second), ("add", first + second)]
    total = [n for n in nodes if n["origin"]["op"] == "sum"]
    assert [(n["op"], n["value"], n["origin"]["element"]) for n in total] == [("add", -2.0, [])]
    assert fused["output"] == total[0]["id"] and fused["outputs"] == [total[0]["id"]]
    assert [(v["name"], v["leaves"]) for v in fused["variables"]] == [("W", [0, 1, 2, 3]), ("x", [4, 5])]


def test_scalar_view_origins_point_at_the_composite(run, loads) -> None:
    data = graph_json(run, loads, *neuron(2), "--granularity", "scalar")
    sigmoid = [n for n in data["nodes"] if n["origin"]["op"] == "sigmoid"]
    assert sorted(n["op"] for n in sigmoid) == ["add", "const", "const", "div", "exp", "neg"]
    assert {n["origin"]["node"] for n in sigmoid} == {5}


def test_a_vector_output_shows_values_and_no_gradient(run, loads) -> None:
    args = ("W @ x + [1, 2]", "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]")
    data = graph_json(run, loads, *args)
    values = [[[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0], [-1.0, -1.0], [1.0, 2.0], [0.0, 1.0]]
    assert [n["value"] for n in data["nodes"]] == values
    assert all(n["grad"] is None for n in data["nodes"]) and all(v["grad"] is None for v in data["variables"])
    assert data["nodes"][3]["label"] == "[1, 2]" and data["nodes"][3]["op"] == "const"
    fused = graph_json(run, loads, *args, "--granularity", "fused")
    assert [fused["nodes"][i]["value"] for i in fused["outputs"]] == [0.0, 1.0]
    _, stdout, _ = run("graph", *args, "--granularity", "fused")
    dot = parse_dot(stdout)
    doubled = [name for name, node in dot.nodes.items() if node.attributes.get("peripheries") == "2"]
    assert doubled == [f"n{i}" for i in fused["outputs"]]


def test_a_program_without_variables_shows_its_value(run, loads) -> None:
    data = graph_json(run, loads, "sum([1, 2, 3])")
    assert [(n["op"], n["label"], n["shape"], n["value"]) for n in data["nodes"]] == [
        ("const", "[1, 2, 3]", [3], [1.0, 2.0, 3.0]), ("sum", "Σ", [], 6.0)
    ]  # fmt: skip


def test_a_nonfinite_element_is_null_named_and_status_3(run, loads) -> None:
    code, stdout, _ = run("graph", "sum(log(W @ x))", "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]", "--format", "json")
    assert code == 3
    data = loads(stdout)
    assert data["nodes"][3]["value"] == [None, None]
    (diagnostic,) = data["diagnostics"]
    assert diagnostic["element"] == [1] and diagnostic["node"] == 3 and "element [1]" in diagnostic["message"]


def test_scalar_programs_keep_their_json_keys(run, loads) -> None:
    data = graph_json(run, loads, "x*x + x*y", "--x", "3", "--y", "4")
    assert set(data) == {"expression", "view", "nodes", "output", "variables", "diagnostics"}
    assert set(data["nodes"][0]) == {
        "id", "op", "label", "name", "inputs", "value", "grad", "span", "origin", "backward", "used"
    }  # fmt: skip
    assert set(data["variables"][0]) == {"name", "leaves", "value", "grad"}


# ---- what the pictures say -----------------------------------------------------------------------------


def cells(label: str) -> list[str]:
    """The texts of an HTML-like label's table cells, in order."""
    return [html.unescape(re.sub(r"<[^>]*>", "", cell)) for cell in re.findall(r"<TD[^>]*>(.*?)</TD>", label)]


def test_tensor_view_labels_show_shapes_and_small_grids(run) -> None:
    _, stdout, _ = run("graph", *PRODUCT)
    dot = parse_dot(stdout)
    grid = ["W (2, 2)", "value", "1", "2", "3", "4", "grad", "1", "-1", "1", "-1"]
    assert cells(dot.nodes["n0"].attributes["label"]) == grid
    assert cells(dot.nodes["n1"].attributes["label"]) == ["x (2,)", "value", "1", "-1", "grad", "4", "6"]
    assert dot.nodes["n3"].lines == ["Σ", "value -2", "grad 1"]
    assert 'ROWSPAN="2"' in dot.nodes["n0"].attributes["label"]  # a 2×2 grid: two rows beside "value"


def test_a_tensor_of_more_than_nine_numbers_shows_its_range(run) -> None:
    code, stdout, _ = run("graph", "-f", "examples/mlp2.grad", "--values", "examples/mlp2.json", "--digits", "3")
    assert code == 0
    dot = parse_dot(stdout)
    titles = {node.lines[0]: node for node in dot.nodes.values() if "TABLE" not in node.attributes["label"]}
    w1 = titles["W1 (4, 3)"]  # 12 numbers: min and max of mlp2.json's W1
    assert w1.line("value") == "-0.75 … 0.9"
    assert titles["−"].lines[1] == "loss"


def test_structure_without_values_draws_shapes_of_scalars(run) -> None:
    code, stdout, _ = run("graph", "sum([1, 2] * x)")
    assert code == 0
    dot = parse_dot(stdout)
    assert [n.lines[0] for n in dot.nodes.values()] == ["[1, 2]", "x", "× (2,)", "Σ"]
    code, _, stderr = run("graph", NEURON)  # w and x are scalars without values: @ refuses them
    assert code == 2 and "w is () (no value given, so a number)" in stderr and "Traceback" not in stderr


def test_dot_product_edges_carry_no_operand_names(run) -> None:
    _, stdout, _ = run("graph", *neuron(3))
    dot = parse_dot(stdout)
    assert all("headlabel" not in attributes for _, _, attributes in dot.edges)
    _, stdout, _ = run("graph", *PRODUCT)  # a matrix product: the order matters, so a and b
    assert [a.get("headlabel") for _, target, a in parse_dot(stdout).edges if target == "n2"] == ['"a"', '"b"']


def test_unrolled_elements_of_a_variable_are_drawn_in_one_row(run, loads) -> None:
    data = graph_json(run, loads, *neuron(3), "--granularity", "fused")
    rows = {v["name"]: v["leaves"] for v in data["variables"]}
    _, stdout, _ = run("graph", *neuron(3), "--granularity", "fused")
    same = re.findall(r"^  \{rank=same; ((?:n\d+; ?)+)\}$", stdout, flags=re.M)
    assert [[int(n) for n in re.findall(r"n(\d+)", group)] for group in same] == [rows["w"], rows["x"]]
    assert len(parse_dot(stdout).nodes) == len(data["nodes"])  # pydot reads it: the rows declare no new node


def test_backward_and_tree_are_refused_for_tensor_programs(run) -> None:
    code, stdout, stderr = run("graph", *neuron(2), "--backward")
    assert code == 2 and stdout == ""
    assert stderr.startswith("error: --backward draws scalar programs") and "hint:" in stderr
    code, _, stderr = run("graph", *neuron(2), "--tree")
    assert code == 2 and stderr.startswith("error: --tree")


# ---- big unrolled graphs -----------------------------------------------------------------------------


BIG = ("sum(W @ x)", "--W", json.dumps([[0.5] * 30] * 70), "--x", json.dumps([1.0] * 30))
"""70 × 30 products: 4,130 operations unrolled, more than Graphviz is asked to draw; 4 nodes as tensors."""


@pytest.mark.parametrize("kind", ["png", "svg", "pdf"])
def test_a_big_unrolled_picture_is_refused_and_nothing_written(kind: str, run, tmp_path) -> None:
    target = tmp_path / f"big.{kind}"
    code, _, stderr = run("graph", *BIG, "--granularity", "fused", "-o", str(target))
    assert code == 4 and not target.exists() and list(tmp_path.iterdir()) == []
    assert stderr.startswith("error: the graph is too big for Graphviz to draw (6,329 nodes")
    (hint,) = [line for line in stderr.splitlines() if line.startswith("hint:")]
    assert "--granularity tensor" in hint and "gradcli network" in hint


def test_a_big_unrolled_graph_is_written_as_dot_and_json(run, loads, tmp_path) -> None:
    code, _, stderr = run("graph", *BIG, "--granularity", "fused", "-o", str(tmp_path / "big.json"))
    assert code == 0, stderr
    data = loads((tmp_path / "big.json").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 2100 + 30 + 70 * 59 + 69
    assert data["nodes"][data["output"]]["value"] == 70 * 15.0
    code, _, stderr = run("graph", *BIG, "--granularity", "fused", "-o", str(tmp_path / "big.dot"))
    assert code == 0, stderr
    assert len(parse_dot((tmp_path / "big.dot").read_text(encoding="utf-8")).nodes) == len(data["nodes"])


@needs_dot
def test_the_tensor_view_of_a_big_program_is_drawn(run, tmp_path) -> None:
    target = tmp_path / "big.svg"
    code, _, stderr = run("graph", *BIG, "-o", str(target))
    assert code == 0, stderr
    nodes = svg_nodes(parse_svg(target.read_bytes()))
    assert sorted(nodes) == ["n0", "n1", "n2", "n3"]


# ---- SVG through real Graphviz ----------------------------------------------------------------------------


@needs_dot
def test_svg_tooltips_name_each_nodes_tensor_node_and_element(run, tmp_path) -> None:
    target = tmp_path / "fused.svg"
    code, _, stderr = run("graph", *PRODUCT, "--granularity", "fused", "-o", str(target))
    assert code == 0, stderr
    root = parse_svg(target.read_bytes())
    tips = svg_tooltips(root)
    assert len(tips) == 13 == len(svg_nodes(root))  # 4 + 2 leaves, 4 products, 2 sums of them, 1 sum
    assert "element [2,1] of W (line 1, column 5)" in tips
    assert "element [2] of x (line 1, column 9)" in tips
    assert "element [1] of W @ x (line 1, column 5)" in tips  # the sum W₁₁x₁ + W₁₂x₂
    assert tips.count("mul, a step of element [2] of W @ x (line 1, column 5)") == 2
    assert "sum(W @ x) (line 1, column 1)" in tips
    nodes = svg_nodes(root)
    assert [nodes[f"n{i}"][0] for i in range(6)] == ["W₁₁", "W₁₂", "W₂₁", "W₂₂", "x₁", "x₂"]


@needs_dot
def test_svg_of_the_tensor_view_shows_the_grid(run, tmp_path) -> None:
    target = tmp_path / "tensor.svg"
    code, _, stderr = run("graph", *PRODUCT, "-o", str(target))
    assert code == 0, stderr
    nodes = svg_nodes(parse_svg(target.read_bytes()))
    assert nodes["n0"] == ["W (2, 2)", "value", "1", "2", "3", "4", "grad", "1", "-1", "1", "-1"]
