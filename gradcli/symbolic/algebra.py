"""The simplifier: constructors that build each expression already simplified.

What a person does when writing a derivative down, and no more:

- numbers fold exactly (``2*3*x`` is ``6*x``; ``Fraction``, rounded only past 64 bits,
  see ``expressions.exact``);
- no ``0*``, ``1*``, ``+ 0``, ``^1``, ``^0``;
- like terms collect (``x + x`` is ``2*x``), and so do like powers
  (``x*x`` is ``x^2``, ``x^2*x^-1`` is ``x``);
- sums and products flatten, and a sum flattens into a sum only with the
  coefficient 1 or -1, so ``2*(x + y)`` stays as written: nothing is expanded.

The one rule of soundness: where the original expression has a finite value,
the simplified one has the same value (up to rounding). Collecting powers
may remove a 0·∞ where the original was not finite (``x*x^-1`` at 0), which
is why it is allowed; anything that could change a finite value is not done:
``(a*b)^c`` and ``(a^b)^c`` are rewritten only for a whole exponent ``c``
(``(x^2)^0.5`` is ``|x|``, not ``x``), and functions are left alone, so
``step`` and ``sign`` keep their conventions at 0.

A ``Sum`` or ``Product`` is a builder that accumulates in place; ``done()``
puts the result in the table. A chain of additions written in the program
goes into one builder, so a sum of n terms costs O(n), not O(n²).
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..ops import BY_NAME, Op
from .expressions import NUM, PROD, SUM, SYM, Expressions, Rational, exact

FLATTEN = 16
"""A sum or product already in the table with more terms or factors than this is
kept whole when it is used again, so that a subexpression shared many times
is not copied into each use (which would make the formulas quadratic in size)."""

SHORT = 8
"""A function of numbers is folded only when its value is written in this many digits (``sqrt(4)``
is 2, ``sigmoid(0)`` is 0.5), so that ``log(2)`` stays ``log(2)`` rather than 0.6931471805599453."""

_POW = BY_NAME["pow"]
_ONE = 1


class Sum:
    """Σ coefficient · term, being built: terms by id, in the order they first came."""

    __slots__ = ("terms",)

    def __init__(self) -> None:
        self.terms: dict[int, Rational] = {}

    def add(self, ex: Expressions, e: int, c: Rational = _ONE) -> Sum:
        """Add ``c * e``: a number joins the constant, a sum's terms join these when it may be flattened."""
        if not c:
            return self
        kind = ex.kinds[e]
        if kind == NUM and ex.is_number(e):
            self._put(ex.one, ex.items[e] * c)
            return self
        if kind == SUM:
            pairs = ex.items[e]
            if len(pairs) == 1 or (abs(c) == 1 and len(pairs) <= FLATTEN):
                for term, k in pairs:
                    self._put(term, k * c)
                return self
        self._put(e, c)
        return self

    def absorb(self, other: Sum, c: Rational = _ONE) -> Sum:
        """Add ``c`` times a sum still being built (its builder is then spent)."""
        for term, k in other.terms.items():
            self._put(term, k * c)
        return self

    def scale(self, c: Rational) -> Sum:
        terms = self.terms
        for term in terms:
            terms[term] = exact(terms[term] * c)
        return self

    def _put(self, term: int, c: Rational) -> None:
        terms = self.terms
        terms[term] = exact(terms.get(term, 0) + c)

    def done(self, ex: Expressions) -> int:
        pairs = tuple((t, k) for t, k in self.terms.items() if k)
        if not pairs:
            return ex.zero
        if len(pairs) == 1:
            term, k = pairs[0]
            if term == ex.one:
                return ex.number(k)
            if k == 1:
                return term
        return ex.sum_of(pairs)


