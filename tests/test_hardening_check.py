"""Issue 7 (hardening), the items about views, the checker, messages and layout: 1, 2, 14-20, 22, 25-27.

Each test fails on the code before its item was fixed. Ground truth is worked by
hand (in comments) or taken from the formulas of the math module, never from
gradcli itself. One-line cases live in tests/fixtures/answers.txt (check's
answers) and tests/fixtures/errors.txt (messages, read by test_language.py).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import strict_json
from test_language import cases, pairs

import gradcli
from gradcli import autodiff
from gradcli.cli.output import display_width

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def sigmoid_slope(z: float) -> float:
    """σ'(z) = e^-z / (1 + e^-z)², by hand."""
    return math.exp(-z) / (1 + math.exp(-z)) ** 2


def gradcli_process(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """``gradcli ARGS`` as its own process, for what must end (a hang cannot be stopped in-process)."""
    return subprocess.run(
        [sys.executable, "-m", "gradcli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )


# ---- item 1: every view finds a name used before its assignment, or by itself -------------------------


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("h = h; h + 1", "'h' is used before it is assigned (at line 1, column 1)"),
        ("a = b; b = a; a", "'b' is used before it is assigned (at line 1, column 8)"),
        ("a = 2*x; b = a + c; c = b; b", "'c' is used before it is assigned (at line 1, column 21)"),
    ],
)
@pytest.mark.parametrize("command", ["eval", "trace", "graph"])
def test_the_tree_view_refuses_a_name_used_before_it_is_assigned(command: str, program: str, message: str) -> None:
    # Before the fix the tree view inlined h into itself forever: the timeout is the failure.
    for view in (["--tree"], ["--tree", "--granularity", "scalar"]):
        done = gradcli_process(command, *view, "--", program, timeout=30)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"error: {message}\n"), done.stderr
        assert done.stdout == ""


def test_every_view_gives_the_same_message() -> None:
    views = [[], ["--tree"], ["--granularity", "scalar"], ["--tree", "--granularity", "scalar"]]
    messages = {gradcli_process("graph", *view, "--", "a = b; b = a; a", timeout=30).stderr for view in views}
    assert len(messages) == 1


# ---- item 14: the gradient in order of first use in the program text, in every view --------------------


@pytest.mark.parametrize("view", [[], ["--tree"], ["--granularity", "scalar"], ["--tree", "--granularity", "scalar"]])
def test_the_gradient_is_in_order_of_first_use(view: list[str], run) -> None:
    # In the text: y, t (in h's assignment), then u. The tree view inlines h after (e+u), and met u first.
    code, out, _ = run("eval", "h = y/t; (e+u)*h", "--y", "1", "--t", "2", "--u", "3", "--json", *view)
    assert code == 0
    assert list(strict_json(out)["gradient"]) == ["y", "t", "u"]
    code, out, _ = run("trace", "h = y/t; sigmoid(e+u)*h", "--y", "1", "--t", "2", "--u", "3", "--json", *view)
    assert list(strict_json(out)["gradient"]) == ["y", "t", "u"]


# ---- item 15: the tree view adds its occurrences left to right ----------------------------------------


def test_occurrences_are_added_left_to_right(monkeypatch) -> None:
    # Python 3.12's sum() of floats is compensated (math.fsum's result); put that sum where gradient() would
    # find it, so that this test fails on any Python if gradient() calls sum().
    monkeypatch.setattr(autodiff, "sum", math.fsum, raising=False)
    # The occurrences of x contribute 1, 1e16 and 1. Left to right in doubles: 1 + 1e16 rounds to 1e16
    # (the spacing there is 2, and the tie goes to the even 1e16), and so does 1e16 + 1. Compensated: 1e16 + 2.
    result = gradcli.evaluate("x + 1e16*x + x", x=1, tree=True)
    assert result.gradient["x"] == 1e16
    assert math.fsum([1.0, 1e16, 1.0]) == 1e16 + 2  # the sum the test guards against is a different number


# ---- items 16, 17, 18 and 2: check's answers, one case per line --------------------------------------------


