"""Expressions as text: in the language (re-parseable), in Unicode (for steps), in LaTeX.

The three styles share one walk and differ only in spelling. The walk keeps
its own stack of pieces (text, or an expression to print at a precedence
level) and writes the output once, left to right: no recursion, and the cost
is the length of the output.

How a product is written: its number first, then the symbols in the order
they first appear in the program, then the other factors in the order the
program made them; factors with negative exponents below a ``/``
(``x/(2*sqrt(x))``). A coefficient p/q keeps q as a denominator when it is
small or the product already has one (``x/2``, ``3*x/4``), else it is written
as a decimal when that is exact (``0.1*x``). A sum starts with a positive
term when it has one (``1 - x``, not ``-x + 1``).
"""

from __future__ import annotations

import math
from fractions import Fraction

from .expressions import CALL, NUM, PROD, SUM, SYM, Expressions
from .latexnames import latex_name
from .numerals import decimal_text, integer_text

STYLES = ("plain", "unicode", "latex")

SMALL_DENOMINATORS = frozenset({2, 3, 4, 6, 8, 9, 12})
"""Denominators kept as ``/q`` (``x/2``); others that end as decimals are written as decimals (``0.1*x``)."""

# Precedence levels, loosest to tightest, as in the grammar (contract section 1).
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5
_FACTOR = _UNARY  # what a factor of a product must bind at least as tightly as

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

_UNICODE_CALLS = {"sigmoid": "σ", "sqrt": "√"}
_LATEX_CALLS = {
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "asin": r"\arcsin",
    "acos": r"\arccos",
    "atan": r"\arctan",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
    "log": r"\ln",
    "log2": r"\log_{2}",
    "log10": r"\log_{10}",
    "sigmoid": r"\sigma",
    "max": r"\max",
    "min": r"\min",
}


_LARGEST_POWER = 300
"""The largest power of ten written as one number: 1e300 reads back as a double; 1e315 would not."""


