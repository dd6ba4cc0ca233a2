"""``gradcli network``: the network diagram (contract, section 6), read back from DOT (pydot), JSON and SVG.

Ground truth: the numbers of the seed's neuron derived by hand (σ(z) and
σ(z)(1 − σ(z))·xⱼ with math), the shapes and elision counts counted by hand,
and for the MLPs the gradient that ``gradcli eval --json`` prints.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pydot
import pytest
from graph_support import label_lines, needs_dot, unquote

from gradcli.numbers import fmt

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = ("sigmoid(w @ x + b)", "--w", "[0.5, -1, 2]", "--x", "[1, 2, 3]", "--b", "0.1")


def minus(text: str) -> str:
    """A number as the pictures write it: fmt, with a true minus sign."""
    return "−" + text[1:] if text.startswith("-") else text


class Diagram:
    """A network diagram's DOT, read back with pydot: circles by layer, arcs with their labels."""

    def __init__(self, text: str) -> None:
        (graph,) = pydot.graph_from_dot_data(text)
        self.attributes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        for g in [graph, *graph.get_subgraphs()]:
            for node in g.get_nodes():
                self.attributes.setdefault(node.get_name(), {}).update(node.get_attributes())
            for edge in g.get_edges():
                self.edges.append((edge.get_source(), edge.get_destination(), edge.get_attributes()))

    def layers(self) -> list[list[str]]:
        """The circles of each column, by layer, in order."""
        found: dict[int, list[tuple[int, str]]] = {}
        for name in self.attributes:
            match = re.fullmatch(r"L(\d+)_(\d+)", name)
            if match:
                found.setdefault(int(match[1]), []).append((int(match[2]), name))
        return [[name for _, name in sorted(found[k])] for k in sorted(found)]

    def lines(self, node: str) -> list[str]:
        return label_lines(self.attributes[node]["label"])

    def text(self, node: str) -> str:
        label = self.attributes[node]["label"]
        return " / ".join(label_lines(label)) if label.startswith("<") else unquote(label)

    def arcs(self) -> dict[tuple[str, str], list[str]]:
        """Each arc from circle to circle, with the lines of its weight label (through a label node)."""
        visible = [(a, b, attrs) for a, b, attrs in self.edges if attrs.get("style") != "invis"]
        into = {b: a for a, b, _ in visible if b.startswith("W")}
        arcs = {}
        for a, b, _ in visible:
            if a.startswith("W"):
                arcs[into[a], b] = self.lines(a)
            elif a.startswith("L") and b.startswith("L"):
                arcs[a, b] = []
        return arcs


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# ---- the seed's neuron -----------------------------------------------------------------------


def test_seed_neuron_tensor_form(run):
    code, out, err = run("network", *SEED)
    assert code == 0, err
    diagram = Diagram(out)
    assert diagram.layers() == [["L0_0", "L0_1", "L0_2"], ["L1_0"]]
    z = 0.5 * 1 - 1 * 2 + 2 * 3 + 0.1
    y = sigmoid(z)
    neuron = diagram.lines("L1_0")
    assert neuron[:3] == ["f", "σ", "b = 0.1"]  # the output, unnamed: f, as eval calls it
    assert f"value {fmt(y)}" in neuron and "grad 1" in neuron
    arcs = diagram.arcs()
    for j, (w, x) in enumerate([(0.5, 1), (-1, 2), (2, 3)]):
        sub = "₁₂₃"[j]
        assert arcs[f"L0_{j}", "L1_0"] == [f"w{sub} = {minus(fmt(w))}", f"grad {minus(fmt(y * (1 - y) * x))}"]
        assert diagram.lines(f"L0_{j}") == [f"x{sub}", f"value {fmt(x)}", f"grad {minus(fmt(y * (1 - y) * w))}"]
    assert len(arcs) == 3


