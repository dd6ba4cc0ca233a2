"""The op table: every operation of the language, each in one record.

A record holds the forward rule and, a few lines below it, the local partial
derivative of each input, written once as an expression in gradcli's own
language over the inputs ``a``, ``b`` and the op's output ``out``
(``mul: b, a``; ``sigmoid: out*(1 - out)``; ``relu: step(a)``). A partial may
use the output (``exp' = out``, ``tanh' = 1 - out^2``): exact and cheaper.
Everything else is derived from these expressions: the fast numeric partials
(``Op.partial_values``, compiled by ``gradcli.rules``), the rule texts of
``gradcli ops`` and ``trace`` (printed by ``gradcli.ruletext``), the kinks
(where a ``step`` or ``sign`` in a partial meets 0) and the symbolic
derivatives. The same partials drive reverse mode (adjoint × partial into each
input) and forward mode (Σ partial × tangent).

Why compile rather than hand-write the numeric partials: a hand-written copy
is the drift this table exists to prevent, and a test can only sample it. The
compiled function is plain Python over ``gradcli.totalmath`` (the same
arithmetic a hand-written lambda would do, constants folded), so it is as fast;
it is built the first time an op's partials are needed, so start-up pays
nothing for the ops a program does not use (measured in the module
docstring of ``gradcli.rules``).

A decomposition (``--granularity scalar``) is the op written in the primitive
ops of contract section 3, in a numerically safe form, so that no step
overflows where the op itself does not: ``tanh`` is ``(e^a − e^(−a)) / (e^a +
e^(−a))`` with top and bottom multiplied by ``e^(−|a|)``; ``softplus`` is
``max(a, 0) + ln(1 + e^(−|a|))``; ``sinh`` and ``cosh`` write ``e^a/2`` as
``e^(a/2)·(e^(a/2)/2)``, each exp its own node, so that neither ``e^a`` nor an
adjoint that large is ever formed. Each gives the op's derivative also at the
conventions of its kinks (a tie of ``max(a, 0)`` at 0 splits the gradient, so
softplus'(0) is ½). ``sigmoid`` keeps the contract's ``1 / (1 + exp(-a))``,
whose ``exp`` overflows below a = -709; the evaluators absorb that overflow
(``gradcli.autodiff``), so every view gives the same numbers there too.

Everything reads this table: the parser (which names are functions, and their
arity), the graph builder (decompositions for ``--granularity scalar``),
``gradcli ops``, the trace, the graph labels and the tests (their points come
from ``domain``, their ground truth from ``sympy``). Adding an operation
touches this file only, and the README's list of functions, which a test
holds to this table (``erf`` and ``atan2`` were added so).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from . import totalmath as tm
from .numbers import fmt

if TYPE_CHECKING:
    from .syntax import Expr


class Limit(NamedTuple):
    """Where a partial's expression gives 0·∞ (NaN) but the partial has a limit: the limit there.

    ``where`` is an expression over ``a``, ``b``, ``out`` that is 1 where the
    limit replaces the expression and 0 elsewhere; ``value`` is the limit, an
    expression too. Both are in the language, so every path that evaluates
    the partials (scalar, NumPy, symbolic) can read them. ``why`` is said in
    the note when the limit is used.
    """

    position: int  # the input whose partial this is: 0 for a, 1 for b
    where: str
    value: str
    why: str


_KINK_CALL = re.compile(r"\b(step|sign)\(")


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: how to compute it, differentiate it, and explain it."""

    name: str  # canonical name, also the grammar alias for infix ops ("add")
    symbol: str  # label in graphs and traces ("+", "sin", "σ")
    arity: int
    forward: Callable[..., float] | None  # total: returns nan/inf, never raises
    partials: tuple[str, ...] = ()  # ∂out/∂a, ∂out/∂b in the language, over a, b and out
    syntax: str = ""  # how it is written ("a + b", "sin(a)")
    rule: str = ""  # the forward rule for people ("1 / (1 + e^(−a))")
    description: str = ""
    spellings: tuple[str, ...] = ()  # function names in the language ("log", "ln")
    convention: str | None = None  # the derivative used where it is not defined (contract, section 1)
    limits: tuple[Limit, ...] = ()  # where a partial is 0·∞ as written, its limit
    decomposition: str | None = None  # the op in primitive ops, a program over a, b
    commutative: bool = False  # op(a, b) = op(b, a), and its rules read the same either way round
    explain: Callable[..., str | None] | None = None  # why a non-finite output arose
    domain: Callable[..., bool] | None = None  # where it is defined and smooth (None: everywhere)
    sympy: str | None = None  # the op in SymPy, for the tests (default: name(a) or name(a, b))
    # Tensor operations (contract, section 5) have no scalar partials: each input's rule is a
    # vector-Jacobian product, an expression over a, b, out and G (∂f/∂out, out's shape).
    vjps: tuple[str, ...] = ()
    shapes: str = ""  # the shapes it takes and gives ("(m, n) @ (n,) → (m,)")
    tensor: bool = False  # a tensor operation: unrolled into scalar ops (gradcli.tensor)
    kinked: bool = field(init=False)  # some partial uses step or sign: piecewise, with kinks or ties
    conventional: bool = field(init=False)  # somewhere a partial is a convention: a kink, or a limit

    def __post_init__(self) -> None:
        rules = self.vjps if self.tensor else self.partials
        assert len(rules) == max(self.arity, 0), f"{self.name}: a rule per input"
        kinked = any(_KINK_CALL.search(p) for p in self.partials)
        object.__setattr__(self, "kinked", kinked)
        object.__setattr__(self, "conventional", kinked or bool(self.limits))

    @property
    def is_leaf(self) -> bool:
        return self.arity == 0

    @property
    def params(self) -> tuple[str, ...]:
        return ("a", "b")[: self.arity]

    @cached_property
    def partial_exprs(self) -> tuple[Expr, ...]:
        """The partials as syntax trees (``gradcli.syntax``) over the names a, b and out, parsed once."""
        return self._rule_exprs[: self.arity]

    @cached_property
    def limit_exprs(self) -> tuple[tuple[int, Expr, Expr], ...]:
        """Each limit as ``(position, where, value)``, the expressions as syntax trees."""
        trees = self._rule_exprs[self.arity :]
        return tuple((limit.position, trees[2 * i], trees[2 * i + 1]) for i, limit in enumerate(self.limits))

    @cached_property
    def _rule_exprs(self) -> tuple[Expr, ...]:
        # Every rule text of the op in one parse: parsing costs far more per call than per token.
        from .rules import parse_rules

        return parse_rules([*self.partials, *(text for limit in self.limits for text in (limit.where, limit.value))])

    def partial_values(self, *inputs_and_out: float) -> tuple[float, ...]:
        """Each local partial at a point: ``(a, [b,] out) -> (∂out/∂a, [∂out/∂b])``, limits applied.

        The first call compiles the partial expressions and puts the compiled
        function in this method's place on the record, so every later call is
        one plain call of it.
        """
        from .rules import compile_partials

        compiled = compile_partials(self)
        object.__setattr__(self, "partial_values", compiled)
        return compiled(*inputs_and_out)

    def kinks(self, *inputs: float) -> tuple[bool, ...]:
        """For each input, whether its partial here is a convention: a step or sign at 0, or a limit.

        Compiled on first use like ``partial_values``; only ``conventional`` ops have any.
        """
        from .rules import compile_kinks

        compiled = compile_kinks(self)
        object.__setattr__(self, "kinks", compiled)
        return compiled(*inputs)


