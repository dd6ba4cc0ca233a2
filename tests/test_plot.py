"""`gradcli plot`: the SVG is XML with the curves, gaps, kinks and tangent it should have.

Ground truth: derivatives by hand (σ' = σ(1 − σ), d/dx x³ − 3x = 3x² − 3),
`gradcli eval` for the tangent's slope, and the positions of poles and kinks
(π/2, 0, 1) known from the functions themselves.
"""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import gradcli
from gradcli.plot import plot
from gradcli.plot.axes import Frame
from gradcli.plot.svg import LEFT, PLOT_HEIGHT, RIGHT, TOP, WIDTH

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def polylines(root: ET.Element, kind: str) -> list[list[tuple[float, float]]]:
    group = root.find(f".//{SVG}g[@class='curve {kind}']")
    assert group is not None, kind
    return [
        [tuple(map(float, p.split(","))) for p in line.get("points").split()] for line in group.iter(f"{SVG}polyline")
    ]


def frame_of(picture) -> Frame:
    low, high = picture.curves.visible
    c = picture.curves
    return Frame(LEFT, TOP, WIDTH - LEFT - RIGHT, PLOT_HEIGHT, c.low, c.high, low, high)


def data_x(frame: Frame, px: float) -> float:
    return frame.x_low + (px - frame.left) / frame.width * (frame.x_high - frame.x_low)


def data_y(frame: Frame, py: float) -> float:
    return frame.y_high - (py - frame.top) / frame.height * (frame.y_high - frame.y_low)


def test_sigmoid_and_its_derivative(run, tmp_path) -> None:
    out = tmp_path / "s.svg"
    code, stdout, stderr = run("plot", "sigmoid(x)", "--x", "-6:6", "-o", str(out))
    assert (code, stdout, stderr) == (0, "", "")
    root = parse(out.read_text(encoding="utf-8"))
    assert len(polylines(root, "f")) == 1 and len(polylines(root, "df")) == 1
    assert root.find(f"{SVG}title").text == "sigmoid(x)"
    picture = plot(gradcli.build("sigmoid(x)"), "x", -6, 6, {})
    frame = frame_of(picture)
    # Each drawn point of the dashed curve is σ(x)(1 − σ(x)), the seed's rule, to a hundredth of a pixel.
    for px, py in polylines(root, "df")[0][::40]:
        x = data_x(frame, px)
        s = 1 / (1 + math.exp(-x))
        assert data_y(frame, py) == pytest.approx(
            s * (1 - s), abs=0.01 * (frame.y_high - frame.y_low) / frame.height * 2
        )


