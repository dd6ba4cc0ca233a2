"""The op table, one record at a time: every test is parametrised over ``OPS`` and reads what it needs from
the record (points from ``domain``, ground truth from ``sympy``), so a new record is all a new op takes.

Each op's local partials are written once, as expressions in the language. They are checked as written
(evaluated by a small interpreter here, and translated to SymPy) and as compiled (``Op.partial_values``):
against SymPy, against central differences (a shared helper, as autograd's ``check_grads``), against each
other over a grid of special numbers, and against the rules table of seed 004. Then forward mode against
reverse mode; the rule texts against the partials they describe; each decomposition (``--granularity
scalar``) against the fused op; and the conventions of contract section 1 and issue 7 item 12 (pow at 0).
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest
import sympy
from conftest import SYMPY_OPS, sample_points

import gradcli
from gradcli.ops import BY_NAME, CONSTANTS, FUNCTIONS, OPS, TENSOR_OPS, Op
from gradcli.rules import walk
from gradcli.ruletext import forward_text, partial_numbers, partial_text
from gradcli.syntax import Apply, Expr, Name, Num

NAMES = [op.name for op in OPS]
ALL = [pytest.param(op, id=op.name) for op in OPS]
BINARY = [pytest.param(op, id=op.name) for op in OPS if op.arity == 2]
EPS = 2.0**-52

# Contract section 3: what --granularity scalar may decompose into, and what must be decomposed.
PRIMITIVES = {
    "add", "sub", "mul", "div", "neg", "pow", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan",
    "exp", "log", "abs", "relu", "max", "min",
}  # fmt: skip
MUST_DECOMPOSE = {"sigmoid", "softplus", "tanh", "sinh", "cosh", "log2", "log10"}


def ops_named(names: object) -> list:
    return [pytest.param(BY_NAME[name], id=name) for name in names]


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


def interpret(expr: Expr, env: dict[str, float]) -> float:
    """A rule expression evaluated as written, node by node with the table's forward functions.

    Independent of the compiler in ``gradcli.rules`` (no folding, no inlining, no shared temporaries).
    """
    value: dict[int, float] = {}
    for node in walk(expr):
        if isinstance(node, Num):
            value[id(node)] = node.value
        elif isinstance(node, Name):
            value[id(node)] = env[node.id]
        else:
            value[id(node)] = node.op.forward(*(value[id(arg)] for arg in node.args))
    return value[id(expr)]


def partials_as_written(op: Op, point: tuple[float, ...]) -> tuple[float, ...]:
    """The op's partials at ``point`` by ``interpret``, its limits applied as ``Limit`` says."""
    env = dict(zip(op.params, point))
    env["out"] = op.forward(*point)
    partials = [interpret(expr, env) for expr in op.partial_exprs]
    for position, where, value in op.limit_exprs:
        if interpret(where, env) == 1.0:
            partials[position] = interpret(value, env)
    return tuple(partials)


A, B = sympy.symbols("a b", real=True)


def to_sympy(op: Op, expr: Expr) -> sympy.Expr:
    """A rule expression in SymPy: each op by its SymPy form, ``out`` as the op applied to a and b."""
    symbols = {"a": A, "b": B, "out": SYMPY_OPS[op.name](*(A, B)[: op.arity])}
    done: dict[int, sympy.Expr] = {}
    for node in walk(expr):
        if isinstance(node, Num):
            done[id(node)] = {"pi": sympy.pi, "e": sympy.E}.get(node.text) or sympy.Rational(node.text)
        elif isinstance(node, Name):
            done[id(node)] = symbols[node.id]
        else:
            done[id(node)] = SYMPY_OPS[node.op.name](*(done[id(arg)] for arg in node.args))
    return done[id(expr)]


def same(x: float, y: float) -> bool:
    """Equal as doubles, NaN equal to NaN."""
    return x == y or (x != x and y != y)


# ---- the table is complete -------------------------------------------------------------------------