class Product:
    """coefficient · Π base ^ exponent, being built: bases by id, in the order they first came."""

    __slots__ = ("coefficient", "factors")

    def __init__(self, coefficient: Rational = _ONE) -> None:
        self.coefficient = coefficient
        self.factors: dict[int, Rational] = {}

    def mul(self, ex: Expressions, e: int, p: Rational = _ONE) -> Product:
        """Multiply by ``e ^ p``: numbers fold into the coefficient, like bases add their exponents."""
        if not p:
            return self  # e^0 is 1, even where e is 0 or not finite (as pow does)
        kind = ex.kinds[e]
        item = ex.items[e]
        whole = p.denominator == 1
        if kind == NUM and ex.is_number(e):
            folded = _number_power(item, p)
            if folded is not None:
                self.coefficient = exact(self.coefficient * folded)
                return self
        elif kind == SUM and len(item) == 1 and whole:
            ((term, k),) = item
            folded = _number_power(k, p)  # None when k^p is large: (2*x)^1000 stays as written
            if folded is not None:
                self.coefficient = exact(self.coefficient * folded)
                return self.mul(ex, term, p)  # the term is a product or an atom: one level deeper at most
        elif kind == PROD and whole and len(item) <= FLATTEN:
            for base, q in item:
                self._put(base, q * p)
            return self
        self._put(e, p)
        return self

    def absorb(self, other: Product, p: int = 1) -> Product:
        """Multiply by a product still being built, raised to the whole power ``p`` (its builder is then spent)."""
        if not other.coefficient and p < 0:
            raise ZeroDivisionError  # the caller divides by the finished product instead
        self.coefficient = exact(self.coefficient * Fraction(other.coefficient) ** p)
        for base, q in other.factors.items():
            self._put(base, q * p)
        return self

    def _put(self, base: int, p: Rational) -> None:
        factors = self.factors
        factors[base] = exact(factors.get(base, 0) + p)

    def done(self, ex: Expressions) -> int:
        c = self.coefficient
        if not c:
            return ex.zero  # 0 times anything: the exact-zero rule of the contract
        pairs = tuple((b, q) for b, q in self.factors.items() if q)
        if not pairs:
            return ex.number(c)
        base = pairs[0][0] if len(pairs) == 1 and pairs[0][1] == 1 else ex.product_of(pairs)
        return base if c == 1 else scale(ex, base, c)


def _number_power(value: Rational, p: Rational) -> Rational | None:
    """``value ^ p`` exactly, or None when it is not a short exact number (``2^0.5``, ``0^-1``)."""
    if p.denominator == 1:
        n = int(p)
        if value == 0 and n < 0:
            return None  # a pole
        if abs(n) == 1:
            return exact(Fraction(value) ** n)
        if abs(n) > 64:
            return None
        size = max(value.numerator.bit_length(), value.denominator.bit_length()) * abs(n)
        return exact(Fraction(value) ** n) if size <= 256 else None
    if value <= 0:
        return None  # a negative base has no real fractional power; 0 to a negative one is a pole
    try:
        return _short_fraction(float(value) ** float(p))
    except OverflowError:
        return None  # (1e300)^1.5: past every double, so not a short number either


def _short_fraction(x: float) -> Rational | None:
    """``x`` as an exact fraction when it is written in at most ``SHORT`` digits, else None."""
    if not math.isfinite(x):
        return None
    digits = repr(x).lstrip("-").split("e")[0].replace(".", "").strip("0")
    return exact(Fraction(repr(x))) if len(digits) <= SHORT else None


# ---- the constructors that the converter and the steps use ------------------------------


def scale(ex: Expressions, e: int, c: Rational) -> int:
    """``c * e``."""
    if c == 1:
        return e
    if ex.is_number(e):
        return ex.number(exact(ex.items[e] * c))
    if not c:
        return ex.zero
    kind = ex.kinds[e]
    if kind == SUM:
        return Sum().add(ex, e, c).done(ex)
    return ex.sum_of(((e, c),))


def multiply(ex: Expressions, *factors: int) -> int:
    p = Product()
    for f in factors:
        p.mul(ex, f)
    return p.done(ex)


def power(ex: Expressions, base: int, exponent: int) -> int:
    """``base ^ exponent``: a number as the exponent makes it a factor with that exponent."""
    if ex.is_number(exponent):
        return Product().mul(ex, base, ex.items[exponent]).done(ex)
    if base == ex.one:
        return ex.one  # 1^b is 1 for every b, as pow has it
    return ex.call_of(_POW, (base, exponent))


def call(ex: Expressions, op: Op, args: tuple[int, ...]) -> int:
    """``op(args)``, folded to a number when every argument is one and the value is short."""
    if op.name == "pow":
        return power(ex, args[0], args[1])
    if op.name == "log" and ex.kinds[args[0]] == SYM and ex.items[args[0]] == "e":
        return ex.one  # ln(e) is 1, exactly in floating point too: e^x differentiates to e^x
    if op.forward is not None and all(ex.is_number(a) for a in args):
        folded = _short_fraction(op.forward(*[float(ex.items[a]) for a in args]))
        if folded is not None:
            return ex.number(folded)
    return ex.call_of(op, args)
