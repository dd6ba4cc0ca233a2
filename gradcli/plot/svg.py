"""The plot as SVG, written by gradcli itself: no plotting library, the same bytes every run.

f is a solid line, ∂f a dashed one, on one pair of axes (so a slope can be
read off against the curve's own scale); the tangent at ``--at`` is dotted,
with its point and its slope written beside it. Kinks are dotted vertical
lines with the convention's value as a dot where the program hits the kink
exactly, and the convention written at the top. Each curve piece is one
``<polyline>`` in a group whose class names the curve (``curve f``,
``curve df``), so a gap is visible in the file as well as in the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..numbers import fmt
from .axes import Frame, Point, clip_polyline, clip_segment, ticks
from .sampling import Curves, Kink

WIDTH = 720
PLOT_HEIGHT = 380
LEFT, RIGHT, TOP = 72, 24, 62
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
F_COLOUR, DF_COLOUR, TANGENT_COLOUR, KINK_COLOUR = "#1f5fa8", "#e07b00", "#2a9d4b", "#6b6b6b"
STYLES = {
    "f": f'stroke="{F_COLOUR}" stroke-width="2.2"',
    "df": f'stroke="{DF_COLOUR}" stroke-width="2" stroke-dasharray="7 4"',
    "tangent": f'stroke="{TANGENT_COLOUR}" stroke-width="1.8" stroke-dasharray="2 3"',
    "kink": f'stroke="{KINK_COLOUR}" stroke-width="1" stroke-dasharray="1 3"',
}
"""How each kind of line is drawn, on the chart and in the legend alike."""
MAX_KINK_LABELS = 4
"""Kinks labelled on the chart itself; every kink (up to the sampler's limit) is in the legend."""


@dataclass
class Tangent:
    """The tangent line at x0: f(x0) + slope·(x − x0); the slope is ∂f/∂x at x0, as eval gives it."""

    x0: float
    f0: float
    slope: float


@dataclass
class Labels:
    """The words of a plot: the program as title, the other variables' values, the curves' names."""

    title: str
    subtitle: str
    f: str  # "f" or the output's name
    df: str  # "∂f/∂x"
    digits: int = 4


def write_svg(curves: Curves, labels: Labels, tangent: Tangent | None) -> str:
    """The whole picture as SVG text."""
    legend = _legend_entries(curves, labels, tangent)
    height = TOP + PLOT_HEIGHT + 56 + 18 * len(legend) + 8
    y_low, y_high = curves.visible
    frame = Frame(LEFT, TOP, WIDTH - LEFT - RIGHT, PLOT_HEIGHT, curves.low, curves.high, y_low, y_high)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" font-size="12">',
        f"<title>{_escape(labels.title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text class="title" x="{WIDTH / 2:.0f}" y="24" text-anchor="middle" font-size="15">'
        f"{_escape(labels.title)}</text>",
    ]
    if labels.subtitle:
        out.append(
            f'<text class="subtitle" x="{WIDTH / 2:.0f}" y="44" text-anchor="middle" fill="#444">'
            f"{_escape(labels.subtitle)}</text>"
        )
    out.append(
        f'<defs><clipPath id="plot-area"><rect x="{frame.left}" y="{frame.top}" width="{frame.width}" '
        f'height="{frame.height}"/></clipPath></defs>'
    )
    out += _axes(frame, curves.variable, labels.digits)
    out += _kink_lines(frame, curves.kinks, labels.digits)
    out.append('<g clip-path="url(#plot-area)" fill="none" stroke-linejoin="round">')
    out += _curve("curve f", curves.f, frame, STYLES["f"])
    out += _curve("curve df", curves.df, frame, STYLES["df"])
    if tangent is not None:
        out += _tangent(frame, tangent)
    out.append("</g>")
    out += _markers(frame, curves.kinks, tangent, labels)
    out += _legend(legend, frame.bottom + 56)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _n(v: float) -> str:
    """A coordinate: two decimals are a hundredth of a pixel."""
    return f"{v:.2f}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _axes(frame: Frame, variable: str, digits: int) -> list[str]:
    out = ['<g class="grid" stroke="#e6e6e6" stroke-width="1">']
    xs, ys = ticks(frame.x_low, frame.x_high, 7), ticks(frame.y_low, frame.y_high, 6)
    out += [f'<line x1="{_n(frame.px(x))}" y1="{frame.top}" x2="{_n(frame.px(x))}" y2="{frame.bottom}"/>' for x in xs]
    out += [f'<line x1="{frame.left}" y1="{_n(frame.py(y))}" x2="{frame.right}" y2="{_n(frame.py(y))}"/>' for y in ys]
    out.append("</g>")
    out.append('<g class="zero" stroke="#8c8c8c" stroke-width="1.2">')  # the axes through 0, where they show
    if frame.y_low <= 0 <= frame.y_high:
        out.append(f'<line x1="{frame.left}" y1="{_n(frame.py(0))}" x2="{frame.right}" y2="{_n(frame.py(0))}"/>')
    if frame.x_low <= 0 <= frame.x_high:
        out.append(f'<line x1="{_n(frame.px(0))}" y1="{frame.top}" x2="{_n(frame.px(0))}" y2="{frame.bottom}"/>')
    out.append("</g>")
    out.append(
        f'<rect class="frame" x="{frame.left}" y="{frame.top}" width="{frame.width}" height="{frame.height}" '
        'fill="none" stroke="#333" stroke-width="1"/>'
    )
    out.append('<g class="ticks" fill="#333">')
    for x in xs:
        px = _n(frame.px(x))
        out.append(f'<line x1="{px}" y1="{frame.bottom}" x2="{px}" y2="{frame.bottom + 5}" stroke="#333"/>')
        out.append(f'<text x="{px}" y="{frame.bottom + 19}" text-anchor="middle">{_escape(fmt(x, digits))}</text>')
    for y in ys:
        py = _n(frame.py(y))
        out.append(f'<line x1="{frame.left - 5}" y1="{py}" x2="{frame.left}" y2="{py}" stroke="#333"/>')
        out.append(
            f'<text x="{frame.left - 8}" y="{frame.py(y) + 4:.2f}" text-anchor="end">{_escape(fmt(y, digits))}</text>'
        )
    out.append("</g>")
    out.append(
        f'<text class="axis-label" x="{frame.left + frame.width / 2:.0f}" y="{frame.bottom + 38}" '
        f'text-anchor="middle" font-style="italic" font-size="13">{_escape(variable)}</text>'
    )
    return out


