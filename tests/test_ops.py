"""The op table, one record at a time: every test is parametrised over ``OPS``.

Each op's local partials are checked against central differences (a shared
helper, as autograd's ``check_grads``) and against SymPy; forward mode against
reverse mode; the rule texts against the partials they describe; and each
decomposition (``--granularity scalar``) against the fused op.
"""

from __future__ import annotations

import itertools
import math
import re
import string

import pytest
import sympy

import gradcli
from gradcli.ops import BY_NAME, FUNCTIONS, OPS, Op
from gradcli.syntax import Apply

NAMES = [op.name for op in OPS]

# Points away from kinks, poles and the edges of each op's domain, where its
# derivative is defined and the central difference is accurate.
ANYWHERE = [(-2.5,), (-0.7,), (0.3,), (1.9,)]
POSITIVE = [(0.2,), (1.0,), (3.7,), (120.0,)]
INSIDE_ONE = [(-0.9,), (-0.3,), (0.0,), (0.45,), (0.8,)]
MODERATE = [(-3.0,), (-0.5,), (0.5,), (3.0,)]
BINARY = [(1.5, -2.0), (0.3, 0.7), (-4.0, 3.0), (2.0, 2.5)]
POINTS: dict[str, list[tuple[float, ...]]] = {
    "add": BINARY,
    "sub": BINARY,
    "mul": BINARY,
    "div": [(1.0, 2.0), (-3.0, 0.7), (2.5, -4.0), (0.0, 1.5)],
    "neg": ANYWHERE,
    "pow": [(2.0, 3.0), (0.5, -1.5), (3.7, 0.5), (1.3, 2.2), (9.0, -0.5)],
    "sqrt": POSITIVE,
    "exp": MODERATE,
    "log": POSITIVE,
    "log2": POSITIVE,
    "log10": POSITIVE,
    "sin": ANYWHERE,
    "cos": ANYWHERE,
    "tan": [(-1.2,), (-0.4,), (0.3,), (1.1,)],
    "asin": INSIDE_ONE,
    "acos": INSIDE_ONE,
    "atan": ANYWHERE,
    "sinh": MODERATE,
    "cosh": MODERATE,
    "tanh": [(-4.0,), (-1.0,), (0.0,), (0.5,), (2.0,)],
    "sigmoid": [(-6.0,), (-1.0,), (0.0,), (0.5,), (4.0,)],
    "softplus": [(-6.0,), (-1.0,), (0.0,), (0.5,), (4.0,)],
    "relu": [(-2.0,), (-0.5,), (0.5,), (3.0,)],
    "abs": [(-2.0,), (-0.5,), (0.5,), (3.0,)],
    "max": [(1.0, 2.0), (2.0, 1.0), (-3.0, 0.5), (0.5, -3.0)],
    "min": [(1.0, 2.0), (2.0, 1.0), (-3.0, 0.5), (0.5, -3.0)],
}

# The derivative at each kink or tie, exactly as contract section 1 fixes it.
CONVENTIONS: dict[str, list[tuple[tuple[float, ...], tuple[float, ...]]]] = {
    "relu": [((0.0,), (0.0,))],
    "abs": [((0.0,), (0.0,))],
    "max": [((2.0, 2.0), (0.5, 0.5)), ((-1.0, -1.0), (0.5, 0.5))],
    "min": [((2.0, 2.0), (0.5, 0.5)), ((0.0, 0.0), (0.5, 0.5))],
}

# Contract section 3: what --granularity scalar may decompose into, and what must be decomposed.
PRIMITIVES = {
    "add", "sub", "mul", "div", "neg", "pow", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan",
    "exp", "log", "abs", "relu", "max", "min",
}  # fmt: skip
MUST_DECOMPOSE = {"sigmoid", "softplus", "tanh", "sinh", "cosh", "log2", "log10"}


def ops_named(names: object) -> list:
    return [pytest.param(BY_NAME[name], id=name) for name in names]


ALL = ops_named(NAMES)


def written_forms(op: Op) -> list[str]:
    """The ways ``op.syntax`` says the op is written ("a * b, 2a, (a)(b)"), split at top-level commas."""
    forms, depth, current = [], 0, ""
    for ch in op.syntax:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            forms.append(current.strip())
            current = ""
        else:
            current += ch
    return [*forms, current.strip()]


def program(op: Op) -> str:
    """A program that applies the op to the variables a (and b)."""
    return written_forms(op)[0]


# ---- the table is complete ---------------------------------------------------------------------


def test_every_op_has_test_points_and_a_sympy_form(sympy_ops) -> None:
    # A new op without an entry here fails, rather than going untested.
    assert set(POINTS) == set(NAMES)
    assert set(sympy_ops) == set(NAMES)


def test_names_are_unique() -> None:
    assert len(set(NAMES)) == len(NAMES) == len(BY_NAME)
    spellings = [s for op in OPS for s in op.spellings]
    assert len(set(spellings)) == len(spellings) == len(FUNCTIONS)


def test_the_ops_with_a_kink_are_those_with_a_convention() -> None:
    assert {op.name for op in OPS if op.kink is not None} == set(CONVENTIONS)
    assert {op.name for op in OPS if op.convention} == set(CONVENTIONS)


