"""f and ∂f/∂NAME along one variable, as pieces of curve: where they are finite, and unbroken.

The curves are sampled by ``gradcli.evaluate`` itself (a plot needs hundreds
of points, not millions: 801 take about 20 ms, and NumPy is not needed), so
every number drawn is the one ``eval`` prints. Three things break a curve:

- a point where it is not finite (``log`` left of 0, ``1/x`` at 0): a gap;
- a jump between two samples that does not shrink when the interval is
  bisected down to adjacent doubles: a pole (``tan`` at π/2) or a step; the
  pieces are drawn right up to the last bisection points, and no line joins
  them;
- a kink: where the argument of a ``step`` or ``sign`` in an operation's
  partial (contract section 4: relu's is ``step(a)``, max's ``sign(a - b)``)
  changes sign. Found by bisection too, and marked with the op's convention;
  when the argument is exactly 0 at a double, the derivative drawn there is
  the convention's value.

Nothing recurses, and the work is linear in the number of samples.
"""

from __future__ import annotations

import itertools
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..api import Result, evaluate
from ..diagnostics import Diagnostic
from ..graph import Graph
from ..rules import walk
from ..syntax import Apply, Expr, Name

BISECTIONS = 64
"""Enough halvings to locate a kink to adjacent doubles in any interval (``midpoint``), and a jump to
within 2^-64 of the sample spacing."""

JUMP = 0.25
"""A change larger than this share of the visible height, between two samples, is looked at closely."""

MAX_KINKS = 50
"""Kinks located and marked at most (abs(sin(50x)) has hundreds)."""

Point = tuple[float, float]


@dataclass
class Kink:
    """Where an operation's derivative switches: the convention used at the switch."""

    x: float
    exact: bool  # the kink's argument is exactly 0 at x: the convention's value is drawn
    derivative: float  # ∂f/∂wrt at x
    value: float  # f at x
    op: str  # "relu", "max"
    snippet: str  # the program text of the node: "relu(x)"
    convention: str
    tie: bool  # a tie of max or min (two inputs), rather than a kink of one input


@dataclass
class Curves:
    """What a plot draws, in data coordinates."""

    variable: str
    wrt: str
    low: float
    high: float
    f: list[list[Point]] = field(default_factory=list)  # unbroken pieces of f
    df: list[list[Point]] = field(default_factory=list)  # unbroken pieces of ∂f/∂wrt
    kinks: list[Kink] = field(default_factory=list)
    more_kinks: bool = False  # more than MAX_KINKS were found
    nonfinite: int = 0  # samples where f or the derivative is not finite
    first_problem: tuple[float, Diagnostic] | None = None  # the first such sample and why
    visible: tuple[float, float] = (0.0, 1.0)  # the y range shown


class _Sampler:
    """Evaluates the program along the variable, with the other variables fixed."""

    def __init__(self, graph: Graph, variable: str, fixed: Mapping[str, float], wrt: str) -> None:
        self.graph = graph
        self.variable = variable
        self.fixed = dict(fixed)
        self.wrt = wrt
        live, needs = graph.live, graph.needs_grad
        # The nodes whose derivative can switch, each with the arguments of the step and sign calls in its partials.
        self.switches: list[tuple[int, list[Expr]]] = []
        for node, op in enumerate(graph.ops):
            if op.kinked and live[node] and needs[node] and graph.inputs[node]:
                args = [
                    call.args[0]
                    for expr in op.partial_exprs
                    for call in walk(expr)
                    if type(call) is Apply and call.op.name in ("step", "sign")
                ]
                if args:
                    self.switches.append((node, args))

    def at(self, x: float) -> Result:
        return evaluate(self.graph, {**self.fixed, self.variable: x}, wrt=[self.wrt])

    def signs(self, result: Result) -> list[float]:
        """The sign of every switch argument at a point: where one changes, a kink lies between."""
        found = []
        vals = result.values
        for node, args in self.switches:
            env = dict(zip(self.graph.ops[node].params, (vals[i] for i in self.graph.inputs[node])))
            env["out"] = vals[node]
            found += [_sign(_scalar(arg, env)) for arg in args]
        return found