def _why_log(name: str) -> Callable[[float], str | None]:
    def explain(a: float) -> str | None:
        if a == 0:
            return f"{name} of 0 is -infinity"
        if a < 0:
            return f"{name} of {fmt(a)} is undefined (NaN)"
        return None

    return explain


def _why_overflow(name: str) -> Callable[[float], str]:
    return lambda a: f"{name}({fmt(a)}) overflows (larger than 1.8e308)"


def _why_pow(a: float, b: float) -> str | None:
    if a == 0 and b < 0:
        return f"0 to the power {fmt(b)} is infinite (division by zero)"
    if a < 0 and math.isfinite(b) and b != int(b):
        return f"{fmt(a)} to the fractional power {fmt(b)} is undefined (NaN)"
    return None


def _why_div(a: float, b: float) -> str | None:
    if b == 0:
        return "0 / 0 is undefined (NaN)" if a == 0 else f"division by zero: {fmt(a)} / 0"
    return None


def _why_inverse_trig(name: str) -> Callable[[float], str | None]:
    return lambda a: f"{name} of {fmt(a)} is undefined (outside [-1, 1])" if abs(a) > 1 else None


VAR = Op(name="var", symbol="", arity=0, forward=None, syntax="x", rule="a variable",
         description="a variable: a leaf that gets a value")  # fmt: skip
