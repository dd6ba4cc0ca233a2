"""The Python API (``gradcli.evaluate``, ``gradcli.parse``, ``gradcli.build``): the facade the CLI and users call."""

from __future__ import annotations

import math

import pytest

import gradcli
from gradcli.api import Result, json_number
from gradcli.errors import ExitStatus, GradcliError, ParseError, ProgramError, UsageError
from gradcli.graph import Graph
from gradcli.syntax import Program


def test_the_docstring_example() -> None:
    r = gradcli.evaluate("x^2 + x*y", x=3, y=4)
    assert (r.value, r.gradient) == (21.0, {"x": 10.0, "y": 3.0})


def test_the_seeds() -> None:
    r = gradcli.evaluate("sigmoid(w*x)", x=2, w=0.5)
    assert r.value == 0.7310585786300049
    assert r.gradient == {"w": 0.3932238664829637, "x": 0.09830596662074093}
    assert r.error is None and r.diagnostics == []


def test_the_public_names() -> None:
    for name in gradcli.__all__:
        assert getattr(gradcli, name) is not None
    assert gradcli.Result is Result and gradcli.Graph is Graph and gradcli.GradcliError is GradcliError
    assert isinstance(gradcli.__version__, str)
    with pytest.raises(AttributeError):
        gradcli.no_such_name  # noqa: B018


def test_values_as_a_mapping_and_as_keywords() -> None:
    a = gradcli.evaluate("x*y", {"x": 2.0, "y": 5.0})
    b = gradcli.evaluate("x*y", {"x": 2.0}, y=5.0)
    c = gradcli.evaluate("x*y", x=2, y=5)
    assert a.value == b.value == c.value == 10.0
    assert a.gradient == b.gradient == c.gradient == {"x": 5.0, "y": 2.0}


def test_a_variable_named_like_a_parameter_goes_in_the_mapping() -> None:
    r = gradcli.evaluate("mode * tree + values", {"mode": 2, "tree": 3, "values": 1})
    assert r.value == 7.0
    assert r.gradient == {"mode": 3.0, "tree": 2.0, "values": 1.0}


def test_keywords_override_the_mapping() -> None:
    assert gradcli.evaluate("x", {"x": 1.0}, x=2.0).value == 2.0


def test_integers_become_floats() -> None:
    r = gradcli.evaluate("x / 2", x=3)
    assert r.value == 1.5 and isinstance(r.value, float)


def test_evaluate_takes_text_a_program_or_a_graph() -> None:
    program = gradcli.parse("x*x + x*y")
    assert isinstance(program, Program)
    graph = gradcli.build(program)
    assert isinstance(graph, Graph)
    for given in ("x*x + x*y", program, graph):
        r = gradcli.evaluate(given, x=3, y=4)
        assert (r.value, r.gradient) == (21.0, {"x": 10.0, "y": 3.0})


def test_a_graph_evaluated_twice_gives_the_same_gradient() -> None:
    # micrograd's trap: gradients that accumulate across backward passes.
    graph = gradcli.build("x*x + x*y")
    first = gradcli.evaluate(graph, x=3, y=4)
    second = gradcli.evaluate(graph, x=3, y=4)
    third = gradcli.evaluate(graph, x=1, y=1)
    assert first.gradient == second.gradient == {"x": 10.0, "y": 3.0}
    assert third.gradient == {"x": 3.0, "y": 1.0}


def test_wrt() -> None:
    r = gradcli.evaluate("x^2 + x*y", x=3, y=4, wrt=["y"])
    assert r.gradient == {"y": 3.0}
    with pytest.raises(UsageError, match="--wrt names z, which is not used by the program"):
        gradcli.evaluate("x^2", x=3, wrt=["z"])


@pytest.mark.parametrize(
    "options", [{"mode": "forward"}, {"tree": True}, {"granularity": "scalar"}, {"tree": True, "mode": "forward"}]
)
def test_modes_and_views(options: dict) -> None:
    r = gradcli.evaluate("x*x + x*y", x=3, y=4, **options)
    assert (r.value, r.gradient) == (21.0, {"x": 10.0, "y": 3.0})


