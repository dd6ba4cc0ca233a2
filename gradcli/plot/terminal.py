"""The plot in a terminal, for a quick look: Unicode Braille dots, 2 × 4 to a character.

f is drawn with every dot, ∂f with every other dot (so that the two can be
told apart without colour), the tangent with one dot in four. On a terminal
that takes colour (and without ``NO_COLOR``) each curve also gets its colour.
The y range is written at the left, the x range below, and every kink with
its convention under the plot.
"""

from __future__ import annotations

from ..numbers import fmt
from .axes import Frame, Point, clip_polyline
from .sampling import Curves
from .svg import Labels, Tangent, kink_text, tangent_text

_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # Braille bit of (row, column) in a cell
_COLOURS = {"f": "34", "df": "33", "tangent": "32"}  # ANSI blue, yellow, green
_PATTERN = {"f": 1, "df": 2, "tangent": 4}  # draw every n-th dot along the line


def write_text(curves: Curves, labels: Labels, tangent: Tangent | None, *, width: int = 72, height: int = 20,
               colour: bool = False) -> str:  # fmt: skip
    """The plot as lines of text, ``width`` × ``height`` characters for the plotting area."""
    y_low, y_high = curves.visible
    dots_w, dots_h = width * 2, height * 4
    frame = Frame(0, 0, dots_w - 1, dots_h - 1, curves.low, curves.high, y_low, y_high)
    layers: dict[str, set[tuple[int, int]]] = {}
    layers["f"] = _draw(frame, curves.f, _PATTERN["f"])
    layers["df"] = _draw(frame, curves.df, _PATTERN["df"])
    if tangent is not None:
        line = [(x, tangent.f0 + tangent.slope * (x - tangent.x0)) for x in (curves.low, curves.high)]
        layers["tangent"] = _draw(frame, [line], _PATTERN["tangent"])
    cells: dict[tuple[int, int], tuple[int, set[str]]] = {}
    for name, dots in layers.items():
        for dx, dy in dots:
            key = (dy // 4, dx // 2)
            bits, names = cells.get(key, (0, set()))
            cells[key] = (bits | _DOTS[dy % 4][dx % 2], names | {name})
    top, bottom = fmt(y_high, labels.digits), fmt(y_low, labels.digits)
    margin = max(len(top), len(bottom)) + 1
    lines = [labels.title, *([labels.subtitle] if labels.subtitle else [])]
    for row in range(height):
        label = top if row == 0 else bottom if row == height - 1 else ""
        chars = []
        for column in range(width):
            bits, names = cells.get((row, column), (0, set()))
            char = chr(0x2800 + bits) if bits else " "
            if colour and len(names) == 1:
                char = f"\x1b[{_COLOURS[next(iter(names))]}m{char}\x1b[0m"
            chars.append(char)
        lines.append(f"{label:>{margin}}┤{''.join(chars)}".rstrip())
    left, right = fmt(curves.low, labels.digits), fmt(curves.high, labels.digits)
    lines.append(" " * margin + "└" + "─" * width)
    axis = f"{left}{curves.variable:^{max(1, width - len(left) - len(right))}}{right}"
    lines.append(" " * (margin + 1) + axis)
    lines.append(f"{'⣿⣿':>{margin + 3}} {labels.f} = {labels.title}")
    lines.append(f"{'⡁⡁':>{margin + 3}} {labels.df}")
    if tangent is not None:
        lines.append(f"{'⠁ ⠁':>{margin + 3}} {tangent_text(curves.variable, labels, tangent)}")
    lines += [f"{'':>{margin + 3}} {kink_text(curves.variable, kink, labels.digits)}" for kink in curves.kinks]
    return "\n".join(lines) + "\n"


def _draw(frame: Frame, pieces: list[list[Point]], every: int) -> set[tuple[int, int]]:
    """The dots of the curve's pieces, on a grid of frame.width + 1 by frame.height + 1 dots."""
    dots: set[tuple[int, int]] = set()
    box = (0.0, 0.0, frame.width, frame.height)
    for piece in pieces:
        for part in clip_polyline(frame.pixels(piece), box):
            count, last = 0, None
            for (x0, y0), (x1, y1) in zip(part, part[1:] or part):
                steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0))))
                for s in range(steps + 1):
                    t = s / steps
                    dot = (round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t))
                    if dot != last:  # each new dot along the line counts once, for the pattern
                        if count % every == 0:
                            dots.add(dot)
                        count += 1
                        last = dot
    return dots