CONST = Op(name="const", symbol="", arity=0, forward=None, syntax="2.5, pi, e", rule="a constant",
           description="a number or a named constant")  # fmt: skip

# fmt: off
# The table is read one record at a time: its layout is kept by hand.
OPS: tuple[Op, ...] = (
    # ---- arithmetic -------------------------------------------------------
    Op(name="add", symbol="+", arity=2, forward=operator.add,
       partials=("1", "1"),
       syntax="a + b", rule="a + b", commutative=True, sympy="a + b",
       description="addition: passes the gradient unchanged to both inputs"),
    Op(name="sub", symbol="−", arity=2, forward=operator.sub,
       partials=("1", "-1"),
       syntax="a - b", rule="a − b", sympy="a - b",
       description="subtraction: the second input receives the gradient negated"),
    Op(name="mul", symbol="×", arity=2, forward=operator.mul,
       partials=("b", "a"),
       syntax="a * b, 2a, (a)(b)", rule="a · b", commutative=True, sympy="a*b",
       description="multiplication: each input's partial is the other input"),
    Op(name="div", symbol="/", arity=2, forward=tm.div,
       partials=("1/b", "-out/b"),
       syntax="a / b", rule="a / b", sympy="a/b", domain=lambda a, b: b != 0,
       description="division", explain=_why_div),
    Op(name="neg", symbol="−", arity=1, forward=operator.neg,
       partials=("-1",),
       syntax="-a", rule="−a", sympy="-a",
       description="negation (unary minus)"),
    Op(name="pow", symbol="^", arity=2, forward=tm.pow,
       partials=("b*a^(b - 1)", "out*ln(a)"),
       # At a = 0 both partials can be 0·∞ as written; the limits as a -> 0+ give
       # 0 there: a^0 is the constant 1 (∂/∂a = 0), 0^b is 0 for every b > 0 (∂/∂b = 0).
       # Elsewhere at a = 0 the expressions already give the limit: ∂/∂a = ∞ for
       # 0 < b < 1, and ∂/∂b = 1·ln(0) = −∞ for b = 0, so x^x and 0^x at 0 have slope −∞.
       limits=(Limit(0, "(1 - abs(sign(a)))*(1 - abs(sign(b)))", "0", "a^0 is 1 for every a"),
               Limit(1, "(1 - abs(sign(a)))*step(b)", "0", "0^b is 0 for every b > 0")),
       convention="at a = 0, the limits: ∂/∂a = 0 if b = 0, ∞ if 0 < b < 1; "
                  "∂/∂b = 0 if b > 0, −∞ if b = 0 (x^x and 0^x have slope −∞ at 0)",
       syntax="a ^ b, a ** b, pow(a, b)", rule="a^b", sympy="a**b", domain=lambda a, b: a > 0,
       description="power; a negative base needs a whole exponent", spellings=("pow",), explain=_why_pow),
    Op(name="sqrt", symbol="√", arity=1, forward=tm.sqrt,
       partials=("1/(2*out)",),
       syntax="sqrt(a)", rule="√a", domain=lambda a: a > 0,
       description="square root; its derivative is infinite at 0", spellings=("sqrt",),
       explain=lambda a: f"sqrt of {fmt(a)} is undefined (NaN)" if a < 0 else None),
    # ---- exponential and logarithms ----------------------------------------
    Op(name="exp", symbol="exp", arity=1, forward=tm.exp,
       partials=("out",),
       syntax="exp(a)", rule="e^a",
       description="exponential: its own derivative", spellings=("exp",), explain=_why_overflow("exp")),
    Op(name="log", symbol="log", arity=1, forward=tm.log,
       partials=("1/a",),
       syntax="log(a), ln(a)", rule="ln a (natural)", domain=lambda a: a > 0,
       description="natural logarithm", spellings=("log", "ln"), explain=_why_log("log")),
    Op(name="log2", symbol="log2", arity=1, forward=tm.log2,
       partials=("1/(a*ln(2))",),
       syntax="log2(a)", rule="ln a / ln 2", sympy="log(a)/log(2)", domain=lambda a: a > 0,
       description="base-2 logarithm", spellings=("log2",), explain=_why_log("log2"),
       decomposition="log(a) / log(2)"),
    Op(name="log10", symbol="log10", arity=1, forward=tm.log10,
       partials=("1/(a*ln(10))",),
       syntax="log10(a)", rule="ln a / ln 10", sympy="log(a)/log(10)", domain=lambda a: a > 0,
       description="base-10 logarithm", spellings=("log10",), explain=_why_log("log10"),
       decomposition="log(a) / log(10)"),
    # ---- trigonometry -------------------------------------------------------
    Op(name="sin", symbol="sin", arity=1, forward=tm.sin,
       partials=("cos(a)",),
       syntax="sin(a)", rule="sin a",
       description="sine (radians)", spellings=("sin",)),
    Op(name="cos", symbol="cos", arity=1, forward=tm.cos,
       partials=("-sin(a)",),
       syntax="cos(a)", rule="cos a",
       description="cosine (radians)", spellings=("cos",)),
    Op(name="tan", symbol="tan", arity=1, forward=tm.tan,
       partials=("1 + out^2",),
       syntax="tan(a)", rule="tan a", domain=lambda a: math.cos(a) != 0,
       description="tangent (radians)", spellings=("tan",)),
    Op(name="asin", symbol="asin", arity=1, forward=tm.asin,
       partials=("1/sqrt(1 - a^2)",),
       syntax="asin(a)", rule="arcsin a", domain=lambda a: -1 < a < 1,
       description="arcsine; defined on [-1, 1]", spellings=("asin",), explain=_why_inverse_trig("asin")),
    Op(name="acos", symbol="acos", arity=1, forward=tm.acos,
       partials=("-1/sqrt(1 - a^2)",),
       syntax="acos(a)", rule="arccos a", domain=lambda a: -1 < a < 1,
       description="arccosine; defined on [-1, 1]", spellings=("acos",), explain=_why_inverse_trig("acos")),
    Op(name="atan", symbol="atan", arity=1, forward=tm.atan,
       partials=("1/(1 + a^2)",),
       syntax="atan(a)", rule="arctan a",
       description="arctangent", spellings=("atan",)),
    Op(name="atan2", symbol="atan2", arity=2, forward=math.atan2,
       partials=("b/(a^2 + b^2)", "-a/(a^2 + b^2)"),
       syntax="atan2(a, b)", rule="the angle of the point (b, a), in (−π, π]",
       domain=lambda a, b: a != 0 or b > 0,  # undefined at (0, 0); it jumps from π to −π along a = 0, b < 0
       description="two-argument arctangent: atan(a/b) in the right quadrant", spellings=("atan2",)),
    # ---- hyperbolic ----------------------------------------------------------
    Op(name="sinh", symbol="sinh", arity=1, forward=tm.sinh,
       partials=("cosh(a)",),
       syntax="sinh(a)", rule="(e^a − e^(−a)) / 2",
       description="hyperbolic sine", spellings=("sinh",), explain=_why_overflow("sinh"),
       decomposition="exp(a/2)*(exp(a/2)/2) - exp(-a/2)*(exp(-a/2)/2)"),
    Op(name="cosh", symbol="cosh", arity=1, forward=tm.cosh,
       partials=("sinh(a)",),
       syntax="cosh(a)", rule="(e^a + e^(−a)) / 2",
       description="hyperbolic cosine", spellings=("cosh",), explain=_why_overflow("cosh"),
       decomposition="exp(a/2)*(exp(a/2)/2) + exp(-a/2)*(exp(-a/2)/2)"),
    Op(name="tanh", symbol="tanh", arity=1, forward=tm.tanh,
       partials=("1 - out^2",),
       syntax="tanh(a)", rule="(e^a − e^(−a)) / (e^a + e^(−a))",
       description="hyperbolic tangent", spellings=("tanh",),
       decomposition="m = abs(a); p = exp(a - m); q = exp(-a - m); (p - q) / (p + q)"),
    # ---- special functions -------------------------------------------------------
    Op(name="erf", symbol="erf", arity=1, forward=math.erf,
       partials=("2/sqrt(pi)*exp(-a^2)",),
       syntax="erf(a)", rule="(2/√π)·∫₀ᵃ e^(−t²) dt",
       description="error function", spellings=("erf",)),
    # ---- activations -----------------------------------------------------------
    Op(name="sigmoid", symbol="σ", arity=1, forward=tm.sigmoid,
       partials=("out*(1 - out)",),
       syntax="sigmoid(a)", rule="1 / (1 + e^(−a))", sympy="1/(1 + exp(-a))",
       # LEAD: the contract fixes this form (section 3: neg, exp, add, div; section 5: the seed's neuron
       # is 2K + 4 ops at scalar granularity). Keep exactly these four ops; handle a < -709 elsewhere.
       description="logistic sigmoid", spellings=("sigmoid",), decomposition="1 / (1 + exp(-a))"),
    Op(name="softplus", symbol="softplus", arity=1, forward=tm.softplus,
       partials=("sigmoid(a)",),
       syntax="softplus(a)", rule="ln(1 + e^a)", sympy="log(1 + exp(a))",
       description="smooth relu", spellings=("softplus",), decomposition="max(a, 0) + log(1 + exp(-abs(a)))"),
    Op(name="relu", symbol="relu", arity=1, forward=tm.relu,
       partials=("step(a)",),
       syntax="relu(a)", rule="max(0, a)", sympy="Max(0, a)", domain=lambda a: a != 0,
       description="rectified linear unit", spellings=("relu",), convention="relu'(0) = 0"),
    Op(name="abs", symbol="abs", arity=1, forward=abs,
       partials=("sign(a)",),
       syntax="abs(a)", rule="|a|", sympy="Abs(a)", domain=lambda a: a != 0,
       description="absolute value", spellings=("abs",), convention="abs'(0) = 0"),
    Op(name="max", symbol="max", arity=2, forward=tm.maximum,
       partials=("(1 + sign(a - b))/2", "(1 - sign(a - b))/2"),
       syntax="max(a, b)", rule="the larger of a and b", commutative=True, sympy="Max(a, b)",
       domain=lambda a, b: a != b,
       description="maximum", spellings=("max",),
       convention="a tie splits the gradient equally (½ to each input)"),
    Op(name="min", symbol="min", arity=2, forward=tm.minimum,
       partials=("(1 - sign(a - b))/2", "(1 + sign(a - b))/2"),
       syntax="min(a, b)", rule="the smaller of a and b", commutative=True, sympy="Min(a, b)",
       domain=lambda a, b: a != b,
       description="minimum", spellings=("min",),
       convention="a tie splits the gradient equally (½ to each input)"),
    # ---- the derivatives of kinks (contract, section 4) ------------------------
    Op(name="step", symbol="step", arity=1, forward=tm.step,
       partials=("0",),
       syntax="step(a)", rule="1 if a > 0, else 0", sympy="Heaviside(a, 0)", domain=lambda a: a != 0,
       description="unit step: relu's derivative", spellings=("step",),
       convention="step(0) = 0, and step'(a) = 0 everywhere, the jump at 0 included"),
    Op(name="sign", symbol="sign", arity=1, forward=tm.sign,
       partials=("0",),
       syntax="sign(a)", rule="−1, 0 or 1", domain=lambda a: a != 0,
       sympy="Heaviside(a, 0) - Heaviside(-a, 0)",  # SymPy's sign(a) has no derivative unless a is known real
       description="sign: abs's derivative", spellings=("sign",),
       convention="sign(0) = 0, and sign'(a) = 0 everywhere, the jump at 0 included"),
)
# fmt: on