@pytest.mark.parametrize(("program", "values", "answer", "status", "output"), cases("answers.txt", 5))
def test_answer(program: str, values: str, answer: str, status: str, output: str, run) -> None:
    name, _, text = answer.partition("=")
    expect = ["--expect-value", text] if name == "VALUE" else ["--expect", answer]
    point = [f"--{n}={v}" for n, v in pairs(values)]
    code, out, err = run("check", program, *point, *expect)
    assert code == int(status), out + err
    assert output in out + err


def test_the_rule_for_rounded_answers_is_in_the_json(run) -> None:
    code, out, _ = run("check", "sigmoid(w*x)", "--x", "2", "--w", "0.5", "--expect", "x=0.1", "--json")
    assert code == 1
    (verdict,) = strict_json(out)["checks"]
    assert verdict["note"] == "0.1 has only 1 significant digit: a rounded answer needs at least 3"
    assert verdict["counterexample"]["got"] == pytest.approx(0.5 * sigmoid_slope(1.0), rel=1e-15)


# ---- item 18: ∂f/∂z for an assigned name, in eval and check, in every view ----------------------------------


@pytest.mark.parametrize("view", [[], ["--tree"], ["--granularity", "scalar"]])
def test_eval_wrt_an_assigned_name(view: list[str], run) -> None:
    # f = σ(z) + z·z with z = w·x = 1: ∂f/∂z = σ'(1) + 2z = σ'(1) + 2. In the tree view z is copied at each of
    # its three uses, and ∂f/∂z is the sum over the copies.
    code, out, _ = run("eval", "z = w*x; sigmoid(z) + z*z", "--w", "0.5", "--x", "2", "--wrt", "z,w", "--json", *view)
    assert code == 0
    gradient = strict_json(out)["gradient"]
    assert list(gradient) == ["z", "w"]
    assert gradient["z"] == pytest.approx(sigmoid_slope(1.0) + 2, rel=1e-15)
    assert gradient["w"] == pytest.approx((sigmoid_slope(1.0) + 2) * 2, rel=1e-15)  # ∂z/∂w = x = 2


def test_check_an_intermediate_step(run) -> None:
    # The seed's neuron: ∂f/∂z = σ'(1) = 0.19661193..., which the seed writes 0.1966.
    code, out, _ = run("check", "z = w*x; sigmoid(z)", "--w", "0.5", "--x", "2", "--expect", "z=0.1966")
    assert code == 0
    assert out.startswith("∂f/∂z  ok  expected 0.1966, got 0.1966")
    code, out, _ = run("check", "z = w*x + b; sigmoid(z)", "--expect", "z=sigmoid(z)*(1 - sigmoid(z))")
    assert code == 0
    assert "matches at 20 of 20 points" in out


def test_wrt_an_assigned_name_where_it_has_no_meaning(run) -> None:
    code, _, err = run("eval", "z = w*x; sigmoid(z)", "--w", "1", "--x", "2", "--wrt", "z", "--mode", "forward")
    assert code == 2
    assert err.startswith("error: --mode forward gives derivatives with respect to variables, and z is assigned")
    code, _, err = run("eval", "b = a; a = x*y; b", "--x", "1", "--y", "2", "--wrt", "b")
    assert code == 2


# ---- item 19: --json prints one JSON object whatever the exit status ---------------------------------------

FAILURES = [
    # (arguments, exit status, kind of the error, line and column of the error or None)
    (["check", "log(x)", "--x", "0", "--expect", "x=1", "--json"], 3, "nonfinite-value", (1, 1)),
    (["check", "x", "--x", "1", "--expect", "x=1", "--rtol", "inf", "--json"], 2, "usage", None),
    (["check", "x +", "--expect", "x=1", "--json"], 2, "syntax", (1, 4)),
    (["check", "x", "--x", "1", "--expect", "x=2*", "--json"], 2, "syntax", (1, 3)),
    (["eval", "x +", "--x", "1", "--json"], 2, "syntax", (1, 4)),
    (["eval", "x", "--json"], 2, "usage", None),
    (["eval", "x", "--x", "1", "--json", "--digits", "0"], 2, "usage", None),
    (["eval", "softmax(x)", "--x", "1", "--json"], 2, "program", (1, 1)),
    (["trace", "x +", "--x", "1", "--json"], 2, "syntax", (1, 4)),
    (["trace", "x", "--json"], 2, "usage", None),
    (["graph", "x +", "--format", "json"], 2, "syntax", (1, 4)),
    (["graph", "x", "--format=json", "--rankdir", "XX"], 2, "usage", None),
]


