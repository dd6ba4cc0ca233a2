"""Properties of ``gradcli diff`` over many random programs.

- Its formulas are SymPy's derivatives (SymPy differentiates the program itself).
- ``gradcli check --expect x="<diff's formula>"`` holds for every formula of
  thousands of random programs: the two commands never disagree.
- The simplifier never changes a value (a hypothesis property): a program
  and its simplified formula agree wherever the program is finite.
- With names kept, the formulas stay linear in the program's size.
"""

from __future__ import annotations

import math
import random

import pytest
import sympy
from conftest import sympy_float
from diff_support import random_expression, random_program, symbols_of, to_sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli
from gradcli.answers import read_answer
from gradcli.autodiff import forward
from gradcli.check import Sampling, check_answers
from gradcli.symbolic import naming
from gradcli.symbolic.convert import Converter
from gradcli.symbolic.expressions import Expressions
from gradcli.symbolic.printer import Printer
from gradcli.syntax import Program


def _smooth_points(graph: gradcli.Graph, rng: random.Random, count: int) -> list[tuple[dict, gradcli.Result]]:
    found = []
    for _ in range(30 * count):
        point = {v: round(rng.uniform(-2.5, 2.5), 2) for v in graph.variables}
        result = gradcli.evaluate(graph, point)
        if result.error is None and not any(d.kind == "kink" for d in result.diagnostics):
            found.append((point, result))
            if len(found) == count:
                break
    return found


def _scale(result: gradcli.Result) -> float:
    """How large the numbers inside the program are: the rounding error of a value is relative to this."""
    return 1.0 + sum(abs(v) for v in result.values if math.isfinite(v))


def _combined(program: str, derivatives, formula) -> gradcli.Graph:
    """The program, the where lines of shared subexpressions, and the formula as the output."""
    parsed = gradcli.parse(program)
    extra = [f"{d.name} = {derivatives.formula_text(d)}" for d in derivatives.where if d.name not in parsed.text]
    tail = gradcli.parse("\n".join([*extra, derivatives.formula_text(formula)]))
    return gradcli.build(Program(parsed.source, [*parsed.statements, *tail.statements]))


PROGRAMS = [random_program(random.Random(f"sympy {k}"), depth=4) for k in range(120)]


@pytest.mark.parametrize("program", PROGRAMS)
def test_diff_equals_sympy(program: str) -> None:
    graph = gradcli.build(program)
    derivatives = gradcli.diff(graph)
    symbols = symbols_of(graph)
    f = to_sympy(graph)
    points = _smooth_points(graph, random.Random(program), 2)
    for formula in derivatives.formulas:
        (name,) = formula.names
        want = sympy.diff(f, symbols[name])
        ours = _combined(program, derivatives, formula)
        for point, result in points:
            at = {symbols[v]: sympy.Rational(str(x)) for v, x in point.items()}
            try:
                expected = sympy_float(want.subs(at))
            except (AssertionError, TypeError):
                continue  # SymPy leaves Heaviside or a derivative of Max unevaluated here: no ground truth
            got = forward(ours, point)[ours.output]
            assert abs(got - expected) <= 1e-9 * max(abs(expected), _scale(result)), (name, point, got, expected)


def test_check_agrees_with_every_formula_of_a_thousand_programs() -> None:
    rng = random.Random("check agrees with diff")
    formulas = disagreements = 0
    for _ in range(1400):
        text = random_program(rng, depth=3)
        program = gradcli.parse(text)
        graph = gradcli.build(program)
        derivatives = gradcli.diff(graph)
        assert all(d.name in graph.assigned for d in derivatives.where), "small programs need no other names"
        answers = [
            read_answer(program, graph, f.names[0], derivatives.formula_text(f), "--expect")
            for f in derivatives.formulas
        ]
        if not answers:
            continue
        try:
            report = check_answers(graph, answers, Sampling(None), rtol=1e-7, atol=1e-9)
        except gradcli.GradcliError:
            continue  # no point where the program is finite: check says so, and there is nothing to compare
        formulas += len(answers)
        disagreements += sum(not v.ok for v in report.verdicts if v.checked)
        assert all(v.ok for v in report.verdicts if v.checked), (text, [v.example for v in report.verdicts])
    assert formulas > 2000 and disagreements == 0


# ---- the simplifier never changes a value ---------------------------------------------------------

NAMES = ["x", "y", "w"]


