"""Floating-point functions that never raise.

Python's ``math`` raises on a bad domain (``log(-1)``), on overflow
(``exp(1000)``) and on division by zero; the evaluator instead wants the IEEE
answer (``nan``, ``inf``) so that it can find the first node where one arose
and explain it. Every forward rule and local derivative in the op table is
built from these.
"""

from __future__ import annotations

import math

INF = math.inf
NAN = math.nan


def div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def _odd_integer(b: float) -> bool:
    return b == b and math.isfinite(b) and b == int(b) and int(b) % 2 == 1


def pow(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        return -INF if a < 0 and _odd_integer(b) else INF
    except ValueError:
        if a == 0:  # 0 to a negative power: a pole
            return math.copysign(INF, a) if _odd_integer(b) else INF
        return NAN  # a negative base to a fractional power


def exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        return INF


def log(a: float) -> float:
    if a > 0:
        return math.log(a)
    return -INF if a == 0 else NAN


def log2(a: float) -> float:
    if a > 0:
        return math.log2(a)
    return -INF if a == 0 else NAN


def log10(a: float) -> float:
    if a > 0:
        return math.log10(a)
    return -INF if a == 0 else NAN


def sqrt(a: float) -> float:
    return math.sqrt(a) if a >= 0 else NAN


def _guard(f):
    """Wrap a ``math`` function: a domain error is ``nan``, an overflow is infinite."""

    def total(a: float) -> float:
        try:
            return f(a)
        except ValueError:
            return NAN
        except OverflowError:
            return math.copysign(INF, a) if f is math.sinh else INF

    total.__name__ = f.__name__
    return total


sin = _guard(math.sin)
cos = _guard(math.cos)
tan = _guard(math.tan)
asin = _guard(math.asin)
acos = _guard(math.acos)
sinh = _guard(math.sinh)
cosh = _guard(math.cosh)
atan = math.atan
tanh = math.tanh


def sigmoid(a: float) -> float:
    # Two branches so that exp never overflows: both are 1/(1 + e^-a).
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    z = exp(a)
    return z / (1.0 + z)


def softplus(a: float) -> float:
    # log(1 + e^a) without overflow: max(a, 0) + log1p(e^-|a|).
    if a != a:
        return a
    return (a if a > 0 else 0.0) + math.log1p(exp(-abs(a)))


def relu(a: float) -> float:
    return 0.0 if a <= 0 else a  # nan <= 0 is False, so nan passes through


def maximum(a: float, b: float) -> float:
    if a != a or b != b:
        return NAN
    return a if a >= b else b


def minimum(a: float, b: float) -> float:
    if a != a or b != b:
        return NAN
    return a if a <= b else b


def sign(a: float) -> float:
    """-1, 0 or 1; ``nan`` for ``nan``."""
    if a > 0:
        return 1.0
    if a < 0:
        return -1.0
    return 0.0 if a == 0 else NAN


def step(a: float) -> float:
    """1 if a > 0, else 0 (also at 0: relu'(0) = 0); ``nan`` for ``nan``."""
    if a > 0:
        return 1.0
    return 0.0 if a <= 0 else NAN