# fmt: off
# Tensor operations (contract, section 5). Every scalar op above also applies element by
# element; these take or give vectors and matrices. Their numbers come from unrolling
# them into the scalar ops above, each sum added left to right (gradcli.tensor.unroll),
# so every view of a program gives the same numbers; the rules say what the backward
# pass computes, as vector-Jacobian products: G is ∂f/∂out, of out's shape.
TENSOR_OPS: tuple[Op, ...] = (
    Op(name="matmul", symbol="@", arity=2, forward=None, tensor=True,
       vjps=("G @ transpose(b)", "transpose(a) @ G"),
       syntax="a @ b", rule="Σₖ aᵢₖ·bₖⱼ, added left to right",
       shapes="(m, k) @ (k, n) → (m, n); (m, n) @ (n,) → (m,); (m,) @ (m, n) → (n,); (n,) @ (n,) → ()",
       description="matrix product; with a vector the rules read outer(G, b) and transpose(a) @ G "
                   "(W @ x), or G @ transpose(b) and outer(a, G) (x @ W); two vectors: dot"),
    Op(name="dot", symbol="dot", arity=2, forward=None, tensor=True,
       vjps=("G*b", "G*a"),
       syntax="dot(a, b)", rule="Σᵢ aᵢ·bᵢ, added left to right", shapes="(n,), (n,) → ()",
       description="dot product of two vectors (a @ b)", spellings=("dot",)),
    Op(name="outer", symbol="outer", arity=2, forward=None, tensor=True,
       vjps=("G @ b", "transpose(G) @ a"),
       syntax="outer(a, b)", rule="aᵢ·bⱼ", shapes="(m,), (n,) → (m, n)",
       description="outer product: ∂f/∂W = outer(δ, x) for W @ x", spellings=("outer",)),
    Op(name="sum", symbol="Σ", arity=1, forward=None, tensor=True,
       vjps=("G + 0*a",),
       syntax="sum(a)", rule="Σᵢ aᵢ, added left to right", shapes="any → ()",
       description="sum of every element: each element's gradient is G", spellings=("sum",)),
    Op(name="mean", symbol="mean", arity=1, forward=None, tensor=True,
       vjps=("G/n + 0*a",),
       syntax="mean(a)", rule="(Σᵢ aᵢ) / n", shapes="any → ()",
       description="mean of every element (n of them): each element's gradient is G/n", spellings=("mean",)),
    Op(name="transpose", symbol="ᵀ", arity=1, forward=None, tensor=True,
       vjps=("transpose(G)",),
       syntax="transpose(a)", rule="aⱼᵢ", shapes="(m, n) → (n, m)",
       description="transpose of a matrix (a vector has no orientation)", spellings=("transpose",)),
    Op(name="softmax", symbol="softmax", arity=1, forward=None, tensor=True,
       vjps=("out*(G - dot(G, out))",),
       syntax="softmax(a)", rule="e^(aᵢ − m) / Σⱼ e^(aⱼ − m), m the largest aⱼ", shapes="(n,) → (n,)",
       description="softmax of a vector, computed without overflow", spellings=("softmax",)),
    Op(name="logsumexp", symbol="logsumexp", arity=1, forward=None, tensor=True,
       vjps=("G*softmax(a)",),
       syntax="logsumexp(a)", rule="m + ln Σᵢ e^(aᵢ − m), m the largest aᵢ", shapes="(n,) → ()",
       description="log of the sum of exponentials of a vector, computed without overflow",
       spellings=("logsumexp",)),
)
ARRAY = Op(name="array", symbol="[ ]", arity=-1, forward=None, tensor=True, syntax="[a, b, …], [[a, b], [c, d]]",
           rule="a vector, or a matrix given as its rows", shapes="n scalars → (n,); m vectors (n,) → (m, n)",
           description="a vector or matrix literal; its elements may be expressions")
# fmt: on

BY_NAME: dict[str, Op] = {op.name: op for op in (*OPS, *TENSOR_OPS)}
"""Every operation by its canonical name."""

FUNCTIONS: dict[str, Op] = {spelling: op for op in (*OPS, *TENSOR_OPS) for spelling in op.spellings}
"""The functions that a program can call, by the name it calls them."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
"""Named constants; they cannot be given values."""