def test_seed_neuron_hand_written_scalar_form_equals_the_tensor_form(run, loads):
    tensor = loads(run("network", *SEED, "--format", "json").stdout)
    code, out, err = run(
        "network", "y = sigmoid(w1*x1 + w2*x2 + w3*x3 + b)",
        "--w1", "0.5", "--w2", "-1", "--w3", "2", "--x1", "1", "--x2", "2", "--x3", "3", "--b", "0.1",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    scalar = loads(out)
    assert [layer["size"] for layer in scalar["layers"]] == [3, 1]
    assert [n["name"] for n in scalar["layers"][0]["neurons"]] == ["x1", "x2", "x3"]
    assert [a["element"] for a in scalar["arcs"]] == ["w1", "w2", "w3"]
    assert [a["element"] for a in tensor["arcs"]] == ["w[1]", "w[2]", "w[3]"]
    # The same numbers, bit for bit, in both forms.
    assert [(a["value"], a["grad"]) for a in scalar["arcs"]] == [(a["value"], a["grad"]) for a in tensor["arcs"]]
    (out_s,), (out_t,) = scalar["layers"][1]["neurons"], tensor["layers"][1]["neurons"]
    assert out_s["value"] == out_t["value"] and math.isclose(out_s["value"], sigmoid(4.6), rel_tol=1e-15)
    assert out_s["bias"]["grad"] == out_t["bias"]["grad"]


def test_example_neuron_single_neuron_rule_takes_x_named_inputs(run, loads):
    code, out, err = run("network", "-f", str(EXAMPLES / "neuron.grad"), "--values", str(EXAMPLES / "neuron.json"),
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    data = loads(out)
    assert [n["name"] for n in data["layers"][0]["neurons"]] == ["x1", "x2", "x3"]
    assert data["layers"][1]["activation"] == "sigmoid" and data["layers"][1]["biases"] == ["b"]
    z = 0.5 * 2 - 1 * 0.5 + 0.25 * -4 + 0.1  # w·x + b of examples/neuron.json
    y = sigmoid(z)
    assert math.isclose(data["layers"][1]["neurons"][0]["value"], y, rel_tol=1e-15)
    for arc, x in zip(data["arcs"], [2, 0.5, -4]):
        assert math.isclose(arc["grad"], y * (1 - y) * x, rel_tol=1e-14)
    # Without an x in the names, the second factor is the input (w*x, as the seeds write it).
    data = loads(run("network", "sigmoid(a*p + c*q + d)", "--format", "json").stdout)
    assert [n["name"] for n in data["layers"][0]["neurons"]] == ["p", "q"]


# ---- the MLPs ---------------------------------------------------------------------------------


def test_mlp_2_2_1_scalar_neurons(run, loads):
    args = ("network", "-f", str(EXAMPLES / "mlp.grad"), "--values", str(EXAMPLES / "mlp.json"))
    code, out, err = run(*args)
    assert code == 0, err
    diagram = Diagram(out)
    assert [len(layer) for layer in diagram.layers()] == [2, 2, 1]
    arcs = diagram.arcs()
    assert arcs["L0_1", "L1_0"][0] == "w₁₂ = −0.25"
    assert arcs["L0_0", "L1_1"][0] == "w₂₁ = −0.75"
    assert arcs["L1_1", "L2_0"][0] == "v₂ = −1"
    assert len(arcs) == 6
    assert "loss = (y - t)^2" in diagram.text("head")
    assert unquote(diagram.attributes["given0"]["label"]) == "t = 1"
    data = loads(run(*args, "--format", "json").stdout)
    gradient = loads(run("eval", *args[1:], "--json").stdout)["gradient"]
    for arc in data["arcs"]:
        assert arc["grad"] == gradient[arc["weight"]]
    assert data["head"]["name"] == "loss" and data["head"]["inputs"][0]["name"] == "t"


def test_mlp2_3_4_2_layers_arcs_and_gradients(run, loads):
    args = ("-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json"))
    code, out, err = run("network", *args)
    assert code == 0, err
    diagram = Diagram(out)
    assert [len(layer) for layer in diagram.layers()] == [3, 4, 2]
    arcs = diagram.arcs()
    assert len(arcs) == 3 * 4 + 4 * 2
    assert arcs["L0_0", "L1_1"][0] == "W1₂₁ = −0.75"  # W @ h: the arc x₁ → h₂ carries W1[2,1]
    assert arcs["L1_3", "L2_1"][0] == "W2₂₄ = 0.7"
    assert diagram.lines("L1_0")[:3] == ["h₁", "tanh", "b = 0.1"]
    assert diagram.lines("L2_1")[:3] == ["z₂", "Σ", "b = −0.05"]
    head = diagram.text("head")
    assert "p = softmax(z)" in head and "loss = -sum(t * log(p))" in head
    data = loads(run("network", *args, "--format", "json").stdout)
    evaluated = loads(run("eval", *args, "--json").stdout)
    gradient = evaluated["gradient"]
    assert [layer["size"] for layer in data["layers"]] == [3, 4, 2]
    assert [layer["activation"] for layer in data["layers"]] == [None, "tanh", None]
    assert data["layers"][1]["weights"] == ["W1"] and data["layers"][2]["biases"] == ["b2"]
    values = json.loads((EXAMPLES / "mlp2.json").read_text())
    for arc in data["arcs"]:
        i, j = map(int, re.fullmatch(r"W\d\[(\d),(\d)\]", arc["element"]).groups())
        assert arc["value"] == values[arc["weight"]][i - 1][j - 1]
        assert arc["grad"] == gradient[arc["weight"]][i - 1][j - 1]
        assert arc["to"].endswith(f"[{i}]") and arc["from"].endswith(f"[{j}]")
    for i, neuron in enumerate(data["layers"][1]["neurons"]):
        assert neuron["bias"]["grad"] == gradient["b1"][i]
    assert data["head"]["value"] == evaluated["value"]
    assert data["head"]["inputs"] == [{"name": "t", "value": [1.0, 0.0], "grad": gradient["t"]}]


def test_row_form_h_at_W_puts_W_ji_on_the_arc_j_to_i(run, loads):
    code, out, err = run(
        "network", "y = sigmoid(x @ W + b)", "--x", "[1, 2]", "--W", "[[1, 2, 3], [4, 5, 6]]", "--b", "[0, 0, 0]",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    arcs = {(a["from"], a["to"]): a for a in loads(out)["arcs"]}
    assert arcs["x[2]", "y[1]"]["element"] == "W[2,1]" and arcs["x[2]", "y[1]"]["value"] == 4
    assert arcs["x[1]", "y[3]"]["element"] == "W[1,3]" and arcs["x[1]", "y[3]"]["value"] == 3


def test_bias_first_and_linear_layers(run, loads):
    data = loads(run("network", "h = relu(b + W @ x); sum(h)", "--W", "[[1, -1]]", "--x", "[2, 3]", "--b", "[0.5]",
                     "--format", "json").stdout)  # fmt: skip
    assert data["layers"][1]["activation"] == "relu" and data["layers"][1]["biases"] == ["b"]
    assert data["layers"][1]["neurons"][0]["value"] == 0.0  # relu(0.5 + 2 - 3)
    assert data["head"]["name"] == "f"


# ---- wide layers -------------------------------------------------------------------------------


def test_784_16_10_elision_counts(run, loads, tmp_path):
    values = {
        "x": [(i % 7) / 7 for i in range(784)],
        "W1": [[((i * 784 + j) % 11 - 5) / 50 for j in range(784)] for i in range(16)],
        "b1": [0.01 * i for i in range(16)],
        "W2": [[((i * 16 + j) % 5 - 2) / 4 for j in range(16)] for i in range(10)],
        "b2": [0.0] * 10,
        "t": [1] + [0] * 9,
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(values))
    program = "h = relu(W1 @ x + b1)\nz = W2 @ h + b2\nloss = logsumexp(z) - sum(t * z)\n"
    code, out, err = run("network", program, "--values", str(path))
    assert code == 0, err
    diagram = Diagram(out)
    # 8 items a column: the first 6 circles, "⋮ N more", the last circle.
    assert diagram.layers() == [
        [f"L0_{i}" for i in (0, 1, 2, 3, 4, 5, 783)],
        [f"L1_{i}" for i in (0, 1, 2, 3, 4, 5, 15)],
        [f"L2_{i}" for i in (0, 1, 2, 3, 4, 5, 9)],
    ]
    assert [unquote(diagram.attributes[f"more{k}"]["label"]) for k in range(3)] == [
        "⋮ 777 more",  # 784 − 7 drawn
        "⋮ 9 more",  # 16 − 7
        "⋮ 3 more",  # 10 − 7
    ]
    arcs = diagram.arcs()
    assert len(arcs) == 7 * 7 + 7 * 7  # between drawn circles only; too many to label
    assert all(label == [] for label in arcs.values())
    data = loads(run("network", program, "--values", str(path), "--format", "json", "--max-neurons", "4").stdout)
    assert [(layer["size"], layer["hidden"]) for layer in data["layers"]] == [(784, 781), (16, 13), (10, 7)]
    assert len(data["arcs"]) == 784 * 16 + 16 * 10  # the JSON keeps every weight


def test_a_layer_of_exactly_max_neurons_is_drawn_whole(run):
    code, out, err = run("network", "sigmoid(w @ x)", "--w", str([1] * 8), "--x", str([1] * 8), "--no-grads")
    assert code == 0, err
    diagram = Diagram(out)
    assert len(diagram.layers()[0]) == 8 and "more0" not in diagram.attributes


# ---- programs that are not networks ------------------------------------------------------------


def caret_under(stderr: str, program: str, statement: str) -> None:
    """The error's source line is the program, with carets under exactly ``statement``."""
    lines = stderr.splitlines()
    assert lines[0].startswith("error: this program has no network-diagram reading: ")
    assert lines[1] == f"  {program}"
    start = program.index(statement)
    assert lines[2] == "  " + " " * start + "^" * len(statement)
    assert lines[3].startswith("hint: ") and "gradcli graph" in lines[3]


@pytest.mark.parametrize(
    ("program", "statement", "words"),
    [
        ("h = tanh(W @ x + b1); y = W @ h + b2; sum(y)", "y = W @ h + b2", "W is used by two layers"),
        ("h = relu(W1 @ x + b1); y = W2 @ h + h; sum(y)", "y = W2 @ h + h", "skip connection"),
        ("h = tanh(W1 @ x + b1); q = h * 2; y = W2 @ q + b2; sum(y)", "q = h * 2", "stands between two layers"),
        ("h = tanh(W1 @ x + b1); y = W2 @ h + b2; sum(y) + sum(W1 * W1)", "sum(y) + sum(W1 * W1)", "outside its layer"),
    ],
)
def test_tensor_programs_that_are_not_networks(run, program, statement, words):
    values = {"W": "[[1, 2], [3, 4]]", "W1": "[[1, 2], [3, 4]]", "W2": "[[1, 0], [0, 1]]",
              "x": "[1, 2]", "b1": "[0, 0]", "b2": "[1, 1]"}  # fmt: skip
    used = [w for name, value in values.items() if re.search(rf"\b{name}\b", program) for w in (f"--{name}", value)]
    code, out, err = run("network", program, *used)
    assert code == 2 and out == ""
    assert words in err.splitlines()[0]
    caret_under(err, program, statement)


@pytest.mark.parametrize(
    ("program", "statement", "words"),
    [
        ("h1 = tanh(w*x1 + b1); y = sigmoid(w*h1 + c)", "y = sigmoid(w*h1 + c)", "shared weights"),
        ("h1 = tanh(w1*x1 + b1); y = sigmoid(v*h1 + c + u*x1)", "y = sigmoid(v*h1 + c + u*x1)", "skip connection"),
        ("h1 = tanh(w1*x1 + b1); q = h1^2; y = sigmoid(v*q + c)", "q = h1^2", "not a neuron"),
        ("x^2 + y", "x^2 + y", "no neuron"),
    ],
)
def test_scalar_programs_that_are_not_networks(run, program, statement, words):
    code, out, err = run("network", program)
    assert code == 2 and out == ""
    assert words in err.splitlines()[0]
    caret_under(err, program, statement)


def test_a_failure_with_format_json_prints_one_json_object(run, loads):
    code, out, _ = run("network", "x^2 + y", "--format", "json")
    assert code == 2
    data = loads(out)
    assert data["layers"] == [] and data["arcs"] == [] and data["head"] is None
    assert data["diagnostics"][0]["severity"] == "error" and data["diagnostics"][0]["line"] == 1


def test_a_tensor_program_needs_values(run):
    code, out, err = run("network", "-f", str(EXAMPLES / "mlp2.grad"))
    assert code == 2 and out == "" and "needs their values" in err


# ---- numbers and options -----------------------------------------------------------------------


def test_non_finite_is_drawn_in_red_with_exit_3(run):
    code, out, err = run("network", "y = log(w1*x1 + b)", "--w1", "1", "--x1", "-2", "--b", "0")
    assert code == 3
    diagram = Diagram(out)
    assert "value nan" in diagram.lines("L1_0") and diagram.attributes["L1_0"]["color"] == '"#b91c1c"'
    assert "error:" in err


def test_no_values_no_grads_digits_and_structure_only(run):
    args = ("network", "-f", str(EXAMPLES / "mlp.grad"), "--values", str(EXAMPLES / "mlp.json"))
    assert Diagram(run(*args, "--no-values").stdout).arcs()["L0_0", "L1_0"] == ["w₁₁", "grad −0.006139"]
    assert Diagram(run(*args, "--no-grads").stdout).arcs()["L0_0", "L1_0"] == ["w₁₁ = 0.5"]
    assert Diagram(run(*args, "--digits", "2").stdout).lines("L1_0")[3] == "value 0.8"
    bare = Diagram(run("network", "-f", str(EXAMPLES / "mlp.grad")).stdout)
    assert bare.lines("L1_0") == ["h₁", "tanh", "+ b₁"] and bare.arcs()["L0_0", "L1_0"] == ["w₁₁"]
    code, out, _ = run(*args, "--rankdir", "tb")
    assert code == 0 and "rankdir=TB" in out


def test_mermaid(run):
    code, out, err = run("network", "-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json"),
                         "--format", "mermaid")  # fmt: skip
    assert code == 0, err
    assert out.startswith("flowchart LR\n")
    assert re.search(r'L0_0 -->\|"W1₂₁ = −0\.75<br/>grad 0\.03351"\| L1_1', out)
    assert out.count("-->|") == 20


def test_same_input_same_bytes(run):
    first = run("network", "-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json")).stdout
    assert first == run("network", "-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json")).stdout


