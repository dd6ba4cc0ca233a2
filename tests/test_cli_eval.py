"""`gradcli eval` through click's CliRunner: contract section 2, rule by rule.

Every run goes through the ``run`` fixture, which also asserts that no output
holds a traceback and that no run ends in an internal error.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gradcli.cli import cli

SIGMOID_JSON = {
    "expression": "sigmoid(w*x)",
    "value": 0.7310585786300049,
    "gradient": {"w": 0.3932238664829637, "x": 0.09830596662074093},
    "diagnostics": [],
}


def table(stdout: str) -> dict[str, str]:
    """The plain-text table of `eval` (stdout is not a terminal under CliRunner) as {row name: number}."""
    rows = [line.split() for line in stdout.splitlines() if line.strip()]
    assert all(len(row) == 2 for row in rows), stdout
    return dict(rows)


# ---- the seeds -----------------------------------------------------------------------------------


def test_seed_x_squared_plus_xy(run) -> None:
    code, stdout, stderr = run("eval", "x^2 + x*y", "--x", "3", "--y", "4")
    assert (code, stderr) == (0, "")
    assert table(stdout) == {"f": "21", "∂f/∂x": "10", "∂f/∂y": "3"}


def test_seed_sigmoid_table_uses_four_significant_digits(run) -> None:
    code, stdout, _ = run("eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5")
    assert code == 0
    assert table(stdout) == {"f": "0.7311", "∂f/∂w": "0.3932", "∂f/∂x": "0.09831"}


def test_digits_17_shows_every_digit(run) -> None:
    code, stdout, _ = run("eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--digits", "17")
    assert code == 0
    assert table(stdout) == {"f": "0.7310585786300049", "∂f/∂w": "0.3932238664829637", "∂f/∂x": "0.09830596662074093"}


def test_json_is_exactly_the_contract_example(run, loads) -> None:
    code, stdout, stderr = run("eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--json")
    assert (code, stderr) == (0, "")
    assert stdout.endswith("\n") and stdout.count("\n") == 1, "exactly one JSON object, on one line"
    data = loads(stdout)
    assert data == SIGMOID_JSON
    assert list(data) == ["expression", "value", "gradient", "diagnostics"]
    assert list(data["gradient"]) == ["w", "x"]


def test_json_of_the_seed(run, loads) -> None:
    code, stdout, _ = run("eval", "x^2 + x*y", "--x", "3", "--y", "4", "--json")
    assert code == 0
    assert loads(stdout) == {
        "expression": "x^2 + x*y",
        "value": 21.0,
        "gradient": {"x": 10.0, "y": 3.0},
        "diagnostics": [],
    }


# ---- the ways to give values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ["--x", "2", "--w", "0.5"],
        ["--x=2", "--w=0.5"],
        ["-v", "x=2", "-v", "w=0.5"],
        ["--var", "x=2", "--var", "w=0.5"],
        ["--var=x=2", "-v", "w=.5"],
        ["--w", "5e-1", "--x", "2.0"],
        ["--x", "2", "--w", "1/2"],
    ],
    ids=["space", "equals", "-v", "--var", "mixed", "number forms", "constant expression"],
)
def test_every_way_of_giving_a_value(options: list[str], run, loads) -> None:
    for args in (["sigmoid(w*x)", *options], [*options, "sigmoid(w*x)"]):
        code, stdout, stderr = run("eval", *args, "--json")
        assert code == 0, stderr
        assert loads(stdout) == SIGMOID_JSON


@pytest.mark.parametrize(
    "options", [["--x", "-2"], ["--x=-2"], ["-v", "x=-2"], ["--x", "-2.0"], ["--x", "-2e0"], ["--x", "-4/2"]]
)
def test_negative_values(options: list[str], run, loads) -> None:
    code, stdout, stderr = run("eval", "x^3", *options, "--json")
    assert code == 0, stderr
    assert loads(stdout)["value"] == -8.0
    assert loads(stdout)["gradient"] == {"x": 12.0}


def test_a_value_may_be_a_constant_expression(run, loads) -> None:
    code, stdout, _ = run("eval", "sin(x)", "--x", "pi/2", "--json")
    assert code == 0
    assert loads(stdout)["value"] == 1.0


def test_v_gives_values_to_names_that_clash_with_options(run, loads) -> None:
    code, stdout, stderr = run("eval", "json * f + v", "-v", "json=3", "-v", "f=2", "--v", "1", "--json")
    assert code == 0, stderr
    assert loads(stdout)["value"] == 7.0
    assert loads(stdout)["gradient"] == {"json": 2.0, "f": 3.0, "v": 1.0}


def test_unicode_variable_on_the_command_line(run, loads) -> None:
    code, stdout, stderr = run("eval", "θ^2", "--θ", "3", "--json")
    assert code == 0, stderr
    assert loads(stdout)["gradient"] == {"θ": 6.0}


def test_a_value_given_twice_is_an_error(run) -> None:
    code, _, stderr = run("eval", "x", "--x", "1", "-v", "x=2")
    assert code == 2
    assert "x is given twice" in stderr


def test_an_option_without_its_value(run) -> None:
    code, _, stderr = run("eval", "x", "--x")
    assert code == 2
    assert "--x needs a value" in stderr


def test_minus_reads_the_program_from_standard_input(run, loads) -> None:
    code, stdout, stderr = run("eval", "-", "--x", "2", "--w", "0.5", "--json", input="sigmoid(w*x)\n")
    assert code == 0, stderr
    assert loads(stdout)["value"] == SIGMOID_JSON["value"]
    assert loads(stdout)["gradient"] == SIGMOID_JSON["gradient"]


def test_standard_input_with_several_statements(run, loads) -> None:
    program = "# a neuron\nz = w*x + b\n\ny = sigmoid(z)\n"
    code, stdout, _ = run("eval", "-", "--w", "0.5", "--x", "2", "--b", "-1", "--json", input=program)
    assert code == 0
    assert loads(stdout)["value"] == 0.5
    assert loads(stdout)["gradient"] == {"w": 0.5, "x": 0.125, "b": 0.25}


def test_standard_input_that_is_not_utf8(run) -> None:
    code, stdout, stderr = run("eval", "-", "--x", "1", input=b"x\xff")
    assert (code, stdout) == (2, "")
    assert "not UTF-8" in stderr


def test_f_reads_the_program_from_a_file(tmp_path, run, loads) -> None:
    path = tmp_path / "f.grad"
    path.write_text("# comment\nx*x + x*y\n", encoding="utf-8")
    for option in (["-f", str(path)], ["--file", str(path)], [f"--file={path}"]):
        code, stdout, stderr = run("eval", *option, "--x", "3", "--y", "4", "--json")
        assert code == 0, stderr
        assert loads(stdout)["gradient"] == {"x": 10.0, "y": 3.0}


def test_errors_in_a_file_name_the_file(tmp_path, run) -> None:
    path = tmp_path / "bad.grad"
    path.write_text("y = 2*x\nlog(y - 4)\n", encoding="utf-8")
    code, _, stderr = run("eval", "-f", str(path), "--x", "1")
    assert code == 3
    assert f"log(y - 4) at {path}, line 2, column 1" in stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"x\xff\xfe", "is not UTF-8 text")],
    ids=["missing", "not utf-8"],
)
def test_unreadable_program_files(content: bytes | None, message: str, tmp_path, run) -> None:
    path = tmp_path / "p.grad"
    if content is not None:
        path.write_bytes(content)
    code, stdout, stderr = run("eval", "-f", str(path), "--x", "1")
    assert (code, stdout) == (2, "")
    assert message in stderr


def test_expr_and_file_together_is_an_error(tmp_path, run) -> None:
    path = tmp_path / "p.grad"
    path.write_text("x", encoding="utf-8")
    code, _, stderr = run("eval", "x", "-f", str(path), "--x", "1")
    assert code == 2
    assert "not both" in stderr


def test_no_program_is_an_error(run) -> None:
    code, stdout, stderr = run("eval")
    assert (code, stdout) == (2, "")
    assert "no program given" in stderr


def test_values_file(tmp_path, run, loads) -> None:
    path = tmp_path / "point.json"
    path.write_text(json.dumps({"x": 2, "w": 0.5}), encoding="utf-8")
    code, stdout, stderr = run("eval", "sigmoid(w*x)", "--values", str(path), "--json")
    assert code == 0, stderr
    assert loads(stdout) == SIGMOID_JSON


def test_the_command_line_overrides_the_values_file(tmp_path, run, loads) -> None:
    path = tmp_path / "point.json"
    path.write_text(json.dumps({"x": 100, "w": 0.5}), encoding="utf-8")
    for override in (["--x", "2"], ["-v", "x=2"], ["--x=2"]):
        code, stdout, _ = run("eval", "sigmoid(w*x)", "--values", str(path), *override, "--json")
        assert code == 0
        assert loads(stdout) == SIGMOID_JSON


def test_values_file_numbers_as_strings_are_read_like_the_command_line(tmp_path, run, loads) -> None:
    path = tmp_path / "point.json"
    path.write_text(json.dumps({"x": "pi/2"}), encoding="utf-8")
    code, stdout, _ = run("eval", "sin(x)", "--values", str(path), "--json")
    assert code == 0
    assert loads(stdout)["value"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"x": true}', "must be a number"),
        ('{"x": null}', "must be a number"),
        ('{"x": [[1], [2, 3]]}', "row 2 of x has 2 numbers, row 1 has 1"),
        ('{"x": [1, null]}', "element 2 of x must be a number, got null"),
        ('{"x": [1e999]}', "must hold finite numbers"),
        ('{"x": "abc"}', "must be a number"),
        ('{"x": NaN}', "must be a finite number"),
        ('{"x": 1e999}', "must be a finite number"),
        ('{"x": 1' + "0" * 400 + "}", "must be a finite number"),
        ('{"x": 1, "xx": 2}', "xx is given a value but the program does not use it"),
    ],
)
def test_bad_values_files(content: str, message: str, tmp_path, run) -> None:
    path = tmp_path / "point.json"
    path.write_text(content, encoding="utf-8")
    code, stdout, stderr = run("eval", "x", "--values", str(path))
    assert (code, stdout) == (2, "")
    assert message in stderr


def test_missing_values_file(tmp_path, run) -> None:
    code, _, stderr = run("eval", "x", "--values", str(tmp_path / "nope.json"))
    assert code == 2
    assert "cannot read the values file" in stderr


# ---- programs that begin with "-" ------------------------------------------------------------------


def test_a_program_beginning_with_minus_goes_after_double_dash(run, loads) -> None:
    code, stdout, stderr = run("eval", "--x", "2", "--json", "--", "-x^2")
    assert code == 0, stderr
    assert loads(stdout) == {"expression": "-x^2", "value": -4.0, "gradient": {"x": -4.0}, "diagnostics": []}


def test_a_program_beginning_with_minus_without_double_dash_is_explained(run) -> None:
    code, stdout, stderr = run("eval", "-x^2", "--x", "2")
    assert (code, stdout) == (2, "")
    assert "--" in stderr and "-x^2" in stderr


def test_a_program_beginning_with_minus_through_a_file_or_stdin(tmp_path, run, loads) -> None:
    path = tmp_path / "neg.grad"
    path.write_text("-x^2", encoding="utf-8")
    for args, stdin in ((["-f", str(path)], None), (["-"], "-x^2")):
        code, stdout, _ = run("eval", *args, "--x", "2", "--json", input=stdin)
        assert code == 0
        assert loads(stdout)["value"] == -4.0


def test_a_single_dash_name_suggests_the_double_dash_option(run) -> None:
    code, _, stderr = run("eval", "x", "-x", "2")
    assert code == 2
    assert "--x VALUE" in stderr


# ---- --wrt, --mode, views --------------------------------------------------------------------------


def test_wrt_limits_the_gradient(run, loads) -> None:
    for wrt, want in (
        ("x", {"x": 10.0}),
        ("y", {"y": 3.0}),
        ("y,x", {"y": 3.0, "x": 10.0}),
        ("x, y", {"x": 10.0, "y": 3.0}),
    ):
        code, stdout, stderr = run("eval", "x^2 + x*y", "--x", "3", "--y", "4", "--wrt", wrt, "--json")
        assert code == 0, stderr
        gradient = loads(stdout)["gradient"]
        assert list(gradient.items()) == list(want.items()), "the partials asked for, in the order asked"


def test_wrt_table(run) -> None:
    code, stdout, _ = run("eval", "x^2 + x*y", "--x", "3", "--y", "4", "--wrt", "y")
    assert code == 0
    assert table(stdout) == {"f": "21", "∂f/∂y": "3"}


@pytest.mark.parametrize(
    ("wrt", "message"),
    [
        ("z", "--wrt names z, which is not used"),
        ("pi", "--wrt names pi, which is a constant"),  # (an assigned name gives ∂f/∂u: issue 7, item 18)
        ("x;y", "--wrt takes names"),
    ],
)
def test_wrt_names_must_be_variables(wrt: str, message: str, run) -> None:
    code, _, stderr = run("eval", "u = x*y; u", "--x", "1", "--y", "2", "--wrt", wrt)
    assert code == 2
    assert message in stderr


@pytest.mark.parametrize(
    "options", [["--mode", "forward"], ["--tree"], ["--granularity", "scalar"], ["--tree", "--granularity", "fused"]]
)
def test_modes_and_views_give_the_seed_numbers(options: list[str], run, loads) -> None:
    code, stdout, _ = run("eval", "x*x + x*y", "--x", "3", "--y", "4", *options, "--json")
    assert code == 0
    assert loads(stdout)["value"] == 21.0
    assert loads(stdout)["gradient"] == {"x": 10.0, "y": 3.0}


@pytest.mark.parametrize("options", [["--mode", "sideways"], ["--granularity", "atoms"], ["--digits", "0"]])
def test_bad_option_values(options: list[str], run) -> None:
    code, stdout, stderr = run("eval", "x", "--x", "1", *options)
    assert (code, stdout) == (2, "")
    assert stderr.startswith("error: ")


# ---- exit statuses and messages -----------------------------------------------------------------


def test_exit_status_0_2_3(run) -> None:
    assert run("eval", "x", "--x", "1").code == 0
    assert run("eval", "x +", "--x", "1").code == 2
    assert run("eval", "x", "--y", "1").code == 2
    assert run("eval", "log(x)", "--x", "-1").code == 3


def test_a_syntax_error_shows_the_line_and_a_caret(run) -> None:
    code, stdout, stderr = run("eval", "a = x\nb = a +* 2\nb", "--x", "1")
    assert (code, stdout) == (2, "")
    lines = stderr.splitlines()
    assert lines[0] == "error: unexpected '*' at line 2, column 8; expected a number, a name or '('"
    assert lines[1] == "  b = a +* 2"
    assert lines[2] == "         ^"


def test_unexpected_end_of_input(run) -> None:
    for program in ("x +", "(x", "sin(", "x^", "x = "):
        code, _, stderr = run("eval", program, "--x", "1")
        assert code == 2
        assert stderr.startswith("error: unexpected end of input"), stderr


def test_missing_values_are_named(run) -> None:
    code, _, stderr = run("eval", "x*y + z", "--y", "1")
    assert code == 2
    assert "no value for x, z" in stderr
    assert "--x VALUE --z VALUE" in stderr


def test_the_closest_known_function_is_suggested(run) -> None:
    code, _, stderr = run("eval", "sigmod(x)", "--x", "1")
    assert code == 2
    assert "did you mean sigmoid(x)?" in stderr


def test_a_name_before_a_parenthesis_is_a_call_and_the_product_is_suggested(run) -> None:
    code, _, stderr = run("eval", "x(y+1)", "--x", "1", "--y", "2")
    assert code == 2
    assert "unknown function 'x'" in stderr
    assert "x*(y+1)" in stderr


def test_nonfinite_value_names_the_op_line_and_column(run) -> None:
    code, stdout, stderr = run("eval", "log(x)", "--x", "-1")
    assert code == 3
    assert stderr.startswith("error: log(x) at line 1, column 1: log of -1 is undefined (NaN)")
    assert "  log(x)\n  ^^^^^^" in stderr
    assert table(stdout)["f"] == "nan"


def test_nonfinite_value_in_json_is_null_with_a_diagnostic(run, loads) -> None:
    code, stdout, _ = run("eval", "log(x)", "--x", "-1", "--json")
    assert code == 3
    data = loads(stdout)
    assert data["value"] is None
    assert data["gradient"] == {"x": -1.0}
    (diagnostic,) = data["diagnostics"]
    assert diagnostic == {
        "severity": "error",
        "kind": "nonfinite-value",
        "message": "log(x) at line 1, column 1: log of -1 is undefined (NaN)",
        "node": 1,
        "line": 1,
        "column": 1,
    }


def test_nonfinite_gradient_in_json_is_null_with_a_diagnostic(run, loads) -> None:
    code, stdout, stderr = run("eval", "1 + sqrt(x)", "--x", "0", "--json")
    assert code == 3
    data = loads(stdout)
    assert data["value"] == 1.0
    assert data["gradient"] == {"x": None}
    (diagnostic,) = data["diagnostics"]
    assert (diagnostic["severity"], diagnostic["kind"], diagnostic["line"], diagnostic["column"]) == (
        "error",
        "nonfinite-gradient",
        1,
        5,
    )
    assert "sqrt" in diagnostic["message"]
    assert "error: sqrt(x) at line 1, column 5" in stderr


def test_the_first_nonfinite_value_is_reported(run, loads) -> None:
    # log(x) is NaN first; exp(log(x)) and the sum are NaN only because of it.
    code, stdout, _ = run("eval", "y + exp(log(x))", "--x", "-1", "--y", "1", "--json")
    assert code == 3
    (diagnostic,) = loads(stdout)["diagnostics"]
    assert diagnostic["message"].startswith("log(x) at line 1, column 9")


def test_a_dead_statement_does_not_make_the_result_nonfinite(run, loads) -> None:
    code, stdout, _ = run("eval", "log(x)\n2*x", "--x", "-1", "--json")
    assert code == 0
    data = loads(stdout)
    assert (data["value"], data["gradient"]) == (-2.0, {"x": 2.0})
    assert [d["kind"] for d in data["diagnostics"]] == ["unused"]


def test_json_never_holds_nan_or_infinity(run, loads) -> None:
    for program, value in (("1/x", "0"), ("exp(x)", "1000"), ("0/x", "0"), ("-exp(x)", "1000")):
        code, stdout, _ = run("eval", "--x", value, "--json", "--", program)
        assert code == 3
        data = loads(stdout)  # refuses NaN and Infinity tokens
        assert data["value"] is None


def test_json_schema_of_diagnostics(run, loads) -> None:
    code, stdout, stderr = run("eval", "u = 2*x\nmax(x, 1)", "--x", "1", "--json")
    assert code == 0
    data = loads(stdout)
    assert data["gradient"] == {"x": 0.5}
    assert [d["kind"] for d in data["diagnostics"]] == ["unused", "kink"]
    for d in data["diagnostics"]:
        assert list(d) == ["severity", "kind", "message", "node", "line", "column"]
        assert d["severity"] in ("warning", "note")
        assert isinstance(d["line"], int) and isinstance(d["column"], int)
    assert "error" not in stderr


def test_warnings_and_notes_go_to_stderr(run) -> None:
    code, stdout, stderr = run("eval", "u = 2*x\nmax(x, 1)", "--x", "1")
    assert code == 0
    assert table(stdout) == {"f": "1", "∂f/∂x": "0.5"}
    assert "warning: 'u' is assigned but never used" in stderr
    assert "note: max(x, 1) at line 2, column 1" in stderr
    assert "½" in stderr


def test_a_program_without_variables(run, loads) -> None:
    code, stdout, _ = run("eval", "2^3^2", "--json")
    assert code == 0
    assert loads(stdout) == {"expression": "2^3^2", "value": 512.0, "gradient": {}, "diagnostics": []}
    assert table(run("eval", "2^3^2").stdout) == {"f": "512"}


def test_json_keeps_full_precision(run, loads) -> None:
    code, stdout, _ = run("eval", "x/3", "--x", "1", "--json")
    assert code == 0
    assert loads(stdout)["value"] == 1 / 3
    assert "0.3333333333333333" in stdout


def test_help(run) -> None:
    for args in (["eval", "--help"], ["eval", "-h"], ["--help"]):
        code, stdout, _ = run(*args)
        assert code == 0
        assert "Usage:" in stdout


# ---- --traceback is the only way to see a traceback -------------------------------------------------


def _broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def _break_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `eval` fail the way a bug would (the package's eval_command name is the command, not the module)."""
    monkeypatch.setattr(sys.modules["gradcli.cli.eval_command"], "evaluate", _broken)