def test_the_same_input_gives_the_same_bytes(run, tmp_path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    for path in (a, b):
        assert run("plot", "relu(x) + abs(x - 1)", "--x", "-2:3", "--at", "2", "-o", str(path)).code == 0
    assert a.read_bytes() == b.read_bytes()


def test_the_tangent_has_evals_slope(run, tmp_path) -> None:
    out = tmp_path / "t.svg"
    assert run("plot", "x^3 - 3*x", "--x", "-3:3", "--at", "1.5", "-o", str(out)).code == 0
    svg = out.read_text(encoding="utf-8")
    slope = gradcli.evaluate("x^3 - 3*x", x=1.5).gradient["x"]
    assert slope == 3 * 1.5**2 - 3  # 3.75, by hand
    assert "slope ∂f/∂x = 3.75" in svg and ">slope 3.75<" in svg
    line = parse(svg).find(f".//{SVG}g[@class='tangent']/{SVG}line")
    picture = plot(gradcli.build("x^3 - 3*x"), "x", -3, 3, {}, at=1.5)
    assert picture.tangent.slope == slope
    frame = frame_of(picture)
    x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
    drawn = (data_y(frame, y2) - data_y(frame, y1)) / (data_x(frame, x2) - data_x(frame, x1))
    assert drawn == pytest.approx(slope, rel=1e-3)
    # ... and it passes through (1.5, f(1.5)).
    at = data_y(frame, y1) + drawn * (1.5 - data_x(frame, x1))
    assert at == pytest.approx(1.5**3 - 4.5, abs=0.05)


@pytest.mark.parametrize(
    ("program", "low", "high", "poles"), [("1/x", -1, 1, [0.0]), ("tan(x)", -3, 3, [-math.pi / 2, math.pi / 2])]
)
def test_a_pole_gives_a_gap(run, tmp_path, program: str, low: float, high: float, poles: list[float]) -> None:
    out = tmp_path / "p.svg"
    code, _, _ = run("plot", program, "--x", f"{low}:{high}", "-o", str(out))
    assert code == 0 and out.exists()
    root = parse(out.read_text(encoding="utf-8"))
    picture = plot(gradcli.build(program), "x", low, high, {})
    frame = frame_of(picture)
    pieces = polylines(root, "f")
    assert len(pieces) == len(poles) + 1
    for piece in pieces:  # no piece runs across a pole
        xs = [data_x(frame, px) for px, _ in piece]
        for pole in poles:
            assert max(xs) < pole + 1e-9 or min(xs) > pole - 1e-9, (pole, min(xs), max(xs))


def test_a_pole_in_the_range_is_a_normal_plot_with_a_note(run, tmp_path) -> None:
    """1/x over -1:1 samples x = 0: the plot is what was asked for (exit 0, for scripts under set -e)."""
    out = tmp_path / "p.svg"
    code, stdout, err = run("plot", "1/x", "--x", "-1:1", "-o", str(out))
    assert (code, stdout) == (0, "") and out.exists()
    assert err.startswith("note: f or its derivative is not finite at 1 sampled point (left as gaps)")
    assert "x = 0" in err and "division by zero" in err


def test_no_curve_at_all_or_no_tangent_exits_3_with_the_file_written(run, tmp_path) -> None:
    out = tmp_path / "p.svg"
    code, _, err = run("plot", "log(x)", "--x", "-2:-1", "-o", str(out))
    assert code == 3 and out.exists() and polylines(parse(out.read_text(encoding="utf-8")), "f") == []
    assert err.startswith("error: f is not finite anywhere in the range") and "log of -2 is undefined" in err
    out.unlink()
    code, _, err = run("plot", "1/x", "--x", "-1:1", "--at", "0", "-o", str(out))
    assert code == 3 and out.exists()
    assert "error: no tangent: 1/x at line 1, column 1: division by zero" in err


def test_kinks_are_marked_with_their_conventions(run, tmp_path) -> None:
    out = tmp_path / "k.svg"
    assert run("plot", "relu(x) + abs(x - 1)", "--x", "-2:3", "-o", str(out)).code == 0
    svg = out.read_text(encoding="utf-8")
    root = parse(svg)
    lines = root.findall(f".//{SVG}g[@class='kinks']/{SVG}line")
    picture = plot(gradcli.build("relu(x) + abs(x - 1)"), "x", -2, 3, {})
    frame = frame_of(picture)
    assert sorted(round(data_x(frame, float(line.get("x1"))), 6) for line in lines) == [0.0, 1.0]
    assert "relu'(0) = 0" in svg and "abs'(0) = 0" in svg
    # The dots: f' = relu'(0) + abs'(-1) = 0 - 1 at x = 0, and relu'(1) + abs'(0) = 1 + 0 at x = 1.
    dots = root.findall(f".//{SVG}g[@class='kink-dots']/{SVG}circle")
    assert sorted((round(data_x(frame, float(c.get("cx"))), 6), round(data_y(frame, float(c.get("cy"))), 2))
                  for c in dots) == [(0.0, -1.0), (1.0, 1.0)]  # fmt: skip
    # f' is three flat pieces (-1, 0, 2), none joined across a kink.
    assert len(polylines(root, "df")) == 3


def test_a_tie_of_max_is_labelled(run) -> None:
    code, out, _ = run("plot", "max(x, 1 - x)", "--x", "-1:2")
    assert code == 0
    assert "x = 0.5: a tie of max(x, 1 - x); a tie splits the gradient equally" in out


def test_wrt_draws_another_partial(run) -> None:
    picture = plot(gradcli.build("sigmoid(w*x)"), "x", -6, 6, {"w": 1.5}, wrt="w", samples=5)
    # ∂/∂w σ(wx) = x σ(wx)(1 − σ(wx)), by hand, at the five samples.
    for x, d in picture.curves.df[0]:
        s = 1 / (1 + math.exp(-1.5 * x))
        assert d == pytest.approx(x * s * (1 - s), rel=1e-12, abs=1e-15)
    assert picture.labels.df == "∂f/∂w" and picture.labels.subtitle == "with w = 1.5"


def test_text_plot(run) -> None:
    code, out, err = run("plot", "x^2", "--x", "-2:2", "--at", "1")
    assert (code, err) == (0, "")
    assert any("\u2800" < c <= "\u28ff" for c in out)
    assert "f = x^2" in out and "∂f/∂x" in out and "tangent at x = 1: slope ∂f/∂x = 2" in out


def test_png(run, tmp_path) -> None:
    pytest.importorskip("cairosvg")
    out = tmp_path / "p.png"
    assert run("plot", "sigmoid(w*x)", "--x", "-6:6", "--w", "1.5", "-o", str(out)).code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_without_cairosvg_exits_4_and_writes_nothing(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import cairosvg now raises ImportError
    out = tmp_path / "p.png"
    code, _, err = run("plot", "x^2", "--x", "-1:1", "-o", str(out))
    assert code == 4 and not out.exists()
    assert err.startswith("error: PNG needs CairoSVG") and "pip install 'gradcli[plot]'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x^2"], "plot needs the range of the variable to plot along"),
        (["x*y", "--x", "0:1", "--y", "0:1"], "ranges are given for x and y"),
        (["x^2", "--x", "1:0"], "must run from low to high"),
        (["x^2", "--x", "-1e308:1e308"], "--x -1e308:1e308: the range is too wide for a double"),
        (["x^2", "--x", "0:1", "--at", "2"], "outside the plotted range"),
        (["x^2", "--x", "0:1", "-o", "p.pdf"], "cannot tell the format"),
        (["x^2", "--x", "0:1", "--format", "png"], "a PNG goes to a file"),
        (["x*y", "--x", "0:1"], "no value for y"),
        (["x^2", "--x", "0:1", "--wrt", "q"], "--wrt names q"),
        (["x^2", "--x", "-1:1", "-v", "q:r=1"], "-v takes NAME=VALUE, got 'q:r=1'"),  # only a value may be a range
    ],
)
def test_usage_errors(run, args: list[str], message: str) -> None:
    code, out, err = run("plot", *args)
    assert (code, out) == (2, "") and message in err, err


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("sigmoid-plot.svg", ["sigmoid(x)", "--x", "-6:6"]),
        ("tangent-plot.svg", ["x^3 - 3*x", "--x", "-3:3", "--at", "1.5"]),
        ("kinks-plot.svg", ["relu(x) + abs(x - 1)", "--x", "-2:3"]),
    ],
)
def test_the_committed_examples_are_what_gradcli_draws(run, tmp_path, name: str, args: list[str]) -> None:
    out = tmp_path / name
    assert run("plot", *args, "-o", str(out)).code == 0
    assert out.read_bytes() == (EXAMPLES / name).read_bytes()


