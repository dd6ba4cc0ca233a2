"""Exact numbers as text that the language reads back: ``0.125``, ``1.5e20``, never a fraction of a hundred digits.

The symbolic package computes with exact fractions; these write one out the
way ``gradcli.numbers.fmt`` writes a double, or say that it has no such text.
"""

from __future__ import annotations

from fractions import Fraction

from ..numbers import fmt

SIGNIFICANT = 17
"""A decimal is written out when it has at most this many significant digits (each double has one)."""

_WRITABLE_BITS = 14_000
"""Beyond this, a whole number (far past any double) is written ``1e999``, infinite, without converting it."""


def decimal_text(value: Fraction) -> str | None:
    """``value`` (not negative) as an exact decimal, or None if it has none of at most 17 significant digits.

    Laid out as ``gradcli.numbers.fmt`` lays out numbers, so that the language
    reads it back: ``0.125``, ``250``, and with an exponent below 1e-4 and from
    1e15 on (``2e-300``, ``1.5e20``), never a fraction of a hundred digits.
    """
    if not value:
        return "0"
    q = value.denominator
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return None
    places = max(twos, fives)
    scaled = value.numerator * 10**places // value.denominator  # value = scaled / 10^places
    if scaled.bit_length() > _WRITABLE_BITS:
        return None
    digits = str(scaled)
    significant = digits.rstrip("0")
    if len(significant) > SIGNIFICANT:
        return None
    exponent = len(digits) - len(significant) - places  # value = significant * 10^exponent
    lead = len(significant) - 1 + exponent  # the power of ten of the first digit
    if -4 <= lead < 15:
        if exponent >= 0:
            return significant + "0" * exponent
        padded = significant.rjust(1 - exponent, "0")
        return f"{padded[:exponent]}.{padded[exponent:]}"
    mantissa = significant[0] + (f".{significant[1:]}" if len(significant) > 1 else "")
    return f"{mantissa}e{lead}"


def integer_text(n: int) -> str:
    """A whole number (not negative): ``250``, ``1e20``; one with more digits than a double holds as the
    double's shortest text, which reads back as the same double."""
    text = decimal_text(Fraction(n))
    if text is not None:
        return text
    if n.bit_length() > 1024:  # past every double: 17 significant digits, as for any other number
        if n.bit_length() > _WRITABLE_BITS:
            return "1e999"
        from decimal import Decimal

        mantissa, exponent = f"{Decimal(n):.16e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    x = float(n)
    return fmt(x, 17) if int(x) == n else str(n)
