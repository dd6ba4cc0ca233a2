"""The expression language (contract, section 1), driven by the fixture files in tests/fixtures/.

- parse.txt: each program and the syntax tree it must parse to;
- eval.txt: each program at a point, with the value and partials derived by hand;
- errors.txt: each program that `gradcli eval` must refuse, with exit status, message and caret.

The rules that are not one case per line (the function list, the views of
`a - b`) follow at the end.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import gradcli
from gradcli.errors import GradcliError, ProgramError, UsageError
from gradcli.ops import BY_NAME, CONSTANTS
from gradcli.syntax import Apply, Assign, Name, Num

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = re.compile(r"(?<=\s)\|(?=\s|$)")  # a "|" with white space (or the end of the line) around it
ESCAPES = re.compile(r"\\(n|r|t|\\|x[0-9a-fA-F]{2})")
MATH = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}


def unescape(text: str) -> str:
    """The fixture files' escapes: \\n, \\r, \\t, \\\\ and \\xHH."""
    simple = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}
    return ESCAPES.sub(lambda m: simple.get(m[1]) or chr(int(m[1][1:], 16)), text)


def cases(name: str, columns: int, separator: re.Pattern[str] | str = COLUMNS) -> list:
    """The cases of one fixture file, each a ``pytest.param`` of its fields, named after its line.

    A line may leave out trailing columns, which are then empty.
    """
    params = []
    for number, line in enumerate((FIXTURES / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = separator.split(line) if isinstance(separator, re.Pattern) else line.split(separator)
        assert 2 <= len(fields) <= columns, f"{name}, line {number}: {len(fields)} columns"
        fields += [""] * (columns - len(fields))
        params.append(pytest.param(*(f.strip() for f in fields), id=f"{name}:{number}"))
    return params


def pairs(text: str) -> list[tuple[str, str]]:
    """``"x=3; y=4"`` as ``[("x", "3"), ("y", "4")]``."""
    result = []
    for item in text.split(";"):
        if item.strip():
            name, _, value = item.partition("=")
            result.append((name.strip(), value.strip()))
    return result


# ---- parse.txt ---------------------------------------------------------------------------------


def sexpr(node: Assign | Apply | Name | Num) -> str:
    """A syntax tree as an s-expression (trees in the fixtures are a few levels deep)."""
    if isinstance(node, Assign):
        return f"(= {node.name} {sexpr(node.expr)})"
    if isinstance(node, Apply):
        return f"({node.op.name} {' '.join(sexpr(a) for a in node.args)})"
    if isinstance(node, Name):
        return node.id
    if node.text in CONSTANTS:
        return node.text
    return str(int(node.value)) if node.value.is_integer() else repr(node.value)


@pytest.mark.parametrize(("source", "tree"), cases("parse.txt", 2, "  =>  "))
def test_parse(source: str, tree: str) -> None:
    program = gradcli.parse(unescape(source))
    assert "; ".join(sexpr(s) for s in program.statements) == tree


def test_parse_keeps_the_spelling_of_a_function() -> None:
    (call,) = gradcli.parse("ln(x)").statements
    assert call.op is BY_NAME["log"]
    assert call.written == "ln"


def test_constants_are_the_numbers_they_name() -> None:
    pi, e = gradcli.parse("pi; e").statements
    assert (pi.value, e.value) == (math.pi, math.e)


def test_spans_point_into_the_source() -> None:
    program = gradcli.parse("z = w*x\ny = sigmoid(z)")
    first, second = program.statements
    assert program.text[first.start : first.end] == "z = w*x"
    assert program.text[second.expr.start : second.expr.end] == "sigmoid(z)"


# ---- eval.txt ----------------------------------------------------------------------------------


def expected(text: str) -> tuple[float, bool]:
    """The number a fixture column stands for, and whether it must match exactly (a plain number)."""
    try:
        return float(text), True
    except ValueError:
        return float(eval(text, {"__builtins__": {}}, MATH)), False


def assert_number(got: float, text: str, exact: bool, what: str) -> None:
    want, plain = expected(text)
    if exact and plain:
        assert got == want, f"{what}: got {got!r}, want {want!r}"
    else:
        assert abs(got - want) <= 1e-12 * max(abs(want), 1.0), f"{what}: got {got!r}, want {want!r} ({text})"


VIEWS = {
    "default": {},
    "forward-mode": {"mode": "forward"},
    "tree": {"tree": True},
    "scalar": {"granularity": "scalar"},
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("program", "values", "value", "gradient"), cases("eval.txt", 4))
def test_eval(program: str, values: str, value: str, gradient: str, view: str) -> None:
    point = {name: float(v) for name, v in pairs(values)}
    result = gradcli.evaluate(unescape(program), point, **VIEWS[view])
    # The default view in reverse mode must give the hand-derived numbers exactly; the other
    # views and forward mode may round differently in the last digits.
    exact = view == "default"
    assert result.error is None
    assert_number(result.value, value, exact, "value")
    want = pairs(gradient)
    assert list(result.gradient) == [name for name, _ in want], "one partial per variable, in order of first use"
    for name, text in want:
        assert_number(result.gradient[name], text, exact, f"∂/∂{name}")


@pytest.mark.parametrize(("program", "values", "value", "gradient"), cases("eval.txt", 4))
def test_eval_command_json(program: str, values: str, value: str, gradient: str, run, loads) -> None:
    options = [f"--{name}={v}" for name, v in pairs(values)]
    code, stdout, stderr = run("eval", "--json", *options, "--", unescape(program))
    assert code == 0, stderr
    data = loads(stdout)
    assert_number(data["value"], value, True, "value")
    want = pairs(gradient)
    assert list(data["gradient"]) == [name for name, _ in want]
    for name, text in want:
        assert_number(data["gradient"][name], text, True, f"∂/∂{name}")


# ---- errors.txt --------------------------------------------------------------------------------


def caret(stderr: str) -> tuple[str, int]:
    """The source line shown in an error and the 1-based column of its first caret."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        marks = line.lstrip(" \t")
        if i > 0 and marks.startswith("^") and set(marks) == {"^"}:
            shown = lines[i - 1]
            assert shown.startswith("  ") and line.startswith("  "), stderr
            return shown[2:], len(line) - len(marks) - 2 + 1
    raise AssertionError(f"no caret in:\n{stderr}")


@pytest.mark.parametrize(("program", "values", "status", "message", "where"), cases("errors.txt", 5))
def test_error(program: str, values: str, status: str, message: str, where: str, run) -> None:
    source = unescape(program)
    options = [f"--{name}={v}" for name, v in pairs(values)]
    code, stdout, stderr = run("eval", *options, "--", source)
    assert code == int(status), stderr
    if code == 2:
        assert stdout == ""
    assert stderr.startswith("error: "), stderr
    assert message in stderr
    if where:
        line, column = map(int, where.split(":"))
        shown, at = caret(stderr)
        assert shown == source.splitlines()[line - 1]
        assert at == column, stderr


# ---- rules that are not one case per line ------------------------------------------------------

CONTRACT_FUNCTIONS = {
    # The contract's words: "sin cos tan asin acos atan sinh cosh tanh exp log ln log2 log10 sqrt abs sigmoid
    # relu softplus (one argument ...) and pow(a, b) max(a, b) min(a, b) (two arguments)".
    **dict.fromkeys(
        ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "ln", "log2", "log10"], 1
    ),
    **dict.fromkeys(["sqrt", "abs", "sigmoid", "relu", "softplus"], 1),
    **dict.fromkeys(["pow", "max", "min"], 2),
}
"""Contract, section 1: the functions every program may call, with their number of arguments."""


@pytest.mark.parametrize(("name", "arity"), CONTRACT_FUNCTIONS.items())
def test_every_function_of_the_contract_exists(name: str, arity: int) -> None:
    args = ", ".join(["0.5", "0.25"][:arity])
    (call,) = gradcli.parse(f"{name}({args})").statements
    assert isinstance(call, Apply)
    assert len(call.args) == arity
    assert math.isfinite(gradcli.evaluate(f"{name}({args})").value)


def test_ln_is_the_natural_log() -> None:
    assert gradcli.parse("ln(x)").statements[0].op is gradcli.parse("log(x)").statements[0].op is BY_NAME["log"]
    assert gradcli.evaluate("ln(e^3)").value == 3.0


@pytest.mark.parametrize(("name", "arity"), CONTRACT_FUNCTIONS.items())
def test_a_function_called_with_the_wrong_number_of_arguments(name: str, arity: int, run) -> None:
    wrong = ", ".join(["x"] * (3 - arity))  # 2 arguments for a unary function, 1 for a binary one
    code, stdout, stderr = run("eval", f"{name}({wrong})", "--x", "1")
    assert code == 2
    assert stdout == ""
    want = "1 argument" if arity == 1 else f"{arity} arguments"
    assert f"{name} takes {want}, got {3 - arity}" in stderr


@pytest.mark.parametrize("name", CONTRACT_FUNCTIONS)
def test_a_function_name_is_not_a_variable(name: str) -> None:
    with pytest.raises(ProgramError, match=f"'{name}' is a function"):
        gradcli.parse(f"2 * {name}")


@pytest.mark.parametrize("name", CONTRACT_FUNCTIONS)
def test_a_function_name_cannot_be_assigned(name: str) -> None:
    with pytest.raises(ProgramError, match=f"'{name}' is a function and cannot be assigned"):
        gradcli.build(f"{name} = x; 2")


@pytest.mark.parametrize("name", ["pi", "e"])
def test_a_constant_cannot_be_given_a_value_or_assigned(name: str) -> None:
    with pytest.raises(UsageError, match=f"{name} is a constant and cannot be given a value"):
        gradcli.evaluate(f"x + {name}", {"x": 1.0, name: 3.0})
    with pytest.raises(ProgramError, match=f"'{name}' is a constant and cannot be assigned"):
        gradcli.build(f"{name} = 3; x")
    assert gradcli.build(f"x * {name}").variables.keys() == {"x"}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("program", "op", "not_used"), [("a - b", "sub", "neg"), ("a / b", "div", "pow")])
def test_subtraction_and_division_are_ops_of_their_own_in_every_view(
    program: str, op: str, not_used: str, view: str
) -> None:
    options = {k: v for k, v in VIEWS[view].items() if k != "mode"}
    graph = gradcli.build(program, **options)
    names = [o.name for o in graph.ops if not o.is_leaf]
    assert names == [op]
    assert not_used not in names


def test_the_output_of_a_program_ending_in_an_assignment_is_the_assigned_name(run) -> None:
    graph = gradcli.build("z = w*x; y = sigmoid(z)")
    assert graph.names[graph.output] == "y"
    code, stdout, _ = run("eval", "z = w*x; y = sigmoid(z)", "--w", "0.5", "--x", "2")
    assert code == 0
    assert [line.split()[0] for line in stdout.splitlines()] == ["y", "∂y/∂w", "∂y/∂x"]


def test_the_output_is_the_last_statement_and_earlier_ones_are_warned_about() -> None:
    result = gradcli.evaluate("x^2\n3*x", x=2)
    assert (result.value, result.gradient) == (6.0, {"x": 3.0})
    assert [d.kind for d in result.diagnostics] == ["unused"]


def test_the_variables_are_the_names_used_without_being_assigned() -> None:
    graph = gradcli.build("z = w1*x1 + w2*x2 + b\ny = sigmoid(z)\ny * (1 - y)")
    assert list(graph.variables) == ["w1", "x1", "w2", "x2", "b"]
    assert set(graph.assigned) == {"z", "y"}


def test_an_assigned_name_cannot_be_given_a_value() -> None:
    with pytest.raises(UsageError, match="y is assigned in the program"):
        gradcli.evaluate("y = 2*x; y", x=1, y=2)


def test_a_value_for_a_name_the_program_does_not_use_is_an_error() -> None:
    with pytest.raises(UsageError, match="xx is given a value but the program does not use it"):
        gradcli.evaluate("x^2", x=1, xx=2)


def test_every_variable_needs_a_value() -> None:
    with pytest.raises(UsageError, match="no value for y"):
        gradcli.evaluate("x + y", x=1)


def test_xy_is_one_name_never_x_times_y() -> None:
    assert list(gradcli.build("xy").variables) == ["xy"]
    with pytest.raises(UsageError, match="x is given a value but the program does not use it"):
        gradcli.evaluate("xy", x=1, y=2)


def test_errors_are_gradcli_errors_with_the_usage_status() -> None:
    for program in ["x y", "sni(x)", "x = 1; x = 2; x", ""]:
        with pytest.raises(GradcliError) as caught:
            gradcli.build(program)
        assert caught.value.status == 2


def test_a_superscript_is_not_part_of_a_name() -> None:
    with pytest.raises(GradcliError, match="unexpected character '²'") as caught:
        gradcli.build("x²")
    assert caught.value.hint is not None and "x^2" in caught.value.hint


def test_a_name_starts_with_a_letter_or_underscore() -> None:
    with pytest.raises(GradcliError):
        gradcli.build("½")