def test_names_and_spellings_are_unique() -> None:
    assert len(set(NAMES)) == len(NAMES) == len(BY_NAME) - len(TENSOR_OPS)
    spellings = [s for op in (*OPS, *TENSOR_OPS) for s in op.spellings]
    assert len(set(spellings)) == len(spellings) == len(FUNCTIONS)


@pytest.mark.parametrize("op", ALL)
def test_every_record_has_what_the_tests_and_the_listing_need(op: Op) -> None:
    assert op.symbol and op.syntax and op.rule and op.description
    assert len(op.partials) == len(op.partial_exprs) == op.arity
    for expr in op.partial_exprs + tuple(e for _, w, v in op.limit_exprs for e in (w, v)):
        assert {n.id for n in walk(expr) if isinstance(n, Name)} <= {*op.params, "out"}
    assert all(0 <= limit.position < op.arity and limit.why for limit in op.limits)
    assert len(sample_points(op)) == 6, "the op's domain leaves too few points in [-3, 3] to test"
    assert isinstance(SYMPY_OPS[op.name](*(A, B)[: op.arity]), sympy.Expr)
    # Where the derivative is a convention, `gradcli ops` says which.
    assert bool(op.convention) == op.conventional or op.name in ("step", "sign")


def test_the_composite_ops_of_the_contract_have_a_decomposition() -> None:
    assert {op.name for op in OPS if op.decomposition} >= MUST_DECOMPOSE


# ---- partials: SymPy, central differences, as written and as compiled -------------------------------


def check_grads(op: Op, point: tuple[float, ...], rel: float = 1e-6) -> None:
    """The op's compiled partials at ``point`` against central differences of its forward rule."""
    out = op.forward(*point)
    partials = op.partial_values(*point, out)
    assert len(partials) == op.arity
    for i, partial in enumerate(partials):
        h = 1e-5 * max(1.0, abs(point[i]))
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        numeric = (op.forward(*up) - op.forward(*down)) / (2 * h)
        scale = max(1.0, abs(partial), abs(out))
        assert abs(numeric - partial) <= rel * scale, f"∂{op.name}/∂{op.params[i]} at {point}: {partial} vs {numeric}"


@pytest.mark.parametrize("op", ALL)
def test_partials_match_central_differences(op: Op) -> None:
    for point in sample_points(op):
        check_grads(op, point)


@pytest.mark.parametrize("op", ALL)
def test_forward_and_partials_match_sympy(op: Op, to_float) -> None:
    symbols = (A, B)[: op.arity]
    expr = SYMPY_OPS[op.name](*symbols)
    derivatives = [sympy.diff(expr, s) for s in symbols]
    for point in sample_points(op):
        at = {s: sympy.Float(v, 50) for s, v in zip(symbols, point)}
        out = op.forward(*point)
        want = to_float(expr.subs(at))
        assert abs(out - want) <= 1e-14 * max(abs(want), 1e-300), f"{op.name}{point}: {out} vs {want}"
        for i, (partial, d) in enumerate(zip(op.partial_values(*point, out), derivatives)):
            want = to_float(d.subs(at))
            assert abs(partial - want) <= 1e-12 * max(abs(want), 1e-300), f"∂/∂{op.params[i]} at {point}"


@pytest.mark.parametrize("op", ALL)
def test_partial_expressions_are_sympys_derivatives(op: Op, to_float) -> None:
    # The expressions as written, translated to SymPy, against SymPy's own derivative of the op.
    symbols = (A, B)[: op.arity]
    expr = SYMPY_OPS[op.name](*symbols)
    for position, partial in enumerate(op.partial_exprs):
        written, derivative = to_sympy(op, partial), sympy.diff(expr, symbols[position])
        for point in sample_points(op):
            at = {s: sympy.Float(v, 50) for s, v in zip(symbols, point)}
            want = to_float(derivative.subs(at))
            assert math.isclose(to_float(written.subs(at)), want, rel_tol=1e-13, abs_tol=1e-300), (position, point)


SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-300, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("op", ALL)
def test_compiled_partials_are_the_expressions_exactly(op: Op) -> None:
    # Everywhere, the edges of the doubles included: the compiled function computes what is written.
    for point in itertools.product(SPECIALS, repeat=op.arity):
        compiled = op.partial_values(*point, op.forward(*point))
        written = partials_as_written(op, point)
        assert all(map(same, compiled, written)), (op.name, point, compiled, written)


@pytest.mark.parametrize("op", ALL)
def test_forward_rules_partials_and_kinks_are_total(op: Op) -> None:
    # Habit 2: a bad domain gives nan or inf, never an exception.
    for point in itertools.product(SPECIALS, repeat=op.arity):
        out = op.forward(*point)
        assert isinstance(out, float), (op.name, point)
        partials = op.partial_values(*point, out)
        assert len(partials) == op.arity and all(isinstance(p, float) for p in partials), (op.name, point)
        assert len(op.kinks(*point)) == op.arity
        if op.explain is not None:
            op.explain(*point)


# ---- the seed's rules table (seed 004, "Local Gradient Rules") --------------------------------------

SEED_RULES = {
    # op: the seed's rule for each input, as a function of the inputs
    "add": (lambda a, b: 1.0, lambda a, b: 1.0),  # addition passes the gradient to both inputs
    "sub": (lambda a, b: 1.0, lambda a, b: -1.0),  # the second input receives it negated
    "mul": (lambda a, b: b, lambda a, b: a),  # multiplication swaps the inputs
    "div": (lambda a, b: 1 / b, lambda a, b: -a / b**2),
    "pow": (lambda x, n: n * x ** (n - 1), None),  # y = x^n: n·x^(n−1)
    "sin": (lambda a: math.cos(a),),
    "cos": (lambda a: -math.sin(a),),
    "exp": (lambda a: math.exp(a),),  # grad × eˣ = grad × y
    "log": (lambda a: 1 / a,),
    "relu": (lambda a: 1.0 if a > 0 else 0.0,),
}


def test_mul_swaps_its_inputs_add_passes_sub_negates_as_written() -> None:
    assert BY_NAME["mul"].partials == ("b", "a")
    assert BY_NAME["add"].partials == ("1", "1")
    assert BY_NAME["sub"].partials == ("1", "-1")
    assert BY_NAME["exp"].partials == ("out",)  # the seed: grad × eˣ = grad × y


@pytest.mark.parametrize("op", ops_named(SEED_RULES))
def test_the_seeds_rules_table(op: Op) -> None:
    points = [(2.0, 3.0), (0.5, -1.5), (1.3, 2.0)] if op.arity == 2 else [(0.3,), (1.7,), (-0.4,), (2.5,)]
    for point in points:
        if op.name == "log" and point[0] <= 0:
            continue
        for rule, written, compiled in zip(
            SEED_RULES[op.name], partials_as_written(op, point), op.partial_values(*point, op.forward(*point))
        ):
            if rule is not None:
                assert written == pytest.approx(rule(*point), rel=1e-15) and compiled == written


def test_relu_is_1_for_positive_and_0_otherwise() -> None:
    relu = BY_NAME["relu"]
    for a, want in [(-2.0, 0.0), (-0.0, 0.0), (0.0, 0.0), (1e-300, 1.0), (5.0, 1.0)]:
        assert partials_as_written(relu, (a,)) == relu.partial_values(a, relu.forward(a)) == (want,)


# ---- conventions: contract section 1, and pow at a = 0 (issue 7, item 12) -----------------------------

CONVENTIONS = {
    "relu": [((0.0,), (0.0,))],
    "abs": [((0.0,), (0.0,))],
    "step": [((0.0,), (0.0,))],
    "sign": [((0.0,), (0.0,))],
    "max": [((2.0, 2.0), (0.5, 0.5)), ((-1.0, -1.0), (0.5, 0.5))],
    "min": [((2.0, 2.0), (0.5, 0.5)), ((0.0, 0.0), (0.5, 0.5))],
}