def test_a_program_file_with_comments_and_a_values_file(run, tmp_path) -> None:
    """The range on the command line overrides the --values file; the title is the code, not the comments."""
    out = tmp_path / "mlp.svg"
    args = ["-f", str(EXAMPLES / "mlp.grad"), "--values", str(EXAMPLES / "mlp.json"), "--w11", "-2:2", "-o", str(out)]
    code, _, err = run("plot", *args)
    assert code == 0, err
    root = parse(out.read_text(encoding="utf-8"))
    title = root.find(f".//{SVG}text[@class='title']").text
    assert title.startswith("h1 = tanh(w11*x1 + w12*x2 + b1); h2 = ") and title.endswith("…") and len(title) == 72
    subtitle = root.find(f".//{SVG}text[@class='subtitle']").text
    assert subtitle.startswith("with x1 = 1, w12 = -0.25,") and subtitle.endswith(", … (11 values)")
    assert "w11" not in subtitle and len(subtitle) <= 96
    code, _, err = run("plot", "x*w", "--x", "0:1", "--w", "1", "-v", "w=2")
    assert code == 2 and "w is given twice" in err
    code, _, err = run("plot", "x*w", "--x", "0:1", "--w", "1", "-v", "x=2")
    assert code == 2 and "x is given both a range and a value" in err


def test_a_kink_at_zero_between_samples_is_found_exactly(run) -> None:
    """-1:2 does not sample 0; relu's kink there is located to the double 0 itself, not ≈ -2e-23."""
    code, out, _ = run("plot", "relu(x)", "--x", "-1:2")
    assert code == 0 and out.rstrip().endswith("x = 0: a kink of relu(x); relu'(0) = 0")
    picture = plot(gradcli.build("relu(x)"), "x", -1, 2, {})
    assert [(k.x, k.exact, k.derivative) for k in picture.curves.kinks] == [(0.0, True, 0.0)]  # relu'(0) = 0
    picture = plot(gradcli.build("abs(x - 1e-300)"), "x", -1, 2, {})
    assert [(k.x, k.exact) for k in picture.curves.kinks] == [(1e-300, True)]