def sample(
    graph: Graph, variable: str, low: float, high: float, fixed: Mapping[str, float], wrt: str, samples: int
) -> Curves:
    """f and ∂f/∂wrt at ``samples`` evenly spaced values of ``variable`` from ``low`` to ``high``."""
    sampler = _Sampler(graph, variable, fixed, wrt)
    step = (high - low) / (samples - 1)
    xs = [low + i * step for i in range(samples)]
    xs[-1] = high
    results = [sampler.at(x) for x in xs]
    curves = Curves(variable, wrt, low, high)
    for x, result in zip(xs, results):
        if result.error is not None:
            curves.nonfinite += 1
            if curves.first_problem is None:
                curves.first_problem = (x, result.error)
    fs = [r.value for r in results]
    dfs = [r.gradient[wrt] for r in results]
    curves.visible = visible_range(fs, dfs)
    span = curves.visible[1] - curves.visible[0]
    kinks = _kinks(sampler, xs, results, curves)
    # ∂f is broken at every kink (f only where it jumps); a kink exactly at a sample is
    # drawn as the convention's dot alone, so that no line joins it to either side.
    breaks = {i for i, _, _ in kinks} | {i - 1 for i, _, on_sample in kinks if on_sample}
    dropped = {i for i, _, on_sample in kinks if on_sample}
    df_kept = [math.nan if i in dropped else y for i, y in enumerate(dfs)]
    curves.f = _pieces(xs, fs, span, lambda x: sampler.at(x).value, set())
    curves.df = _pieces(xs, df_kept, span, lambda x: sampler.at(x).gradient[wrt], breaks)
    curves.kinks = [kink for _, kink, _ in kinks]
    return curves


def visible_range(fs: list[float], dfs: list[float]) -> tuple[float, float]:
    """The y range to show: both curves, unless outliers (a pole) would squash the rest.

    Each curve's range is all its finite values, or its 2nd to 98th
    percentiles when the extremes stretch it more than fourfold (the samples
    next to a pole). Where f has a pole, so has ∂f, steeper: there ∂f may
    widen f's range by at most half f's height on each side (tan's
    derivative, 1 + tan², would flatten tan); elsewhere both count in full.
    """
    f_range, df_range = _robust(fs), _robust(dfs)
    if f_range is None or df_range is None:
        low, high, _ = f_range or df_range or (-1.0, 1.0, False)
    else:
        low, high = min(f_range[0], df_range[0]), max(f_range[1], df_range[1])
        if f_range[2]:
            reach = (f_range[1] - f_range[0]) / 2
            low, high = max(low, f_range[0] - reach), min(high, f_range[1] + reach)
    if high - low < 1e-12 * max(1.0, abs(high)):  # a flat line: give it some room
        pad = max(1.0, abs(high)) * 0.5
        return low - pad, high + pad
    pad = (high - low) * 0.05
    return low - pad, high + pad