@pytest.mark.parametrize("op", ops_named(CONVENTIONS))
def test_conventions_at_kinks_and_ties(op: Op) -> None:
    for point, want in CONVENTIONS[op.name]:
        assert op.partial_values(*point, op.forward(*point)) == want
        assert all(op.kinks(*point)) == op.kinked
    for point in sample_points(op):
        assert not any(op.kinks(*point))


# pow at a = 0, from the limits a -> 0+ (by hand): a^b is 0 for b > 0 and 1 for b = 0, so
#   ∂/∂a = b·a^(b−1): 0 for b > 1, 1 for b = 1, +∞ for 0 < b < 1, and 0 for b = 0 (a^0 is constant);
#   ∂/∂b = a^b·ln a: 0 for b > 0 (0^b is 0 for every b > 0), −∞ for b = 0 (ln a -> −∞).
POW_AT_ZERO = [
    ((0.0, 3.0), (0.0, 0.0), (False, True)),
    ((0.0, 1.0), (1.0, 0.0), (False, True)),
    ((0.0, 0.5), (math.inf, 0.0), (False, True)),
    ((0.0, 0.0), (0.0, -math.inf), (True, False)),
    ((-0.0, 2.0), (-0.0, 0.0), (False, True)),
    ((2.0, 0.0), (0.0, math.log(2.0)), (False, False)),
]


@pytest.mark.parametrize(("point", "want", "kinks"), POW_AT_ZERO)
def test_pow_at_zero_takes_the_limits(point, want, kinks) -> None:
    pow_ = BY_NAME["pow"]
    got = pow_.partial_values(*point, pow_.forward(*point))
    assert all(map(same, got, want)) and [math.copysign(1, g) for g in got] == [math.copysign(1, w) for w in want]
    assert partials_as_written(pow_, point) == got
    assert pow_.kinks(*point) == kinks


@pytest.mark.parametrize(
    ("args", "code", "grad", "said"),
    [
        (["x^x", "--x", "0"], 3, None, "∂/∂b = a^b·ln(a) is infinite at a = 0, b = 0"),
        (["0^x", "--x", "0"], 3, None, "∂/∂b = a^b·ln(a) is infinite at a = 0, b = 0"),
        (["0^x", "--x", "2"], 0, 0.0, "∂/∂b = 0, the limit (0^b is 0 for every b > 0)"),
        (["x^0", "--x", "0"], 0, 0.0, "∂/∂a = 0, the limit (a^0 is 1 for every a)"),
        (["x^0.5", "--x", "0"], 3, None, "∂/∂a = b·a^(b−1) is infinite at a = 0, b = 0.5"),
        (["x^2", "--x", "0"], 0, 0.0, ""),
        (["x^x", "--x", "1e-300"], 0, pytest.approx(1 + math.log(1e-300)), ""),  # x^x·(ln x + 1)
    ],
)
def test_pow_at_zero_on_the_command_line(args, code, grad, said, run, loads) -> None:
    status, stdout, _ = run("eval", *args, "--json")
    data = loads(stdout)
    assert status == code
    assert data["gradient"]["x"] == grad
    messages = " ".join(d["message"] for d in data["diagnostics"])
    assert said in messages if said else messages == ""


def test_the_pow_convention_is_listed(run) -> None:
    stdout = run("ops").stdout
    assert "at a = 0, the limits: ∂/∂a = 0 if b = 0" in " ".join(stdout.split())


# ---- commutativity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("op", BINARY)
def test_commutative_is_what_the_op_does(op: Op) -> None:
    swapped = []
    for a, b in sample_points(op):
        out = op.forward(a, b)
        da, db = op.partial_values(a, b, out)
        out2 = op.forward(b, a)
        db2, da2 = op.partial_values(b, a, out2)
        swapped.append(out == out2 and (da, db) == (da2, db2))
    assert all(swapped) if op.commutative else not all(swapped)


# ---- the evaluators: forward mode against reverse mode ---------------------------------------------