def test_an_internal_error_is_reported_without_a_traceback(monkeypatch) -> None:
    _break_eval(monkeypatch)
    result = CliRunner().invoke(cli, ["eval", "x", "--x", "1"])
    assert result.exit_code == 70
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "--traceback" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_traceback_shows_the_python_traceback(monkeypatch) -> None:
    _break_eval(monkeypatch)
    for args in (["--traceback", "eval", "x", "--x", "1"], ["eval", "x", "--x", "1", "--traceback"]):
        result = CliRunner().invoke(cli, args)
        assert isinstance(result.exception, RuntimeError), args  # it escapes main(): Python prints the traceback


def test_a_user_error_never_shows_a_traceback_without_the_flag(run) -> None:
    # The run fixture asserts "Traceback" appears nowhere.
    for args in (["eval", "x +"], ["eval", "log(x)", "--x", "-1"], ["eval", "x", "--nope=1"], ["nope"]):
        assert run(*args).code in (2, 3)


def test_nan_is_not_a_json_token_in_the_loader(loads) -> None:
    # The strict loader used by these tests rejects what RFC 8259 rejects.
    for text in ("NaN", "Infinity", "-Infinity", '{"value": NaN}'):
        with pytest.raises(AssertionError):
            loads(text)
    assert math.isclose(loads("0.5"), 0.5)


# ---- the real entry point, once, outside CliRunner -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status", "stderr_start"),
    [
        (["eval", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--json"], 0, ""),
        (["eval", "log(x)", "--x", "-1"], 3, "error: log(x) at line 1, column 1"),
        (["eval", "x y", "--x", "1", "--y", "2"], 2, "error: unexpected name 'y'"),
    ],
)
def test_python_m_gradcli(args: list[str], status: int, stderr_start: str) -> None:
    done = subprocess.run([sys.executable, "-m", "gradcli", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == status
    assert done.stderr.startswith(stderr_start)
    assert "Traceback" not in done.stderr + done.stdout
    if status == 0:
        assert json.loads(done.stdout) == SIGMOID_JSON
