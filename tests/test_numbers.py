"""The one number formatter, ``gradcli.numbers.fmt``: numbers as a person writes them."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcli.numbers import DEFAULT_DIGITS, fmt, fmt_operand

# A number as the language reads it, with an optional minus sign (contract, section 1).
LANGUAGE_NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?")


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (21.0, "21"),
        (10.0, "10"),
        (3.0, "3"),
        (0.7310585786300049, "0.7311"),
        (0.3932238664829637, "0.3932"),
        (0.09830596662074093, "0.09831"),  # leading zeros after the point are not significant
        (0.5, "0.5"),
        (-2.0, "-2"),
        (-0.5, "-0.5"),
        (1 / 3, "0.3333"),
        (2 / 3, "0.6667"),
        (123.456, "123.5"),
        (12345.6, "12346"),  # digits before the point are never cut
        (99999.5, "100000"),
        (0.000123456, "0.0001235"),
        (0.0001, "0.0001"),
        (1.5e-7, "1.5e-7"),  # small: an exponent the language reads back
        (-1e-5, "-1e-5"),
        (1.23456789e-5, "1.235e-5"),
        (1e15, "1e15"),
        (3e20, "3e20"),
        (1e300, "1e300"),
        (0.0, "0"),
        (-0.0, "0"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
    ],
)
def test_fmt_default_digits(x: float, text: str) -> None:
    assert fmt(x) == text


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (0.7310585786300049, 17, "0.7310585786300049"),
        (0.09830596662074093, 17, "0.09830596662074093"),
        (0.1, 17, "0.1"),
        (21.0, 17, "21"),
        (1.5e-7, 17, "1.5e-7"),
        (0.7310585786300049, 2, "0.73"),
        (0.7310585786300049, 1, "0.7"),
        (123.456, 2, "123"),
        (1.23456789e-5, 2, "1.2e-5"),
        (math.pi, 8, "3.1415927"),
    ],
)
def test_fmt_digits(x: float, digits: int, text: str) -> None:
    assert fmt(x, digits) == text


def test_default_digits_is_four() -> None:
    assert DEFAULT_DIGITS == 4
    assert fmt(math.pi) == fmt(math.pi, 4) == "3.142"


@pytest.mark.parametrize(("x", "text"), [(-2.0, "(-2)"), (2.0, "2"), (-0.5, "(-0.5)"), (0.0, "0"), (-1e-7, "(-1e-7)")])
def test_fmt_operand_parenthesises_negatives(x: float, text: str) -> None:
    assert fmt_operand(x) == text


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=500, deadline=None)
@given(x=finite)
def test_17_digits_read_back_exactly(x: float) -> None:
    text = fmt(x, 17)
    assert LANGUAGE_NUMBER.fullmatch(text), text
    assert float(text) == x


@settings(max_examples=500, deadline=None)
@given(x=finite, digits=st.integers(1, 16))
def test_fewer_digits_round_to_the_nearest(x: float, digits: int) -> None:
    text = fmt(x, digits)
    assert LANGUAGE_NUMBER.fullmatch(text), text
    if x != 0:
        # Exact decimal arithmetic: the text is x rounded to `digits` significant digits (or more, before the point).
        exact, shown = Decimal(x), Decimal(text)
        unit = Decimal(10) ** (exact.adjusted() - digits + 1)
        assert abs(shown - exact) <= unit / 2, (x, digits, text)


@settings(max_examples=300, deadline=None)
@given(x=finite, digits=st.integers(1, 16))
def test_significant_digits_are_at_most_the_digits_asked_unless_before_the_point(x: float, digits: int) -> None:
    text = fmt(x, digits)
    mantissa = text.lstrip("-").split("e")[0]
    whole, _, fraction = mantissa.partition(".")
    significant = (whole + fraction).lstrip("0")
    allowed = max(digits, len(whole.lstrip("0")))
    if not math.isfinite(float(f"{x:.{digits - 1}e}")):
        # Rounded to `digits`, x would read back as infinity (1.5e308 -> 2e308): more digits are shown.
        allowed = 17
    assert len(significant) <= allowed, (x, digits, text)
    assert not fraction.endswith("0"), text  # no trailing zeros after the point


def test_rounding_never_prints_a_number_that_reads_back_as_infinity() -> None:
    assert fmt(1.5e308, 1) == "1.5e308"
    assert fmt(-1.7976931348623157e308) == "-1.79769e308"
    assert math.isfinite(float(fmt(1.7976931348623157e308, 1)))