@pytest.mark.parametrize("op", ALL)
def test_forward_mode_matches_reverse_mode_and_the_table(op: Op) -> None:
    points = sample_points(op) + [p for p, _ in CONVENTIONS.get(op.name, [])]
    for point in points:
        values = dict(zip(op.params, point))
        reverse = gradcli.evaluate(program(op), values)
        forward = gradcli.evaluate(program(op), values, mode="forward")
        out = op.forward(*point)
        assert reverse.value == forward.value == out
        want = dict(zip(op.params, op.partial_values(*point, out)))
        assert reverse.gradient == forward.gradient == want


# ---- how each op is written ------------------------------------------------------------------------


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


# ---- the rule texts, printed from the expressions ------------------------------------------------------

# Rule text (mathematics for people) back to Python, as a reader would: · × − ² √ σ π |…| and "ln".
_TEXT_TO_PYTHON = [("·", "*"), ("−", "-"), ("²", "**2"), ("σ", "sigmoid"), ("^", "**"), ("ln", "log"), ("π", "pi")]
_MATH = {op.symbol if op.symbol.isidentifier() else op.name: op.forward for op in OPS if op.arity}
_MATH |= {"sigmoid": BY_NAME["sigmoid"].forward, "log": math.log, **CONSTANTS}


def text_value(text: str, inputs: dict[str, float]) -> float:
    """Evaluate a printed rule with numbers in, the way a reader of `gradcli ops` would."""
    text = re.sub(r"\|([^|]*)\|", r"abs(\1)", text)
    text = re.sub(r"√(\w+)", r"sqrt(\1)", text).replace("√", "sqrt")
    for old, new in _TEXT_TO_PYTHON:
        text = text.replace(old, new)
    return float(eval(text, {"__builtins__": {}}, {**_MATH, **{k: float(v) for k, v in inputs.items()}}))


@pytest.mark.parametrize("op", ALL)
def test_rule_texts_say_what_the_partials_compute(op: Op) -> None:
    for point in sample_points(op):
        out = op.forward(*point)
        inputs = dict(zip(op.params, point))
        assert text_value(forward_text(op, {p: p for p in op.params}), inputs) == pytest.approx(out, rel=1e-13)
        for i, partial in enumerate(op.partial_values(*point, out)):
            assert text_value(partial_text(op, i), inputs) == pytest.approx(partial, rel=1e-12, abs=1e-300)
            numbers = partial_numbers(op, i, {**inputs, "out": out}, digits=17)
            assert text_value(numbers, {}) == pytest.approx(partial, rel=1e-12, abs=1e-300)


def test_rule_texts_read_as_today() -> None:
    # The Unicode style of `gradcli ops` and `trace`: ·, −, ², √, σ, |a|; out written as the op itself.
    texts = {op.name: [partial_text(op, i) for i in range(op.arity)] for op in OPS}
    assert texts["sigmoid"] == ["σ(a)·(1 − σ(a))"]
    assert texts["pow"] == ["b·a^(b−1)", "a^b·ln(a)"]
    assert texts["sqrt"] == ["1/(2·√a)"]
    assert texts["asin"] == ["1/√(1 − a²)"]
    assert texts["tanh"] == ["1 − tanh(a)²"]
    assert texts["relu"] == ["step(a)"]
    assert texts["max"] == ["(1 + sign(a − b))/2", "(1 − sign(a − b))/2"]
    assert forward_text(BY_NAME["abs"], {"a": "x"}) == "|x|"
    assert forward_text(BY_NAME["mul"], {"a": "w", "b": "x"}) == "w · x"
    assert partial_numbers(BY_NAME["pow"], 0, {"a": -2.0, "b": 3.0, "out": -8.0}) == "3·(-2)^(3−1)"


# ---- decompositions (--granularity scalar) -------------------------------------------------------------

COMPOSITE = [op.name for op in OPS if op.decomposition]
# Far from 0, at the edges of overflow (e^709.78 is the largest double) and of underflow, and near 0.
HARD = [0.0, -0.0, 1e-300, -1e-300, 1e-10, -1e-10, 1e-5, -1e-5, 0.5, -0.5, 19.0, -19.0, 40.0, -40.0,
        700.0, -700.0, 709.9, -709.9, 710.3, -710.3, 710.6, -710.6, 745.0, -745.0, 1000.0, -1000.0]  # fmt: skip


