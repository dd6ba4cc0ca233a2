"""The op table: every operation of the language, each in one record.

A record holds the forward rule and, a few lines below it, the local partial
derivative of each input, so the two cannot drift apart. The partials may use
the op's output (``exp' = out``, ``tanh' = 1 - out²``): exact and cheaper.
The same partials drive reverse mode (adjoint × partial into each input) and
forward mode (Σ partial × tangent). Everything else reads this table: the
parser (which names are functions, and their arity), the graph builder
(decompositions for ``--granularity scalar``), ``gradcli ops``, the trace, the
graph labels and the tests. Adding an operation touches this file only.

Templates use ``{a}``, ``{b}`` for the inputs, ``{out}`` for the output and
``{d}`` for the value of the partial itself.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

from . import totalmath as tm
from .numbers import fmt

LN2 = math.log(2.0)
LN10 = math.log(10.0)


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: how to compute it, differentiate it, and explain it."""

    name: str  # canonical name, also the grammar alias for infix ops ("add")
    symbol: str  # label in graphs and traces ("+", "sin", "σ")
    arity: int
    forward: Callable[..., float] | None  # total: returns nan/inf, never raises
    partials: Callable[..., tuple[float, ...]] | None  # (inputs..., out) -> one per input
    syntax: str  # how it is written ("a + b", "sin(a)")
    rule: str  # the forward rule for people ("1 / (1 + e^(−a))")
    formula: str  # the forward step of a trace ("{a} + {b}")
    grads: tuple[str, ...]  # each local partial, symbolically ("{b}", "{a}")
    grads_at: tuple[str, ...] = ()  # each local partial with numbers in ("{out}·(1 − {out})")
    description: str = ""
    spellings: tuple[str, ...] = ()  # function names in the language ("log", "ln")
    kink: Callable[..., bool] | None = None  # inputs sit on a kink or a tie
    convention: str | None = None  # the derivative used there (contract, section 1)
    decomposition: str | None = None  # the op in primitive ops, a program over a, b
    explain: Callable[..., str | None] | None = None  # why a non-finite output arose

    @property
    def is_leaf(self) -> bool:
        return self.arity == 0

    @property
    def params(self) -> tuple[str, ...]:
        return ("a", "b")[: self.arity]


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


def _max_partials(a: float, b: float, out: float) -> tuple[float, float]:
    if a > b:
        return 1.0, 0.0
    if a < b:
        return 0.0, 1.0
    return (0.5, 0.5) if a == b else (tm.NAN, tm.NAN)  # a tie splits the gradient (contract)


def _min_partials(a: float, b: float, out: float) -> tuple[float, float]:
    if a < b:
        return 1.0, 0.0
    if a > b:
        return 0.0, 1.0
    return (0.5, 0.5) if a == b else (tm.NAN, tm.NAN)


def _pow_partials(a: float, b: float, out: float) -> tuple[float, float]:
    # As PyTorch does: d/da is 0 when b == 0 (a^0 is constant, even at a = 0),
    # and d/db is 0 when a == 0 and b >= 0 (the limit of a^b·ln a as a -> 0+).
    da = 0.0 if b == 0 else b * tm.pow(a, b - 1.0)
    db = 0.0 if a == 0 and b >= 0 else out * tm.log(a)
    return da, db


_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_MINUS_ONE = (-1.0,)

VAR = Op("var", "", 0, None, None, "x", "a variable", "", (), description="a variable: a leaf that gets a value")
CONST = Op("const", "", 0, None, None, "2.5, pi, e", "a constant", "", (), description="a number or a named constant")