@pytest.mark.parametrize(("args", "status", "kind", "where"), FAILURES, ids=[" ".join(f[0]) for f in FAILURES])
def test_json_whatever_the_exit_status(args: list[str], status: int, kind: str, where, run) -> None:
    code, out, err = run(*args)
    assert code == status
    data = strict_json(out)  # exactly one JSON value, and RFC 8259
    assert isinstance(data, dict)
    (error,) = data["diagnostics"]
    assert (error["severity"], error["kind"]) == ("error", kind)
    assert (error["line"], error["column"]) == (where or (None, None))
    assert err.startswith("error: ") and error["message"] in err  # and the same message on standard error
    if args[0] == "eval":
        assert set(data) == {"expression", "value", "gradient", "diagnostics"}


def test_a_failure_with_json_keeps_the_keys_of_a_success(run) -> None:
    for args in (["check", "x", "--x", "1", "--expect", "x=1"], ["trace", "x", "--x", "1"], ["eval", "x", "--x", "1"]):
        good = strict_json(run(*args, "--json").stdout)
        bad = strict_json(run(*args, "--json", "--values", "missing.json").stdout)
        assert set(bad) == set(good), args[0]
        assert bad["expression"] == "x"


def test_graph_writes_nothing_for_a_failure_with_o(run, tmp_path: Path) -> None:
    target = tmp_path / "g.json"
    code, out, _ = run("graph", "x +", "-o", str(target))
    assert (code, out, target.exists()) == (2, "", False)


# ---- item 20: the output's name is never a variable's ----------------------------------------------------------


def test_a_variable_named_f(run) -> None:
    code, out, _ = run("trace", "v*f", "--v", "3", "--f", "2")
    assert code == 0
    assert "∂g/∂f  = ∂g/∂v2 · v = 1 · 3 = 3" in out
    assert "# the output, g" in out
    assert "∂f/∂f" not in out
    code, out, _ = run("eval", "v*f", "--v", "3", "--f", "2")
    assert out.split() == ["g", "6", "∂g/∂v", "2", "∂g/∂f", "3"]
    data = strict_json(run("trace", "v*f", "--v", "3", "--f", "2", "--json").stdout)
    assert data["output"]["name"] == "g"
    code, out, _ = run("eval", "f*g*h", "--f", "1", "--g", "2", "--h", "3")
    assert out.split()[:2] == ["f₀", "6"]
    code, out, _ = run("check", "f = x*2; f + y", "--x", "1", "--y", "1", "--expect", "x=2")
    assert out.startswith("∂g/∂x  ok")


# ---- item 22: syntax errors in files say where; an unclosed '(' is named (more in fixtures/errors.txt) -------


def test_a_syntax_error_in_a_file(run, tmp_path: Path) -> None:
    model = tmp_path / "model.grad"
    model.write_text("z = w*x + b\ny = sigmoid(z\nloss = (y - t)^2\n", encoding="utf-8")
    code, _, err = run("eval", "-f", str(model))
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith(f"error: unexpected name 'loss' at {model}, line 3, column 1;")
    assert lines[-1] == f"hint: the '(' at {model}, line 2, column 12 is never closed"
    assert "*loss" not in err  # no longer "to multiply, write '*': sigmoid(z*loss"


