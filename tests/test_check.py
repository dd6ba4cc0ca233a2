"""``gradcli check`` with answers: right ones written differently, wrong ones of the kinds students
write, numbers at a point, random points, kinks and exit statuses. (The self-check: test_selfcheck.py.)

Ground truth is SymPy or derived by hand, never gradcli's own numbers.
"""

from __future__ import annotations

import math

import pytest
import sympy

from gradcli.check import matches
from gradcli.numbers import fmt

SEED = "x^2 + x*y"


def verdicts(out: str) -> dict[str, str]:
    """``∂f/∂x  ok  ...`` lines: label -> verdict word."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and (parts[0] == "f" or parts[0].startswith("∂")):
            found[parts[0]] = parts[1]
    return found


# ---- formulas at random points ----------------------------------------------------------------------


def test_the_seeds_formulas_hold(run) -> None:
    code, out, err = run("check", SEED, "--expect", "x=2*x + y", "--expect", "y=x")
    assert code == 0, err
    assert verdicts(out) == {"∂f/∂x": "ok", "∂f/∂y": "ok"}
    assert "2*x + y matches at 20 of 20 points" in out
    assert "all 2 answers hold at 20 random points" in out
    assert "each variable uniform in [-3, 3], seed 0" in out


@pytest.mark.parametrize(
    ("program", "name", "answer"),
    [
        ("x^2", "x", "x + x"),  # 2*x written as a sum
        (SEED, "x", "y + x*2"),
        ("x*x*x", "x", "3x^2"),  # implicit multiplication
        ("exp(2*x)", "x", "exp(x)*exp(x)*2"),
        ("sigmoid(w*x)", "w", "sigmoid(w*x)*(1 - sigmoid(w*x))*x"),
        ("sigmoid(w*x)", "w", "x*exp(-w*x)/(1 + exp(-w*x))^2"),
        ("log10(x)", "x", "1/(x*ln(10))"),  # only x > 0 is usable: the rest is skipped
        ("sqrt(x^2 + y^2)", "y", "y/sqrt(x^2 + y^2)"),
        ("tanh(x)", "x", "1 - tanh(x)**2"),
        ("z = x*y; sin(z)", "x", "cos(z)*y"),  # an answer may use the program's assigned names
        ("x/y", "y", "-x/y^2"),
    ],
)
def test_right_answers_written_differently_pass(run, program: str, name: str, answer: str) -> None:
    # SymPy agrees that the answer is the derivative, so gradcli must accept it.
    code, out, err = run("check", program, "--expect", f"{name}={answer}")
    assert code == 0, out + err
    assert verdicts(out) == {f"∂f/∂{name}": "ok"}


@pytest.mark.parametrize(
    ("program", "name", "answer", "mistake"),
    [
        (SEED, "x", "x + y", "a factor of 2 missing"),
        ("x^3", "x", "3*x", "the power rule's exponent not lowered"),
        ("cos(x)", "x", "sin(x)", "a sign"),
        ("x/y", "y", "x/y^2", "the sign of the quotient rule"),
        ("sin(x^2)", "x", "cos(x^2)", "the chain rule forgotten"),
        ("sigmoid(w*x)", "w", "sigmoid(w*x)*(1 - sigmoid(w*x))", "the chain rule forgotten"),
        ("exp(2*x)", "x", "exp(2*x)", "the chain rule forgotten"),
        ("log(x^2 + 1)", "x", "1/(x^2 + 1)", "the chain rule forgotten"),
        (SEED, "y", "y", "the wrong variable"),
    ],
)
def test_wrong_answers_students_write_are_caught(run, loads, program, name, answer, mistake) -> None:
    code, out, _ = run("check", program, "--expect", f"{name}={answer}")
    assert code == 1, mistake
    assert verdicts(out) == {f"∂f/∂{name}": "WRONG"}
    assert "the answer is wrong" in out
    # The counterexample is real: at that point SymPy gives the answer's value and the true derivative.
    data = loads(run("check", program, "--expect", f"{name}={answer}", "--json").stdout)
    (verdict,) = data["checks"]
    example = verdict["counterexample"]
    symbols = {n: sympy.Symbol(n, real=True) for n in example["point"]}
    subs = {symbols[n]: sympy.Rational(repr(v)) for n, v in example["point"].items()}
    function = sympy.sympify(program.replace("^", "**").replace("sigmoid", "S"), locals={"S": _sigmoid, **symbols})
    expected = sympy.sympify(answer.replace("^", "**").replace("sigmoid", "S"), locals={"S": _sigmoid, **symbols})
    assert example["expected"] == pytest.approx(float(expected.subs(subs)), rel=1e-12)
    assert example["got"] == pytest.approx(float(sympy.diff(function, symbols[name]).subs(subs)), rel=1e-12)
    assert not math.isclose(example["expected"], example["got"], rel_tol=1e-6)


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


def test_a_counterexample_line(run) -> None:
    code, out, _ = run("check", SEED, "--expect", "x=2*x")
    assert code == 1
    (line,) = [line for line in out.splitlines() if line.startswith("∂f/∂x")]
    # ∂f/∂x  WRONG  2*x: at x = ..., y = ... expected 2x, got 2x + y (wrong at 20 of 20 points)
    assert line.split()[:3] == ["∂f/∂x", "WRONG", "2*x:"]
    x, y = (float(part.split("=")[1].split()[0].rstrip(",")) for part in line.split(" at ")[1].split(", ")[:2])
    assert f"expected {fmt(2 * x)}, got {fmt(2 * x + y)}" in line
    assert line.endswith("(wrong at 20 of 20 points)")


def test_one_wrong_of_several(run) -> None:
    code, out, _ = run("check", SEED, "--expect", "x=2*x + y", "--expect", "y=2*x")
    assert code == 1
    assert verdicts(out) == {"∂f/∂x": "ok", "∂f/∂y": "WRONG"}
    assert "1 of 2 answers is wrong" in out


def test_random_points_are_reproducible_and_seeded(run, loads) -> None:
    first = loads(run("check", SEED, "--expect", "x=x", "--json").stdout)
    again = loads(run("check", SEED, "--expect", "x=x", "--json").stdout)
    other = loads(run("check", SEED, "--expect", "x=x", "--json", "--seed", "5").stdout)
    assert first == again
    assert first["checks"][0]["counterexample"] != other["checks"][0]["counterexample"]
    assert first["points"]["random"] == {"points": 20, "seed": 0, "domain": [-3.0, 3.0]}


def test_points_and_domain(run, loads) -> None:
    data = loads(run("check", "log(x)", "--expect", "x=1/x", "--points", "7", "--domain", "-1,1", "--json").stdout)
    assert data["ok"] is True
    assert data["points"]["used"] == 7
    assert data["points"]["random"]["domain"] == [-1.0, 1.0]
    (check,) = data["checks"]
    assert check["checked"] == 7
    # log is not finite at x <= 0: those draws are skipped and counted.
    assert data["points"]["skipped"]["f is not finite"] == data["points"]["drawn"] - 7 > 0


def test_skipped_points_are_counted_in_the_text(run) -> None:
    code, out, _ = run("check", "log(x)", "--expect", "x=1/x")
    assert code == 0
    assert "skipped (f is not finite:" in out


def test_an_answer_that_is_never_finite_is_wrong(run) -> None:
    code, out, _ = run("check", "x^2", "--expect", "x=1/(x - x)")
    assert code == 1
    assert "not finite at any of the 20 points" in out


def test_no_point_in_the_domain_is_a_usage_error(run) -> None:
    code, _, err = run("check", "log(x - 10)", "--expect", "x=1/(x - 10)")
    assert code == 2
    assert "no point with every variable in [-3, 3]" in err
    assert "hint:" in err and "--domain" in err
    assert run("check", "log(x - 10)", "--expect", "x=1/(x - 10)", "--domain", "10,20").code == 0


def test_a_function_always_on_a_kink_cannot_be_checked_at_random_points(run) -> None:
    code, _, err = run("check", "relu(x - x) + x", "--expect", "x=1")
    assert code == 2
    assert "finite and differentiable" in err


# ---- numbers at a point ------------------------------------------------------------------------------


def test_numbers_at_a_point(run) -> None:
    code, out, _ = run("check", SEED, "--x", "3", "--y", "4", "--expect", "x=10", "--expect", "y=3")
    assert code == 0
    assert "∂f/∂x  ok  expected 10, got 10" in out
    assert "all 2 answers hold at x = 3, y = 4" in out
    code, out, _ = run("check", SEED, "--x", "3", "--y", "4", "--expect", "x=9", "--expect", "y=3")
    assert code == 1
    assert "∂f/∂x  WRONG  expected 9, got 10" in out


def test_a_formula_at_a_point(run) -> None:
    code, out, _ = run("check", SEED, "--x", "3", "--y", "4", "--expect", "x=2*x + y")
    assert code == 0
    assert "2*x + y: expected 10, got 10" in out


def test_the_value(run) -> None:
    assert run("check", SEED, "--x", "3", "--y", "4", "--expect-value", "21").code == 0
    code, out, _ = run("check", SEED, "--x", "3", "--y", "4", "--expect-value", "20")
    assert code == 1
    assert verdicts(out) == {"f": "WRONG"}
    assert run("check", "2*3", "--expect-value", "6").code == 0


def test_a_number_written_with_decimals_matches_what_rounds_to_it(run) -> None:
    # ∂/∂x sigmoid(w·x) at x = 2, w = 0.5 is 0.0983059666..., which the seed writes 0.0983.
    point = ["sigmoid(w*x)", "--x", "2", "--w", "0.5"]
    code, out, _ = run("check", *point, "--expect", "x=0.0983", "--expect", "w=0.3932", "--expect-value", "0.7311")
    assert code == 0
    assert "expected 0.0983, got 0.09831 (equal to the 3 significant digits written)" in out
    # Issue 7, item 16: a rounded answer needs 3 significant digits; 0.098 has two.
    assert run("check", *point, "--expect", "x=0.098").code == 1
    assert run("check", *point, "--expect", "x=0.0984").code == 1
    assert run("check", *point, "--expect", "x=0.09").code == 1
    # A whole number is exact: 10 is not 10.4.
    assert run("check", "x^2 + x*y", "--x", "3", "--y", "4.4", "--expect", "x=10").code == 1


def test_matches() -> None:
    assert matches(10.0, 10.0 + 1e-9, 1e-7, 1e-9)
    assert not matches(10.0, 10.01, 1e-7, 1e-9)
    assert matches(0.0983, 0.09830596662074093, 1e-7, 1e-9, rounding=0.00005)
    assert not matches(math.inf, 1.0, 1e-7, 1e-9)
    assert not matches(math.nan, math.nan, 1e-7, 1e-9)


def test_an_answer_that_is_not_finite_at_the_point_is_wrong(run) -> None:
    code, out, _ = run("check", "log(x)", "--x", "1", "--expect", "x=1/(x - 1)")
    assert code == 1
    assert "expected inf, got 1" in out


def test_a_point_where_the_program_is_not_finite_exits_3(run) -> None:
    code, out, err = run("check", "log(x)", "--x", "0", "--expect", "x=1/x")
    assert code == 3
    assert out == ""
    assert "log of 0 is -infinity" in err and "^^^^^^" in err


def test_a_kink_at_the_point_names_the_convention(run) -> None:
    code, _, err = run("check", "relu(x)", "--x", "0", "--expect", "x=0")
    assert code == 0
    assert "relu'(0) = 0" in err
    assert run("check", "relu(x)", "--x", "0", "--expect", "x=1").code == 1
    code, _, err = run("check", "max(x, y)", "--x", "1", "--y", "1", "--expect", "x=0.5", "--expect", "y=0.5")
    assert code == 0
    assert "a tie splits the gradient equally" in err


# ---- bad input: exit 2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expect", "x=2*x +"], "in --expect x=2*x +: unexpected end of input"),
        (["--expect", "x=2*z"], "in --expect x=2*z: z is not a variable of the program"),
        (["--expect", "z=2*x"], "--expect names z, which is not used by the program"),
        (["--expect", "x"], "--expect takes NAME=ANSWER"),
        (["--expect", "x=1", "--expect", "x=2"], "given twice"),
        (["--expect", "x=a = 2; a"], "an answer is one expression"),
        (["--expect", "x=foo(x)"], "unknown function 'foo'"),
        (["--x", "1", "--expect", "x=1"], "no value for y"),
        (["--x", "1", "--y", "2", "--points", "5"], "--points choose random points"),
        (["--domain", "3,1"], "LO < HI"),
        (["--domain", "3"], "--domain takes LO,HI"),
        (["--expect", "x=1", "--rtol", "-1"], "--rtol"),
    ],
)
def test_bad_input_exits_2(run, args: list[str], message: str) -> None:
    code, out, err = run("check", SEED, *args)
    assert code == 2
    assert message in err
    assert out == ""


def test_a_syntax_error_in_an_answer_is_shown_under_the_answer(run) -> None:
    _, _, err = run("check", SEED, "--expect", "x=2*x + * y")
    assert err.splitlines()[1:3] == ["  2*x + * y", "        ^"]
    _, _, err = run("check", SEED, "--expect", "x=2*z")
    assert err.splitlines()[1:3] == ["  2*z", "    ^"]