def test_the_composite_ops_of_the_contract_have_a_decomposition() -> None:
    assert {op.name for op in OPS if op.decomposition} >= MUST_DECOMPOSE


# ---- partials: central differences and SymPy ----------------------------------------------------


def check_grads(op: Op, point: tuple[float, ...], rel: float = 1e-6) -> None:
    """The op's local partials at ``point`` against central differences of its forward rule."""
    out = op.forward(*point)
    partials = op.partials(*point, out)
    assert len(partials) == op.arity
    for i, partial in enumerate(partials):
        h = 1e-5 * max(1.0, abs(point[i]))
        up = list(point)
        down = list(point)
        up[i] += h
        down[i] -= h
        numeric = (op.forward(*up) - op.forward(*down)) / (2 * h)
        scale = max(1.0, abs(partial), abs(out))
        assert abs(numeric - partial) <= rel * scale, f"∂{op.name}/∂{op.params[i]} at {point}: {partial} vs {numeric}"


@pytest.mark.parametrize("op", ALL)
def test_partials_match_central_differences(op: Op) -> None:
    for point in POINTS[op.name]:
        check_grads(op, point)


@pytest.mark.parametrize("op", ALL)
def test_forward_and_partials_match_sympy(op: Op, sympy_ops, to_float) -> None:
    symbols = sympy.symbols("a b", real=True)[: op.arity]
    expr = sympy_ops[op.name](*symbols)
    derivatives = [sympy.diff(expr, s) for s in symbols]
    for point in POINTS[op.name]:
        at = {s: sympy.Float(v, 50) for s, v in zip(symbols, point)}
        out = op.forward(*point)
        want = to_float(expr.subs(at))
        assert abs(out - want) <= 1e-14 * max(abs(want), 1e-300), f"{op.name}{point}: {out} vs {want}"
        for i, (partial, d) in enumerate(zip(op.partials(*point, out), derivatives)):
            want = to_float(d.subs(at))
            assert abs(partial - want) <= 1e-12 * max(abs(want), 1e-300), f"∂/∂{op.params[i]} at {point}"


def test_pow_with_a_negative_base_and_a_whole_exponent(to_float) -> None:
    # The one input where pow is defined for a < 0: d/da = b·a^(b-1); d/db = a^b·ln(a) is NaN (not real).
    a, b = sympy.symbols("a b", real=True)
    pow_ = BY_NAME["pow"]
    for point in [(-2.0, 3.0), (-1.5, 2.0), (-3.0, -1.0)]:
        out = pow_.forward(*point)
        assert out == to_float((a**b).subs({a: point[0], b: point[1]}))
        da, db = pow_.partials(*point, out)
        assert da == pytest.approx(to_float(sympy.diff(a**b, a).subs({a: point[0], b: point[1]})), rel=1e-14)
        assert math.isnan(db)


@pytest.mark.parametrize("op", ops_named(CONVENTIONS))
def test_conventions_at_kinks_and_ties(op: Op) -> None:
    for point, want in CONVENTIONS[op.name]:
        assert op.kink(*point)
        assert op.partials(*point, op.forward(*point)) == want
    for point in POINTS[op.name]:
        assert not op.kink(*point)


SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("op", ALL)
def test_forward_rules_and_partials_are_total(op: Op) -> None:
    # Habit 2: a bad domain gives nan or inf, never an exception.
    for point in itertools.product(SPECIALS, repeat=op.arity):
        out = op.forward(*point)
        assert isinstance(out, float), (op.name, point)
        partials = op.partials(*point, out)
        assert len(partials) == op.arity and all(isinstance(p, float) for p in partials), (op.name, point)
        if op.explain is not None:
            op.explain(*point)


# ---- the evaluators: forward mode against reverse mode ------------------------------------------


@pytest.mark.parametrize("op", ALL)
def test_forward_mode_matches_reverse_mode_and_the_table(op: Op) -> None:
    points = POINTS[op.name] + [p for p, _ in CONVENTIONS.get(op.name, [])]
    for point in points:
        values = dict(zip(op.params, point))
        reverse = gradcli.evaluate(program(op), values)
        forward = gradcli.evaluate(program(op), values, mode="forward")
        out = op.forward(*point)
        assert reverse.value == forward.value == out
        want = dict(zip(op.params, op.partials(*point, out)))
        assert reverse.gradient == forward.gradient == want


# ---- how each op is written -------------------------------------------------------------------


@pytest.mark.parametrize("op", ALL)
def test_every_written_form_parses_to_the_op(op: Op) -> None:
    for form in written_forms(op):
        (root,) = gradcli.parse(form).statements
        assert isinstance(root, Apply) and root.op is op, form


@pytest.mark.parametrize("op", ALL)
def test_every_spelling_calls_the_op_with_its_arity(op: Op) -> None:
    for spelling in op.spellings:
        assert FUNCTIONS[spelling] is op
        (root,) = gradcli.parse(f"{spelling}({', '.join(op.params)})").statements
        assert root.op is op