@st.composite
def expressions(draw: st.DrawFn) -> str:
    seed = draw(st.integers(0, 2**32 - 1))
    depth = draw(st.integers(1, 5))
    return random_expression(random.Random(seed), depth, NAMES)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=expressions(),
    point=st.tuples(*[st.floats(-3, 3, allow_nan=False) for _ in NAMES]),
)
def test_the_simplifier_never_changes_a_value(text: str, point: tuple[float, ...]) -> None:
    graph = gradcli.build(text)
    values = dict(zip(NAMES, point))
    node_values = forward(graph, values)
    original = node_values[graph.output]
    table = Expressions()
    (simplified,) = Converter(graph, table).convert([graph.output])
    got = table.evaluate({**values, "pi": math.pi, "e": math.e})[simplified]
    printed = gradcli.build(Printer(table).text(simplified))
    reparsed = forward(printed, {v: values[v] for v in printed.variables})[printed.output]
    if not all(map(math.isfinite, node_values)):
        # The rewrite is equal as a function of the reals where the program is defined; where
        # a step of the program divides by 0 or overflows (y/x at x = 0 then · 0), IEEE's
        # inf and nan need not survive the algebra, so there is no value to keep.
        return
    scale = 1.0 + sum(abs(v) for v in node_values if math.isfinite(v))
    assert abs(got - original) <= 1e-9 * max(abs(original), scale), (text, values, got, original)
    assert abs(reparsed - original) <= 1e-9 * max(abs(original), scale), (text, values, reparsed, original)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("step(x)*x + relu(x)", {"x": 0.0}),  # kinks keep their conventions
        ("sign(x - y) + max(x, y)", {"x": 1.0, "y": 1.0}),
        ("x*x/x", {"x": 2.0}),
        ("(x^2)^0.5", {"x": -3.0}),  # |x|, never x
        ("(x*y)^0.5", {"x": -2.0, "y": -8.0}),  # 4, though x^0.5 and y^0.5 are not real
        ("0.1*3*x - 0.3*x", {"x": 1.0}),
        ("2^-1*x + x/2", {"x": 3.0}),
        ("w/y/x*y", {"x": 2.2250738585e-313, "y": 1.0, "w": 0.0}),  # found in review: was 0*inf, 1/x overflows
    ],
)
def test_special_cases_keep_their_value(text: str, at: dict[str, float]) -> None:
    graph = gradcli.build(text)
    table = Expressions()
    (simplified,) = Converter(graph, table).convert([graph.output])
    want = forward(graph, at)[graph.output]
    got = table.evaluate(at)[simplified]
    assert abs(got - want) <= 1e-12 * max(1.0, abs(want)), (Printer(table).text(simplified), got, want)


# ---- output size ----------------------------------------------------------------------------------


def _layers(n: int) -> str:
    """A deep network with names: h_k = tanh(w_k*h_{k-1} + b_k), a loss at the end."""
    lines = ["h0 = x"]
    lines += [f"h{k} = tanh(w{k}*h{k - 1} + b{k})" for k in range(1, n + 1)]
    lines.append(f"(h{n} - t)^2")
    return "\n".join(lines)


def _output_size(text: str) -> tuple[int, int]:
    graph = gradcli.build(text)
    derivatives = gradcli.diff(graph)
    roots = [f.expression for f in derivatives.formulas]
    named = [d.expression for d in derivatives.where]
    size = naming.printed_size(derivatives.table, roots, named)
    return size, len(graph)


def test_with_names_the_formulas_grow_linearly() -> None:
    ratios = []
    for n in (25, 50, 100, 200):
        size, nodes = _output_size(_layers(n))
        ratios.append(size / nodes)
    assert max(ratios) < 12 and ratios[-1] < 1.5 * ratios[1]


def test_a_weight_shared_across_depth_stays_linear() -> None:
    # One w in every layer: ∂f/∂w sums over depth, quadratic if written out; shared parts get names.
    ratios = []
    for n in (25, 50, 100, 200):
        lines = ["h0 = x", *(f"h{k} = tanh(w*h{k - 1} + b)" for k in range(1, n + 1)), f"h{n}"]
        size, nodes = _output_size("\n".join(lines))
        ratios.append(size / nodes)
    assert ratios[-1] < 1.5 * ratios[1]


def test_steps_stay_linear_on_nested_tanh() -> None:
    from gradcli.symbolic.steps import derivation

    lengths = []
    for n in (20, 40, 80):
        program = "x"
        for _ in range(n):
            program = f"tanh(w*{program} + b)"
        steps = derivation(gradcli.diff(program))
        text = sum(len(s.text) for s in steps.forward + steps.backward)
        lengths.append(text / n)
    assert lengths[-1] < 1.3 * lengths[0]