def _robust(values: list[float]) -> tuple[float, float, bool] | None:
    """(low, high, whether outliers were left out) of the finite values, or None if there are none."""
    finite = sorted(v for v in values if math.isfinite(v))
    if not finite:
        return None
    low, high = finite[0], finite[-1]
    if len(finite) >= 20:
        p_low, p_high = finite[len(finite) // 50], finite[-1 - len(finite) // 50]
        if high - low > 4 * (p_high - p_low) > 0:
            return p_low, p_high, True
    return low, high, False


def _kinks(sampler: _Sampler, xs: list[float], results: list[Result], curves: Curves) -> list[tuple[int, Kink, bool]]:
    """The kinks at or between the samples: (the sample interval it starts, the kink, whether at the sample)."""
    found: list[tuple[int, Kink, bool]] = []
    if not sampler.switches:
        return found
    signs = [sampler.signs(r) for r in results]
    for i in range(len(xs) - 1):
        for k, (left, right) in enumerate(zip(signs[i], signs[i + 1])):
            # Exactly 0 at a sample, with the sign changing around it (a run of zeros is a
            # tie all along, not a kink); or a change of sign between two samples.
            before = signs[i - 1][k] if i else right
            on_sample = left == 0 and before != 0 and right != 0
            if not on_sample and not left * right < 0:
                continue
            if len(found) == MAX_KINKS:
                curves.more_kinks = True
                return found
            x = xs[i] if on_sample else _bisect_sign(sampler, xs[i], xs[i + 1], k, left)
            kink = _kink_at(sampler, x, k)
            if not any(other.x == x and other.snippet == kink.snippet for _, other, _ in found):
                found.append((i, kink, on_sample))  # max's two partials hold the same sign(a - b): once
    return found


def midpoint(lo: float, hi: float) -> float:
    """The double halfway between lo and hi, counting the doubles between them (not their distance).

    So 64 halvings reach adjacent doubles from any interval; halving the
    distance, from -1 to 2 to reach 0, a kink of relu(x), would take over a thousand.
    """
    return _double((_count(lo) + _count(hi)) // 2)


_BITS, _INT = struct.Struct("<d"), struct.Struct("<q")
_SIGN = 1 << 63


def _count(x: float) -> int:
    """The doubles in order as whole numbers: 0.0 and -0.0 are 0, the next double up 1, the next down -1."""
    bits = _INT.unpack(_BITS.pack(x))[0]
    return bits if bits >= 0 else -(bits + _SIGN)


def _double(n: int) -> float:
    return _BITS.unpack(_INT.pack(n if n >= 0 else -n - _SIGN))[0]


def _bisect_sign(sampler: _Sampler, lo: float, hi: float, k: int, sign_lo: float) -> float:
    """The x in [lo, hi] where switch argument ``k`` changes sign (or is 0), to the last double."""
    for _ in range(BISECTIONS):
        mid = midpoint(lo, hi)
        if mid in (lo, hi):
            break
        s = sampler.signs(sampler.at(mid))[k]
        if s == 0:
            return mid
        if s == sign_lo:
            lo = mid
        else:
            hi = mid
    # No double makes the argument exactly 0: the kink lies between lo and hi; take the nearer to 0.
    return lo


def _kink_at(sampler: _Sampler, x: float, k: int) -> Kink:
    result = sampler.at(x)
    graph = sampler.graph
    # Switch argument k belongs to the node whose arguments' running count first passes k.
    ends = list(itertools.accumulate(len(args) for _, args in sampler.switches))
    node = sampler.switches[next(i for i, end in enumerate(ends) if k < end)][0]
    op = graph.ops[node]
    exact = sampler.signs(result)[k] == 0
    return Kink(
        x=x,
        exact=exact,
        derivative=result.gradient[sampler.wrt],
        value=result.value,
        op=op.name,
        snippet=graph.snippet(node),
        convention=op.convention or "",
        tie=op.arity == 2,
    )


def _pieces(xs: list[float], ys: list[float], span: float, at, breaks: set[int]) -> list[list[Point]]:
    """The curve (x, y) cut into pieces: at points that are not finite, at jumps, and after ``breaks``."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for i, (x, y) in enumerate(zip(xs, ys)):
        if not math.isfinite(y):
            if current:
                pieces.append(current)
            current = []
            continue
        if current and i - 1 in breaks:
            edge = _edge(xs[i - 1], current[-1][1], x, y, at, span, force=True)
            current.extend(edge[0])
            pieces.append(current)
            current = edge[1]
        elif current and abs(y - current[-1][1]) > JUMP * span:
            edge = _edge(xs[i - 1], current[-1][1], x, y, at, span, force=False)
            if edge is not None:  # a true jump or pole
                current.extend(edge[0])
                pieces.append(current)
                current = edge[1]
        current.append((x, y))
    if current:
        pieces.append(current)
    return pieces


def _edge(x0: float, y0: float, x1: float, y1: float, at, span: float, *, force: bool):
    """Bisect [x0, x1] to tell a jump from a steep climb; for a jump, the points on each side of it.

    Returns None when the curve is continuous there (it fills in steadily),
    else (points to add to the left piece, points to start the right piece).
    """
    lo, hi, ylo, yhi = x0, x1, y0, y1
    for _ in range(BISECTIONS):
        # Halving the distance, not the doubles (``midpoint``): counting doubles would step to x = 1e-308
        # beside a pole of 1/x at 0, where f is so large that the comparison of the sides below rounds away.
        mid = lo + (hi - lo) / 2
        if mid in (lo, hi):
            break
        ym = at(mid)
        if not math.isfinite(ym):
            # Not finite inside: a gap at a point between samples (1/x at 0 between them).
            return [(lo, ylo)] if lo != x0 else [], [(hi, yhi)] if hi != x1 else []
        if not force and max(abs(ym - ylo), abs(yhi - ym)) < JUMP * span / 8:
            return None  # the change spreads out: continuous
        if abs(ym - ylo) >= abs(yhi - ym):
            hi, yhi = mid, ym
        else:
            lo, ylo = mid, ym
    if not force and abs(yhi - ylo) < JUMP * span / 8:
        return None
    left = [(lo, ylo)] if lo != x0 else []
    right = [(hi, yhi)] if hi != x1 else []
    return left, right


def _scalar(expr: Expr, env: Mapping[str, float]) -> float:
    """An expression over a, b and out evaluated by the ops' scalar rules (no recursion)."""
    values: dict[int, float] = {}
    for node in walk(expr):
        if type(node) is Apply:
            values[id(node)] = node.op.forward(*(values[id(arg)] for arg in node.args))
        elif type(node) is Name:
            values[id(node)] = env[node.id]
        else:
            values[id(node)] = node.value
    return values[id(expr)]


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else math.nan