# ---- the rule texts ---------------------------------------------------------------------------


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("op", ALL)
def test_rule_texts_format_with_the_inputs(op: Op) -> None:
    params = set(op.params)
    assert op.symbol and op.syntax and op.rule and op.description
    assert fields(op.formula) <= params
    assert op.formula.format(a="a", b="b")
    assert len(op.grads) == op.arity
    for template in op.grads:
        assert fields(template) <= params, template
        assert template.format(a="a", b="b")
    assert len(op.grads_at) in (0, op.arity)
    for template in op.grads_at:
        assert fields(template) <= params | {"out", "d"}, template


# Rule text (mathematics for people) to Python: · × − ² √ σ and "ln".
_TEXT_TO_PYTHON = [("·", "*"), ("−", "-"), ("²", "**2"), ("√", "sqrt"), ("σ", "sigmoid"), ("^", "**")]
_MATH = {
    **{name: getattr(math, name) for name in ("sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "sqrt")},
    "ln": math.log,
    "sigmoid": lambda a: 1 / (1 + math.exp(-a)),
}


def rule_value(template: str, inputs: dict[str, float]) -> float:
    """Evaluate a gradient rule's text with numbers in, the way a reader of `gradcli ops` would."""
    text = template.format(**{k: f"({v!r})" for k, v in inputs.items()})
    text = re.sub(r"ln (\d+)", r"ln(\1)", text)
    for old, new in _TEXT_TO_PYTHON:
        text = text.replace(old, new)
    return float(eval(text, {"__builtins__": {}}, _MATH))


SMOOTH = [op.name for op in OPS if op.kink is None]


@pytest.mark.parametrize("op", ops_named(SMOOTH))
def test_gradient_rule_texts_say_what_the_partials_compute(op: Op) -> None:
    for point in POINTS[op.name]:
        out = op.forward(*point)
        inputs = dict(zip(op.params, point))
        for i, partial in enumerate(op.partials(*point, out)):
            assert rule_value(op.grads[i], inputs) == pytest.approx(partial, rel=1e-12, abs=1e-300)
            if op.grads_at:
                at = rule_value(op.grads_at[i], {**inputs, "out": out, "d": partial})
                assert at == pytest.approx(partial, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("op", ALL)
def test_forward_formula_text_says_what_the_op_computes(op: Op) -> None:
    formula = op.formula.replace("|{a}|", "abs({a})")
    if op.name == "log":
        formula = formula.replace("log", "ln")
    _MATH_ALL = {**_MATH, "abs": abs, "asin": math.asin, "acos": math.acos, "atan": math.atan, "max": max}
    _MATH_ALL |= {"min": min, "relu": lambda a: max(a, 0.0), "softplus": lambda a: math.log1p(math.exp(a))}
    _MATH_ALL |= {"log2": math.log2, "log10": math.log10}
    for point in POINTS[op.name]:
        text = formula.format(**{k: f"({v!r})" for k, v in zip(op.params, point)})
        for old, new in _TEXT_TO_PYTHON:
            text = text.replace(old, new)
        assert float(eval(text, {"__builtins__": {}}, _MATH_ALL)) == pytest.approx(op.forward(*point), rel=1e-12)


# ---- decompositions (--granularity scalar) ------------------------------------------------------

COMPOSITE = [op.name for op in OPS if op.decomposition]


@pytest.mark.parametrize("op", ops_named(COMPOSITE))
def test_decomposition_gives_the_value_and_gradient_of_the_fused_op(op: Op) -> None:
    for point in POINTS[op.name]:
        values = dict(zip(op.params, point))
        fused = gradcli.evaluate(program(op), values)
        scalar = gradcli.evaluate(program(op), values, granularity="scalar")
        # Rounding differs in the last digits, not more.
        assert scalar.value == pytest.approx(fused.value, rel=1e-12, abs=1e-300)
        assert scalar.gradient.keys() == fused.gradient.keys()
        for name in fused.gradient:
            assert scalar.gradient[name] == pytest.approx(fused.gradient[name], rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("op", ops_named(COMPOSITE))
def test_decomposition_uses_only_primitive_ops(op: Op) -> None:
    graph = gradcli.build(program(op), granularity="scalar")
    steps = [node for node in range(len(graph)) if not graph.is_leaf(node)]
    assert {graph.ops[node].name for node in steps} <= PRIMITIVES
    assert all(graph.origins[node] == op.name for node in steps)
    assert graph.variables.keys() == set(op.params)


def test_sigmoid_decomposes_into_neg_exp_add_div() -> None:
    # Contract, section 3: sigmoid(z) becomes 1 / (1 + exp(-z)).
    graph = gradcli.build("sigmoid(z)", granularity="scalar")
    steps = [graph.ops[node].name for node in range(len(graph)) if not graph.is_leaf(node)]
    assert sorted(steps) == sorted(["neg", "exp", "add", "div"])


@pytest.mark.parametrize("op", ops_named(set(NAMES) - set(COMPOSITE)))
def test_primitive_ops_are_kept_whole_in_the_scalar_view(op: Op) -> None:
    graph = gradcli.build(program(op), granularity="scalar")
    assert [o for o in graph.ops if not o.is_leaf] == [op]