def decomposition_points(op: Op) -> list[float]:
    points = HARD + [p for (p,) in sample_points(op, 20)]
    return sorted({abs(p) for p in points} | {1e-300, 1e300}) if op.name in ("log2", "log10") else points


@pytest.mark.parametrize("op", ops_named(COMPOSITE))
def test_decomposition_agrees_with_the_fused_op_to_the_last_digit(op: Op) -> None:
    # Issue 7, item 13: views agree, and a decomposition overflows nowhere the fused op does not.
    # Within two units in the last place of the larger of the number and 1 (README: "the views").
    for point in decomposition_points(op):
        fused = gradcli.evaluate(program(op), {"a": point})
        scalar = gradcli.evaluate(program(op), {"a": point}, granularity="scalar")
        assert (fused.error is None) == (scalar.error is None), (op.name, point, scalar.error, fused.error)
        assert scalar.diagnostics == [] or fused.error is not None, (op.name, point, scalar.diagnostics)
        if fused.error is not None:
            continue
        forward = gradcli.evaluate(program(op), {"a": point}, granularity="scalar", mode="forward")
        pairs = [(scalar.value, fused.value), (scalar.gradient["a"], fused.gradient["a"])]
        for got, want in [*pairs, (forward.gradient["a"], fused.gradient["a"])]:
            assert abs(got - want) <= 2 * EPS * max(abs(want), 1.0), (op.name, point, got, want)


@pytest.mark.parametrize("args", [["sigmoid(-1000)"], ["tanh(x)", "--x", "1000"], ["softplus(x)", "--x", "800"]])
def test_the_scalar_view_does_not_overflow_where_the_fused_op_does_not(args, run) -> None:
    default = run("eval", *args, "--json")
    scalar = run("eval", *args, "--json", "--granularity", "scalar")
    assert default.code == scalar.code == 0 and default.stderr == scalar.stderr == ""
    assert default.stdout == scalar.stdout


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


def test_an_overflow_inside_a_decomposition_that_its_result_absorbs_is_no_error() -> None:
    # sigmoid(-1000) = 1 / (1 + exp(1000)) = 1 / inf = 0, and its derivative 0 (not -0·inf = NaN).
    for mode in ("reverse", "forward"):
        result = gradcli.evaluate("sigmoid(x)", {"x": -1000.0}, granularity="scalar", mode=mode)
        assert (result.value, result.gradient, result.diagnostics) == (0.0, {"x": 0.0}, [])
    # An overflow that the decomposition's result does not absorb is reported, with the step.
    result = gradcli.evaluate("cosh(x)", {"x": 1000.0}, granularity="scalar")
    assert result.error is not None and "in the mul step of cosh's decomposition" in result.error.message
    # Outside a decomposition 0·∞ stays NaN: (√x)² at 0 has slope 1, which reverse mode cannot see.
    assert gradcli.evaluate("sqrt(x)^2", {"x": 0.0}).error.kind == "nonfinite-gradient"


@pytest.mark.parametrize("op", ops_named(set(NAMES) - set(COMPOSITE)))
def test_primitive_ops_are_kept_whole_in_the_scalar_view(op: Op) -> None:
    graph = gradcli.build(program(op), granularity="scalar")
    assert [o for o in graph.ops if not o.is_leaf] == [op]


# ---- the README lists every function ----------------------------------------------------------------


def test_the_readme_lists_every_function_of_the_table() -> None:
    # The README cannot be generated from the table, so this keeps it honest: a new op fails here until
    # "Functions of one argument: ..." in the README's language section names it.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("Functions of one argument:") :].split("\n\n")[0]
    one, two = paragraph.split("of two:")
    listed_one = set(re.search(r"`([^`]*)`", one).group(1).split())
    listed_two = set(re.findall(r"`(\w+)\(a, b\)`", two))
    assert listed_one == {s for op in OPS if op.arity == 1 for s in op.spellings}
    assert listed_two == {s for op in OPS if op.arity == 2 for s in op.spellings}