def test_reverse_mode_keeps_every_adjoint_and_forward_mode_none() -> None:
    reverse = gradcli.evaluate("x*x + x*y", x=3, y=4)
    assert reverse.adjoints is not None and len(reverse.adjoints) == len(reverse.graph) == len(reverse.values)
    assert reverse.adjoints[reverse.graph.output] == 1.0
    assert reverse.values[reverse.graph.output] == 21.0
    assert gradcli.evaluate("x*x + x*y", x=3, y=4, mode="forward").adjoints is None


def test_the_tree_view_has_a_leaf_per_occurrence() -> None:
    # Contract section 3: x*x + x*y as a tree has three x leaves; the gradient sums them: 3 + 3 + 4.
    r = gradcli.evaluate("x*x + x*y", x=3, y=4, tree=True)
    leaves = r.graph.variables["x"]
    assert len(leaves) == 3
    assert sorted(r.adjoints[leaf] for leaf in leaves) == [3.0, 3.0, 4.0]
    assert len(gradcli.evaluate("x*x + x*y", x=3, y=4).graph.variables["x"]) == 1


@pytest.mark.parametrize(
    ("options", "error"),
    [({"mode": "sideways"}, UsageError), ({"granularity": "atoms"}, ProgramError)],
)
def test_bad_options(options: dict, error: type) -> None:
    with pytest.raises(error):
        gradcli.evaluate("x", x=1, **options)


def test_errors_are_typed_and_carry_their_status() -> None:
    cases = [
        (lambda: gradcli.parse("x +"), ParseError),
        (lambda: gradcli.parse("sni(x)"), ProgramError),
        (lambda: gradcli.build("x = 1; x = 2; x"), ProgramError),
        (lambda: gradcli.evaluate("x + y", x=1), UsageError),
        (lambda: gradcli.evaluate("x", x=math.inf), UsageError),
        (lambda: gradcli.evaluate("x", x=math.nan), UsageError),
    ]
    for call, error in cases:
        with pytest.raises(error) as caught:
            call()
        assert caught.value.status == ExitStatus.USAGE == 2
        assert caught.value.render().startswith("error: ")


def test_a_parse_error_renders_the_line_and_a_caret() -> None:
    with pytest.raises(ParseError) as caught:
        gradcli.parse("a = 1\nb = a +* 2")
    assert caught.value.render().splitlines()[1:3] == ["  b = a +* 2", "         ^"]


def test_a_nonfinite_result_does_not_raise() -> None:
    r = gradcli.evaluate("log(x)", x=-1)
    assert math.isnan(r.value)
    assert r.error is not None and r.error.kind == "nonfinite-value"
    assert r.error.span == (0, 6)
    assert "log of -1 is undefined" in r.error.message
    assert r.to_json()["value"] is None


def test_to_json() -> None:
    r = gradcli.evaluate("sigmoid(w*x)", x=2, w=0.5)
    assert r.to_json() == {
        "expression": "sigmoid(w*x)",
        "value": 0.7310585786300049,
        "gradient": {"w": 0.3932238664829637, "x": 0.09830596662074093},
        "diagnostics": [],
    }


def test_json_number() -> None:
    assert json_number(1.5) == 1.5
    assert json_number(-0.0) == 0.0
    for x in (math.inf, -math.inf, math.nan):
        assert json_number(x) is None


def test_kink_notes_name_the_convention() -> None:
    r = gradcli.evaluate("relu(x) + abs(y) + max(x, y)", x=0, y=0)
    assert r.gradient == {"x": 0.5, "y": 0.5}
    notes = [d for d in r.diagnostics if d.kind == "kink"]
    assert len(notes) == 3 and all(d.severity == "note" for d in notes)
    assert "relu'(0) = 0" in notes[0].message
    assert "abs'(0) = 0" in notes[1].message
    assert "½" in notes[2].message


def test_the_graph_is_in_topological_order() -> None:
    graph = gradcli.build("z = w1*x1 + w2*x2 + b\ny = sigmoid(z)\ny * (1 - y)")
    for node, inputs in enumerate(graph.inputs):
        assert all(i < node for i in inputs)
    assert graph.output == len(graph) - 1
