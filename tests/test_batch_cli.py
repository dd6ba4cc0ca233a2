"""`gradcli eval --points` and `--grid` through the command line (contract, section 8).

Ground truth: numbers worked out by hand, and `gradcli eval` at each point
(its own tests hold it to SymPy): a row of the batch must be what eval prints
there, to the last byte in JSON Lines.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys

import pytest

import gradcli.batch

SIGMOID = "sigmoid(w*x + b)"


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(params=[True, False], ids=["numpy", "one-at-a-time"])
def engine(request, monkeypatch) -> bool:
    """Every CLI test runs with NumPy and as if it were not installed: the output must be the same."""
    monkeypatch.setattr(gradcli.batch, "numpy_available", lambda: request.param)
    return request.param


# ---- CSV in, CSV out ----------------------------------------------------------------------------


def test_the_issue_example_by_hand(run, tmp_path, engine) -> None:
    data = write(tmp_path, "data.csv", "x\n0\n2\n-2\n")
    code, out, err = run("eval", SIGMOID, "--points", data, "--w", "0.5", "--b", "0")
    assert (code, err) == (0, "")
    table = rows(out)
    assert table[0] == ["x", "f", "df/dw", "df/dx", "df/db"]
    # At x = 0: σ(0) = 1/2, σ' = 1/4: ∂/∂w = x·σ' = 0, ∂/∂x = w·σ' = 1/8, ∂/∂b = 1/4.
    assert table[1] == ["0.0", "0.5", "0.0", "0.125", "0.25"]
    s = 1 / (1 + math.exp(-1.0))  # at x = 2, w*x + b = 1
    assert [float(v) for v in table[2]] == pytest.approx([2, s, 2 * s * (1 - s), 0.5 * s * (1 - s), s * (1 - s)])
    assert len(table) == 4


def test_every_row_is_what_eval_prints(run, tmp_path, loads, engine) -> None:
    """JSON Lines: one eval --json object per row, byte for byte, non-finite and kink rows included."""
    program = "relu(x) + log(x) * w"
    xs = ["2", "0", "-1", "0.1", "1e-300", "3"]
    data = write(tmp_path, "p.csv", "x\n" + "\n".join(xs) + "\n")
    code, out, err = run("eval", program, "--points", data, "--w", "0.5", "--json")
    assert code == 3
    lines = out.splitlines()
    assert len(lines) == len(xs)
    for x, line in zip(xs, lines):
        single = run("eval", program, "--x", x, "--w", "0.5", "--json")
        assert line == single.stdout.rstrip("\n")
        data_ = loads(line)
        assert list(data_) == ["expression", "value", "gradient", "diagnostics"]
    assert "2 of 6 points have a value or derivative that is not finite" in err
    assert "the first is row 2 of" in err and "where x = 0: log(x)" in err and "log of 0 is -infinity" in err
    assert "1 of 6 points sits on a kink" in err and "relu'(0) = 0" in err


def test_json_lines_escape_control_characters_as_eval_does(run, tmp_path, engine) -> None:
    program = "x # \x7f\x85"  # DEL and a C1 control in a comment
    data = write(tmp_path, "p.csv", "x\n1\n")
    line = run("eval", program, "--points", data, "--json").stdout
    assert line == run("eval", program, "--x", "1", "--json").stdout
    assert "\\u007f\\u0085" in line


def test_csv_numbers_equal_eval_and_read_back_exactly(run, tmp_path, engine) -> None:
    """Full precision: every number reads back as the same double, and equals eval --json's."""
    xs = ["0.1", "1e-300", "5e-324", "-0.0", "1.7976931348623157e308", "3.141592653589793", "-2.5"]
    data = write(tmp_path, "p.csv", "x\n" + "\n".join(xs) + "\n")
    code, out, _ = run("eval", "x*y + sin(x)", "--points", data, "--y", "0.3")
    assert code == 0
    table = rows(out)
    for x, row in zip(xs, table[1:]):
        assert float(row[0]) == float(x) and math.copysign(1, float(row[0])) == math.copysign(1, float(x))
        single = json.loads(run("eval", "x*y + sin(x)", "--x", x, "--y", "0.3", "--json").stdout)
        assert [float(v) for v in row[1:]] == [single["value"], *single["gradient"].values()]
    # Round trip: the output read back as points (its f and df columns skipped) gives the same output.
    again = write(tmp_path, "out.csv", out)
    code, out2, _ = run("eval", "x*y + sin(x)", "--points", again, "--y", "0.3", "--ignore-unused")
    assert code == 0
    assert rows(out2)[0] == ["x", "f", "df/dx", "df/dy", "f", "df/dx", "df/dy"]
    assert [r[:4] for r in rows(out2)[1:]] == table[1:]
    assert [r[4:] for r in rows(out2)[1:]] == [r[1:] for r in table[1:]]


