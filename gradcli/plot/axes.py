"""Axes of a plot: "nice" tick values, and the mapping from data to picture coordinates.

Ticks are multiples of 1, 2 or 5 times a power of ten, about five to an
axis, as people draw them by hand; their labels go through the one number
formatter (``gradcli.numbers.fmt``). Lines are clipped to a box a little
larger than the plotting area before they are written, so a curve near a pole
(``tan`` at 1.6e16) never puts a huge coordinate in the file.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

Point = tuple[float, float]


def ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Nice values in [low, high]: the multiples of 1, 2 or 5 × 10^k that give nearest ``count`` ticks."""
    span = high - low
    if not span > 0 or not math.isfinite(span):
        return [low]
    power = math.floor(math.log10(span / count))
    best: tuple[int, float] | None = None
    for exponent in (power - 1, power, power + 1):
        for m in (1, 2, 5):
            step = m * 10.0**exponent
            n = math.floor(high / step + 1e-9) - math.ceil(low / step - 1e-9) + 1
            if best is None or abs(n - count) <= best[0]:  # on a tie, the larger step
                best = (abs(n - count), step)
    assert best is not None
    step = best[1]
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    # k·step rounded to the step's decimals, so that 0.1·3 prints as 0.3 and 0 is exactly 0.
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return [round(k * step, decimals) + 0.0 for k in range(first, last + 1)]


@dataclass(frozen=True)
class Frame:
    """The plotting area in the picture (pixels, y downwards) and the data range it shows."""

    left: float
    top: float
    width: float
    height: float
    x_low: float
    x_high: float
    y_low: float
    y_high: float

    def px(self, x: float) -> float:
        return self.left + (x - self.x_low) / (self.x_high - self.x_low) * self.width

    def py(self, y: float) -> float:
        return self.top + (self.y_high - y) / (self.y_high - self.y_low) * self.height

    def pixels(self, points: list[Point]) -> list[Point]:
        """The points in picture coordinates; y a million heights away is drawn as if there.

        The direction at the frame is the same to a millionth of a pixel, without huge numbers in the file.
        """
        span = self.y_high - self.y_low
        low, high = self.y_low - 1e6 * span, self.y_high + 1e6 * span
        return [(self.px(x), self.py(min(max(y, low), high))) for x, y in points]

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


def clip_polyline(points: list[Point], box: tuple[float, float, float, float]) -> list[list[Point]]:
    """The parts of a polyline inside ``box`` (x0, y0, x1, y1), each a polyline of its own."""
    parts: list[list[Point]] = []
    current: list[Point] = []
    for a, b in itertools.pairwise(points):
        segment = clip_segment(a, b, box)
        if segment is None:
            if current:
                parts.append(current)
            current = []
            continue
        start, end = segment
        if not current or current[-1] != start:
            if current:
                parts.append(current)
            current = [start]
        current.append(end)
    if current:
        parts.append(current)
    if len(points) == 1 and _inside(points[0], box):
        parts.append([points[0]])
    return parts


def clip_segment(a: Point, b: Point, box: tuple[float, float, float, float]) -> tuple[Point, Point] | None:
    """The part of segment ab inside the box (Liang–Barsky), or None."""
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    start = a if t0 == 0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    end = b if t1 == 1 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return start, end


def _inside(p: Point, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]