@pytest.mark.parametrize("program", ["x +", "x y", "(x", "x ! y", "x\n)", "x²", "a = \n", "max(x,)", "x = 1 = 2"])
def test_every_syntax_error_says_where(program: str, run) -> None:
    code, _, err = run("eval", "--x", "1", "--", program)
    assert code == 2
    assert re.match(r"error: unexpected .* at line \d+, column \d+", err), err


# ---- item 25: hints for unknown functions ----------------------------------------------------------------------


# The issue's own examples are softmax(x) and sum(x), which issue 9 makes functions; argmax shares max's
# tail as softmax does, and prod, like sum, reads as a function's name rather than a variable's.
@pytest.mark.parametrize(
    ("program", "absent"),
    [("argmax(x)", "did you mean"), ("prod(x)", "prod*(x)"), ("norm(x)", "norm*"), ("sigma(x)", "did you mean")],
)
def test_no_far_fetched_hints(program: str, absent: str, run) -> None:
    from gradcli.ops import FUNCTIONS

    code, _, err = run("eval", program, "--x", "1")
    assert code == 2
    assert absent not in err
    assert f"hint: the functions are: {', '.join(sorted(FUNCTIONS))} (`gradcli ops` describes them)" in err


# ---- item 26: trace fits long programs and narrow terminals ----------------------------------------------------


@pytest.fixture
def terminal(monkeypatch):
    """Make standard output a terminal of a given width, with colours (rich's own Console, forced)."""
    from rich.console import Console

    def use(width: int = 100) -> None:
        def console() -> Console:
            return Console(file=sys.stdout, force_terminal=True, color_system="standard", width=width, highlight=False)

        for name in ("gradcli.cli.output", "gradcli.cli.trace_command", "gradcli.cli.graph_command"):
            module = importlib.import_module(name)
            monkeypatch.setattr(module, "is_terminal", lambda: True, raising=False)
            monkeypatch.setattr(module, "console", console, raising=False)

    return use


def test_max_steps_leaves_out_rows_of_the_gradient_too(run, tmp_path: Path) -> None:
    names = [f"x{k}" for k in range(1, 3001)]
    values = tmp_path / "point.json"
    values.write_text(json.dumps(dict.fromkeys(names, 1)), encoding="utf-8")
    code, out, _ = run("trace", " + ".join(names), "--values", str(values), "--max-steps", "6")
    assert code == 0
    table = out.split("Gradient:\n")[1].splitlines()
    # 3,001 rows (f and 3,000 derivatives): the first 3, a row for the 2,995 left out, the last 3.
    assert [line.split()[0] for line in table] == ["f", "∂f/∂x1", "∂f/∂x2", "…", "∂f/∂x2998", "∂f/∂x2999", "∂f/∂x3000"]
    assert "… 2,995 more" in table[3]


PROGRAMS = [
    ["x*x + x*y", "--x", "3", "--y", "4"],
    ["x*x + x*y", "--x", "3", "--y", "4", "--tree"],
    ["z = w1*x1 + w2*x2 + b; sigmoid(z)", "--w1", "0.5", "--x1", "2", "--w2", "-1", "--x2", "0.25", "--b", "0.1"],
    ["sigmoid(w*x)", "--x", "2", "--w", "0.5", "--granularity", "scalar"],
    ["long_name_of_a_weight*another_long_name", "--long_name_of_a_weight", "2", "--another_long_name", "3"],
]


@pytest.mark.parametrize("width", [40, 24])
@pytest.mark.parametrize("args", PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_trace_fits_a_narrow_terminal(args: list[str], width: int, run, terminal) -> None:
    terminal(width)
    code, out, _ = run("trace", *args)
    assert code == 0
    lines = ANSI.sub("", out).splitlines()
    assert max(display_width(line) for line in lines) <= width
    assert "Gradient:" in lines


def test_trace_fits_a_real_terminal_of_40_columns() -> None:
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "gradcli", "trace", "x*x + x*y", "--x", "3", "--y", "4", "--tree"],
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=60,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": "40", "LINES": "24", "TERM": "xterm", "PYTHONIOENCODING": "utf-8"},
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert done.returncode == 0, done.stderr
    lines = ANSI.sub("", b"".join(chunks).decode("utf-8")).replace("\r", "").splitlines()
    assert "  ∂f/∂x  = ∂f/∂x₁ + ∂f/∂x₂ + ∂f/∂x₃" in lines
    assert max(display_width(line) for line in lines) <= 40


