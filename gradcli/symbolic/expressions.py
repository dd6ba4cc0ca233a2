"""The expression table: every distinct expression once, children before parents.

An expression is an id into the table, so equal expressions are one id and a
shared subexpression is shared, never copied. The kinds:

- ``NUM``: an exact rational (an ``int``, or a ``Fraction`` when it is not
  whole: ints keep the common case fast); a number that is not finite is
  kept as its float and never folded.
- ``SYM``: a name: a variable, an assigned name, ``pi`` or ``e``.
- ``SUM``: Σ coefficient · term, as (term, ``Fraction``) pairs; the number 1
  as a term holds the constant. A product with a coefficient other than 1
  (``2*x``) is a sum of one term, so products themselves carry none.
- ``PROD``: Π base ^ exponent, as (base, ``Fraction``) pairs.
- ``CALL``: an operation of the op table applied to expressions: functions,
  and ``pow`` when the exponent is not a number.

The lookup key ignores the order of terms and factors (``x*y`` is ``y*x``);
the entry keeps the order of its first construction, which is the order the
program wrote it in, and the printers follow it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from .. import totalmath as tm

if TYPE_CHECKING:
    from ..ops import Op

NUM, SYM, SUM, PROD, CALL = range(5)

Rational = int | Fraction
Number = int | Fraction | float
"""An exact rational, or a float that is not finite."""


EXACT_BITS = 64
"""A rational whose numerator or denominator needs more bits than this is rounded to the nearest double's
shortest decimal (as the program's own numbers are read): folding ``1.01^200`` or ``3^50`` exactly would
print a number of a hundred digits that no person writes, and the program computes in doubles anyway."""


def exact(value: Rational) -> Rational:
    """A rational in its one form: an ``int`` when it is whole (``Fraction(4, 2)`` is 2), rounded when huge."""
    if type(value) is Fraction:
        if value.denominator != 1:
            big = value.denominator.bit_length() > EXACT_BITS or value.numerator.bit_length() > EXACT_BITS
            return _rounded(value) if big else value
        value = value.numerator
    return _rounded(value) if value.bit_length() > EXACT_BITS else value  # type: ignore[union-attr]


def _rounded(value: Rational) -> Rational:
    """The shortest decimal of the double nearest ``value``; ``value`` itself beyond the doubles' range."""
    try:
        x = float(value)
    except OverflowError:
        return value
    if not math.isfinite(x):
        return value
    rounded = Fraction(repr(x))
    return rounded.numerator if rounded.denominator == 1 else rounded


class Expressions:
    """A growing table of expressions; ids are in creation order, so children come first."""

    def __init__(self) -> None:
        self.kinds: list[int] = []
        self.items: list = []  # NUM: Number; SYM: name; SUM, PROD: pairs; CALL: (op, args)
        self.orders: list[float] = []  # SYM: where the name first appears (products list symbols by it)
        self._index: dict[tuple, int] = {}
        self.zero = self.number(0)
        self.one = self.number(1)

    def __len__(self) -> int:
        return len(self.kinds)

    def _intern(self, key: tuple, kind: int, item: object, order: float = 0.0) -> int:
        found = self._index.get(key)
        if found is not None:
            return found
        self.kinds.append(kind)
        self.items.append(item)
        self.orders.append(order)
        self._index[key] = len(self.kinds) - 1
        return len(self.kinds) - 1

    # ---- the raw constructors (the algebra module decides what to build) ------------

    def number(self, value: Number) -> int:
        if type(value) is float:
            return self._intern(("f", repr(value)), NUM, value)
        value = exact(value)  # type: ignore[arg-type]
        return self._intern(("n", value), NUM, value)

    def symbol(self, name: str, order: float = math.inf) -> int:
        return self._intern(("s", name), SYM, name, order)

    def sum_of(self, pairs: tuple[tuple[int, Rational], ...]) -> int:
        return self._intern(("+", frozenset(pairs)), SUM, pairs)

    def product_of(self, pairs: tuple[tuple[int, Rational], ...]) -> int:
        return self._intern(("*", frozenset(pairs)), PROD, pairs)

    def call_of(self, op: Op, args: tuple[int, ...]) -> int:
        return self._intern(("c", op.name, args), CALL, (op, args))

    # ---- reading ----------------------------------------------------------------

    def is_number(self, e: int) -> bool:
        """Whether ``e`` is an exact number (not a non-finite float)."""
        return self.kinds[e] == NUM and type(self.items[e]) is not float

    def children(self, e: int) -> Iterator[int]:
        kind = self.kinds[e]
        if kind in (SUM, PROD):
            for child, _ in self.items[e]:
                yield child
        elif kind == CALL:
            yield from self.items[e][1]

    def evaluate(self, symbols: Mapping[str, float], upto: int | None = None) -> list[float]:
        """The value of every expression (ids below ``upto``), given a value for each symbol.

        Used to cross-check a formula against reverse mode, and by the tests.
        """
        values: list[float] = []
        put = values.append
        for kind, item in zip(self.kinds[:upto], self.items[:upto]):
            if kind == NUM:
                put(float(item))
            elif kind == SYM:
                put(symbols[item])
            elif kind == SUM:
                total = 0.0
                for term, coefficient in item:
                    total += float(coefficient) * values[term]
                put(total)
            elif kind == PROD:
                # As printed: the factors with negative exponents divide (w/x, not w*x^-1, which is
                # 0*inf where 1/x overflows).
                top = bottom = 1.0
                for base, exponent in item:
                    value = values[base]
                    if exponent > 0:
                        top *= value if exponent == 1 else tm.pow(value, float(exponent))
                    else:
                        bottom *= value if exponent == -1 else tm.pow(value, float(-exponent))
                put(top if bottom == 1.0 else tm.div(top, bottom))
            else:
                op, args = item
                put(op.forward(*[values[a] for a in args]))
        return values
