"""The symbolic package's parts: the simplifier's rules, the three printers, numbers, names, depth.

Expected texts are written by hand; every plain text must also parse back
with gradcli to the same value as the program it came from.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

import gradcli
from gradcli.autodiff import forward
from gradcli.symbolic.convert import Converter
from gradcli.symbolic.expressions import NUM, PROD, SUM, Expressions
from gradcli.symbolic.printer import Printer, decimal_text, latex_name


def simplified(text: str, style: str = "plain") -> str:
    """A program's output, simplified and printed (no derivative involved)."""
    graph = gradcli.build(text)
    table = Expressions()
    (e,) = Converter(graph, table).convert([graph.output])
    return Printer(table, style).text(e)


@pytest.mark.parametrize(
    ("program", "text"),
    [
        ("2*3*x", "6*x"),
        ("x*1 + 0", "x"),
        ("x^1*y^0", "x"),
        ("x + x + x", "3*x"),
        ("x*x*x", "x^3"),
        ("x^2*x^-1", "x"),
        ("x*y - y*x", "0"),
        ("2*(x + y)", "2*(x + y)"),  # not expanded
        ("(x + 1)*(x + 1)", "(x + 1)^2"),
        ("-(x - 1)", "1 - x"),
        ("a - (b - c)", "a - b + c"),
        ("0.5*x", "x/2"),
        ("0.75*x", "3*x/4"),
        ("0.1*x + 0.2*x", "0.3*x"),
        ("x/3", "x/3"),
        ("1/(2*sqrt(x))", "1/(2*sqrt(x))"),
        ("x^(1/3)", "x^(1/3)"),
        ("x^0.5", "x^0.5"),
        ("(-2)^x", "(-2)^x"),
        ("2^-x", "2^-x"),
        ("x^(y - 1)", "x^(y - 1)"),
        ("(x^2)^0.5", "(x^2)^0.5"),  # |x|: never rewritten as x
        ("(x^2)^3", "x^6"),
        ("(x*y)^2", "x^2*y^2"),
        ("sqrt(4) + exp(0) + sigmoid(0)", "3.5"),
        ("log(2) + sin(pi)", "log(2) + sin(pi)"),  # not short numbers: kept as written
        ("1e20*x", "1e20*x"),
        ("x/y/z", "x/(y*z)"),
        ("x/(y + 1)^2", "x/(y + 1)^2"),
        ("-x^2", "-x^2"),
        ("1 - x^2", "1 - x^2"),
        ("-x + 1", "1 - x"),
        ("step(x) + sign(-3)", "step(x) - 1"),
    ],
)
def test_simplified_as_a_person_writes(program: str, text: str) -> None:
    assert simplified(program) == text


@pytest.mark.parametrize(
    "program",
    ["0.5*x", "x/(y*z)", "(-2)^x", "2^-x", "x^(1/3)", "-x^2", "x/(y + 1)^2", "1e20*x", "2*(x + y)", "-(x - 1)"],
)
def test_printed_text_parses_back_to_the_same_value(program: str) -> None:
    point = {"x": 3.0 if program == "(-2)^x" else 1.7, "y": 0.3, "z": -2.2}
    graph = gradcli.build(program)
    printed = gradcli.build(simplified(program))
    want = forward(graph, {v: point[v] for v in graph.variables})[graph.output]
    got = forward(printed, {v: point[v] for v in printed.variables})[printed.output]
    assert math.isclose(got, want, rel_tol=1e-12) or (math.isnan(got) and math.isnan(want))


@pytest.mark.parametrize(
    ("program", "unicode", "latex"),
    [
        ("x^2*y", "x²·y", "x^{2} y"),
        (
            "sigmoid(x)*(1 - sigmoid(x))",
            "σ(x)·(1 − σ(x))",
            r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)",
        ),
        ("sqrt(x + 1)", "√(x + 1)", r"\sqrt{x + 1}"),
        ("log(x)/x", "log(x)/x", r"\frac{\ln\left(x\right)}{x}"),
        ("exp(x)^2", "exp(x)²", r"\left(e^{x}\right)^{2}"),
        ("abs(x) + pi", "abs(x) + π", r"\left|x\right| + \pi"),
        ("3*2^x", "3·2^x", r"3 \cdot 2^{x}"),
        ("x/3", "x/3", r"\frac{x}{3}"),
    ],
)
def test_unicode_and_latex(program: str, unicode: str, latex: str) -> None:
    assert simplified(program, "unicode") == unicode
    assert simplified(program, "latex") == latex


@pytest.mark.parametrize(
    ("name", "latex"),
    [("x", "x"), ("x1", "x_{1}"), ("w_11", "w_{11}"), ("θ", r"\theta"), ("theta", r"\theta"), ("Ω", r"\Omega"),
     ("loss", r"\mathrm{loss}"), ("x_y_z", r"x_{y\_z}")],
)  # fmt: skip
def test_latex_names(name: str, latex: str) -> None:
    assert latex_name(name) == latex