def test_powers_equal_eval_to_the_last_bit(run, tmp_path, engine) -> None:
    """x^2, x^0.5 and x^-1 are C's pow in eval: NumPy's square, sqrt and reciprocal round differently."""
    xs = ["8.237813583927716", "9.836809790137455", "0", "2.5"]
    data = write(tmp_path, "p.csv", "x\n" + "\n".join(xs) + "\n")
    for program in ("x^2", "x^-1 + (-x)^0.5", "x^y"):
        extra = ["--y", "2"] if program == "x^y" else []
        _, out, _ = run("eval", program, "--points", data, "--json", *extra)
        for x, line in zip(xs, out.splitlines()):
            assert line == run("eval", program, "--x", x, "--json", *extra).stdout.rstrip("\n"), (program, x)


def test_points_from_standard_input_with_a_byte_order_mark_and_spaces(run, engine) -> None:
    code, out, _ = run("eval", "x*y", "--points", "-", input='\ufeffx , y\r\n 2 , 3\r\n\r\n"4",5\r\n')
    assert code == 0
    assert rows(out) == [["x", "y", "f", "df/dx", "df/dy"], ["2.0", "3.0", "6.0", "3.0", "2.0"],
                         ["4.0", "5.0", "20.0", "5.0", "4.0"]]  # fmt: skip


def test_assigned_output_name_and_wrt(run, tmp_path, engine) -> None:
    data = write(tmp_path, "p.csv", "x\n1\n")
    code, out, _ = run("eval", "y = x^3", "--points", data, "--wrt", "x")
    assert (code, rows(out)) == (0, [["x", "y", "dy/dx"], ["1.0", "1.0", "3.0"]])


def test_an_empty_table_is_its_header(run, tmp_path, engine) -> None:
    code, out, err = run("eval", "x^2", "--points", write(tmp_path, "p.csv", "x\n"))
    assert (code, out, err) == (0, "x,f,df/dx\n", "")


# ---- grids --------------------------------------------------------------------------------------