def _box(frame: Frame) -> tuple[float, float, float, float]:
    """Where lines are kept: the plotting area and a margin (the clip path trims the rest)."""
    return frame.left - 10, frame.top - 10, frame.right + 10, frame.bottom + 10


def _curve(kind: str, pieces: list[list[Point]], frame: Frame, style: str) -> list[str]:
    out = [f'<g class="{kind}" {style}>']
    for piece in pieces:
        for part in clip_polyline(frame.pixels(piece), _box(frame)):
            if len(part) == 1:
                part = [part[0], part[0]]  # a single point: a dot of line-cap width
            coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in part)
            out.append(f'<polyline points="{coords}" stroke-linecap="round"/>')
    out.append("</g>")
    return out


def _tangent(frame: Frame, tangent: Tangent) -> list[str]:
    a = (frame.x_low, tangent.f0 + tangent.slope * (frame.x_low - tangent.x0))
    b = (frame.x_high, tangent.f0 + tangent.slope * (frame.x_high - tangent.x0))
    a_px, b_px = frame.pixels([a, b])
    segment = clip_segment(a_px, b_px, _box(frame))
    if segment is None:
        return []
    (x1, y1), (x2, y2) = segment
    return [
        f'<g class="tangent" {STYLES["tangent"]}><line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/></g>'
    ]


def _kink_lines(frame: Frame, kinks: list[Kink], digits: int) -> list[str]:
    if not kinks:
        return []
    out = [f'<g class="kinks" {STYLES["kink"]}>']
    for kink in kinks:
        px = _n(frame.px(kink.x))
        out.append(f'<line x1="{px}" y1="{frame.top}" x2="{px}" y2="{frame.bottom}"/>')
    out.append("</g>")
    if len(kinks) <= MAX_KINK_LABELS:
        out.append(f'<g class="kink-labels" fill="{KINK_COLOUR}" font-size="11">')
        for i, kink in enumerate(kinks):
            px = frame.px(kink.x)
            anchor, shift = ("end", -5) if px > frame.right - 120 else ("start", 5)  # beside the line, not on it
            y = frame.top + 14 + 14 * (i % 2)  # alternate rows, so that neighbours do not collide
            out.append(f'<text x="{_n(px + shift)}" y="{y}" text-anchor="{anchor}">{_escape(short_label(kink))}</text>')
        out.append("</g>")
    return out