# ---- rendering ----------------------------------------------------------------------------------


@needs_dot
def test_graphviz_renders_svg_and_png(run, tmp_path):
    args = ("network", "-f", str(EXAMPLES / "mlp2.grad"), "--values", str(EXAMPLES / "mlp2.json"))
    code, _, err = run(*args, "-o", str(tmp_path / "net.svg"))
    assert code == 0, err
    root = ElementTree.fromstring((tmp_path / "net.svg").read_bytes())
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "W1₂₁ = −0.75" in texts and "⋮" not in "".join(texts)
    assert sum(1 for t in texts if re.fullmatch(r"W[12]\S+ = \S+", t)) == 20
    code, _, err = run(*args, "-o", str(tmp_path / "net.png"))
    assert code == 0, err
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_renderer_is_exit_4_and_nothing_written(run, tmp_path, monkeypatch):
    import gradcli.export.render as render

    monkeypatch.setattr(render, "find_renderer", lambda: None)
    target = tmp_path / "net.svg"
    code, _, err = run("network", *SEED, "-o", str(target))
    assert code == 4 and not target.exists() and "Graphviz" in err


def test_scalar_eval_does_not_import_the_network_package():
    code = (
        "import sys; from click.testing import CliRunner; from gradcli.cli import cli; "
        "CliRunner().invoke(cli, ['eval', 'x*y', '--x', '2', '--y', '3']); "
        "print(any(m.startswith('gradcli.network') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_vector_output_has_values_but_no_gradients(run, loads):
    code, out, err = run("network", "sigmoid(W @ x + b)", "--W", "[[1, 0], [0, -1]]", "--x", "[2, 3]",
                         "--b", "[0, 0]", "--format", "json")  # fmt: skip
    assert code == 0, err
    data = loads(out)
    assert data["head"] is None and [n["name"] for n in data["layers"][1]["neurons"]] == ["f[1]", "f[2]"]
    assert math.isclose(data["layers"][1]["neurons"][1]["value"], 1 / (1 + math.exp(3)), rel_tol=1e-15)
    assert all(arc["grad"] is None for arc in data["arcs"])
    assert "grad" not in run("network", "sigmoid(W @ x + b)", "--W", "[[1, 0], [0, -1]]", "--x", "[2, 3]",
                             "--b", "[0, 0]").stdout  # fmt: skip


def test_unnamed_scalar_neurons_and_a_number_as_bias(run, loads):
    program = "sigmoid(v1*tanh(w11*x1 + w12*x2 + 1) + v2*tanh(w21*x1 + w22*x2 + b2) + c)"
    data = loads(run("network", program, "--format", "json").stdout)
    assert [(layer["name"], [n["name"] for n in layer["neurons"]]) for layer in data["layers"]] == [
        ("x", ["x1", "x2"]),
        ("a1", ["a1[1]", "a1[2]"]),
        ("f", ["f"]),
    ]
    assert data["layers"][1]["biases"] == ["b2"]  # the number 1 is a bias but no variable
    assert data["layers"][1]["neurons"][0]["bias"] == {"element": "1", "value": None, "grad": None}


def test_mermaid_elision(run):
    out = run("network", "sigmoid(w @ x)", "--w", str([1] * 10), "--x", str([2] * 10), "--format", "mermaid").stdout
    assert 'more0["⋮ 3 more"]' in out  # 10 − 7 drawn
    assert out.count("-->|") == 7


def test_a_dot_product_in_the_loss_is_part_of_the_head(run, loads):
    program = "h = sigmoid(W1 @ x + b1); z = W2 @ h + b2; loss = logsumexp(z) - dot(t, z)"
    code, out, err = run("network", program, "--W1", "[[1, 2], [3, 4], [5, 6]]", "--x", "[1, -1]",
                         "--b1", "[0, 0, 0]", "--W2", "[[1, 0, -1], [0, 1, 0]]", "--b2", "[0, 0]", "--t", "[0, 1]",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    data = loads(out)
    assert [(layer["name"], layer["size"]) for layer in data["layers"]] == [("x", 2), ("h", 3), ("z", 2)]
    assert data["head"]["text"] == ["loss = logsumexp(z) - dot(t, z)"]
    assert [given["name"] for given in data["head"]["inputs"]] == ["t"]


def test_inputs_written_as_a_list_of_variables(run, loads):
    code, out, err = run("network", "y = sigmoid(w @ [x1, x2, x3] + b)", "--w", "[0.5, -1, 2]",
                         "--x1", "1", "--x2", "2", "--x3", "3", "--b", "0.1", "--format", "json")  # fmt: skip
    assert code == 0, err
    data = loads(out)
    assert [n["name"] for n in data["layers"][0]["neurons"]] == ["x1", "x2", "x3"] and data["head"] is None
    tensor = loads(run("network", *SEED, "--format", "json").stdout)
    assert [(a["value"], a["grad"]) for a in data["arcs"]] == [(a["value"], a["grad"]) for a in tensor["arcs"]]
    code, _, err = run("network", "y = sigmoid(w @ [x1, 2*x2] + b)", "--w", "[0.5, -1]", "--x1", "1", "--x2", "2",
                       "--b", "0.1")  # fmt: skip
    assert code == 2 and "[x1, 2*x2] computes the input of the first layer" in err


def test_a_diagram_too_big_for_graphviz_is_refused_before_it_runs(run, tmp_path):
    # 70 inputs and 70 neurons drawn whole: 4,900 arcs, past the 4,000 that Graphviz draws in reasonable time.
    values = {"x": [1.0] * 70, "W": [[0.01 * ((i + j) % 7 - 3) for j in range(70)] for i in range(70)], "b": [0.0] * 70}
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(values))
    out = tmp_path / "wide.svg"
    code, _, err = run(
        "network", "sum(sigmoid(W @ x + b))", "--values", str(path), "--max-neurons", "100", "-o", str(out)
    )
    assert code == 4 and not out.exists()
    assert re.search(r"\(5,\d{3} edges, more than the 4,000 gradcli draws\)", err) and "--max-neurons" in err
    code, dot, _ = run("network", "sum(sigmoid(W @ x + b))", "--values", str(path), "--max-neurons", "100")
    assert code == 0 and dot.count(" -> ") > 4900  # DOT has no limit: every arc, and the layout's own edges