def test_decimals() -> None:
    assert decimal_text(Fraction(1, 8)) == "0.125"
    assert decimal_text(Fraction(3, 10**13)) == "3e-13"  # an exponent, as gradcli.numbers.fmt writes it
    assert decimal_text(Fraction(1, 3)) is None
    assert decimal_text(Fraction(7)) == "7"
    assert decimal_text(Fraction(0)) == "0"
    assert decimal_text(Fraction(1, 10**4)) == "0.0001"
    assert decimal_text(Fraction(1, 10**5)) == "1e-5"
    assert decimal_text(Fraction(123456789012345)) == "123456789012345"
    assert decimal_text(Fraction(15 * 10**19)) == "1.5e20"
    assert decimal_text(Fraction(2, 10**300)) == "2e-300"
    assert decimal_text(Fraction(1, 2**60)) is None  # 18 significant digits: more than a double needs


@pytest.mark.parametrize(
    ("program", "plain", "latex"),
    [
        # Found in review: tiny and huge numbers were printed as fractions of 300 digits, or as 2*(1/1e300).
        ("1e-300*x", "1e-300*x", r"10^{-300} x"),
        ("2e-300*x", "2e-300*x", r"2 \cdot 10^{-300} x"),
        ("1e300*x", "1e300*x", r"10^{300} x"),
        ("x*1e-20", "1e-20*x", r"10^{-20} x"),
        ("0.30000000000000004*x", "0.30000000000000004*x", "0.30000000000000004 x"),
        ("2*0.30000000000000004*x", "0.60000000000000008*x", "0.60000000000000008 x"),  # exact: 17 digits
        ("3^50*x", "7.178979876918526e23*x", r"7.178979876918526 \cdot 10^{23} x"),  # past 64 bits: a double
        ("(2*x)^1000", "(2*x)^1000", r"\left(2 x\right)^{1000}"),  # not 1.07e301*x^1000
        ("1e300^1.5*x", "1e300^1.5*x", r"\left(10^{300}\right)^{1.5} x"),  # past every double: kept
        ("1e300*1e15*x", "1e15*1e300*x", r"10^{315} x"),  # 1e315 would not read back: a product of doubles
        ("x^(1e300*1e15)", "x^(1e15*1e300)", r"x^{10^{315}}"),
    ],
)
def test_numbers_large_and_small_read_back(program: str, plain: str, latex: str) -> None:
    assert simplified(program) == plain
    assert simplified(program, "latex") == latex
    graph = gradcli.build(program)
    printed = gradcli.build(plain)
    want = forward(graph, {"x": 0.3})[graph.output]
    got = forward(printed, {"x": 0.3})[printed.output]
    assert got == want or math.isclose(got, want, rel_tol=1e-15)


def test_a_coefficient_that_grows_with_depth_is_a_double() -> None:
    # Found in review: (((x^1.01 + x)^1.01 + x)...)' multiplies 1.01 two hundred times; its exact
    # fraction had hundreds of digits and printing it raised OverflowError.
    program = "(" * 200 + "x" + ")^1.01 + x" * 200
    derivatives = gradcli.diff(program)
    text = derivatives.formula_text(derivatives.formulas[0])
    assert max(len(n) for n in re.findall(r"[\d.e-]+", text)) <= 24


def test_numbers_stay_exact_rationals() -> None:
    # Dividing by a product with a coefficient must not turn a coefficient into a float.
    graph = gradcli.build("1/(2*x) + 3/(4*y^2) - x/(8*sqrt(z))")
    table = Expressions()
    Converter(graph, table).convert([graph.output])
    for kind, item in zip(table.kinds, table.items):
        if kind == NUM:
            assert type(item) in (int, Fraction)
        elif kind in (SUM, PROD):
            assert all(type(c) in (int, Fraction) for _, c in item)


def test_equal_expressions_are_one_entry() -> None:
    graph = gradcli.build("x*y + y*x")
    table = Expressions()
    (e,) = Converter(graph, table).convert([graph.output])
    assert Printer(table).text(e) == "2*x*y"


def test_no_recursion_on_depth() -> None:
    depth = 30_000
    program = "x" + "".join(f" + {k % 7}*x^{k % 3 + 1}" for k in range(10)) + ""
    program = "sin(" * depth + program + ")" * depth
    text = simplified(program)
    assert text.startswith("sin(sin(") and text.count("sin(") == depth
    assert gradcli.build(text) is not None


def test_steps_in_json(run, loads) -> None:
    data = loads(run("diff", "x*x + x*y", "--steps", "--json").stdout)
    assert [s["text"] for s in data["steps"]["forward"]] == ["v1 = x · x", "v3 = x · y", "v4 = v1 + v3"]
    assert data["steps"]["backward"][3]["text"] == "∂f/∂x = ∂f/∂v1 · x + ∂f/∂v1 · x + ∂f/∂v3 · y = 2·x + y"
    assert data["derivatives"] == {"x": "2*x + y", "y": "x"}