def test_grid_values_and_order(run, engine) -> None:
    code, out, _ = run("eval", "x^3 - 3*x", "--grid", "x=-3:3:7")
    assert code == 0
    # x^3 - 3x and 3x^2 - 3, by hand.
    assert [(float(x), float(f), float(d)) for x, f, d in rows(out)[1:]] == [
        (x, x**3 - 3 * x, 3 * x**2 - 3) for x in (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    ]
    code, out, _ = run("eval", "x*y", "--grid", "x=0:1:2", "--grid", "y=-pi:pi:3")
    assert [(r[0], r[1]) for r in rows(out)[1:]] == [
        ("0.0", repr(-math.pi)), ("0.0", "0.0"), ("0.0", repr(math.pi)),
        ("1.0", repr(-math.pi)), ("1.0", "0.0"), ("1.0", repr(math.pi)),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "x=0:1"], "--grid x needs LO:HI:N"),
        (["--grid", "x=0:1:0"], "N must be a whole number of points, at least 1"),
        (["--grid", "x:0:1:3"], "--grid takes NAME=LO:HI:N"),
        (["--grid", "x=a:1:3"], "must be a number"),
        (["--grid", "x=0:1:10000", "--grid", "y=0:1:10000"], "the grid has 100,000,000 points"),
        (["--grid", "x=0:1:3", "--grid", "x=0:1:3"], "--grid gives x twice"),
        (["--grid", "z=0:1:3", "--y", "1"], "z is given a value but the program does not use it"),
        (["--grid", "x=0:1:3"], "no value for y"),
        (["--grid", "x=0:1:3", "--x", "2", "--y", "1"], "x is given twice"),
        (["--grid", "x=0:1:3", "--y", "1", "--mode", "forward"], "reverse mode only"),
    ],
)
def test_grid_errors(run, args: list[str], message: str) -> None:
    code, out, err = run("eval", "x*y", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y\n1,2\n3,abc\n", "row 2 of data.csv (line 3), column y: 'abc' is not a number"),
        ("x,y\n1,2\n3\n", "row 2 of data.csv (line 3) has 1 cell for 2 columns: no value for y"),
        ("x,y\n1,2,3\n", "row 1 of data.csv (line 2) has 3 cells but the header names 2 columns"),
        ("x,y\n1,\n", "row 1 of data.csv (line 2), column y is empty"),
        ("x,y\n\n1,2\n\n4,inf\n", "row 2 of data.csv (line 5), column y: the value must be a finite number"),
        ("x,y\n1,nan\n", "row 1 of data.csv (line 2), column y: the value must be a finite number"),
        ("", "data.csv has no header"),
        ("x,,y\n1,2,3\n", "column 2 of data.csv's header has no name"),
        ("x,x\n1,2\n", "the column x appears twice"),
        ("x,y,z\n1,2,3\n", "the column z of data.csv is not a variable of the program"),
        ("x,yy\n1,2\n", "did you mean y?"),
        ("x\n1\n", "no value for y"),
        ("x,y,pi\n1,2,3\n", "the column pi of data.csv is a constant, not a variable"),
        ("x;y\n1;2\n", "data.csv's header is one column, 'x;y': its columns are separated by semicolons"),
    ],
)
def test_bad_files_name_the_row_and_column(run, tmp_path, engine, text: str, message: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("eval", "x*y", "--points", str(path))
    assert (code, out) == (2, ""), err
    assert err.startswith("error: ") and message.replace("data.csv", str(path)) in err, err


def test_a_column_named_as_an_assigned_name_says_so(run, tmp_path, engine) -> None:
    data = write(tmp_path, "p.csv", "x,z\n1,2\n")
    code, out, err = run("eval", "z = x*x; z + x", "--points", data)
    assert (code, out) == (2, "")
    assert "the column z of" in err and "is assigned in the program (at line 1, column 1), not a variable" in err
    code, out, _ = run("eval", "z = x*x; z + x", "--points", data, "--ignore-unused")  # an earlier output read back
    assert (code, rows(out)) == (0, [["x", "z", "f", "df/dx"], ["1.0", "2.0", "2.0", "3.0"]])


def test_unused_columns_are_kept_with_ignore_unused(run, tmp_path, engine) -> None:
    data = write(tmp_path, "p.csv", "id,x\n7,2\n8,3\n")
    code, out, _ = run("eval", "x^2", "--points", data, "--ignore-unused")
    assert (code, rows(out)) == (
        0,
        [["id", "x", "f", "df/dx"], ["7.0", "2.0", "4.0", "4.0"], ["8.0", "3.0", "9.0", "6.0"]],
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--points", "-", "--grid", "x=0:1:2"], "not both"),
        (["--points", "/no/such.csv"], "no such file: /no/such.csv"),
        (["--points", "data.csv", "--x", "1"], "x is given twice"),
        (["--points", "data.csv", "--xx", "1"], "xx is given a value but the program does not use it"),
    ],
)
def test_usage_errors(run, tmp_path, monkeypatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "data.csv", "x\n1\n")
    code, out, err = run("eval", "x^2", *args)
    assert (code, out) == (2, "") and message in err, err


def test_program_and_points_cannot_both_be_standard_input(run) -> None:
    code, _, err = run("eval", "-", "--points", "-", input="x^2")
    assert code == 2 and "cannot both come from standard input" in err


def test_a_bad_row_with_json_prints_the_json_error_object(run, tmp_path, loads) -> None:
    code, out, err = run("eval", "x", "--points", write(tmp_path, "p.csv", "x\nabc\n"), "--json")
    assert code == 2 and "is not a number" in err
    assert loads(out)["diagnostics"][0]["severity"] == "error"


def test_nonfinite_rows_are_written_and_counted(run, tmp_path, engine) -> None:
    data = write(tmp_path, "p.csv", "x\n4\n0\n-1\n")
    code, out, err = run("eval", "sqrt(x)", "--points", data)
    assert code == 3
    # sqrt(4) = 2, d/dx = 1/(2·2); at 0 the derivative is infinite; at -1 NaN.
    assert rows(out)[1:] == [["4.0", "2.0", "0.25"], ["0.0", "0.0", "inf"], ["-1.0", "nan", "nan"]]
    assert "2 of 3 points have a value or derivative that is not finite" in err
    assert "the first is row 2 of" in err and "where x = 0" in err
    assert err.count("\n  sqrt(x)\n  ^^^^^^^") == 1  # the caret under the operation, once


def test_neither_scalar_eval_nor_plot_imports_numpy() -> None:
    """NumPy costs about 1.5x gradcli's start-up: only --points and --grid may load it."""
    script = (
        "import sys\n"
        "from gradcli.cli import cli\n"
        "for args in (['eval', 'x^2', '--x', '3', '--json'], ['plot', 'x^2', '--x', '0:1', '--samples', '5']):\n"
        "    assert cli.main(args, standalone_mode=False) == 0\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