class Printer:
    """Writes expressions of one table in one style; ``names`` are expressions written as a name."""

    def __init__(self, ex: Expressions, style: str = "plain", names: dict[int, str] | None = None) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}")
        self.ex = ex
        self.style = style
        self.names = names or {}
        self.latex = style == "latex"
        self.times = {"plain": "*", "unicode": "·", "latex": " "}[style]
        self.minus = "−" if style == "unicode" else "-"
        self.open, self.close = (r"\left(", r"\right)") if self.latex else ("(", ")")
        self._made: dict[int, list] = {}  # the pieces of each expression, made once however often it is written

    def text(self, e: int, *, define: bool = False) -> str:
        """The expression ``e`` as text; with ``define``, ``e`` itself is written out even if it has a name."""
        out: list[str] = []
        stack: list = [(e, 0)]
        names = self.names
        first = define
        while stack:
            item = stack.pop()
            if type(item) is str:
                out.append(item)
                continue
            node, level = item
            if node in names and not first:
                out.append(names[node])
                continue
            first = False
            if level and self.level(node) < level:
                stack += [self.close, (node, 0), self.open]
                continue
            stack.extend(reversed(self._pieces(node)))
        return "".join(out)

    # ---- precedence -----------------------------------------------------------

    def level(self, e: int) -> int:
        """How tightly the text of ``e`` binds: whether it needs parentheses in a context."""
        if e in self.names:
            return _ATOM
        ex = self.ex
        kind, item = ex.kinds[e], ex.items[e]
        if kind == NUM:
            if item < 0:
                return _UNARY
            if type(item) is Fraction and decimal_text(item) is None:
                return _PRODUCT
            if type(item) is not float and self._is_product(self._magnitude(item)[0]):
                return _PRODUCT  # 2 \cdot 10^{-300} in LaTeX; 1e15*1e300
            return _ATOM
        if kind == SYM:
            return _ATOM
        if kind == SUM:
            if len(item) > 1:
                return _SUM
            term, k = item[0]
            # -x and -x^2 are a unary minus; 2*x, -2*x and x/2 are products.
            return _UNARY if k == -1 and self.level(term) >= _POWER else _PRODUCT
        if kind == PROD:
            if len(item) == 1 and item[0][1] > 0:
                return _POWER
            return _PRODUCT
        op = item[0]
        if op.name == "pow" or (self.latex and op.name == "exp"):
            return _POWER
        if op.name == "matmul":
            return _PRODUCT  # a @ b binds as a * b does
        return _ATOM

    # ---- pieces of each kind --------------------------------------------------------

    def _pieces(self, e: int) -> list:
        made = self._made.get(e)
        if made is None:
            made = self._made[e] = self._make(e)
        return made

    def _make(self, e: int) -> list:
        ex = self.ex
        kind, item = ex.kinds[e], ex.items[e]
        if kind == NUM:
            if type(item) is float:
                text = "1e999" if item > 0 else "-1e999" if item < 0 else "nan"
                if self.latex:
                    text = {"1e999": r"\infty", "-1e999": r"-\infty"}.get(text, r"\mathrm{NaN}")
                return [text.replace("-", self.minus)]
            return ([self.minus] if item < 0 else []) + self._magnitude(abs(item))
        if kind == SYM:
            return [self.symbol(item)]
        if kind == SUM:
            return self._sum(item)
        if kind == PROD:
            return self._product(1, item)
        return self._call(*item)

    def symbol(self, name: str) -> str:
        if self.latex:
            return r"\pi" if name == "pi" else latex_name(name)
        if self.style == "unicode" and name == "pi":
            return "π"
        return name

    def _magnitude(self, value: Fraction) -> list:
        """A number that is not negative: whole, decimal, or p/q."""
        if value.denominator == 1:
            return [self._number(integer_text(value.numerator))]
        decimal = decimal_text(value)
        if decimal is not None:
            return [self._number(decimal)]
        p, q = (self._number(integer_text(n)) for n in (value.numerator, value.denominator))
        return [rf"\frac{{{p}}}{{{q}}}" if self.latex else f"{p}/{q}"]

    def _number(self, text: str) -> str:
        r"""A number's text in this style: in LaTeX, ``2.5e-300`` is ``2.5 \cdot 10^{-300}``.

        A number past the largest double (an exact product of the program's
        numbers, such as 1e303 * 1e12) does not read back as a number, so it is
        written as a product of numbers that do: ``1e15*1e300``.
        """
        if "e" not in text:
            return text
        mantissa, exponent = text.split("e")
        if self.latex:
            power = f"10^{{{exponent}}}"
            return power if mantissa == "1" else rf"{mantissa} \cdot {power}"
        power = int(exponent)
        if power <= _LARGEST_POWER:
            return text
        parts = [f"1e{_LARGEST_POWER}"] * ((power - 1) // _LARGEST_POWER)
        return self.times.join([f"{mantissa}e{power - _LARGEST_POWER * len(parts)}", *parts])

    def _is_product(self, text: str) -> bool:
        """Whether a number's text is written as a product (so it needs parentheses as a factor)."""
        return "10^{" in text if self.latex else self.times in text

    def _sum(self, pairs: tuple) -> list:
        pairs = list(pairs)
        if pairs[0][1] < 0:
            # Lead with the first positive term: 1 - x, not -x + 1.
            first = next((i for i, (_, k) in enumerate(pairs) if k > 0), None)
            if first is not None:
                pairs.insert(0, pairs.pop(first))
        one = self.ex.one
        pieces: list = []
        for index, (term, k) in enumerate(pairs):
            if index == 0:
                if k < 0:
                    pieces.append(self.minus)
            else:
                pieces.append(f" {self.minus} " if k < 0 else " + ")
            if term == one:
                pieces += self._magnitude(abs(k))
            elif abs(k) == 1 and self._is_matmul(term):
                pieces.append((term, _PRODUCT))  # W @ x + b, not (W @ x) + b
            elif self.ex.kinds[term] == PROD and term not in self.names:
                pieces += self._product(abs(k), self.ex.items[term])
            else:
                pieces += self._product(abs(k), ((term, 1),))
        return pieces

    def _gather(self, factors: tuple) -> list[tuple[int, Fraction]]:
        """The factors, with products that were kept whole as factors opened up (x*(y*z) is x*y*z)."""
        ex, names = self.ex, self.names
        gathered: dict[int, Fraction] = {}
        work = list(reversed(factors))
        while work:
            base, p = work.pop()
            if ex.kinds[base] == PROD and base not in names and p.denominator == 1:
                work.extend((b, q * p) for b, q in reversed(ex.items[base]))
                continue
            gathered[base] = gathered.get(base, 0) + p
        return [(b, p) for b, p in gathered.items() if p]

    def _product(self, k: Fraction, factors: tuple) -> list:
        """``k`` (not negative) times the factors: numerator, then a denominator when there is one."""
        ex, names = self.ex, self.names

        def order(indexed: tuple[int, tuple[int, Fraction]]) -> tuple:
            index, (base, _) = indexed
            if base in names:
                return (1, math.inf, index)
            kind = ex.kinds[base]
            if kind == NUM:
                return (0, 0, index)
            if kind == SYM:
                return (1, ex.orders[base], index)
            return (2, 0, index)

        ordered = [f for _, f in sorted(enumerate(self._gather(factors)), key=order)]
        top = [(b, p) for b, p in ordered if p > 0]
        bottom = [(b, -p) for b, p in ordered if p < 0]
        p, q = k.numerator, k.denominator
        top_number: str | None = None
        bottom_number: str | None = None
        if q == 1:
            top_number = self._number(integer_text(p))
        elif bottom or q in SMALL_DENOMINATORS or decimal_text(k) is None:
            top_number, bottom_number = self._number(integer_text(p)), self._number(integer_text(q))
        else:
            top_number = self._number(decimal_text(k))  # type: ignore[arg-type]
        upper: list[list] = []
        if top_number != "1" or not top:
            upper.append([top_number])
        upper += [self._factor(b, e) for b, e in top]
        lower: list[list] = [[bottom_number]] if bottom_number is not None else []
        lower += [self._factor(b, e) for b, e in bottom]
        if self.latex:
            if not lower:
                return self._juxtapose(upper)
            # Inside \frac{}{} a lone factor needs no parentheses: \frac{x^{2} + 1}{x - 1}.
            return [r"\frac{", *self._alone(upper, 0), "}{", *self._alone(lower, 0), "}"]
        pieces = self._join(upper)
        if lower:
            pieces.append("/")
            # x/y^2 and x/sqrt(y) need no parentheses; x/(y*z), x/(y + 1) and x/(-y) do.
            alone = len(lower) == 1 and not (type(lower[0][0]) is str and self._is_product(lower[0][0]))
            pieces += self._alone(lower, _POWER) if alone else [self.open, *self._join(lower), self.close]
        return pieces

    def _alone(self, groups: list[list], level: int) -> list:
        """Groups of factors; a single plain factor is written at ``level`` instead of a factor's."""
        if len(groups) == 1 and len(groups[0]) == 1 and type(groups[0][0]) is tuple:
            return [(groups[0][0][0], level)]
        return self._juxtapose(groups) if self.latex else self._join(groups)

    def _join(self, groups: list[list]) -> list:
        pieces: list = []
        for index, group in enumerate(groups):
            if index:
                pieces.append(self.times)
            pieces += group
        return pieces

    def _juxtapose(self, groups: list[list]) -> list:
        """LaTeX products: side by side, with \\cdot where two numbers would touch."""
        pieces: list = []
        for index, group in enumerate(groups):
            if index:
                first = group[0]
                digit = first[:1].isdigit() if type(first) is str else self._starts_with_digit(first[0])
                pieces.append(r" \cdot " if digit else " ")
            pieces += group
        return pieces

    def _starts_with_digit(self, e: int) -> bool:
        ex = self.ex
        while e not in self.names and ex.kinds[e] == CALL and ex.items[e][0].name == "pow":
            e = ex.items[e][1][0]
        return e not in self.names and ex.kinds[e] == NUM and ex.items[e] >= 0

    def _factor(self, base: int, p: Fraction) -> list:
        if p == 1:
            return [(base, _FACTOR)]
        if self.latex:
            return [(base, _ATOM), "^{", *self._magnitude(p), "}"]
        if self.style == "unicode" and p.denominator == 1:
            return [(base, _ATOM), str(p.numerator).translate(_SUPERSCRIPTS)]
        exponent = self._magnitude(p)
        if (p.denominator != 1 and decimal_text(p) is None) or self._is_product(exponent[0]):
            exponent = ["(", *exponent, ")"]
        return [(base, _ATOM), "^", *exponent]

    def _is_matmul(self, e: int) -> bool:
        ex = self.ex
        return e not in self.names and ex.kinds[e] == CALL and ex.items[e][0].name == "matmul"

    def _call(self, op: object, args: tuple[int, ...]) -> list:
        name = op.name  # type: ignore[attr-defined]
        if name == "matmul":  # vectors and matrices: a @ b, left-associative as * is
            return [(args[0], _PRODUCT), " @ " if not self.latex else r" \, ", (args[1], _UNARY)]
        if name == "array":  # a literal: [a, b], [[a, b], [c, d]]
            pieces: list = ["["]
            for index, a in enumerate(args):
                pieces += [", ", (a, 0)] if index else [(a, 0)]
            return [*pieces, "]"]
        if name == "pow":
            base, exponent = args
            if self.latex:
                return [(base, _ATOM), "^{", (exponent, 0), "}"]
            return [(base, _ATOM), "^", (exponent, _UNARY)]
        if self.latex:
            return self._latex_call(name, args)
        spelled = op.spellings[0] if op.spellings else name  # type: ignore[attr-defined]
        if self.style == "unicode":
            spelled = _UNICODE_CALLS.get(name, spelled)
        pieces: list = [spelled, "("]
        for index, a in enumerate(args):
            if index:
                pieces.append(", ")
            pieces.append((a, 0))
        pieces.append(")")
        return pieces

    def _latex_call(self, name: str, args: tuple[int, ...]) -> list:
        if name == "exp":
            return ["e^{", (args[0], 0), "}"]
        if name == "sqrt":
            return [r"\sqrt{", (args[0], 0), "}"]
        if name == "abs":
            return [r"\left|", (args[0], 0), r"\right|"]
        spelled = _LATEX_CALLS.get(name, rf"\operatorname{{{name}}}")
        pieces: list = [spelled, r"\left("]
        for index, a in enumerate(args):
            if index:
                pieces.append(", ")
            pieces.append((a, 0))
        pieces.append(r"\right)")
        return pieces