# fmt: off
# The table is read one record at a time: its layout is kept by hand.
OPS: tuple[Op, ...] = (
    # ---- arithmetic -------------------------------------------------------
    Op("add", "+", 2, operator.add,
       lambda a, b, out: _ONE_ONE,
       "a + b", "a + b", "{a} + {b}", ("1", "1"),
       description="addition: passes the gradient unchanged to both inputs"),
    Op("sub", "−", 2, operator.sub,
       lambda a, b, out: _ONE_MINUS_ONE,
       "a - b", "a − b", "{a} − {b}", ("1", "−1"),
       description="subtraction: the second input receives the gradient negated"),
    Op("mul", "×", 2, operator.mul,
       lambda a, b, out: (b, a),
       "a * b, 2a, (a)(b)", "a · b", "{a} · {b}", ("{b}", "{a}"),
       description="multiplication: each input's partial is the other input"),
    Op("div", "/", 2, tm.div,
       lambda a, b, out: (tm.div(1.0, b), -tm.div(out, b)),
       "a / b", "a / b", "{a} / {b}", ("1/{b}", "−{a}/{b}²"),
       description="division", explain=_why_div),
    Op("neg", "−", 1, operator.neg,
       lambda a, out: _MINUS_ONE,
       "-a", "−a", "−{a}", ("−1",),
       description="negation (unary minus)"),
    Op("pow", "^", 2, tm.pow,
       _pow_partials,
       "a ^ b, a ** b, pow(a, b)", "a^b", "{a}^{b}", ("{b}·{a}^({b}−1)", "{a}^{b}·ln({a})"),
       ("{b}·{a}^({b}−1)", "{out}·ln({a})"),
       description="power; a negative base needs a whole exponent", spellings=("pow",), explain=_why_pow),
    Op("sqrt", "√", 1, tm.sqrt,
       lambda a, out: (tm.div(0.5, out),),
       "sqrt(a)", "√a", "√{a}", ("1/(2·√{a})",), ("1/(2·{out})",),
       description="square root; its derivative is infinite at 0", spellings=("sqrt",),
       explain=lambda a: f"sqrt of {fmt(a)} is undefined (NaN)" if a < 0 else None),
    # ---- exponential and logarithms ----------------------------------------
    Op("exp", "exp", 1, tm.exp,
       lambda a, out: (out,),
       "exp(a)", "e^a", "exp({a})", ("exp({a})",), ("{out}",),
       description="exponential: its own derivative", spellings=("exp",), explain=_why_overflow("exp")),
    Op("log", "log", 1, tm.log,
       lambda a, out: (tm.div(1.0, a),),
       "log(a), ln(a)", "ln a (natural)", "log({a})", ("1/{a}",),
       description="natural logarithm", spellings=("log", "ln"), explain=_why_log("log")),
    Op("log2", "log2", 1, tm.log2,
       lambda a, out: (tm.div(1.0, a * LN2),),
       "log2(a)", "ln a / ln 2", "log2({a})", ("1/({a}·ln 2)",),
       description="base-2 logarithm", spellings=("log2",), explain=_why_log("log2"), decomposition="log(a) / log(2)"),
    Op("log10", "log10", 1, tm.log10,
       lambda a, out: (tm.div(1.0, a * LN10),),
       "log10(a)", "ln a / ln 10", "log10({a})", ("1/({a}·ln 10)",),
       description="base-10 logarithm", spellings=("log10",), explain=_why_log("log10"),
       decomposition="log(a) / log(10)"),
    # ---- trigonometry -------------------------------------------------------
    Op("sin", "sin", 1, tm.sin,
       lambda a, out: (tm.cos(a),),
       "sin(a)", "sin a", "sin({a})", ("cos({a})",),
       description="sine (radians)", spellings=("sin",)),
    Op("cos", "cos", 1, tm.cos,
       lambda a, out: (-tm.sin(a),),
       "cos(a)", "cos a", "cos({a})", ("−sin({a})",),
       description="cosine (radians)", spellings=("cos",)),
    Op("tan", "tan", 1, tm.tan,
       lambda a, out: (1.0 + out * out,),
       "tan(a)", "tan a", "tan({a})", ("1 + tan({a})²",), ("1 + {out}²",),
       description="tangent (radians)", spellings=("tan",)),
    Op("asin", "asin", 1, tm.asin,
       lambda a, out: (tm.div(1.0, tm.sqrt(1.0 - a * a)),),
       "asin(a)", "arcsin a", "asin({a})", ("1/√(1 − {a}²)",),
       description="arcsine; defined on [-1, 1]", spellings=("asin",), explain=_why_inverse_trig("asin")),
    Op("acos", "acos", 1, tm.acos,
       lambda a, out: (-tm.div(1.0, tm.sqrt(1.0 - a * a)),),
       "acos(a)", "arccos a", "acos({a})", ("−1/√(1 − {a}²)",),
       description="arccosine; defined on [-1, 1]", spellings=("acos",), explain=_why_inverse_trig("acos")),
    Op("atan", "atan", 1, tm.atan,
       lambda a, out: (1.0 / (1.0 + a * a),),
       "atan(a)", "arctan a", "atan({a})", ("1/(1 + {a}²)",),
       description="arctangent", spellings=("atan",)),
    # ---- hyperbolic ----------------------------------------------------------
    Op("sinh", "sinh", 1, tm.sinh,
       lambda a, out: (tm.cosh(a),),
       "sinh(a)", "(e^a − e^(−a)) / 2", "sinh({a})", ("cosh({a})",),
       description="hyperbolic sine", spellings=("sinh",), explain=_why_overflow("sinh"),
       decomposition="(exp(a) - exp(-a)) / 2"),
    Op("cosh", "cosh", 1, tm.cosh,
       lambda a, out: (tm.sinh(a),),
       "cosh(a)", "(e^a + e^(−a)) / 2", "cosh({a})", ("sinh({a})",),
       description="hyperbolic cosine", spellings=("cosh",), explain=_why_overflow("cosh"),
       decomposition="(exp(a) + exp(-a)) / 2"),
    Op("tanh", "tanh", 1, tm.tanh,
       lambda a, out: (1.0 - out * out,),
       "tanh(a)", "(e^a − e^(−a)) / (e^a + e^(−a))", "tanh({a})", ("1 − tanh({a})²",), ("1 − {out}²",),
       description="hyperbolic tangent", spellings=("tanh",),
       decomposition="p = exp(a); q = exp(-a); (p - q) / (p + q)"),
    # ---- activations -----------------------------------------------------------
    Op("sigmoid", "σ", 1, tm.sigmoid,
       lambda a, out: (out * (1.0 - out),),
       "sigmoid(a)", "1 / (1 + e^(−a))", "σ({a})", ("σ({a})·(1 − σ({a}))",), ("{out}·(1 − {out})",),
       description="logistic sigmoid", spellings=("sigmoid",), decomposition="1 / (1 + exp(-a))"),
    Op("softplus", "softplus", 1, tm.softplus,
       lambda a, out: (tm.sigmoid(a),),
       "softplus(a)", "ln(1 + e^a)", "softplus({a})", ("σ({a})",),
       description="smooth relu", spellings=("softplus",), decomposition="log(1 + exp(a))"),
    Op("relu", "relu", 1, tm.relu,
       lambda a, out: (1.0 if a > 0 else (0.0 if a <= 0 else tm.NAN),),
       "relu(a)", "max(0, a)", "relu({a})", ("1 if {a} > 0 else 0",), ("{d}",),
       description="rectified linear unit", spellings=("relu",), kink=lambda a: a == 0, convention="relu'(0) = 0"),
    Op("abs", "abs", 1, abs,
       lambda a, out: (tm.sign(a),),
       "abs(a)", "|a|", "|{a}|", ("sign({a})",), ("{d}",),
       description="absolute value", spellings=("abs",), kink=lambda a: a == 0, convention="abs'(0) = 0"),
    Op("max", "max", 2, tm.maximum,
       _max_partials,
       "max(a, b)", "the larger of a and b", "max({a}, {b})",
       ("1 if {a} > {b}, ½ if equal, else 0", "1 if {b} > {a}, ½ if equal, else 0"), ("{d}", "{d}"),
       description="maximum", spellings=("max",), kink=lambda a, b: a == b,
       convention="a tie splits the gradient equally (½ to each input)"),
    Op("min", "min", 2, tm.minimum,
       _min_partials,
       "min(a, b)", "the smaller of a and b", "min({a}, {b})",
       ("1 if {a} < {b}, ½ if equal, else 0", "1 if {b} < {a}, ½ if equal, else 0"), ("{d}", "{d}"),
       description="minimum", spellings=("min",), kink=lambda a, b: a == b,
       convention="a tie splits the gradient equally (½ to each input)"),
)
# fmt: on

BY_NAME: dict[str, Op] = {op.name: op for op in OPS}
"""Every operation by its canonical name."""

FUNCTIONS: dict[str, Op] = {spelling: op for op in OPS for spelling in op.spellings}
"""The functions that a program can call, by the name it calls them."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
"""Named constants; they cannot be given values."""
