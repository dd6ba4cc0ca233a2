"""The one formatter for numbers that people read: tables, traces, graph labels, messages.

JSON never goes through here: it keeps full double precision.
"""

from __future__ import annotations

import math

DEFAULT_DIGITS = 4


def fmt(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """``x`` with ``digits`` significant digits, the way a person writes it.

    Whole numbers print without a point (``21``, not ``21.0``); digits before
    the point are never cut (``12346``, not ``1.235e+04``); very small and very
    large magnitudes use an exponent that the language itself reads back
    (``1.5e-7``, ``3e20``). ``digits`` of 17 or more gives the shortest text
    that reads back as exactly ``x``.
    """
    if x != x:
        return "nan"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if digits >= 17:
        return _shortest(x)
    magnitude = abs(x)
    if magnitude >= 1e15 or magnitude < 1e-4:
        if magnitude > 1e307 and not math.isfinite(float(f"{x:.{digits - 1}e}")):
            return fmt(x, digits + 1)  # rounding up would print a number that reads back as infinity
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    integer_digits = len(str(int(magnitude))) if magnitude >= 1 else 0
    decimals = max(digits - integer_digits, 0)
    if magnitude < 1:
        # Leading zeros after the point are not significant: 0.09831 has four digits.
        decimals = digits - 1 - math.floor(math.log10(magnitude))
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_operand(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """``fmt`` for a number substituted into a formula: negatives in parentheses, ``(-2)``."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


def _shortest(x: float) -> str:
    mantissa, _, exponent = repr(x).partition("e")
    if mantissa.endswith(".0"):
        mantissa = mantissa[:-2]
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa
