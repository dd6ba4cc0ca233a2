"""Properties, with hypothesis: whatever the input, no traceback and an exit status of the contract.

The inputs are arbitrary text (Unicode, control characters, long lines) as the
program, as variable values, as standard input and as files, near-valid
programs built from the language's own tokens, and random soups of options.
Example counts are modest so that the suite stays quick; a failure that
hypothesis finds is kept in its database and tried first next time.
"""

from __future__ import annotations

import json
import random

from conftest import strict_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcli.numbers import fmt

STATUSES = {0, 2, 3}
"""Contract, section 2: success, usage/syntax/name error, not finite (1 is only for `check`)."""

quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "x", "y", "xy", "θ", "_z", "2", "0", ".5", "1e-3", "2.5E+4", "1e999", "1e308", "pi", "e",
    "+", "-", "*", "/", "^", "**", "(", ")", ",", ";", "\n", "=", " ", "\t", "# c\n",
    "sin", "log", "ln", "sqrt", "exp", "asin", "max", "min", "pow", "relu", "abs", "sigmoid", "tanh",
    "sni", "f", "!", "|", "²", "−", "\x00", "\r",
]  # fmt: skip
VALUES = ["0", "1", "-1", "2", "-2.5", "1e308", "-1e308", "5e-324", "1e999", "nan", "inf", "pi", "x", "", "1/0"]

programs = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
)
values = st.one_of(st.sampled_from(VALUES), st.text(max_size=20))


def check(outcome) -> None:
    """The contract's promises for any run: a known status and one message, never a traceback.

    A usage error prints nothing on standard output, except where --json asked
    for JSON: then one JSON object that holds the error (issue 7, item 19).
    """
    code, stdout, stderr = outcome  # the run fixture has already refused tracebacks and internal errors
    assert code in STATUSES, (code, stderr)
    if code == 2:
        assert stderr.startswith("error: "), stderr
        if stdout:
            (error,) = strict_json(stdout)["diagnostics"]
            assert error["severity"] == "error", stdout


@quick
@given(program=programs, x=values, y=values)
def test_any_program_and_values(run, program: str, x: str, y: str) -> None:
    check(run("eval", "-v", f"x={x}", "-v", f"y={y}", "--", program))


@quick
@given(program=programs)
def test_any_program_as_json(run, loads, program: str) -> None:
    code, stdout, stderr = run("eval", "--x=1", "--y=2", "--json", "--", program)
    check((code, stdout, stderr))
    if code in (0, 3):
        data = loads(stdout)  # one strict JSON object, never NaN or Infinity
        assert list(data) == ["expression", "value", "gradient", "diagnostics"]
        assert (data["value"] is None or any(d["severity"] == "error" for d in data["diagnostics"])) == (code == 3)


@quick
@given(program=programs)
def test_any_program_on_standard_input(run, program: str) -> None:
    check(run("eval", "-", "--x", "1", input=program))


@settings(max_examples=50, deadline=None)
@given(content=st.binary(max_size=60))
def test_any_bytes_on_standard_input(run, content: bytes) -> None:
    check(run("eval", "-", "--x", "1", input=content))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=60))
def test_any_bytes_as_a_program_file(run, tmp_path, content: bytes) -> None:
    path = tmp_path / "p.grad"
    path.write_bytes(content)
    check(run("eval", "-f", str(path), "--x", "1"))


@quick
@given(text=st.text(max_size=40))
def test_any_text_as_the_value_of_a_variable(run, text: str) -> None:
    for args in (["--x", text], [f"--x={text}"], ["-v", f"x={text}"]):
        check(run("eval", "x^2", *args))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["x", "y", "z", "pi", ""]), json_values, max_size=3) | json_values)
def test_any_json_as_a_values_file(run, tmp_path, data: object) -> None:
    path = tmp_path / "values.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    check(run("eval", "x + y", "--values", str(path)))


OPTIONS = [
    "--json", "--tree", "--granularity", "scalar", "fused", "atoms", "--wrt", "x", "x,y", "z", "--mode",
    "forward", "reverse", "--digits", "17", "0", "3", "-v", "x=1", "y=2", "--x", "--y", "1", "-2", "--x=3",
    "--values", "/nonexistent.json", "-f", "/nonexistent.grad", "-", "--", "-x", "--help", "-h", "--nope",
    "x^2 + x*y", "sigmoid(w*x)", "log(x)", "x +", "eval", "ops",
]  # fmt: skip
soups = st.lists(st.one_of(st.sampled_from(OPTIONS), st.text(max_size=10)), max_size=10)


@quick
@given(soup=soups)
def test_random_option_soup_for_eval(run, soup: list[str]) -> None:
    check(run("eval", *soup, input="x*y"))


@quick
@given(soup=soups)
def test_random_option_soup_for_ops(run, soup: list[str]) -> None:
    check(run("ops", *soup))


@quick
@given(soup=soups.filter(lambda s: not s or s[0] not in ("graph", "trace", "check")))
def test_random_option_soup_for_the_group(run, soup: list[str]) -> None:
    # The other commands have statuses of their own (1 for check, 4 for a missing renderer).
    check(run(*soup, input="x*y"))


def test_long_arbitrary_text(run) -> None:
    rng = random.Random(2)
    alphabet = "".join(TOKENS) + "".join(chr(c) for c in range(0x20, 0x250)) + "\x01\x7f\u200b\ufeff"
    for length in (10_000, 200_000):
        text = "".join(rng.choice(alphabet) for _ in range(length))
        check(run("eval", "--x", "1", "--", text))
        check(run("eval", "-", "--x", "1", input=text))


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False))
def test_fmt_of_every_double_reads_back_in_the_language(run, loads, x: float) -> None:
    # Numbers that people read are numbers they can paste back as a value.
    code, stdout, stderr = run("eval", "x", "--x", fmt(x, 17), "--json")
    assert code == 0, stderr
    assert loads(stdout)["value"] == x