def test_piped_trace_is_not_cut(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # a pipe has no width: the layout stays what scripts and the README see
    out = run("trace", "x*x + x*y", "--x", "3", "--y", "4").stdout
    assert "  ∂f/∂x  = ∂f/∂v1 · x + ∂f/∂v1 · x + ∂f/∂v3 · y  # x is used 3 times: one term per use" in out


# ---- item 27: tables and verdicts on a terminal ----------------------------------------------------------------


def test_eval_on_a_terminal_has_a_header_and_numbers_on_the_point(run, terminal) -> None:
    terminal()
    code, out, _ = run("eval", "sigmoid(w*x) + 12*w", "--x", "2", "--w", "0.5")
    assert code == 0
    lines = ANSI.sub("", out).splitlines()
    assert any(re.search(r"┃\s+┃ value\s+┃", line) for line in lines)
    rows = [line for line in lines if "│" in line]
    # f = 6.7311, ∂f/∂w = 12.3932, ∂f/∂x = 0.09831: the points line up.
    assert [row.split("│")[2].strip() for row in rows] == ["6.731", "12.39", "0.09831"]
    assert len({row.index(".") for row in rows}) == 1


def test_eval_on_a_terminal_marks_what_is_not_finite(run, terminal) -> None:
    terminal()
    code, out, _ = run("eval", "log(x) + y", "--x", "-1", "--y", "1")
    assert code == 3
    red = [line for line in out.splitlines() if "\x1b[1;31m" in line]  # bold red
    assert red and all("nan" in ANSI.sub("", line) for line in red)


def test_check_verdicts_in_colour_on_a_terminal(run, terminal) -> None:
    terminal()
    args = ["check", "x^2 + x*y", "--x", "3", "--y", "4", "--expect", "x=10", "--expect", "y=4"]
    out = run(*args).stdout
    assert re.search(r"\x1b\[1;32mok *\x1b\[0m", out)  # bold green
    assert re.search(r"\x1b\[1;31mWRONG *\x1b\[0m", out)  # bold red


def test_check_verdicts_plain_with_no_color(run, terminal, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    terminal()
    out = run("check", "x^2 + x*y", "--x", "3", "--y", "4", "--expect", "x=10", "--expect", "y=4").stdout
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", out)  # no colour (bold may stay)
    assert "WRONG" in out


def test_check_verdicts_plain_when_piped(run) -> None:
    out = run("check", "x^2 + x*y", "--x", "3", "--y", "4", "--expect", "x=10", "--expect", "y=4").stdout
    assert "\x1b" not in out
    assert out.splitlines()[1].startswith("∂f/∂y  WRONG  expected 4, got 3")


# ---- item 2: numbers given to options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--rtol", "inf"], "--rtol must be a finite number ≥ 0, got inf"),
        (["--rtol", "nan"], "--rtol must be a finite number ≥ 0, got nan"),
        (["--atol", "inf"], "--atol must be a finite number ≥ 0, got inf"),
        (["--atol", "-1"], "invalid value for '--atol'"),
    ],
)
def test_tolerances_are_finite(options: list[str], message: str, run) -> None:
    code, out, err = run("check", "x", "--x", "1", "--expect", "x=1", *options)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}")


def test_a_domain_as_wide_as_the_doubles(run) -> None:
    # Drawn as lo·(1 − r) + hi·r, a point never leaves [-1e308, 1e308]; x + y may overflow there, and such
    # points are skipped as not finite.
    code, out, _ = run("check", "x + y", "--domain=-1e308,1e308", "--expect", "x=1", "--expect", "y=1", "--json")
    assert code == 0
    data = strict_json(out)
    assert data["points"]["used"] == 20
    code, out, _ = run("check", "x*y", "--domain=-1e308,1e308")
    assert code in (0, 2)