def short_label(kink: Kink) -> str:
    """What a kink's mark says on the chart: the convention (``relu'(0) = 0``, ``max tie: ½ each``)."""
    return f"{kink.op} tie: ½ each" if kink.tie else kink.convention


def _markers(frame: Frame, kinks: list[Kink], tangent: Tangent | None, labels: Labels) -> list[str]:
    out = []
    exact = [k for k in kinks if k.exact and frame.y_low <= k.derivative <= frame.y_high]
    if exact:
        # The derivative the convention gives, drawn where the program sits exactly on the kink.
        out.append(f'<g class="kink-dots" fill="{DF_COLOUR}" stroke="white" stroke-width="1.2">')
        out += [f'<circle cx="{_n(frame.px(k.x))}" cy="{_n(frame.py(k.derivative))}" r="4.5"/>' for k in exact]
        out.append("</g>")
    if tangent is not None and frame.y_low <= tangent.f0 <= frame.y_high:
        px, py = frame.px(tangent.x0), frame.py(tangent.f0)
        text = f"slope {fmt(tangent.slope, labels.digits)}"
        anchor, dx = ("end", -9) if px > frame.right - 120 else ("start", 9)
        dy = 16 if tangent.slope > 0 else -10  # beside the line, on the side it does not climb into
        out.append(f'<g class="tangent-point" fill="{TANGENT_COLOUR}">')
        out.append(f'<circle cx="{_n(px)}" cy="{_n(py)}" r="4.5" stroke="white" stroke-width="1.2"/>')
        out.append(
            f'<text class="slope" x="{_n(px + dx)}" y="{_n(py + dy)}" text-anchor="{anchor}" font-size="13" '
            f'font-weight="bold">{_escape(text)}</text>'
        )
        out.append("</g>")
    return out


def _legend_entries(curves: Curves, labels: Labels, tangent: Tangent | None) -> list[tuple[str, str]]:
    """(style, text) per line of the legend."""
    entries = [("f", f"{labels.f} = {labels.title}" if len(labels.title) <= 60 else labels.f), ("df", labels.df)]
    if tangent is not None:
        entries.append(("tangent", tangent_text(curves.variable, labels, tangent)))
    entries += [("kink", kink_text(curves.variable, kink, labels.digits)) for kink in curves.kinks[:6]]
    hidden = len(curves.kinks) - 6
    if curves.more_kinks:
        entries.append(("kink", f"and more kinks: the first {len(curves.kinks)} are marked"))
    elif hidden > 0:
        entries.append(("kink", f"and {hidden} more kinks, marked on the chart"))
    return entries


def tangent_text(variable: str, labels: Labels, tangent: Tangent) -> str:
    """The tangent's line of the legend (the SVG's and the terminal's)."""
    d = labels.digits
    return f"tangent at {variable} = {fmt(tangent.x0, d)}: slope ∂{labels.f}/∂{variable} = {fmt(tangent.slope, d)}"


def kink_text(variable: str, kink: Kink, digits: int) -> str:
    """A kink's line of the legend: where it is, what it is, and the convention used there."""
    sign = "=" if kink.exact else "≈"
    what = "a tie of" if kink.tie else "a kink of"
    return f"{variable} {sign} {fmt(kink.x, digits)}: {what} {kink.snippet}; {kink.convention}"


def _legend(entries: list[tuple[str, str]], top: float) -> list[str]:
    out = ['<g class="legend">']
    for i, (kind, text) in enumerate(entries):
        y = top + 18 * i
        out.append(f'<line x1="{LEFT}" y1="{y - 4}" x2="{LEFT + 34}" y2="{y - 4}" {STYLES[kind]}/>')
        out.append(f'<text x="{LEFT + 44}" y="{y}" fill="#222">{_escape(text)}</text>')
    out.append("</g>")
    return out
